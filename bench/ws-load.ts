/**
 * The WebSocket benchmark's load: ping-pong round trips on open connections, and `@connections`
 * POSTs (SigV4-signed) to connections that count what they receive.
 */
import { Agent } from "node:http";
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { Pool } from "undici";
import WebSocket from "ws";

export interface Figures {
  /** Round trips (or posts) per second. */
  rate: number;
  /** The 99th percentile round trip (or post), in ms. */
  p99: number;
  /** Posts refused, failed, or not delivered to their connection. */
  errors: number;
}

const percentile99 = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length * 0.99)] ?? 0;

/** `n` connections to `url` (with a Host header for Portico's APIs), all open. */
export function openClients(url: string, host: string | undefined, n: number): Promise<WebSocket[]> {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<WebSocket>((ok, fail) => {
          const ws = new WebSocket(url, host === undefined ? {} : { headers: { host } });
          ws.once("open", () => ok(ws));
          ws.once("error", fail);
        }),
    ),
  );
}

/**
 * Ping-pong on `n` connections for `ms`: each sends a message and waits for its answer, again and
 * again, so the rate is round trips per second.
 */
export async function pingPong(
  url: string,
  host: string | undefined,
  n: number,
  ms: number,
): Promise<Figures> {
  const latencies: number[] = [];
  let stop = false;
  const clients = await openClients(url, host, n);
  const done = clients.map(
    (ws) =>
      new Promise<void>((finish) => {
        let sent = performance.now();
        ws.on("message", () => {
          latencies.push(performance.now() - sent);
          if (stop) {
            finish();
            return;
          }
          sent = performance.now();
          ws.send('{"action":"echo","n":1}');
        });
        ws.send('{"action":"echo","n":1}');
      }),
  );
  await new Promise((r) => setTimeout(r, ms));
  stop = true;
  await Promise.race([Promise.all(done), new Promise((r) => setTimeout(r, 2000))]);
  for (const ws of clients) ws.terminate();
  return { rate: latencies.length / (ms / 1000), p99: percentile99(latencies), errors: 0 };
}

/** Where `@connections` is served: `http://host:port` and the path before `/@connections/{id}`. */
export interface ConnectionsEndpoint {
  readonly origin: string;
  readonly basePath: string;
}

const credentials = { accessKeyId: "test", secretAccessKey: "test" };

/**
 * Who sends the posts: the SDK's client (`sdk`); the SDK's signer and an undici pool, each post
 * signed (`undici`); or the same with each connection's post signed once per run and sent again and
 * again (`presigned`: SigV4 has no nonce, and the gateway still verifies every one), so that the load
 * generator, which shares the machine's two cores, spends its time sending rather than hashing.
 */
export type Poster = "sdk" | "undici" | "presigned";

/** Posts one message to a connection; resolves with the HTTP status. */
type Post = (connectionId: string, body: string) => Promise<number>;

function sdkPoster(endpoint: ConnectionsEndpoint, concurrency: number): { post: Post; close: () => void } {
  const client = new ApiGatewayManagementApiClient({
    endpoint: endpoint.origin + endpoint.basePath,
    region: "us-east-1",
    credentials,
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: concurrency }) },
  });
  const post: Post = async (ConnectionId, body) => {
    try {
      const out = await client.send(new PostToConnectionCommand({ ConnectionId, Data: body }));
      return out.$metadata.httpStatusCode ?? 200;
    } catch (err) {
      return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
    }
  };
  return { post, close: () => client.destroy() };
}

function undiciPoster(
  endpoint: ConnectionsEndpoint,
  concurrency: number,
  presigned: boolean,
): { post: Post; close: () => void } {
  const signer = new SignatureV4({
    service: "execute-api",
    region: "us-east-1",
    credentials,
    sha256: Hash.bind(null, "sha256"),
  });
  const url = new URL(endpoint.origin);
  const pool = new Pool(endpoint.origin, { connections: concurrency, pipelining: 1 });
  const signedFor = new Map<string, Record<string, string>>();
  const sign = async (path: string, body: string) => {
    const signed = await signer.sign({
      method: "POST",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path,
      query: {},
      headers: { host: url.host, "content-type": "application/json" },
      body,
    });
    return signed.headers;
  };
  const post: Post = async (id, body) => {
    const path = `${endpoint.basePath}/@connections/${encodeURIComponent(id)}`;
    let headers = presigned ? signedFor.get(id) : undefined;
    if (headers === undefined) {
      headers = await sign(path, body);
      if (presigned) signedFor.set(id, headers);
    }
    const answer = await pool.request({ method: "POST", path, headers, body });
    await answer.body.dump();
    return answer.statusCode;
  };
  return { post, close: () => void pool.close() };
}

/**
 * `@connections` POSTs for `ms`: `n` connections open (a message `{"action":"whoami"}` tells each
 * its id), and `concurrency` posts in flight at any moment, spread over them, each SigV4-signed
 * (`poster`: see Poster). Counts what the connections receive: a post answered 200 that never
 * arrives is an error.
 */
export async function postLoad(
  ws: { url: string; host: string | undefined },
  endpoint: ConnectionsEndpoint,
  n: number,
  concurrency: number,
  ms: number,
  poster: Poster,
): Promise<Figures> {
  const clients = await openClients(ws.url, ws.host, n);
  const ids = await Promise.all(
    clients.map(
      (c) =>
        new Promise<string>((ok) => {
          c.once("message", (data: Buffer) => ok(data.toString()));
          c.send('{"action":"whoami"}');
        }),
    ),
  );
  let received = 0;
  for (const c of clients) c.on("message", () => received++);
  const { post, close } =
    poster === "sdk"
      ? sdkPoster(endpoint, concurrency)
      : undiciPoster(endpoint, concurrency, poster === "presigned");
  const body = '{"push":1}';
  const latencies: number[] = [];
  let posted = 0;
  let errors = 0;
  let next = 0;
  let stop = false;
  const sender = async () => {
    while (!stop) {
      const id = ids[next++ % ids.length]!;
      const started = performance.now();
      const status = await post(id, body);
      latencies.push(performance.now() - started);
      if (status === 200) posted++;
      else errors++;
    }
  };
  const senders = Array.from({ length: concurrency }, sender);
  await new Promise((r) => setTimeout(r, ms));
  stop = true;
  await Promise.all(senders);
  const until = Date.now() + 2000;
  while (received < posted && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  for (const c of clients) c.terminate();
  close();
  return {
    rate: latencies.length / (ms / 1000),
    p99: percentile99(latencies),
    errors: errors + (posted - received),
  };
}
