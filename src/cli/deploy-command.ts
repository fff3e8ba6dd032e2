import { stageUrl } from "../gateway/invoke-urls.ts";
import { adminEndpointFromEnv, callAdmin, servedAt } from "./admin-client.ts";
import { type Command, parseFlags } from "./flags.ts";
import { parseVariables } from "./variables.ts";

export const deployCommand: Command = {
  summary: "Deploy an API's current definition to a stage (CreateDeployment)",
  usage: `Usage: portico deploy --api-id ID --stage NAME [--type REST|HTTP] [--variables k=v,...] [--description TEXT]

  --admin-url URL   the gateway's admin API (PORTICO_ADMIN_URL, default http://127.0.0.1:8081)
`,
  async run(args, env) {
    const { values } = parseFlags(args, {
      "api-id": { type: "string" },
      stage: { type: "string" },
      type: { type: "string" },
      variables: { type: "string" },
      description: { type: "string" },
      "admin-url": { type: "string" },
    });
    const apiId = values["api-id"] as string | undefined;
    const stage = values.stage as string | undefined;
    if (apiId === undefined || stage === undefined)
      throw new Error("--api-id and --stage are required (see --help)");
    const endpoint = adminEndpointFromEnv(values["admin-url"] as string | undefined, env);
    const type = String(values.type ?? "REST").toUpperCase();
    if (type === "HTTP") {
      const d = (await callAdmin(
        endpoint,
        "POST",
        `/v2/apis/${apiId}/deployments`,
        JSON.stringify({ stageName: stage }),
      )) as {
        deploymentId: string;
      };
      const served = await servedAt(endpoint, apiId);
      process.stdout.write(
        `deployed ${d.deploymentId} to ${apiId} stage ${stage}: ${stageUrl(served.endpoint, served.apiType, stage)}\n`,
      );
      return 0;
    }
    const body = JSON.stringify({
      stageName: stage,
      description: values.description,
      variables: parseVariables(values.variables as string | undefined),
    });
    const d = (await callAdmin(endpoint, "POST", `/restapis/${apiId}/deployments`, body)) as { id: string };
    const served = await servedAt(endpoint, apiId);
    process.stdout.write(
      `deployed ${d.id} to ${apiId} stage ${stage}: ${stageUrl(served.endpoint, "REST", stage)}\n`,
    );
    return 0;
  },
};
