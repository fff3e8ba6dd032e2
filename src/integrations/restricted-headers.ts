import type { Integration } from "../model/rest-api.ts";

/**
 * Request headers an integration's parameter mapping may not set
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html):
 * mapping one makes every call of the method fail with 500, for every integration type (proxies
 * included, where other mappings are ignored); Lambda integrations refuse a few more.
 */
const RESTRICTED_ALWAYS = ["content-length", "transfer-encoding"];
const RESTRICTED_FOR_LAMBDA = [
  ...RESTRICTED_ALWAYS,
  "authorization",
  "connection",
  "expect",
  "proxy-authenticate",
  "te",
];

/** The first restricted header the integration maps, or undefined. */
export function restrictedHeaderMapping(integration: Integration): string | undefined {
  const restricted =
    integration.type === "AWS" || integration.type === "AWS_PROXY"
      ? RESTRICTED_FOR_LAMBDA
      : RESTRICTED_ALWAYS;
  for (const target of Object.keys(integration.requestParameters ?? {})) {
    if (!target.toLowerCase().startsWith("integration.request.header.")) continue;
    const name = target.slice("integration.request.header.".length);
    if (restricted.includes(name.toLowerCase())) return name;
  }
  return undefined;
}

/**
 * Mapped request headers an HTTP integration never sends: AWS leaves out a mapped `Connection`,
 * `Expect`, `Proxy-Authenticate`, `TE` and `Via` (recorded: they never reach the backend), the
 * framing headers are the HTTP client's own (Content-Length and Transfer-Encoding mappings fail the
 * call before this), and the trace and API id headers are the gateway's. A mapped `Upgrade` is sent
 * (raw-http-exchange.ts).
 */
export const CLIENT_OWNED_HEADERS: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "expect",
  "proxy-authenticate",
  "te",
  "via",
  "transfer-encoding",
  "content-length",
  "x-amzn-trace-id",
  "x-amzn-apigateway-api-id",
]);
