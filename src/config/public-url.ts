/**
 * The data plane's public base URL (`listen.publicUrl`, `PORTICO_PUBLIC_URL`, `--public-url`): how
 * clients reach Portico behind a load balancer, and so what ApiEndpoint and every printed URL say.
 *
 * It is a template whose host starts with `{apiId}.`, e.g. `https://{apiId}.api.example.com`: one DNS
 * name per API, as AWS's `{api-id}.execute-api.{region}.amazonaws.com` (`{region}` may stand in the
 * rest of the host). Portico then also serves requests whose Host is `{api-id}.api.example.com`
 * (gateway/resolve.ts). A base without the API id in its host cannot work: an HTTP API's ApiEndpoint is
 * a base clients append `/{stage}/…` to, and path-style addressing puts `_user_request_` after the
 * stage; and a path prefix would reach Portico as part of the stage's path.
 */
export interface PublicUrl {
  scheme: "http" | "https";
  /** The host after the API id, lower case, `{region}` filled in: `.api.example.com`. */
  hostSuffix: string;
  /** `:8443`, or "" for the scheme's default port. */
  port: string;
}

const SHAPE = /^(https?):\/\/\{apiId\}(\.[^/?#:@]*)(?::(\d{1,5}))?\/?$/i;
const LABELS = /^(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
const EXAMPLES = "e.g. https://{apiId}.api.example.com or http://{apiId}.execute-api.{region}.localhost:8080";

/** The public URL `text` names, or why it cannot be one (a sentence for a config error). */
export function parsePublicUrl(text: string, region: string): PublicUrl | { problem: string } {
  const refuse = (why: string) => ({ problem: `${why} (got ${JSON.stringify(text)})` });
  if (!/^https?:\/\//i.test(text)) return refuse(`must be an http:// or https:// URL template, ${EXAMPLES}`);
  if (!/^https?:\/\/\{apiId\}\./i.test(text))
    return refuse(
      `its host must start with {apiId}. — one host name per API, as AWS's {api-id}.execute-api.{region}.amazonaws.com — ${EXAMPLES}`,
    );
  const m = SHAPE.exec(text);
  if (m === null)
    return refuse(
      "must be scheme://{apiId}.host[:port] with no path, query or fragment: each API's stages are served at the root of its host",
    );
  const scheme = m[1]!.toLowerCase() as "http" | "https";
  const hostSuffix = m[2]!.replaceAll("{region}", region).toLowerCase();
  if (!LABELS.test(hostSuffix)) return refuse("has an invalid host name after {apiId}");
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535)) return refuse("has a port outside 1–65535");
  const defaultPort = scheme === "https" ? 443 : 80;
  return { scheme, hostSuffix, port: port === undefined || port === defaultPort ? "" : `:${port}` };
}
