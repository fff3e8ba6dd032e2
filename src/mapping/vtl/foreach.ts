import type { HostObject } from "./host-object.ts";
import { NO_METHOD } from "./java-methods.ts";
import { ElementMap, JMap } from "./values.ts";

/** A map's first `n` values: a loop never needs more, however large the map. */
function firstValues(map: JMap, n: number): unknown[] {
  const out: unknown[] = [];
  for (const v of map.values()) {
    if (out.length >= n) break;
    out.push(v);
  }
  return out;
}

/**
 * What `#foreach` goes through, as Velocity iterates a value: a map's values, a list's items, a
 * single value once, null not at all. A map gives at most `max` values. An XML element
 * (`$util.parseXml`, our addition) is a single value.
 */
export function foreachItems(source: unknown, max: number): unknown[] {
  if (source instanceof ElementMap) return [source];
  return source instanceof JMap
    ? firstValues(source, max)
    : Array.isArray(source)
      ? source
      : source === null || source === undefined
        ? []
        : [source];
}

/** `$foreach` inside a loop: where the iteration is. */
export class ForeachState implements HostObject {
  readonly vtlHost = true;
  index = 0;
  total: number;
  constructor(total: number) {
    this.total = total;
  }
  get(name: string): unknown {
    if (name === "index") return this.index;
    if (name === "count") return this.index + 1;
    if (name === "hasNext") return this.index + 1 < this.total;
    if (name === "first") return this.index === 0;
    if (name === "last") return this.index + 1 === this.total;
    return null;
  }
  call(name: string): unknown {
    return name === "hasNext" || name === "index" || name === "count" ? this.get(name) : NO_METHOD;
  }
}
