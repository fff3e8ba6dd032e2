/**
 * Writes docs/admin-operations.md: every operation of `apigateway` and `apigatewayv2`, as the AWS SDK
 * lists them, with Portico's support, and STS's (served by src/sts/, not by routes). An operation is available because a route of the admin router's
 * tables (src/admin/create-admin-router.ts) serves it; PARTIAL says what an available one still lacks.
 * `node scripts/admin-operations.ts` regenerates the file; a test fails when it is stale, so a new SDK
 * operation or a new route cannot go unlisted. A route naming an operation the SDK lacks, or a note on
 * one no route serves, fails both.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { RouteTable } from "../src/admin/admin-router.ts";
import { type AwsService, SERVICE_ROUTES } from "../src/admin/create-admin-router.ts";
import { STS_ACTIONS } from "../src/sts/sts-service.ts";

/** What a served operation does not do (yet), keyed by operation name. */
export const PARTIAL: Readonly<Record<AwsService, Readonly<Record<string, string>>>> = {
  apigateway: {
    ImportRestApi: "the basepath, ignore and endpointConfigurationTypes parameters are not honoured yet",
    GetExport: "oas30 and swagger (JSON or YAML); no postman",
    UpdateStage:
      "variables, description, deploymentId, cache cluster, tracing, canary settings (`/canarySettings/*`, promotion by `copy`) and every method-settings path; not access-log paths",
    UpdateAccount: "cloudwatchRoleArn only",
    TestInvokeMethod: "runs the real pipeline; the execution log is shorter than AWS's",
    TestInvokeAuthorizer:
      "runs the real pipeline for a GET of pathWithQueryString; additionalContext is accepted and not used",
    GetUsage: "per-key daily counts and remaining quota; no pagination",
  },
  apigatewayv2: {
    CreateApi:
      "HTTP APIs incl. quick create; WEBSOCKET APIs with their routes, integrations, integration and route responses, models, stages and deployments (docs/admin-api.md#websocket-apis); quick create is HTTP-only, as in AWS",
  },
};

/** What the STS actions served do not do (yet). */
const STS_PARTIAL: Readonly<Record<string, string>> = {
  AssumeRole:
    "partial: inline session policies and session tags; no managed session policies (PolicyArns) and no MFA (SerialNumber/TokenCode are refused)",
};

export const SDK_PACKAGES: Readonly<Record<AwsService, string>> = {
  apigateway: "@aws-sdk/client-api-gateway",
  apigatewayv2: "@aws-sdk/client-apigatewayv2",
};

const require = createRequire(import.meta.url);

/** The operations of an SDK client package, by its command classes. */
export function sdkOperations(pkg: string): string[] {
  const dir = join(dirname(require.resolve(`${pkg}/package.json`)), "dist-types", "commands");
  return readdirSync(dir)
    .filter((f) => f.endsWith("Command.d.ts"))
    .map((f) => f.slice(0, -"Command.d.ts".length))
    .sort();
}

/**
 * Each operation's status: "supported" or "partial: …" when a route serves it, absent when none does.
 * Throws when a route names an operation the SDK lacks or a note names one no route serves.
 */
export function operationStatuses(
  service: string,
  routes: RouteTable,
  partial: Readonly<Record<string, string>>,
  operations: readonly string[],
): Map<string, string> {
  const known = new Set(operations);
  const served = new Set(routes.map((r) => r.operation));
  const problems = [
    ...[...served]
      .filter((op) => !known.has(op))
      .map((op) => `a route of ${service} names ${op}, which the SDK does not have`),
    ...Object.keys(partial)
      .filter((op) => !served.has(op))
      .map((op) => `the partial note on ${service} ${op} names an operation no route serves`),
  ];
  if (problems.length > 0) throw new Error(problems.join("; "));
  const statuses = new Map<string, string>();
  for (const op of served) {
    const note = partial[op];
    statuses.set(op, note === undefined ? "supported" : `partial: ${note}`);
  }
  return statuses;
}

export function renderOperationsTable(): string {
  const section = (title: string, service: AwsService) => {
    const names = sdkOperations(SDK_PACKAGES[service]);
    const statuses = operationStatuses(service, SERVICE_ROUTES[service], PARTIAL[service], names);
    const rows = names.map((n) => `| ${n} | ${statuses.get(n) ?? "not yet"} |`);
    return `## ${title}\n\n${statuses.size} of ${names.length} operations available.\n\n| operation | status |\n| --- | --- |\n${rows.join("\n")}\n`;
  };
  // STS is no route table: the Query protocol names its action in the body (src/sts/sts-service.ts).
  const stsNames = sdkOperations("@aws-sdk/client-sts");
  const stsUnknown = STS_ACTIONS.filter((a) => !stsNames.includes(a));
  if (stsUnknown.length > 0)
    throw new Error(`STS serves ${stsUnknown.join(", ")}, which the SDK does not have`);
  const stsRows = stsNames.map(
    (n) =>
      `| ${n} | ${(STS_ACTIONS as readonly string[]).includes(n) ? (STS_PARTIAL[n] ?? "supported") : "not yet"} |`,
  );
  const sts = `## sts (temporary credentials)\n\n${STS_ACTIONS.length} of ${stsNames.length} operations available, as \`@aws-sdk/client-sts\` lists them; "not yet" answers 400 \`InvalidAction\`.\n\n| operation | status |\n| --- | --- |\n${stsRows.join("\n")}\n`;
  return `# Admin API operations

Every operation of the two AWS services, as \`@aws-sdk/client-api-gateway\` and \`@aws-sdk/client-apigatewayv2\`
list them, and what Portico does with it: an operation is available when a route of the admin router serves it.
Generated from the router's tables by \`node scripts/admin-operations.ts\`; do not edit by hand.
"not yet" answers 404 \`NotFoundException\` (unknown operation). STS, on the same listener, is listed last.

${section("apigateway (REST APIs)", "apigateway")}
${section("apigatewayv2 (HTTP and WebSocket APIs)", "apigatewayv2")}
${sts}`;
}

if (import.meta.main) {
  writeFileSync(join(import.meta.dirname, "..", "docs", "admin-operations.md"), renderOperationsTable());
}
