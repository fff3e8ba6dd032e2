import type { RouteListing } from "../control/control-plane.ts";
import { adminEndpointFromEnv, callAdmin } from "./admin-client.ts";
import { type Command, parseFlags } from "./flags.ts";

/** Rows as columns padded to their widest cell. */
function writeTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows)
    process.stdout.write(
      `${row
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd()}\n`,
    );
}

export const routesCommand: Command = {
  summary: "List every deployed route of a running gateway, and where each stage answers",
  usage: `Usage: portico routes [--admin-url URL] [--json]

  --admin-url URL   the gateway's admin API (PORTICO_ADMIN_URL, default http://127.0.0.1:8081)
  --json            print JSON instead of a table (each route with its stage's "url")
`,
  async run(args, env) {
    const { values } = parseFlags(args, { "admin-url": { type: "string" }, json: { type: "boolean" } });
    const endpoint = adminEndpointFromEnv(values["admin-url"] as string | undefined, env);
    const { routes } = (await callAdmin(endpoint, "GET", "/_portico/routes")) as { routes: RouteListing[] };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(routes, null, 2)}\n`);
      return 0;
    }
    if (routes.length === 0) {
      process.stdout.write("(nothing deployed)\n");
      return 0;
    }
    const rows = [["API", "TYPE", "STAGE", "METHOD", "PATH", "INTEGRATION"]];
    for (const r of routes)
      rows.push([`${r.apiId} (${r.apiName})`, r.apiType, r.stage, r.method, r.path, r.integration]);
    writeTable(rows);
    // Where each stage answers (the gateway's port or public URL): a route's path goes below it.
    const stages = new Map(routes.map((r) => [`${r.apiId} ${r.stage}`, [r.apiId, r.stage, r.url]]));
    process.stdout.write("\n");
    writeTable([["API", "STAGE", "URL"], ...stages.values()]);
    return 0;
  },
};
