import { randomUUID } from "node:crypto";

/**
 * STS speaks AWS's Query protocol: form-encoded requests, XML answers in the
 * `https://sts.amazonaws.com/doc/2011-06-15/` namespace, `text/xml`, the request id in both the body
 * and `x-amzn-RequestId`.
 */
export const STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

/** What the admin listener writes for an STS request. */
export interface StsReply {
  readonly status: number;
  readonly body: string;
  readonly requestId: string;
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

export function xmlText(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** `<Name>text</Name>` for each defined field, in order. */
export function elements(fields: ReadonlyArray<readonly [string, string | number | undefined]>): string {
  return fields
    .filter(([, v]) => v !== undefined)
    .map(([name, v]) => `<${name}>${typeof v === "number" ? v : xmlText(v!)}</${name}>`)
    .join("");
}

/** `<{Action}Response><{Action}Result>…</{Action}Result><ResponseMetadata>…</ResponseMetadata></…>`. */
export function resultXml(action: string, result: string): StsReply {
  const requestId = randomUUID();
  const body =
    `<${action}Response xmlns="${STS_NAMESPACE}">\n` +
    `  <${action}Result>${result}</${action}Result>\n` +
    `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
    `</${action}Response>\n`;
  return { status: 200, body, requestId };
}

/** A refusal as STS sends it: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`. */
export function errorXml(status: number, code: string, message: string): StsReply {
  const requestId = randomUUID();
  const type = status >= 500 ? "Receiver" : "Sender";
  const body =
    `<ErrorResponse xmlns="${STS_NAMESPACE}">\n` +
    `  <Error>\n    <Type>${type}</Type>\n    <Code>${xmlText(code)}</Code>\n    <Message>${xmlText(message)}</Message>\n  </Error>\n` +
    `  <RequestId>${requestId}</RequestId>\n` +
    `</ErrorResponse>\n`;
  return { status, body, requestId };
}
