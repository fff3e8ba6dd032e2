/**
 * Integration URIs compiled once per deployment. `{name}` takes a path parameter (mapped by
 * `integration.request.path.name`), `${stageVariables.name}` a stage variable; either may stand in
 * the host, the path or the query, as AWS allows, and a stage variable may hold the whole URL. A
 * stage variable is read per request from the stage being served (a canary's overrides included);
 * one that is not set, or a result that is not an absolute http(s) URL, is a configuration error
 * (AWS's 500). A path parameter comes from the client, so before the query it may not hold a dot
 * segment, however spelled: with `http://backend/files/{proxy}`, `a/..%2F..%2Fsecret` would take a
 * backend that decodes before resolving out of `/files`. The request path's own dot segments were
 * resolved on arrival; what is left here is encoded slashes and values mapped from headers or the query.
 */

type Part = { kind: "text"; text: string } | { kind: "path"; name: string } | { kind: "stage"; name: string };

export interface TargetUrl {
  /** `http://host:port` */
  origin: string;
  /** `/path?query`, never empty. */
  pathAndQuery: string;
}

/** Why a URI could not be rendered: a path value walking the backend path, or a bad stage variable. */
export type RenderFailure = "unsafe-path" | "misconfigured";

export interface UriTemplate {
  readonly source: string;
  readonly pathNames: readonly string[];
  render(
    pathValue: (name: string) => string | undefined,
    stageVariables: Readonly<Record<string, string>>,
  ): TargetUrl | RenderFailure;
}

/** Whether a value holds `.` or `..` as a segment: raw, with `%2E`, or split at `%2F` or `%5C`. */
export function hasDotSegment(value: string): boolean {
  if (!value.includes(".") && !value.includes("%")) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    // Malformed escapes elsewhere in the value: decode just the ones that matter here.
    decoded = value.replaceAll(/%2e/gi, ".").replaceAll(/%2f/gi, "/").replaceAll(/%5c/gi, "\\");
  }
  for (const part of decoded.split(/[\\/]/)) if (part === "." || part === "..") return true;
  return false;
}

const PLACEHOLDER = /\$\{stageVariables\.([A-Za-z0-9_]+)\}|\{([A-Za-z0-9._-]+)\+?\}/g;
const STAGE_VARIABLE = /\$\{stageVariables\.([A-Za-z0-9_]+)\}/g;
/** `http(s)://host[:port]`: a DNS name or an IP literal, nothing the connection pool would refuse. */
const ORIGIN =
  /^https?:\/\/(?:[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/i;

/** Whether a rendered origin can be connected to: a scheme of http or https, a host, a port ≤ 65535. */
export function isValidOrigin(origin: string): boolean {
  const m = ORIGIN.exec(origin);
  return m !== null && (m[1] === undefined || Number(m[1]) <= 65_535);
}

/**
 * `${stageVariables.x}` replaced by the variables' values (Lambda ARNs, authorizer URIs);
 * undefined when one is not set.
 */
export function substituteStageVariables(
  text: string,
  variables: Readonly<Record<string, string>>,
): string | undefined {
  let missing = false;
  const out = text.replace(STAGE_VARIABLE, (_, name: string) => {
    const value = variables[name];
    if (value === undefined) missing = true;
    return value ?? "";
  });
  return missing ? undefined : out;
}

/**
 * PutIntegration's check of an HTTP/HTTP_PROXY URI. A placeholder may stand where a literal would
 * need other syntax (the scheme, the host, the port), so only what is literal is checked: a URI that
 * starts with a stage variable takes its scheme from it, and a placeholder in the host or port leaves
 * only the scheme to check. Everything else must parse as an http(s) URL.
 */
export function acceptsHttpUri(uri: string): boolean {
  if (uri.startsWith("${stageVariables.")) return /^\$\{stageVariables\.[A-Za-z0-9_]+\}/.test(uri);
  const m = /^https?:\/\/([^/?#]*)/i.exec(uri);
  if (m === null) return false;
  if (m[1]!.includes("{")) return m[1]!.length > 0;
  const probe = uri.replace(STAGE_VARIABLE, "sv").replace(/\{[^}]+\}/g, "p");
  try {
    const url = new URL(probe);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

export function splitUrl(url: string): TargetUrl {
  const schemeEnd = url.indexOf("://");
  const pathStart = url.indexOf("/", schemeEnd + 3);
  const queryStart = url.indexOf("?", schemeEnd + 3);
  const cut = pathStart === -1 ? queryStart : queryStart === -1 ? pathStart : Math.min(pathStart, queryStart);
  if (cut === -1) return { origin: url, pathAndQuery: "/" };
  const rest = url.slice(cut);
  return { origin: url.slice(0, cut), pathAndQuery: rest.startsWith("?") ? `/${rest}` : rest };
}

export function compileUriTemplate(uri: string): UriTemplate {
  const parts: Part[] = [];
  let last = 0;
  for (const m of uri.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push({ kind: "text", text: uri.slice(last, m.index) });
    if (m[1] !== undefined) parts.push({ kind: "stage", name: m[1] });
    else parts.push({ kind: "path", name: m[2]! });
    last = m.index + m[0].length;
  }
  if (last < uri.length) parts.push({ kind: "text", text: uri.slice(last) });
  const pathNames = parts.flatMap((p) => (p.kind === "path" ? [p.name] : []));

  if (parts.every((p) => p.kind === "text")) {
    const fixed = splitUrl(uri);
    return { source: uri, pathNames, render: () => fixed };
  }
  return {
    source: uri,
    pathNames,
    render(pathValue, stageVariables) {
      let url = "";
      let inQuery = false;
      for (const part of parts) {
        let text: string;
        if (part.kind === "text") text = part.text;
        else if (part.kind === "stage") {
          const value = stageVariables[part.name];
          if (value === undefined) return "misconfigured";
          // AWS's value alphabet allows a space, which no URL holds raw.
          text = value.replaceAll(" ", "%20");
        } else {
          text = pathValue(part.name) ?? "";
          if (!inQuery && hasDotSegment(text)) return "unsafe-path";
        }
        url += text;
        inQuery ||= text.includes("?");
      }
      const target = splitUrl(url);
      return isValidOrigin(target.origin) ? target : "misconfigured";
    },
  };
}
