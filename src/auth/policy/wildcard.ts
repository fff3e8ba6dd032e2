/**
 * IAM wildcards: `*` any run of characters, `?` exactly one. A pattern is split at its stars into
 * literal chunks once per policy; a value matches when the first chunk starts it, the last ends it
 * and the ones between occur in order. Taking each middle chunk at its leftmost place is always
 * right (it leaves the most room for the rest), so nothing is ever retried: the cost is linear in
 * the value for literal chunks and O(value × chunk / 32) for chunks with `?`, where a backtracking
 * regex would take exponential time on `*a*a*a*b` against a run of a's. A policy value can never
 * inject regex syntax either, as no regex is built.
 */
export function wildcardMatcher(pattern: string, ignoreCase = false): (value: string) => boolean {
  const source = ignoreCase ? pattern.toLowerCase() : pattern;
  const fold = ignoreCase ? (v: string) => v.toLowerCase() : (v: string) => v;
  if (!source.includes("*") && !source.includes("?")) return (v) => fold(v) === source;
  const parts = source.split("*");
  if (parts.length === 1)
    return (raw) => {
      const v = fold(raw);
      return v.length === source.length && fitsAt(source, v, 0, source.length);
    };
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const middle = parts
    .slice(1, -1)
    .filter((c) => c !== "")
    .map(chunkFinder);
  const fixed = first.length + last.length;
  return (raw) => {
    const v = fold(raw);
    if (v.length < fixed) return false;
    const end = v.length - last.length;
    if (!fitsAt(first, v, 0, first.length) || !fitsAt(last, v, end, last.length)) return false;
    let at = first.length;
    for (const find of middle) {
      const found = find(v, at, end);
      if (found === -1) return false;
      at = found;
    }
    return true;
  };
}

/** Whether `chunk` (with `?` for any one character) matches `v` at `at`; `length` is the chunk's. */
function fitsAt(chunk: string, v: string, at: number, length: number): boolean {
  if (at + length > v.length) return false;
  for (let i = 0; i < length; i++) {
    const c = chunk.charCodeAt(i);
    if (c !== 63 /* ? */ && c !== v.charCodeAt(at + i)) return false;
  }
  return true;
}

/** Where the chunk's leftmost occurrence within `v[from, end)` ends, or -1. */
type Finder = (v: string, from: number, end: number) => number;

/**
 * A literal chunk uses the engine's string search; one with `?` runs Shift-And: one pass over the
 * text, keeping a bit per chunk position for "the chunk's first j characters end here".
 */
function chunkFinder(chunk: string): Finder {
  if (!chunk.includes("?")) {
    return (v, from, end) => {
      const at = v.indexOf(chunk, from);
      return at === -1 || at + chunk.length > end ? -1 : at + chunk.length;
    };
  }
  const k = chunk.length;
  const words = Math.ceil(k / 32);
  const any = new Uint32Array(words);
  for (let j = 0; j < k; j++) if (chunk.charCodeAt(j) === 63) any[j >>> 5]! |= 1 << (j & 31);
  const masks = new Map<number, Uint32Array>();
  for (let j = 0; j < k; j++) {
    const c = chunk.charCodeAt(j);
    if (c === 63) continue;
    let mask = masks.get(c);
    if (mask === undefined) {
      mask = any.slice();
      masks.set(c, mask);
    }
    mask[j >>> 5]! |= 1 << (j & 31);
  }
  const lastWord = words - 1;
  const lastBit = (k - 1) & 31;
  return (v, from, end) => {
    const state = new Uint32Array(words);
    for (let t = from; t < end; t++) {
      const mask = masks.get(v.charCodeAt(t)) ?? any;
      let carry = 1;
      for (let w = 0; w < words; w++) {
        const s = state[w]!;
        state[w] = ((s << 1) | carry) & mask[w]!;
        carry = s >>> 31;
      }
      if ((state[lastWord]! >>> lastBit) & 1) return t + 1;
    }
    return -1;
  };
}
