import { validateHeaderName, validateHeaderValue } from "node:http";
import { RenderBudget } from "./vtl/budget.ts";
import { TemplateError } from "./vtl/errors.ts";
import { isNumber, JMap, numeric, toJavaString } from "./vtl/values.ts";

/**
 * `$context.requestOverride.{header,querystring,path}.N` and `$context.responseOverride.{status,
 * header.N}` (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-override-request-response-parameters.html):
 * maps in the request's `$context` that request and response templates write with `#set`, bracket
 * syntax or `.put`, and that the gateway applies once the template has rendered. They live as long
 * as the request's `$context`, so what the request template sets (any key) the response template
 * reads, and a response override set in the request template applies with no response template.
 */

/** An override map: "an override may only be applied to each parameter once", or the call fails (5XX). */
export class OverrideMap extends JMap {
  private readonly written = new Set<string>();

  /** An entry the gateway provides (the nested maps), which is not an override. */
  provide(key: string, value: unknown): this {
    super.set(key, value);
    return this;
  }

  override set(key: string, value: unknown): this {
    if (this.written.has(key))
      throw new TemplateError("TEMPLATE_RUNTIME", `Mapping template overrides "${key}" more than once`);
    this.written.add(key);
    return super.set(key, value);
  }
}

/** The `requestOverride` and `responseOverride` entries of a fresh `$context`. */
export function overrideEntries(): [string, JMap][] {
  return [
    [
      "requestOverride",
      new JMap([
        ["header", new OverrideMap()],
        ["querystring", new OverrideMap()],
        ["path", new OverrideMap()],
      ]),
    ],
    ["responseOverride", new OverrideMap().provide("header", new OverrideMap())],
  ];
}

export interface RequestOverrides {
  readonly header: readonly [string, string][];
  readonly querystring: readonly [string, string][];
  readonly path: readonly [string, string][];
}

const asMap = (v: unknown): JMap | undefined => (v instanceof JMap ? v : undefined);

/** A map's entries as text; null values are not overrides. */
function entries(map: JMap | undefined): [string, string][] {
  if (map === undefined || map.size === 0) return [];
  const budget = new RenderBudget();
  const out: [string, string][] = [];
  for (const [k, v] of map) if (v !== null && v !== undefined) out.push([k, toJavaString(v, budget)]);
  return out;
}

/** What the templates set under `$context.requestOverride`; undefined when nothing. */
export function requestOverrides(context: JMap | undefined): RequestOverrides | undefined {
  const o = asMap(context?.get("requestOverride"));
  if (o === undefined) return undefined;
  const result = {
    header: entries(asMap(o.get("header"))),
    querystring: entries(asMap(o.get("querystring"))),
    path: entries(asMap(o.get("path"))),
  };
  return result.header.length + result.querystring.length + result.path.length === 0 ? undefined : result;
}

/** Headers the gateway frames the response with itself: an override cannot replace them. */
const GATEWAY_OWNED = new Set(["content-length", "transfer-encoding", "connection", "keep-alive", "upgrade"]);

/** Whether a header can be sent as given (an override is the template's text, CR/LF and all). */
export function sendableHeader(name: string, value: string): boolean {
  if (GATEWAY_OWNED.has(name.toLowerCase())) return false;
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
    return true;
  } catch {
    return false;
  }
}

/** Sets `name` in a flat header list, replacing every entry of that name (case-insensitively). */
export function replaceHeader(headers: string[], name: string, value: string): void {
  const lower = name.toLowerCase();
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    if (headers[i]!.toLowerCase() === lower) headers.splice(i, 2);
  }
  headers.push(name, value);
}

/** `responseOverride.status` as AWS takes it: an integer 100–599 (a number or its digits), else ignored. */
function overrideStatus(v: unknown): number | undefined {
  let n: number | undefined;
  if (isNumber(v)) n = numeric(v);
  else if (typeof v === "string" && /^\s*\d{3}\s*$/.test(v)) n = Number(v);
  return n !== undefined && Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

/**
 * Applies `$context.responseOverride` to a method response: returns the status to send and sets the
 * overridden headers in `headers` (a flat list). `context` is the request's `$context` if a template
 * built it (none did: nothing to override).
 */
export function applyResponseOverride(context: JMap | undefined, status: number, headers: string[]): number {
  const o = asMap(context?.get("responseOverride"));
  if (o === undefined) return status;
  for (const [name, value] of entries(asMap(o.get("header")))) {
    if (sendableHeader(name, value)) replaceHeader(headers, name, value);
  }
  return overrideStatus(o.get("status")) ?? status;
}
