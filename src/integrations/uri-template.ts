/**
 * Integration URIs compiled once per deployment. `{name}` takes a path parameter (mapped by
 * `integration.request.path.name`), `${stageVariables.name}` a stage variable; either may stand in
 * the host, the path or the query, as AWS allows.
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
  render(
    pathValue: (name: string) => string | undefined,
    stageVariables: Readonly<Record<string, string>>,
  ): TargetUrl;
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
      for (const part of parts) {
        if (part.kind === "text") url += part.text;
        else if (part.kind === "stage") url += stageVariables[part.name] ?? "";
        else url += pathValue(part.name) ?? "";
      }
      return splitUrl(url);
    },
  };
}
