import { signRequest } from "../auth/sigv4/sign-request.ts";

/** Where the CLI finds a running gateway's admin API, and how it signs its calls. */
export interface AdminEndpoint {
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
}

export function adminEndpointFromEnv(flagUrl: string | undefined, env: NodeJS.ProcessEnv): AdminEndpoint {
  return {
    url: (flagUrl ?? env.PORTICO_ADMIN_URL ?? "http://127.0.0.1:8081").replace(/\/$/, ""),
    accessKeyId: env.AWS_ACCESS_KEY_ID ?? "test",
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "test",
    sessionToken: env.AWS_SESSION_TOKEN,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
  };
}

export class AdminCallError extends Error {
  readonly status: number;
  readonly type: string | undefined;

  constructor(status: number, type: string | undefined, message: string) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

/** One SigV4-signed admin call (service `apigateway`, as the AWS CLI signs it), answered in JSON. */
export async function callAdmin(
  endpoint: AdminEndpoint,
  method: string,
  path: string,
  body?: string,
): Promise<unknown> {
  const text = await callAdminRaw(endpoint, method, path, body);
  return text === "" ? undefined : JSON.parse(text);
}

/** The same call, returning the body as text (exports in YAML). */
export async function callAdminRaw(
  endpoint: AdminEndpoint,
  method: string,
  path: string,
  body?: string,
  accept?: string,
): Promise<string> {
  const url = `${endpoint.url}${path}`;
  const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
  if (accept !== undefined) headers.accept = accept;
  const signed = signRequest({
    method,
    url,
    headers,
    body,
    credentials: endpoint,
    region: endpoint.region,
    service: "apigateway",
  });
  let response: Response;
  try {
    response = await fetch(url, { method, headers: { ...headers, ...signed }, body });
  } catch (err) {
    throw new AdminCallError(
      0,
      undefined,
      `cannot reach the admin API at ${endpoint.url}: ${(err as Error).cause ?? err}`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    let message = response.statusText;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // not JSON: keep the status text
    }
    throw new AdminCallError(response.status, response.headers.get("x-amzn-errortype") ?? undefined, message);
  }
  return text;
}

/** Where the gateway serves an API (Portico's `GET /_portico/apis/{id}/endpoint`): the CLI prints it. */
export async function servedAt(
  endpoint: AdminEndpoint,
  apiId: string,
): Promise<{ apiType: "REST" | "HTTP" | "WEBSOCKET"; endpoint: string }> {
  return (await callAdmin(endpoint, "GET", `/_portico/apis/${encodeURIComponent(apiId)}/endpoint`)) as {
    apiType: "REST" | "HTTP" | "WEBSOCKET";
    endpoint: string;
  };
}
