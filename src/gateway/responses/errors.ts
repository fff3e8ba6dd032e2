import { PayloadTooLargeError } from "../../http/request-body.ts";
import type { GatewayResponseType } from "./catalogue.ts";

/** Error codes that mean the backend did not answer in time (undici's, and raw-http-exchange's). */
const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "BACKEND_TIMEOUT"]);

/** The backend did not answer (or went quiet in the middle of its body) within the timeout. */
export class BackendTimeoutError extends Error {
  readonly code = "BACKEND_TIMEOUT";
}

/** The backend's answer was not HTTP the gateway can relay (a status beyond 599, a broken head): an integration failure. */
export class BadBackendResponseError extends Error {
  readonly code = "BAD_BACKEND_RESPONSE";
}

/** Maps a failed backend call to the gateway response AWS gives for it. */
export function gatewayResponseFor(err: unknown): GatewayResponseType {
  if (err instanceof PayloadTooLargeError) return "REQUEST_TOO_LARGE";
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && TIMEOUT_CODES.has(code)) return "INTEGRATION_TIMEOUT";
  return "INTEGRATION_FAILURE";
}
