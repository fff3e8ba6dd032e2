/**
 * Header lookups on `req.rawHeaders` (name, value, name, value, …), which the HTTP parser always
 * fills. Node builds `req.headers` from it on first access, at a cost (about a microsecond here)
 * that a cache hit or a MOCK answer need not pay for the three or four headers it reads.
 * `lowerName` must be lower case.
 */

/** The first value sent under the name, as Node keeps for `host` and `content-length`. */
export function firstHeader(raw: readonly string[], lowerName: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === lowerName.length && (name === lowerName || name.toLowerCase() === lowerName))
      return raw[i + 1];
  }
  return undefined;
}

/** Every value sent under the name, joined with ", " as Node joins a repeated header. */
export function joinedHeader(raw: readonly string[], lowerName: string): string | undefined {
  let joined: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === lowerName.length && (name === lowerName || name.toLowerCase() === lowerName))
      joined = joined === undefined ? raw[i + 1] : `${joined}, ${raw[i + 1]}`;
  }
  return joined;
}

/** Every value sent under the name, in order. */
export function headerValues(raw: readonly string[], lowerName: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === lowerName) out.push(raw[i + 1]!);
  return out;
}
