import { soapFaultTexts } from "../soap/soap-fault.ts";
import type { CompiledIntegrationResponse, ResponseSelector } from "./integration-responses.ts";
import type { BackendHeaders } from "./response-headers.ts";

/**
 * The integration response for an HTTP backend's answer. AWS's rule: the first `selectionPattern`
 * that matches the status code, else the default response
 * (https://docs.aws.amazon.com/apigateway/latest/api/API_IntegrationResponse.html: "For all other HTTP
 * and AWS back ends, the HTTP status code is matched").
 * Portico's addition, for SOAP backends, which answer every fault with the same 500: when that rule
 * has fallen to the default response and the body is a SOAP fault, a pattern may match the fault's
 * code or reason instead (soap/soap-fault.ts). Consulted only then, so whatever AWS would select,
 * and AWS's 500 for an answer no response takes, stay as they are.
 */
export function selectHttpResponse(
  selector: ResponseSelector,
  status: number,
  headers: BackendHeaders,
  body: Buffer,
): CompiledIntegrationResponse | undefined {
  const chosen = selector.select(String(status));
  if (chosen === undefined || chosen !== selector.fallback || !selector.patterned) return chosen;
  const type = headers["content-type"];
  const texts = soapFaultTexts(Array.isArray(type) ? type[0] : type, body);
  return (texts !== undefined && selector.selectByPattern(texts)) || chosen;
}
