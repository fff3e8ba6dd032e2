/**
 * RFC 3986 §5.2.4 remove_dot_segments on a request path, with `%2E` read as `.` (an encoded
 * unreserved character is the character, §6.2.2.2). AWS's edge resolves dot segments before API
 * Gateway routes a request, so `/prod/a/../b` is `/prod/b` and `/prod/../../etc/passwd` is
 * `/etc/passwd` (a stage that does not exist); routing, authorization and the backend URL all see
 * the resolved path. Encoded slashes (`%2F`) stay what they are: part of a segment.
 */
export function withoutDotSegments(path: string): string {
  // Most paths have no dot at all.
  if (!path.includes(".") && !path.includes("%2e") && !path.includes("%2E")) return path;
  const input = path.split("/");
  const out: string[] = [];
  for (let i = 0; i < input.length; i++) {
    const segment = input[i]!;
    const dots = dotSegment(segment);
    if (dots === 0) {
      out.push(segment);
      continue;
    }
    // The root (the empty text before the first slash) is never climbed out of.
    if (dots === 2 && out.length > 1) out.pop();
    // A dot segment at the end leaves the path ending in a slash: `/a/b/..` is `/a/`.
    if (i === input.length - 1) out.push("");
  }
  return out.join("/");
}

/** 1 for `.`, 2 for `..` (either spelled with `%2E`/`%2e`), else 0. */
export function dotSegment(segment: string): 0 | 1 | 2 {
  if (segment.length === 0 || segment.length > 6) return 0;
  const s = segment.replaceAll(/%2e/gi, ".");
  return s === "." ? 1 : s === ".." ? 2 : 0;
}
