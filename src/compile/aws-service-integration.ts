import type { IntegrationHandler } from "../gateway/context.ts";
import { parseAwsServiceArn } from "../integrations/aws-arn.ts";
import { jsonProtocol } from "../integrations/aws-protocols.ts";
import { backendSpec } from "../integrations/backend-target.ts";
import { plainHttpIntegration } from "../integrations/http-plain.ts";
import { compileRequestParameters } from "../integrations/request-parameters.ts";
import { missingEndpoint, type ServiceEndpoint, serviceSigner } from "../integrations/service-endpoints.ts";
import { subtypeIntegration } from "../integrations/service-subtype.ts";
import { SUBTYPES, subtypeProblem } from "../integrations/service-subtypes.ts";
import { compileUriTemplate } from "../integrations/uri-template.ts";
import type { HttpIntegration } from "../model/http-api.ts";
import type { Integration } from "../model/rest-api.ts";
import type { CompileDeps } from "./deps.ts";
import { nonProxyOptions } from "./non-proxy-options.ts";

/** Where a compiled integration serves, for the compile-time log line. */
export interface IntegrationPlace {
  readonly apiId: string;
  readonly stage: string;
  /** `POST /orders` (REST) or the route key (HTTP APIs). */
  readonly route: string;
}

/**
 * The service's endpoint, or a reason naming the missing configuration; said once, at compile
 * time, as a warning (each call then answers 500 and its own failure line).
 */
export function serviceEndpointFor(
  service: string,
  deps: CompileDeps,
  place: IntegrationPlace | undefined,
): ServiceEndpoint | { error: string } {
  const endpoint = deps.services?.get(service);
  if (endpoint !== undefined) return endpoint;
  const setting = missingEndpoint(service);
  const error = `No endpoint is configured for the AWS service ${service}: set ${setting} in the config file`;
  deps.warn?.(
    { ...place, service, missing: setting },
    `${place?.route ?? "an integration"} calls the AWS service ${service}, which has no endpoint: set ${setting}; the route answers 500`,
  );
  return { error };
}

/**
 * REST `type: AWS` to a service other than Lambda: the ARN's `path/…` becomes the endpoint's path
 * (`{name}` placeholders from `integration.request.path.*`), `action/{Action}` a POST to `/` with
 * `?Action={Action}` (and, for JSON-protocol services, X-Amz-Target); the request then runs as an
 * HTTP non-proxy integration — parameters, templates, passthrough, integration responses selected by
 * the service's status — and is signed with SigV4 for the service. An error reason for a URI or a
 * configuration that cannot work (AWS: 500 at invocation).
 */
export function compileAwsServiceIntegration(
  integration: Integration,
  deps: CompileDeps,
  binaryMediaTypes: readonly string[],
  place: IntegrationPlace | undefined,
): IntegrationHandler | { error: string } {
  if (integration.uri === undefined) return { error: "Integration has no uri" };
  const arn = parseAwsServiceArn(integration.uri);
  const endpoint = serviceEndpointFor(arn.service, deps, place);
  if ("error" in endpoint) return endpoint;
  const headers: string[] = [];
  let path: string;
  if (arn.kind === "action") {
    path = `/?Action=${encodeURIComponent(arn.target)}`;
    const json = jsonProtocol(arn.service);
    if (json !== undefined)
      headers.push("X-Amz-Target", `${json.targetPrefix}.${arn.target}`, "Content-Type", json.contentType);
  } else if (arn.subdomain !== undefined && arn.service === "s3") {
    // S3-compatible servers (MinIO, s3rver, LocalStack) address a bucket by path, which AWS also serves.
    path = `/${arn.subdomain}/${arn.target}`;
  } else {
    path = `/${arn.target}`;
  }
  if (arn.subdomain !== undefined && arn.service !== "s3")
    headers.push("Host", `${arn.subdomain}.${endpoint.host}`);
  const spec = backendSpec(
    compileUriTemplate(`${endpoint.origin}${endpoint.basePath}${path}`),
    integration.httpMethod,
    compileRequestParameters(integration.requestParameters),
    integration.timeoutInMillis ?? 29_000,
  );
  return plainHttpIntegration(
    {
      spec,
      ...nonProxyOptions(integration, deps.accountId, binaryMediaTypes),
      service: { headers, sign: serviceSigner(endpoint, arn.region || (deps.region ?? "us-east-1")) },
    },
    deps.upstreams,
  );
}

/**
 * An HTTP API `integrationSubtype` integration: its parameters and the service it calls are checked
 * and its signer made here; an error reason when it cannot run (AWS's import refuses most of these).
 */
export function compileSubtypeIntegration(
  integration: HttpIntegration,
  deps: CompileDeps,
  place: IntegrationPlace | undefined,
): IntegrationHandler | { error: string } {
  const name = integration.integrationSubtype!;
  const parameters = integration.requestParameters ?? {};
  const problem = subtypeProblem(name, parameters);
  if (problem !== undefined) return { error: problem };
  const subtype = SUBTYPES[name]!;
  const endpoint = serviceEndpointFor(subtype.service, deps, place);
  if ("error" in endpoint) return endpoint;
  return subtypeIntegration(
    {
      subtype,
      parameters,
      endpoint,
      sign: serviceSigner(endpoint, deps.region ?? "us-east-1"),
      timeoutMs: integration.timeoutInMillis,
    },
    deps.upstreams,
  );
}
