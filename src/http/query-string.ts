/**
 * Query-string helpers with AWS's decoding: values are form-decoded (`+` is a space, `%2B` is `+`),
 * and a malformed escape is kept as written rather than failing the request.
 */

export function formDecode(s: string): string {
  const plus = s.includes("+") ? s.replaceAll("+", " ") : s;
  if (!plus.includes("%")) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

/** Every value of `name` in order. */
export function queryValues(rawQuery: string, name: string): string[] {
  const out: string[] = [];
  if (rawQuery === "") return out;
  for (const pair of rawQuery.split("&")) {
    const eq = pair.indexOf("=");
    const key = formDecode(eq === -1 ? pair : pair.slice(0, eq));
    if (key === name) out.push(eq === -1 ? "" : formDecode(pair.slice(eq + 1)));
  }
  return out;
}

/** Removes the given names from a raw query string, keeping the rest byte-for-byte. */
export function withoutNames(rawQuery: string, names: ReadonlySet<string>): string {
  if (rawQuery === "" || names.size === 0) return rawQuery;
  return rawQuery
    .split("&")
    .filter((pair) => {
      const eq = pair.indexOf("=");
      return !names.has(formDecode(eq === -1 ? pair : pair.slice(0, eq)));
    })
    .join("&");
}

export function encodeQueryPair(name: string, value: string): string {
  return `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
}
