import { type AwsCredentials, signRequest } from "../auth/sigv4/index.ts";

/** A `services:` entry as the gateway was started with it. */
export interface ServiceEndpointConfig {
  readonly endpoint: string;
  readonly region?: string;
  readonly signingName?: string;
  readonly credentials?: AwsCredentials;
}

/** Where one AWS service's requests go and how they are signed; resolved once, at start. */
export interface ServiceEndpoint {
  readonly service: string;
  /** `http://host:port`, the connection pool's key. */
  readonly origin: string;
  /** The endpoint URL's path without its trailing slash (`""` for none): a prefix of every path. */
  readonly basePath: string;
  readonly host: string;
  /** The region to sign for when the service entry names none: the integration's own. */
  readonly region: string | undefined;
  readonly signingName: string;
  readonly credentials: AwsCredentials;
}

/** The configuration a service integration needs but does not have: `services.sqs.endpoint`. */
export function missingEndpoint(service: string): string {
  return `services.${service}.endpoint`;
}

/**
 * The configured AWS service endpoints. A service without its own credentials signs with the
 * gateway's default ones (the first `credentials:` entry, `test`/`test` unless configured) — the
 * same key Portico's remote Lambda functions sign with, and what LocalStack and its kin accept.
 */
export class ServiceEndpoints {
  private readonly byService = new Map<string, ServiceEndpoint>();

  constructor(
    config: Readonly<Record<string, ServiceEndpointConfig>> | undefined,
    defaultCredentials: AwsCredentials,
  ) {
    for (const [service, entry] of Object.entries(config ?? {})) {
      const url = new URL(entry.endpoint);
      this.byService.set(service, {
        service,
        origin: url.origin,
        basePath: url.pathname.replace(/\/+$/, ""),
        host: url.host,
        region: entry.region,
        signingName: entry.signingName ?? service,
        credentials: entry.credentials ?? defaultCredentials,
      });
    }
  }

  get(service: string): ServiceEndpoint | undefined {
    return this.byService.get(service);
  }
}

/** Signs one request to a service: the headers to add (Authorization, X-Amz-Date, …). */
export type ServiceSigner = (
  method: string,
  url: string,
  headers: readonly string[],
  body: Buffer | undefined,
  /** A region for this request only (an HTTP API subtype's `Region` parameter). */
  region?: string,
) => string[];

/**
 * A signer for an endpoint and region, made at compile time. Every header the request carries is
 * signed but for those the HTTP stack may rewrite (sign-request.ts) and Content-Length, which the
 * client leaves out of a body-less GET; the payload's SHA-256 goes in `X-Amz-Content-Sha256`, as
 * the SDKs send it (S3 requires it), so the body is covered all the same.
 */
export function serviceSigner(endpoint: ServiceEndpoint, region: string): ServiceSigner {
  const signingRegion = endpoint.region ?? region;
  return (method, url, headers, body, region) => {
    const record: Record<string, string> = {};
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i]!.toLowerCase();
      if (name === "content-length") continue;
      const value = headers[i + 1]!;
      record[name] = record[name] === undefined ? value : `${record[name]},${value}`;
    }
    const added = signRequest({
      method,
      url,
      headers: record,
      body: body ?? Buffer.alloc(0),
      credentials: endpoint.credentials,
      region: region ?? signingRegion,
      service: endpoint.signingName,
    });
    return Object.entries(added).flat();
  };
}
