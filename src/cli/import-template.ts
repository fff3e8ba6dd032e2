import { resolve } from "node:path";
import { stageUrl } from "../gateway/invoke-urls.ts";
import { type AdminEndpoint, callAdmin, servedAt } from "./admin-client.ts";

interface Applied {
  apis: { logicalId: string; apiId: string; type: "REST" | "HTTP" | "WEBSOCKET"; stages: string[] }[];
  functions: string[];
  notices: { logicalId: string; path: string; message: string }[];
}

/**
 * `portico import template.yaml`: the running gateway reads the template from its file system and
 * runs it (functions, APIs, keys, usage plans); prints each API's stage URLs and each notice.
 */
export async function importTemplate(
  endpoint: AdminEndpoint,
  file: string,
  options: { parameters?: Record<string, string>; stackName?: string; stage?: string },
): Promise<number> {
  const applied = (await callAdmin(
    endpoint,
    "POST",
    "/_portico/templates",
    JSON.stringify({ template: resolve(file), ...options }),
  )) as Applied;
  for (const n of applied.notices) process.stderr.write(`warning: ${n.path}: ${n.message}\n`);
  for (const api of applied.apis) {
    const served = await servedAt(endpoint, api.apiId);
    const urls = api.stages.map((s) => stageUrl(served.endpoint, api.type, s));
    process.stdout.write(
      `${api.logicalId}: ${api.type} API ${api.apiId}${urls.length === 0 ? " (no stage)" : ` at ${urls.join(", ")}`}\n`,
    );
  }
  if (applied.functions.length > 0) process.stdout.write(`functions: ${applied.functions.join(", ")}\n`);
  return 0;
}
