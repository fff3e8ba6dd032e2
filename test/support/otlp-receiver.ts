import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One span as an OTLP/HTTP JSON export carries it, attributes flattened to plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, unknown>;
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  resource: Record<string, unknown>;
  scope: string;
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:{port}`: what OTEL_EXPORTER_OTLP_ENDPOINT names. */
  url: string;
  spans: ReceivedSpan[];
  /** Content types of the exports received (the exporter's protocol). */
  contentTypes: string[];
  /** Resolves with a trace's spans once at least `count` of them have arrived. */
  trace(traceId: string, count: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
type KeyValue = { key: string; value: AnyValue };

const plain = (v: AnyValue): unknown =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.doubleValue ?? v.boolValue));
const record = (kvs: KeyValue[] | undefined): Record<string, unknown> =>
  Object.fromEntries((kvs ?? []).map((kv) => [kv.key, plain(kv.value)]));

/**
 * A real OTLP/HTTP trace receiver on loopback: accepts `POST /v1/traces` with a JSON body, as an
 * OpenTelemetry collector does, and keeps every span it is sent.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const waiting = new Set<() => void>();
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    if (req.method !== "POST" || req.url !== "/v1/traces") {
      res.writeHead(404).end();
      return;
    }
    contentTypes.push(req.headers["content-type"] ?? "");
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
      resourceSpans: {
        resource?: { attributes?: KeyValue[] };
        scopeSpans: {
          scope?: { name?: string };
          spans: {
            traceId: string;
            spanId: string;
            parentSpanId?: string;
            name: string;
            kind: number;
            attributes?: KeyValue[];
            status?: { code?: number };
          }[];
        }[];
      }[];
    };
    for (const rs of body.resourceSpans) {
      const resource = record(rs.resource?.attributes);
      for (const ss of rs.scopeSpans)
        for (const s of ss.spans)
          spans.push({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ?? "",
            name: s.name,
            kind: s.kind,
            attributes: record(s.attributes),
            statusCode: s.status?.code ?? 0,
            resource,
            scope: ss.scope?.name ?? "",
          });
    }
    res.writeHead(200, { "Content-Type": "application/json" }).end("{}");
    for (const wake of waiting) wake();
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    trace(traceId, count) {
      const of = () => spans.filter((s) => s.traceId === traceId);
      if (of().length >= count) return Promise.resolve(of());
      return new Promise((resolve) => {
        const wake = () => {
          if (of().length < count) return;
          waiting.delete(wake);
          resolve(of());
        };
        waiting.add(wake);
      });
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
