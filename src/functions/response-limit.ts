import { AWS_QUOTAS } from "../model/aws-quotas.ts";

/**
 * Lambda's synchronous response limit: a result whose JSON is larger is not returned; the invocation
 * fails with this function error (for AWS_PROXY, API Gateway's 502), as Lambda answers it.
 */
const LIMIT = AWS_QUOTAS.lambdaResponseBytes;

export const RESPONSE_TOO_LARGE = {
  ok: false,
  errorType: "Function.ResponseSizeTooLarge",
  errorMessage: `Response payload size exceeded maximum allowed payload size (${LIMIT} bytes).`,
} as const;

/**
 * Whether a text's UTF-8 bytes exceed the limit, without counting them when its length alone
 * decides (a UTF-16 unit is one to three bytes).
 */
export function textTooLarge(text: string): boolean {
  if (text.length > LIMIT) return true;
  if (text.length * 3 <= LIMIT) return false;
  return Buffer.byteLength(text) > LIMIT;
}

/** Most a value of JSON besides its strings can add per node (a number, punctuation, quotes). */
const NODE_BYTES = 32;

/**
 * Whether a plain JSON value (see jsonCopy) serialises to more than the limit. Its strings' lengths
 * bound that from below (each unit at least a byte) and from above (at most six, `\u0000`), so the
 * value is serialised only when they do not decide: a result of a megabyte or more, whose size is
 * then measured as Lambda measures it.
 */
export function resultTooLarge(value: unknown): boolean {
  const size = { chars: 0, nodes: 0 };
  measure(value, size);
  if (size.chars > LIMIT) return true;
  if (size.chars * 6 + size.nodes * NODE_BYTES <= LIMIT) return false;
  return textTooLarge(JSON.stringify(value) ?? "null");
}

function measure(value: unknown, size: { chars: number; nodes: number }): void {
  size.nodes++;
  if (typeof value === "string") size.chars += value.length;
  else if (Array.isArray(value)) for (const v of value) measure(v, size);
  else if (typeof value === "object" && value !== null) {
    for (const key of Object.keys(value)) {
      size.chars += key.length;
      measure((value as Record<string, unknown>)[key], size);
    }
  }
}
