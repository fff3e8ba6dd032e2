import type { StoredPrincipal } from "../auth/iam/credential-store.ts";
import type { RequestContext } from "./context.ts";
import { methodArn } from "./method-arn.ts";
import type { GatewayResponse } from "./responses/catalogue.ts";
import { type Refusal, renderRefusal } from "./responses/catalogue.ts";
import { authenticateIam } from "./steps/iam.ts";

/**
 * The steps between routing and the integration, in AWS's order: IAM (SigV4), Lambda or JWT
 * authorizer, resource and identity policies, API key. Each step appends one line to `trace`, so a
 * user can see why a request was let through or refused (test-invoke-method, debug log).
 */
/** What a PRIVATE API answers to traffic that did not come through one of its VPC endpoints. */
const PRIVATE_FORBIDDEN: Refusal = {
  type: "ACCESS_DENIED",
  message: "Forbidden",
  errorType: "ForbiddenException",
};

export async function guardRequest(
  ctx: RequestContext,
  iam: boolean,
  trace: string[],
): Promise<GatewayResponse | undefined> {
  const { stage, route } = ctx;
  if (stage.privateEndpoint !== undefined) {
    const vpce = ctx.sourceVpce ?? stage.privateEndpoint.networks?.contextFor(ctx.clientIp)["aws:SourceVpce"];
    if (vpce === undefined) {
      trace.push(`Private endpoint: ${ctx.clientIp} is not in any configured VPC endpoint network`);
      return renderRefusal(ctx.stage.responses, PRIVATE_FORBIDDEN);
    }
    if (!stage.hasPolicy) {
      trace.push("Private endpoint: the API has no resource policy, so every call is denied");
      return renderRefusal(ctx.stage.responses, PRIVATE_FORBIDDEN);
    }
    trace.push(`Private endpoint: via ${vpce}`);
  }
  let caller: StoredPrincipal | undefined;
  if (iam) {
    if (stage.iam === undefined) return stage.responses.API_CONFIGURATION_ERROR;
    const authenticated = await authenticateIam(ctx, stage.iam);
    if (!authenticated.ok) {
      trace.push(
        `IAM: refused (${authenticated.response.errorType}): ${JSON.parse(authenticated.response.body).message}`,
      );
      return authenticated.response;
    }
    caller = authenticated.principal;
    ctx.caller = caller;
    trace.push(`IAM: signature verified for ${caller.principal.arn}`);
  }
  const lambdaAuthorizer = route.authorizationType === "CUSTOM";
  if (lambdaAuthorizer && stage.access !== undefined && stage.hasPolicy) {
    // AWS evaluates the resource policy before calling a Lambda authorizer, refusing only an explicit
    // deny; an allow from the authorizer then suffices where the resource policy is silent.
    const denied = stage.access(ctx, undefined, "explicitDenyOnly");
    if (denied !== undefined) {
      trace.push(`Policy (before the authorizer): ${JSON.parse(denied.body).Message}`);
      return denied;
    }
    trace.push("Policy (before the authorizer): no explicit deny");
  }
  if (lambdaAuthorizer || route.authorizationType === "COGNITO_USER_POOLS") {
    if (route.authorizer === undefined) return stage.responses.API_CONFIGURATION_ERROR;
    const arn = methodArn(
      {
        region: stage.iam?.region ?? "us-east-1",
        accountId: stage.iam?.accountId ?? "000000000000",
        apiId: stage.apiId,
        stageName: stage.stageName,
      },
      ctx.req.method ?? "GET",
      ctx.path,
    );
    const outcome = await route.authorizer(ctx, arn);
    if (!("allowed" in outcome)) {
      trace.push(`${route.authorizationType} authorizer: refused with ${outcome.statusCode} for ${arn}`);
      return outcome;
    }
    trace.push(
      `${route.authorizationType} authorizer: allowed ${arn} (${outcome.cached ? "cached result" : "evaluated"})`,
    );
    ctx.authorizer = outcome.value;
    ctx.usageIdentifierKey = outcome.usageIdentifierKey;
  }
  if (route.authorizationType === "JWT") {
    if (route.jwt === undefined) return stage.responses.API_CONFIGURATION_ERROR;
    const outcome = await route.jwt(ctx, route.authorizationScopes);
    if (!("allowed" in outcome)) {
      trace.push(`JWT authorizer: refused with ${outcome.statusCode}`);
      return outcome;
    }
    trace.push(`JWT authorizer: allowed subject ${String(outcome.claims.sub ?? "?")}`);
    ctx.authorizer = { jwt: { claims: outcome.claims, scopes: outcome.scopes } };
  }
  if (!lambdaAuthorizer && stage.access !== undefined && (stage.hasPolicy || caller !== undefined)) {
    const denied = stage.access(ctx, caller);
    if (denied !== undefined) {
      trace.push(`Policy: ${JSON.parse(denied.body).Message}`);
      return denied;
    }
    trace.push("Policy: allowed");
  }
  if (route.apiKeyRequired) {
    const header = ctx.req.headers["x-api-key"];
    const value = stage.apiKeySource === "AUTHORIZER" ? ctx.usageIdentifierKey : header;
    const key = stage.apiKeys?.authorize(
      Array.isArray(value) ? value[0] : value,
      stage.apiId,
      stage.stageName,
    );
    if (key === undefined) {
      trace.push("API key: missing, unknown, disabled or not in a usage plan for this stage");
      return stage.responses.INVALID_API_KEY;
    }
    trace.push(`API key: ${key.id} (usage plans ${key.usagePlanIds.join(", ")})`);
    ctx.apiKey = key;
  }
  return undefined;
}
