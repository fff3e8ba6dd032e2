import { request } from "undici";
import { signRequest } from "../auth/sigv4/sign-request.ts";
import { AWS_QUOTAS } from "../model/aws-quotas.ts";
import { within } from "./coarse-timers.ts";
import {
  eventFromPayload,
  type InvocationResult,
  MALFORMED_PROXY_RESPONSE,
  type ProxyOutcome,
  type TextInvocationResult,
} from "./invocation.ts";
import { type EventFacts, proxyEvent } from "./lambda-event.ts";
import { proxyResponse } from "./lambda-result.ts";
import { RESPONSE_TOO_LARGE } from "./response-limit.ts";

export interface RemoteFunctionSpec {
  /** Lambda API endpoint, e.g. `https://lambda.us-east-1.amazonaws.com` or an emulator's URL. */
  endpoint: string;
  region: string;
  functionName: string;
  timeoutMs: number;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * An Invoke answer's body, read no further than Lambda's response limit (undefined beyond it): an
 * emulator that does not enforce the limit cannot make the gateway hold a body of any size.
 */
async function boundedText(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > AWS_QUOTAS.lambdaResponseBytes) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A function served by a remote Lambda Invoke API (real AWS Lambda or an emulator): a SigV4-signed
 * `POST /2015-03-31/functions/{name}/invocations`. `X-Amz-Function-Error` marks a function error,
 * whose body is Lambda's `{errorMessage, errorType, stackTrace}`.
 */
export class RemoteFunction {
  readonly spec: RemoteFunctionSpec;

  constructor(spec: RemoteFunctionSpec) {
    this.spec = spec;
  }

  async invoke(_requestId: string, event: unknown): Promise<InvocationResult> {
    const { spec } = this;
    try {
      const url = `${spec.endpoint.replace(/\/$/, "")}/2015-03-31/functions/${encodeURIComponent(spec.functionName)}/invocations`;
      const body = JSON.stringify(event);
      const headers = { "content-type": "application/json", "x-amz-invocation-type": "RequestResponse" };
      const signed = signRequest({
        method: "POST",
        url,
        headers,
        body,
        credentials: spec.credentials,
        region: spec.region,
        service: "lambda",
      });
      const response = await request(url, {
        method: "POST",
        headers: { ...headers, ...signed },
        body,
        headersTimeout: spec.timeoutMs,
        bodyTimeout: spec.timeoutMs,
      });
      const text = await boundedText(response.body);
      if (text === undefined) return RESPONSE_TOO_LARGE;
      if (response.statusCode !== 200) {
        return {
          ok: false,
          errorType: "ServiceException",
          errorMessage: `Lambda Invoke answered ${response.statusCode}: ${text.slice(0, 200)}`,
        };
      }
      if (response.headers["x-amz-function-error"] !== undefined) {
        const err = (() => {
          try {
            return JSON.parse(text) as { errorMessage?: string; errorType?: string; stackTrace?: string[] };
          } catch {
            return {};
          }
        })();
        return {
          ok: false,
          errorType: err.errorType ?? "Unhandled",
          errorMessage: err.errorMessage ?? text,
          trace: err.stackTrace,
        };
      }
      return { ok: true, result: text === "" ? null : JSON.parse(text) };
    } catch (err) {
      return { ok: false, errorType: "ServiceException", errorMessage: (err as Error).message };
    }
  }

  async invokeText(requestId: string, payload: string): Promise<TextInvocationResult> {
    const outcome = await this.invoke(requestId, eventFromPayload(payload));
    return outcome.ok ? { ok: true, json: JSON.stringify(outcome.result ?? null) } : outcome;
  }

  invokeProxy(facts: EventFacts, timeoutMs: number, done: (outcome: ProxyOutcome) => void): void {
    within(this.invoke(facts.requestId, proxyEvent(facts)), timeoutMs).then((outcome) => {
      if (outcome === "timeout" || !outcome.ok) {
        done(outcome);
        return;
      }
      const response = proxyResponse(facts.route, outcome.result);
      done(response === undefined ? MALFORMED_PROXY_RESPONSE : { ok: true, response });
    });
  }

  async close(): Promise<void> {}
}
