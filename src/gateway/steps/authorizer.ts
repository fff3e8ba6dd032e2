import type { Step } from "../context.ts";
import { configurationFailure, failWith } from "../failure.ts";
import { methodArn } from "../method-arn.ts";

const NO_AUTHORIZER = configurationFailure("The method's authorizer does not exist in this deployment");

/**
 * REST Lambda (TOKEN/REQUEST) and Cognito authorizers, and HTTP API Lambda authorizers: the route's
 * compiled check decides for this request's method ARN; what it allows is kept for the integration
 * (`requestContext.authorizer`) and, with `apiKeySource: AUTHORIZER`, names the API key.
 */
export const authorizerStep: Step = {
  name: "authorizer",
  async run(ctx, trace) {
    const { stage, route } = ctx;
    if (route.authorizer === undefined) {
      failWith(ctx, NO_AUTHORIZER);
      return stage.responses.API_CONFIGURATION_ERROR;
    }
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
      trace?.push(`${route.authorizationType} authorizer: refused with ${outcome.statusCode} for ${arn}`);
      return outcome;
    }
    trace?.push(
      `${route.authorizationType} authorizer: allowed ${arn} (${outcome.cached ? "cached result" : "evaluated"})`,
    );
    ctx.authorizer = outcome.value;
    ctx.usageIdentifierKey = outcome.usageIdentifierKey;
    return undefined;
  },
};

/** HTTP API JWT authorizers: the token, then the route's scopes. */
export const jwtStep: Step = {
  name: "authorizer",
  async run(ctx, trace) {
    const { stage, route } = ctx;
    if (route.jwt === undefined) {
      failWith(ctx, NO_AUTHORIZER);
      return stage.responses.API_CONFIGURATION_ERROR;
    }
    const outcome = await route.jwt(ctx, route.authorizationScopes);
    if (!("allowed" in outcome)) {
      trace?.push(`JWT authorizer: refused with ${outcome.statusCode}`);
      return outcome;
    }
    trace?.push(`JWT authorizer: allowed subject ${String(outcome.claims.sub ?? "?")}`);
    ctx.authorizer = { jwt: { claims: outcome.claims, scopes: outcome.scopes } };
    return undefined;
  },
};
