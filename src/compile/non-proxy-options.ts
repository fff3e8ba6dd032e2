import { compileResponseSelector } from "../integrations/integration-responses.ts";
import { binaryMatcher } from "../integrations/lambda-proxy.ts";
import { TemplateSet } from "../mapping/template-set.ts";
import type { Integration } from "../model/rest-api.ts";

/**
 * What a non-proxy integration (HTTP, or AWS to a service) compiles from its definition besides its
 * target: integration responses, passthrough, request templates, content handling.
 */
export function nonProxyOptions(
  integration: Integration,
  accountId: string,
  binaryMediaTypes: readonly string[],
) {
  return {
    selector: compileResponseSelector(integration.integrationResponses),
    passthroughBehavior: integration.passthroughBehavior ?? "WHEN_NO_MATCH",
    requestTemplates: new TemplateSet(integration.requestTemplates),
    requestTemplateTypes: new Set(
      Object.keys(integration.requestTemplates ?? {}).map((t) => t.toLowerCase()),
    ),
    accountId,
    contentHandling: integration.contentHandling,
    isBinary: binaryMatcher(binaryMediaTypes),
  };
}
