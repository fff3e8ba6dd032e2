import { functionNameFromUri } from "../functions/function-registry.ts";
import type { IntegrationHandler } from "../gateway/context.ts";
import { configurationFailure, failWith } from "../gateway/failure.ts";
import { sendGatewayResponse } from "../gateway/responses/send.ts";
import { backendSpec } from "../integrations/backend-target.ts";
import { plainHttpIntegration } from "../integrations/http-plain.ts";
import { httpProxyIntegration } from "../integrations/http-proxy.ts";
import { compileResponseSelector } from "../integrations/integration-responses.ts";
import { lambdaAwsIntegration } from "../integrations/lambda-aws.ts";
import { acceptMatcher, binaryMatcher, lambdaProxyIntegration } from "../integrations/lambda-proxy.ts";
import { mockIntegration } from "../integrations/mock.ts";
import { compileRequestParameters } from "../integrations/request-parameters.ts";
import { restrictedHeaderMapping } from "../integrations/restricted-headers.ts";
import { compileUriTemplate, substituteStageVariables } from "../integrations/uri-template.ts";
import { TemplateSet } from "../mapping/template-set.ts";
import type { Integration } from "../model/rest-api.ts";
import { compileAwsServiceIntegration, type IntegrationPlace } from "./aws-service-integration.ts";
import type { CompileDeps } from "./deps.ts";
import { nonProxyOptions } from "./non-proxy-options.ts";

/**
 * Answers AWS's 500 for a method whose integration cannot run (missing, or a type Portico does not
 * call), recording why: the operational log, the execution log and test-invoke say it, never a
 * silent 500.
 */
export function configurationError(reason: string): IntegrationHandler {
  const cause = configurationFailure(reason);
  return async (ctx) => {
    failWith(ctx, cause);
    sendGatewayResponse(ctx.res, ctx.stage.apiType, ctx, ctx.stage.responses.API_CONFIGURATION_ERROR);
  };
}

/**
 * The function a Lambda integration's URI names once the stage's variables are in it
 * (`function:${stageVariables.fn}`, `function:name:${stageVariables.alias}`). A qualifier (alias or
 * version) names the same configured function: Portico runs one version of each. An error reason
 * when a variable is not set or the function is not configured; AWS answers such calls with 500.
 */
export function lambdaTarget(
  uri: string | undefined,
  variables: Readonly<Record<string, string>>,
  deps: CompileDeps,
): { name: string | undefined } | { error: string } {
  if (uri === undefined) return { name: undefined };
  const resolved = substituteStageVariables(uri, variables);
  if (resolved === undefined) return { error: "The integration URI names a stage variable that is not set" };
  const name = functionNameFromUri(resolved);
  if (name !== undefined && resolved !== uri && deps.functions?.get(name) === undefined)
    return { error: `The stage variables name the function ${name}, which is not configured` };
  return { name };
}

/**
 * Lambda's Invoke action is a POST: PutIntegration accepts another `integrationHttpMethod` for a
 * Lambda integration, but every call then fails with 500 (recorded; AWS-BEHAVIOUR.md §12.4), the
 * same 500 whether or not INTEGRATION_FAILURE is customised.
 */
function notInvokedWithPost(integration: Integration): string | undefined {
  const method = integration.httpMethod;
  if (method === undefined || method.toUpperCase() === "POST") return undefined;
  return `Lambda functions are invoked with POST, not the integration's httpMethod ${method}`;
}

/**
 * Compiles a REST integration into its request handler for a stage with these variables (a
 * canary's overrides included). Problems found here become a per-method configuration error rather
 * than failing the whole deployment, as a bad method does on AWS.
 */
export function compileRestIntegration(
  integration: Integration | undefined,
  deps: CompileDeps,
  binaryMediaTypes: readonly string[] = [],
  variables: Readonly<Record<string, string>> = {},
  place?: IntegrationPlace,
): IntegrationHandler {
  const { upstreams } = deps;
  if (integration === undefined) return configurationError("No integration defined for method");
  const restricted = restrictedHeaderMapping(integration);
  if (restricted !== undefined)
    return configurationError(`The integration maps the restricted request header ${restricted}`);
  try {
    switch (integration.type) {
      case "MOCK":
        return mockIntegration(
          integration.requestTemplates,
          compileResponseSelector(integration.integrationResponses),
          deps.accountId,
        );
      case "HTTP_PROXY":
      case "HTTP": {
        if (integration.uri === undefined) return configurationError("Integration has no uri");
        const spec = backendSpec(
          compileUriTemplate(integration.uri),
          integration.httpMethod,
          compileRequestParameters(integration.requestParameters),
          integration.timeoutInMillis ?? 29_000,
        );
        if (integration.type === "HTTP_PROXY") return httpProxyIntegration(spec, upstreams);
        return plainHttpIntegration(
          {
            spec,
            ...nonProxyOptions(integration, deps.accountId, binaryMediaTypes),
          },
          upstreams,
        );
      }
      case "AWS": {
        const target = lambdaTarget(integration.uri, variables, deps);
        if ("error" in target) return configurationError(target.error);
        const { name } = target;
        if (name === undefined) {
          const service = compileAwsServiceIntegration(integration, deps, binaryMediaTypes, place);
          return "error" in service ? configurationError(service.error) : service;
        }
        const notPost = notInvokedWithPost(integration);
        if (notPost !== undefined) return configurationError(notPost);
        return lambdaAwsIntegration({
          pool: deps.functions?.get(name),
          functionName: name,
          requestTemplates: new TemplateSet(integration.requestTemplates),
          requestTemplateTypes: new Set(
            Object.keys(integration.requestTemplates ?? {}).map((t) => t.toLowerCase()),
          ),
          passthroughBehavior: integration.passthroughBehavior ?? "WHEN_NO_MATCH",
          selector: compileResponseSelector(integration.integrationResponses),
          timeoutMs: integration.timeoutInMillis ?? 29_000,
          accountId: deps.accountId,
        });
      }
      case "AWS_PROXY": {
        const target = lambdaTarget(integration.uri, variables, deps);
        if ("error" in target) return configurationError(target.error);
        const { name } = target;
        if (name === undefined)
          return configurationError("AWS_PROXY integrations must name a Lambda function");
        const notPost = notInvokedWithPost(integration);
        if (notPost !== undefined) return configurationError(notPost);
        return lambdaProxyIntegration({
          pool: deps.functions?.get(name),
          functionName: name,
          payloadFormatVersion: "1.0",
          timeoutMs: integration.timeoutInMillis ?? 29_000,
          accountId: deps.accountId,
          isBinary: binaryMatcher(binaryMediaTypes),
          binaryResult: acceptMatcher(binaryMediaTypes),
        });
      }
      default:
        return configurationError(`Integration type ${integration.type} is not supported`);
    }
  } catch (err) {
    return configurationError((err as Error).message);
  }
}
