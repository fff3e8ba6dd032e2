/**
 * The JSONPath subset AWS's `$input.path`/`$input.json` accept (Jayway semantics, no filters, never
 * evaluating code): `$`, `.name`, `['name']`, `[n]` (negative from the end), `[*]`/`.*`, `..name`,
 * `[a:b]`, `[n,m]`. A definite path yields one value (or undefined); an indefinite one a list.
 */

type Step =
  | { kind: "child"; name: string }
  | { kind: "index"; indexes: number[] }
  | { kind: "wildcard" }
  | { kind: "deep"; name: string | null }
  | { kind: "slice"; start?: number; end?: number };

export class JsonPathError extends Error {
  readonly code = "INVALID_JSONPATH";
}

export interface CompiledPath {
  readonly definite: boolean;
  /** The match (definite) or matches; a meter, when given, is charged for the nodes gone through. */
  evaluate(root: unknown, meter?: Meter): unknown;
}

/** What evaluation spends from (a mapping template's render budget): `..` on a big body is real work. */
export interface Meter {
  step(n?: number): void;
}

/** Nodes a path goes through (or yields) for one step of the meter: a few per evaluator step's time. */
const NODES_PER_STEP = 4;

const cache = new Map<string, CompiledPath>();

export function compileJsonPath(path: string): CompiledPath {
  const cached = cache.get(path);
  if (cached) return cached;
  const steps = parse(path.trim());
  const definite = steps.every((s) => s.kind === "child" || (s.kind === "index" && s.indexes.length === 1));
  const compiled: CompiledPath = {
    definite,
    evaluate(root, meter) {
      let current: unknown[] = [root];
      for (const step of steps) {
        current = current.flatMap((v) => apply(step, v, meter));
        meter?.step(1 + Math.floor(current.length / NODES_PER_STEP));
      }
      return definite ? current[0] : current;
    },
  };
  // Paths can carry request data (`$input.path("$.$input.params('f')")`): only short ones are kept.
  if (cache.size < 5000 && path.length <= 256) cache.set(path, compiled);
  return compiled;
}

function parse(path: string): Step[] {
  if (!path.startsWith("$")) throw new JsonPathError(`Invalid JSONPath ${path}: must start with $`);
  const steps: Step[] = [];
  let i = 1;
  const name = () => {
    const m = /^[^.[\]\s]+/.exec(path.slice(i));
    if (m === null) throw new JsonPathError(`Invalid JSONPath ${path} at ${i}`);
    i += m[0].length;
    return m[0];
  };
  while (i < path.length) {
    if (path.startsWith("..", i)) {
      i += 2;
      if (path[i] === "*") {
        i++;
        steps.push({ kind: "deep", name: null });
      } else steps.push({ kind: "deep", name: name() });
    } else if (path[i] === ".") {
      i++;
      if (path[i] === "*") {
        i++;
        steps.push({ kind: "wildcard" });
      } else steps.push({ kind: "child", name: name() });
    } else if (path[i] === "[") {
      const end = path.indexOf("]", i);
      if (end === -1) throw new JsonPathError(`Invalid JSONPath ${path}: unclosed [`);
      const inner = path.slice(i + 1, end).trim();
      i = end + 1;
      if (inner.startsWith("?") || inner.startsWith("("))
        throw new JsonPathError(`JSONPath filters and scripts are not supported: ${path}`);
      if (inner === "*") steps.push({ kind: "wildcard" });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: "child", name: inner.slice(1, -1) });
      else if (/^-?\d*:-?\d*$/.test(inner)) {
        const [a, b] = inner.split(":");
        steps.push({
          kind: "slice",
          start: a === "" ? undefined : Number(a),
          end: b === "" ? undefined : Number(b),
        });
      } else if (/^-?\d+(\s*,\s*-?\d+)*$/.test(inner))
        steps.push({ kind: "index", indexes: inner.split(",").map((n) => Number(n.trim())) });
      else throw new JsonPathError(`Invalid JSONPath ${path}: [${inner}]`);
    } else throw new JsonPathError(`Invalid JSONPath ${path} at ${i}`);
  }
  return steps;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function apply(step: Step, v: unknown, meter: Meter | undefined): unknown[] {
  switch (step.kind) {
    case "child":
      return isObj(v) && Object.hasOwn(v, step.name) ? [v[step.name]] : [];
    case "index":
      if (!Array.isArray(v)) return [];
      return step.indexes.flatMap((n) => {
        const i = n < 0 ? v.length + n : n;
        return i >= 0 && i < v.length ? [v[i]] : [];
      });
    case "wildcard":
      return Array.isArray(v) ? v : isObj(v) ? Object.values(v) : [];
    case "slice":
      return Array.isArray(v) ? v.slice(step.start, step.end) : [];
    case "deep": {
      const out: unknown[] = [];
      let visited = 0;
      const visit = (x: unknown) => {
        if (++visited % NODES_PER_STEP === 0) meter?.step();
        if (isObj(x)) {
          for (const [k, child] of Object.entries(x)) {
            if (step.name === null || k === step.name) out.push(child);
            visit(child);
          }
        } else if (Array.isArray(x)) for (const child of x) visit(child);
      };
      visit(v);
      return out;
    }
  }
}
