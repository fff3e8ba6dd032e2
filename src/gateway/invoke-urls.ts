import type { PublicUrl } from "../config/public-url.ts";

export type ApiProtocol = "REST" | "HTTP" | "WEBSOCKET";

/**
 * The URLs that reach this gateway's APIs: HTTP and WebSocket APIs' ApiEndpoint, and what the CLI,
 * the start banner and the demo print. Computed when asked, never stored, so a new port or public URL
 * changes every answer (stored APIs keep AWS's `amazonaws.com` endpoint, which exports describe).
 *
 * Without a public URL: `http://{api-id}.execute-api.{region}.localhost:{port}`, the data plane's
 * actual port (`*.localhost` is loopback to curl and browsers; gateway/resolve.ts serves those hosts).
 * With one (`https://{apiId}.api.example.com`): that host, whose requests resolve.ts serves too.
 */
export class InvokeUrls {
  private readonly region: string;
  private readonly publicUrl: PublicUrl | undefined;
  private port = 0;
  private scheme: "http" | "https" = "http";

  constructor(region: string, publicUrl?: PublicUrl) {
    this.region = region;
    this.publicUrl = publicUrl;
  }

  /** The public host after `{apiId}`, when there is a public URL (for resolve.ts). */
  get publicHostSuffix(): string | undefined {
    return this.publicUrl?.hostSuffix;
  }

  /** The data plane listens on `port` (it may have been 0: any free port); `https` when on HTTPS only. */
  listening(port: number, scheme: "http" | "https" = "http"): void {
    this.port = port;
    this.scheme = scheme;
  }

  /** An API's base URL, no trailing slash: `http://a1b2c3d4e5.execute-api.us-east-1.localhost:8080`. */
  endpoint(apiId: string, protocol: ApiProtocol): string {
    const secure = (this.publicUrl?.scheme ?? this.scheme) === "https";
    const scheme = protocol === "WEBSOCKET" ? (secure ? "wss" : "ws") : secure ? "https" : "http";
    if (this.publicUrl !== undefined)
      return `${scheme}://${apiId}${this.publicUrl.hostSuffix}${this.publicUrl.port}`;
    const defaultPort = secure ? 443 : 80;
    return `${scheme}://${apiId}.execute-api.${this.region}.localhost${this.port === defaultPort ? "" : `:${this.port}`}`;
  }

  /** A stage's invoke URL (stageUrl). */
  stage(apiId: string, protocol: ApiProtocol, stageName: string): string {
    return stageUrl(this.endpoint(apiId, protocol), protocol, stageName);
  }
}

/**
 * A stage's invoke URL below an API's endpoint, as AWS's console shows it: REST and HTTP stages
 * `{endpoint}/{stage}/`, an HTTP API's `$default` stage `{endpoint}/`, a WebSocket stage
 * `{endpoint}/{stage}`.
 */
export function stageUrl(endpoint: string, protocol: ApiProtocol, stageName: string): string {
  if (protocol === "WEBSOCKET") return `${endpoint}/${stageName}`;
  if (protocol === "HTTP" && stageName === "$default") return `${endpoint}/`;
  return `${endpoint}/${stageName}/`;
}
