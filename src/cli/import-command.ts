import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { stageUrl } from "../gateway/invoke-urls.ts";
import { importHint } from "../openapi/template-placeholders.ts";
import { isWsdl, wsdlToOpenApi } from "../soap/wsdl/import-wsdl.ts";
import { isTemplate } from "../templates/template-kind.ts";
import { AdminCallError, adminEndpointFromEnv, callAdmin, servedAt } from "./admin-client.ts";
import { type Command, parseFlags } from "./flags.ts";
import { importTemplate } from "./import-template.ts";
import { parseParameterOverrides } from "./parameter-overrides.ts";
import { parseVariables } from "./variables.ts";

/** The admin API's refusal of an import, with a hint when the file holds template placeholders. */
async function withHint(text: string, call: Promise<unknown>): Promise<unknown> {
  try {
    return await call;
  } catch (err) {
    const hint = err instanceof AdminCallError ? importHint(text) : undefined;
    if (hint === undefined) throw err;
    throw new AdminCallError(
      (err as AdminCallError).status,
      (err as AdminCallError).type,
      `${(err as Error).message} (${hint})`,
    );
  }
}

const WSDL_FLAGS = ["endpoint", "soap-version", "service", "print-openapi"];

export const importCommand: Command = {
  summary:
    "Import an OpenAPI or WSDL file, or run a SAM/CloudFormation/serverless.yml template, in a running gateway",
  usage: `Usage: portico import FILE [--type REST|HTTP] [--stage NAME] [--api-id ID] [--variables k=v,...]
       portico import TEMPLATE [--parameter-overrides 'K=V …'] [--stack-name NAME] [--stage NAME]

  FILE              OpenAPI 3.0 or Swagger 2.0, YAML or JSON, with x-amazon-apigateway-* extensions;
                    or a WSDL 1.1/2.0 file (.wsdl, or XML with a definitions/description root): a REST
                    API with POST /{service}/{operation} taking and answering JSON, calling the SOAP
                    service (its XSD imports are read from files, relative to the WSDL)
  --type            REST (default) or HTTP (OpenAPI only)
  --stage NAME      deploy to this stage after importing (HTTP APIs: default $default)
  --api-id ID       overwrite this existing API instead of creating a new one
  --variables k=v   stage variables for the deployment, comma-separated
  --fail-on-warnings  refuse the import when AWS would warn
  --admin-url URL   the gateway's admin API (PORTICO_ADMIN_URL, default http://127.0.0.1:8081)

Templates (docs/templates.md): a SAM or CloudFormation template, a cdk.out folder or a serverless.yml
is read by the gateway from its own file system and run as at start: its functions in the gateway,
its APIs deployed, its API keys and usage plans created; importing the same path again replaces them.
  --parameter-overrides  the template's parameters, as sam deploy takes them
  --stack-name NAME      AWS::StackName (API ids derive from it)
  --stage NAME           serverless.yml's stage

WSDL only:
  --endpoint URL    call the service here instead of at the WSDL's soap:address
  --soap-version V  1.1 or 1.2: the port to use where a service has both (default 1.1)
  --service NAME    import only this service
  --print-openapi   print the generated OpenAPI document (JSON) instead of importing it
`,
  async run(args, env) {
    const { values, positionals } = parseFlags(
      args,
      {
        type: { type: "string" },
        stage: { type: "string" },
        "api-id": { type: "string" },
        variables: { type: "string" },
        "fail-on-warnings": { type: "boolean" },
        "admin-url": { type: "string" },
        endpoint: { type: "string" },
        "soap-version": { type: "string" },
        service: { type: "string" },
        "print-openapi": { type: "boolean" },
        "parameter-overrides": { type: "string" },
        "stack-name": { type: "string" },
      },
      true,
    );
    const file = positionals[0];
    if (file === undefined || positionals.length > 1)
      throw new Error("expected exactly one FILE (see --help)");
    if (
      isTemplate(file, existsSync(file) && statSync(file).isFile() ? await readFile(file, "utf8") : undefined)
    ) {
      const misplaced = ["type", "api-id", "variables", "fail-on-warnings", ...WSDL_FLAGS].find(
        (f) => values[f] !== undefined,
      );
      if (misplaced !== undefined) throw new Error(`--${misplaced} is not for templates, and ${file} is one`);
      const overrides = values["parameter-overrides"] as string | undefined;
      const parameters = overrides === undefined ? undefined : parseParameterOverrides(overrides);
      if (parameters !== undefined && "problem" in parameters)
        throw new Error(`--parameter-overrides: ${parameters.problem}`);
      return importTemplate(adminEndpointFromEnv(values["admin-url"] as string | undefined, env), file, {
        ...(parameters === undefined ? {} : { parameters: parameters as Record<string, string> }),
        ...(values["stack-name"] === undefined ? {} : { stackName: values["stack-name"] as string }),
        ...(values.stage === undefined ? {} : { stage: values.stage as string }),
      });
    }
    for (const f of ["parameter-overrides", "stack-name"])
      if (values[f] !== undefined) throw new Error(`--${f} is for templates, and ${file} is not one`);
    const type = String(values.type ?? "REST").toUpperCase();
    if (type !== "REST" && type !== "HTTP")
      throw new Error(`--type must be REST or HTTP (got ${values.type})`);
    const variables = parseVariables(values.variables as string | undefined);
    let text = await readFile(file, "utf8");
    const wsdlFlags = WSDL_FLAGS.filter((f) => values[f] !== undefined);
    if (isWsdl(file, text)) {
      if (type !== "REST")
        throw new Error(
          "a WSDL imports as a REST API (HTTP APIs have no mapping templates to turn JSON into SOAP)",
        );
      const soapVersion = values["soap-version"] as string | undefined;
      if (soapVersion !== undefined && soapVersion !== "1.1" && soapVersion !== "1.2")
        throw new Error(`--soap-version must be 1.1 or 1.2 (got ${soapVersion})`);
      const imported = await wsdlToOpenApi(file, {
        endpoint: values.endpoint as string | undefined,
        soapVersion,
        service: values.service as string | undefined,
      });
      for (const w of imported.warnings) process.stderr.write(`warning: ${w}\n`);
      if (values["print-openapi"]) {
        process.stdout.write(`${JSON.stringify(imported.document, null, 2)}\n`);
        return 0;
      }
      text = JSON.stringify(imported.document);
      for (const op of imported.operations)
        process.stdout.write(`POST ${op.path} → ${op.operation} (SOAP ${op.soapVersion}) at ${op.uri}\n`);
    } else if (wsdlFlags.length > 0) {
      throw new Error(`--${wsdlFlags[0]} is for WSDL files, and ${file} is not one`);
    }
    const endpoint = adminEndpointFromEnv(values["admin-url"] as string | undefined, env);
    const apiId = values["api-id"] as string | undefined;
    const warn = values["fail-on-warnings"] ? "&failonwarnings=true" : "";
    if (type === "REST") {
      const api = (await withHint(
        text,
        apiId === undefined
          ? callAdmin(endpoint, "POST", `/restapis?mode=import${warn}`, text)
          : callAdmin(endpoint, "PUT", `/restapis/${encodeURIComponent(apiId)}?mode=overwrite${warn}`, text),
      )) as {
        id: string;
        name: string;
        warnings?: string[];
      };
      for (const w of api.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
      process.stdout.write(`imported REST API ${api.id} (${api.name})\n`);
      const stage = values.stage as string | undefined;
      if (stage !== undefined) {
        const body = JSON.stringify({ stageName: stage, variables });
        const d = (await callAdmin(endpoint, "POST", `/restapis/${api.id}/deployments`, body)) as {
          id: string;
        };
        const served = await servedAt(endpoint, api.id);
        process.stdout.write(
          `deployed ${d.id} to stage ${stage}: ${stageUrl(served.endpoint, "REST", stage)}\n`,
        );
      }
      return 0;
    }
    const body = JSON.stringify({ body: text });
    const api = (await withHint(
      text,
      apiId === undefined
        ? callAdmin(endpoint, "PUT", "/v2/apis", body)
        : callAdmin(endpoint, "PUT", `/v2/apis/${encodeURIComponent(apiId)}`, body),
    )) as {
      apiId: string;
      name: string;
      apiEndpoint: string;
      warnings?: string[];
    };
    for (const w of api.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(`imported HTTP API ${api.apiId} (${api.name})\n`);
    const stage = (values.stage as string | undefined) ?? "$default";
    try {
      await callAdmin(
        endpoint,
        "POST",
        `/v2/apis/${api.apiId}/stages`,
        JSON.stringify({ stageName: stage, autoDeploy: true, stageVariables: variables }),
      );
    } catch (err) {
      // Reimport into an existing auto-deploy stage: the reimport already redeployed it.
      if (!(err instanceof AdminCallError && err.type === "ConflictException")) throw err;
    }
    // ApiEndpoint is where the gateway serves the API (its data plane's port, or its public URL).
    process.stdout.write(`deployed to stage ${stage}: ${stageUrl(api.apiEndpoint, "HTTP", stage)}\n`);
    return 0;
  },
};
