import { decodeJwt } from "jose";
import type { CompileDeps } from "../compile/deps.ts";
import {
  type FunctionInvoker,
  type FunctionLookup,
  functionNameFromUri,
} from "../functions/function-registry.ts";
import type { InvocationResult } from "../functions/invocation.ts";
import { DataPlane } from "../gateway/data-plane.ts";
import { substituteStageVariables } from "../integrations/uri-template.ts";
import type { Logger } from "../logger.ts";
import type { Method, RestApiDefinition } from "../model/rest-api.ts";
import { authorizerLog } from "./authorizer-test-log.ts";
import { badRequest, notFound } from "./errors.ts";
import { exchange } from "./in-process-exchange.ts";
import { testInvokeStage } from "./test-invoke-stage.ts";

export interface TestInvokeAuthorizerInput {
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  pathWithQueryString?: string;
  body?: string;
  stageVariables?: Record<string, string>;
  additionalContext?: Record<string, string>;
}

/** AWS's TestInvokeAuthorizerResponse. */
export interface TestInvokeAuthorizerResult {
  clientStatus: number;
  log: string;
  latency: number;
  principalId?: string;
  /** The policy document the function returned, as JSON text. */
  policy?: string;
  authorization?: Record<string, string[]>;
  claims?: Record<string, string>;
}

/**
 * The stage a test invocation runs on: AWS's test runs give Lambda authorizers a method ARN on
 * `ESTestInvoke-stage` (`arn:aws:execute-api:{region}:{account}:{api}/ESTestInvoke-stage/GET/`).
 */
const STAGE = "ESTestInvoke-stage";

/** Every request of the private API reaches a method guarded by the authorizer, answered by a MOCK. */
function guardedMethod(authorizerId: string, cognito: boolean): Method {
  return {
    httpMethod: "ANY",
    authorizationType: cognito ? "COGNITO_USER_POOLS" : "CUSTOM",
    authorizerId,
    apiKeyRequired: false,
    methodIntegration: {
      type: "MOCK",
      passthroughBehavior: "WHEN_NO_MATCH",
      timeoutInMillis: 29_000,
      cacheKeyParameters: [],
      integrationResponses: { "200": { statusCode: "200" } },
    },
  };
}

/** A view of the functions that records the authorizer function's one invocation. */
function recording(
  functions: FunctionLookup | undefined,
  seen: { invocation?: { event: unknown; outcome?: InvocationResult } },
): FunctionLookup {
  return {
    get(name) {
      const real = functions?.get(name);
      if (real === undefined) return undefined;
      const observed: FunctionInvoker = {
        invoke: async (requestId, event) => {
          const invocation: { event: unknown; outcome?: InvocationResult } = { event };
          seen.invocation = invocation;
          invocation.outcome = await real.invoke(requestId, event);
          return invocation.outcome;
        },
        invokeText: (requestId, payload) => real.invokeText(requestId, payload),
        invokeProxy: (facts, timeoutMs, done) => real.invokeProxy(facts, timeoutMs, done),
        close: async () => {},
      };
      return observed;
    },
  };
}

/** A string map member of the request, or absent; anything else is AWS's BadRequestException. */
export function checkTestInvokeAuthorizerInput(body: Record<string, unknown>): TestInvokeAuthorizerInput {
  const map = (name: string, list: boolean) => {
    const v = body[name];
    if (v === undefined || v === null) return undefined;
    const ok =
      typeof v === "object" &&
      !Array.isArray(v) &&
      Object.values(v).every((x) =>
        list ? Array.isArray(x) && x.every((s) => typeof s === "string") : typeof x === "string",
      );
    if (!ok)
      throw badRequest(`Invalid value for ${name}: expected a map of ${list ? "string lists" : "strings"}`);
    return v;
  };
  const text = (name: string) => {
    const v = body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") throw badRequest(`Invalid value for ${name}: expected a string`);
    return v;
  };
  const input: TestInvokeAuthorizerInput = {
    headers: map("headers", false) as Record<string, string> | undefined,
    multiValueHeaders: map("multiValueHeaders", true) as Record<string, string[]> | undefined,
    pathWithQueryString: text("pathWithQueryString"),
    body: text("body"),
    stageVariables: map("stageVariables", false) as Record<string, string> | undefined,
    additionalContext: map("additionalContext", false) as Record<string, string> | undefined,
  };
  const path = input.pathWithQueryString;
  // A path the request line cannot carry (spaces, controls) is refused rather than sent.
  if (path !== undefined && path !== "" && (!path.startsWith("/") || !/^[\x21-\x7e]*$/.test(path)))
    throw badRequest(
      `Invalid pathWithQueryString ${JSON.stringify(path)}: a URL path starting with /, percent-encoded`,
    );
  return input;
}

/**
 * TestInvokeAuthorizer: runs one of the API's authorizers (TOKEN and REQUEST Lambda authorizers,
 * COGNITO_USER_POOLS) of its *current* definition through the real data-plane pipeline, in process,
 * as TestInvokeMethod does: a private API whose every path is a GET method guarded by the authorizer
 * and answered by a MOCK, so `clientStatus` is what a client would have got (200 allowed, 401, 403 or
 * 500). The function's event and answer are recorded on the way for the log, `principalId` and
 * `policy`; a user pool's verified claims are `claims`. Nothing is cached, throttled or counted.
 */
export async function testInvokeAuthorizer(
  def: RestApiDefinition,
  authorizerId: string,
  input: TestInvokeAuthorizerInput,
  deps: { integrations: CompileDeps; log: Logger; region: string },
): Promise<TestInvokeAuthorizerResult> {
  const authorizer = def.authorizers?.[authorizerId];
  if (authorizer === undefined) throw notFound("Invalid Authorizer identifier specified");
  const cognito = authorizer.type === "COGNITO_USER_POOLS";
  const variables = input.stageVariables ?? {};
  const snapshot: RestApiDefinition = {
    // Only the authorizer is under test: no resource policy, private endpoint or disabled endpoint.
    api: {
      ...def.api,
      policy: undefined,
      endpointConfiguration: { types: ["REGIONAL"] },
      disableExecuteApiEndpoint: false,
    },
    resources: {
      root: { id: "root", path: "/", resourceMethods: { ANY: guardedMethod(authorizerId, cognito) } },
      proxy: {
        id: "proxy",
        parentId: "root",
        pathPart: "{proxy+}",
        path: "/{proxy+}",
        resourceMethods: { ANY: guardedMethod(authorizerId, cognito) },
      },
    },
    models: {},
    authorizers: { [authorizerId]: authorizer },
    ...(def.gatewayResponses === undefined ? {} : { gatewayResponses: def.gatewayResponses }),
  };
  const seen: { invocation?: { event: unknown; outcome?: InvocationResult } } = {};
  const stage = testInvokeStage(snapshot, STAGE, variables, {
    ...deps.integrations,
    functions: recording(deps.integrations.functions, seen),
    // A test run shares no results with the stages' caches, and takes no tokens.
    traffic: undefined,
    accountBucket: undefined,
    loggingWanted: undefined,
  });
  const plane = new DataPlane(deps.log, { exposeTrace: true });
  plane.install({
    apiId: def.api.id,
    apiType: "REST",
    stages: new Map([[STAGE, stage]]),
  });
  const path = input.pathWithQueryString || "/";
  const headers: Record<string, string | string[]> = { ...input.multiValueHeaders, ...input.headers };
  const started = performance.now();
  try {
    const response = await exchange(plane, {
      method: "GET",
      path: `/${STAGE}${path}`,
      headers: { ...headers, host: `${def.api.id}.execute-api.${deps.region}.localhost` },
    });
    const latency = Math.round(performance.now() - started);
    const traceHeader = response.headers["x-portico-trace"];
    const trace = typeof traceHeader === "string" ? (JSON.parse(traceHeader) as string[]) : [];
    const requestId = String(response.headers["x-amzn-requestid"] ?? "");
    const uri =
      authorizer.authorizerUri === undefined
        ? undefined
        : substituteStageVariables(authorizer.authorizerUri, variables);
    const functionArn = uri === undefined ? undefined : /functions\/(.+)\/invocations$/.exec(uri)?.[1];
    const name = uri === undefined ? undefined : functionNameFromUri(uri);
    const sources = (authorizer.identitySource ?? (cognito ? "method.request.header.Authorization" : ""))
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    const identity = new Map(sources.map((s) => [s, identityValue(s, headers, path, variables)]));
    const log = authorizerLog({
      requestId,
      authorizer,
      identity,
      region: deps.region,
      ...(functionArn === undefined ? {} : { functionArn }),
      ...(name !== undefined && deps.integrations.functions?.get(name) !== undefined
        ? { functionName: name }
        : {}),
      ...(seen.invocation === undefined ? {} : { invocation: seen.invocation }),
      status: response.statusCode,
      refusal: response.statusCode === 200 ? undefined : response.body,
      trace,
    });
    const result: TestInvokeAuthorizerResult = { clientStatus: response.statusCode, log, latency };
    const outcome = seen.invocation?.outcome;
    if (outcome?.ok === true && outcome.result !== null && typeof outcome.result === "object") {
      const r = outcome.result as { principalId?: unknown; policyDocument?: unknown; context?: unknown };
      if (r.principalId !== undefined && r.principalId !== null) result.principalId = String(r.principalId);
      if (r.policyDocument !== undefined) result.policy = JSON.stringify(r.policyDocument);
      if (r.context !== null && typeof r.context === "object")
        result.authorization = Object.fromEntries(
          Object.entries(r.context as object).map(([k, v]) => [k, [String(v)]]),
        );
    }
    if (cognito && response.statusCode === 200) {
      // The pipeline verified the token; its claims are what AWS returns, flattened to strings.
      const token = identity
        .get(sources[0]!)
        ?.replace(/^Bearer\s+/i, "")
        .trim();
      if (token) {
        const claims = decodeJwt(token); // verified above, so it decodes
        result.claims = Object.fromEntries(
          Object.entries(claims).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
        );
        if (typeof claims.sub === "string") result.principalId = claims.sub;
      }
    }
    return result;
  } finally {
    await plane.close(1_000);
  }
}

/** What an identity source read from the test request (for the log). */
function identityValue(
  source: string,
  headers: Readonly<Record<string, string | string[]>>,
  path: string,
  variables: Readonly<Record<string, string>>,
): string | undefined {
  if (source.startsWith("method.request.header.")) {
    const name = source.slice("method.request.header.".length).toLowerCase();
    const found = Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
    return Array.isArray(found) ? found.join(",") : found;
  }
  if (source.startsWith("method.request.querystring.")) {
    const query = new URLSearchParams(path.includes("?") ? path.slice(path.indexOf("?") + 1) : "");
    return query.getAll(source.slice("method.request.querystring.".length)).at(-1);
  }
  if (source.startsWith("stageVariables.")) return variables[source.slice("stageVariables.".length)];
  if (source === "context.stage") return STAGE;
  if (source === "context.httpMethod") return "GET";
  return undefined;
}
