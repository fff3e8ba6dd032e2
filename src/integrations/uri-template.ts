/**
 * Integration URIs compiled once per deployment. `{name}` takes a path parameter (mapped by
 * `integration.request.path.name`), `${stageVariables.name}` a stage variable; either may stand in
 * the host, the path or the query, as AWS allows. A path parameter comes from the client, so before
 * the query it may not hold a dot segment, however spelled: with `http://backend/files/{proxy}`,
 * `a/..%2F..%2Fsecret` would take a backend that decodes before resolving out of `/files`. The
 * request path's own dot segments were resolved on arrival; what is left here is encoded slashes
 * and values mapped from headers or the query.
 */

type Part = { kind: "text"; text: string } | { kind: "path"; name: string } | { kind: "stage"; name: string };

export interface TargetUrl {
  /** `http://host:port` */
  origin: string;
  /** `/path?query`, never empty. */
  pathAndQuery: string;
}

export interface UriTemplate {
  readonly source: string;
  readonly pathNames: readonly string[];
  /** Undefined when a path value would walk the backend path (see above). */
  render(
    pathValue: (name: string) => string | undefined,
    stageVariables: Readonly<Record<string, string>>,
  ): TargetUrl | undefined;
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
        else if (part.kind === "stage") text = stageVariables[part.name] ?? "";
        else {
          text = pathValue(part.name) ?? "";
          if (!inQuery && hasDotSegment(text)) return undefined;
        }
        url += text;
        inQuery ||= text.includes("?");
      }
      return splitUrl(url);
    },
  };
}
