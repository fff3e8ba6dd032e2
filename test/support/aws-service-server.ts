import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";

/**
 * A loopback stand-in for an AWS service endpoint that checks every request's SigV4 signature with
 * the AWS SDK's own signer (@smithy/signature-v4, not Portico's code): it re-signs the request as
 * received — the signed headers, the raw path, the query, the body — with the secret of the access
 * key it names, and refuses it with 403 unless the signatures agree.
 */

/** A request that passed the signature check. */
export interface ServiceCall {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
}

export interface ServiceReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

function decode(v: string): string {
  return decodeURIComponent(v);
}

/** The verdict on one request: its signing facts, or why the signature does not hold. */
export async function checkSignature(
  req: IncomingMessage,
  body: Buffer,
  secrets: Readonly<Record<string, string>>,
): Promise<{ accessKeyId: string; region: string; service: string; signedHeaders: string[] } | string> {
  const m = AUTH.exec(String(req.headers.authorization ?? ""));
  if (m === null) return "missing or malformed Authorization header";
  const [, accessKeyId, , region, service, signed, signature] = m as unknown as string[];
  const secret = secrets[accessKeyId!];
  if (secret === undefined) return `unknown access key ${accessKeyId}`;
  const amzDate = String(req.headers["x-amz-date"] ?? "");
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (date === null) return "missing X-Amz-Date";
  const signingDate = new Date(
    Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!),
  );
  const signedHeaders = signed!.split(";");
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const v = req.headers[name];
    if (v === undefined) return `signed header ${name} is missing`;
    headers[name] = Array.isArray(v) ? v.join(",") : v;
  }
  const rawUrl = req.url ?? "/";
  const q = rawUrl.indexOf("?");
  const query: Record<string, string | string[]> = {};
  for (const part of (q < 0 ? "" : rawUrl.slice(q + 1)).split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const k = decode(eq < 0 ? part : part.slice(0, eq));
    const v = eq < 0 ? "" : decode(part.slice(eq + 1));
    const prior = query[k];
    query[k] = prior === undefined ? v : [...(Array.isArray(prior) ? prior : [prior]), v];
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: accessKeyId!, secretAccessKey: secret },
    region: region!,
    service: service!,
    sha256: Hash.bind(null, "sha256"),
    uriEscapePath: service !== "s3",
    applyChecksum: false,
  });
  const host = headers.host ?? "";
  const signedRequest = await signer.sign(
    {
      method: req.method ?? "GET",
      protocol: "http:",
      hostname: host.replace(/:\d+$/, ""),
      path: q < 0 ? rawUrl : rawUrl.slice(0, q),
      query,
      headers,
      body,
    },
    { signingDate, signingRegion: region!, signingService: service! },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signedRequest.headers.authorization))?.[1];
  if (expected !== signature)
    return "The request signature we calculated does not match the signature you provided.";
  const payloadHash = req.headers["x-amz-content-sha256"];
  if (typeof payloadHash === "string" && payloadHash !== "UNSIGNED-PAYLOAD") {
    const { createHash } = await import("node:crypto");
    if (createHash("sha256").update(body).digest("hex") !== payloadHash)
      return "The provided 'x-amz-content-sha256' header does not match what was computed.";
  }
  return { accessKeyId: accessKeyId!, region: region!, service: service!, signedHeaders };
}

export interface ServiceServer {
  readonly url: string;
  readonly calls: ServiceCall[];
  /** Why refused requests were refused. */
  readonly refused: string[];
  close(): Promise<void>;
}

/** Starts the stand-in on a loopback port; `answer` plays the service for requests that verify. */
export async function startServiceServer(
  secrets: Readonly<Record<string, string>>,
  answer: (call: ServiceCall) => ServiceReply | Promise<ServiceReply>,
): Promise<ServiceServer> {
  const calls: ServiceCall[] = [];
  const refused: string[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const verdict = await checkSignature(req, body, secrets);
    if (typeof verdict === "string") {
      refused.push(verdict);
      res.writeHead(403, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify({ __type: "InvalidSignatureException", message: verdict }));
      return;
    }
    const call: ServiceCall = {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      headers: req.headers,
      body,
      ...verdict,
    };
    calls.push(call);
    try {
      const reply = await answer(call);
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? "");
    } catch (err) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
