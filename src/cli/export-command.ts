import { writeFile } from "node:fs/promises";
import { adminEndpointFromEnv, callAdminRaw } from "./admin-client.ts";
import { type Command, parseFlags } from "./flags.ts";

export const exportCommand: Command = {
  summary: "Export a deployed API as OpenAPI (GetExport / ExportApi)",
  usage: `Usage: portico export --api-id ID [--stage NAME] [--type REST|HTTP] [--format oas30|swagger] [--yaml] [--extensions LIST] [--out FILE]

  --api-id ID        the API to export
  --stage NAME       REST: the stage whose deployment is exported (required); HTTP: optional
  --type             REST (default) or HTTP
  --format           REST: oas30 (default) or swagger
  --extensions LIST  REST: integrations, authorizers, apigateway (default apigateway); HTTP: any value keeps them
  --yaml             YAML instead of JSON
  --out FILE         write to FILE instead of standard output
  --admin-url URL    the gateway's admin API (PORTICO_ADMIN_URL, default http://127.0.0.1:8081)
`,
  async run(args, env) {
    const { values } = parseFlags(args, {
      "api-id": { type: "string" },
      stage: { type: "string" },
      type: { type: "string" },
      format: { type: "string" },
      extensions: { type: "string" },
      yaml: { type: "boolean" },
      out: { type: "string" },
      "admin-url": { type: "string" },
    });
    const apiId = values["api-id"] as string | undefined;
    if (apiId === undefined) throw new Error("--api-id is required (see --help)");
    const endpoint = adminEndpointFromEnv(values["admin-url"] as string | undefined, env);
    const stage = values.stage as string | undefined;
    const type = String(values.type ?? "REST").toUpperCase();
    let text: string;
    if (type === "HTTP") {
      const query = new URLSearchParams({
        outputType: values.yaml ? "YAML" : "JSON",
        includeExtensions: "true",
      });
      if (stage) query.set("stageName", stage);
      text = await callAdminRaw(
        endpoint,
        "GET",
        `/v2/apis/${encodeURIComponent(apiId)}/exports/OAS30?${query}`,
      );
    } else {
      if (stage === undefined) throw new Error("--stage is required for REST APIs (see --help)");
      const format = String(values.format ?? "oas30");
      const query = new URLSearchParams({ extensions: String(values.extensions ?? "apigateway") });
      text = await callAdminRaw(
        endpoint,
        "GET",
        `/restapis/${encodeURIComponent(apiId)}/stages/${encodeURIComponent(stage)}/exports/${encodeURIComponent(format)}?${query}`,
        undefined,
        values.yaml ? "application/yaml" : "application/json",
      );
    }
    if (values.out) await writeFile(values.out as string, text);
    else process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    return 0;
  },
};
