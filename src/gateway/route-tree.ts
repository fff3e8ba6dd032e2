/**
 * A path tree with AWS API Gateway's matching rules, shared by REST resources and HTTP API routes:
 * a literal segment beats `{param}`, which beats greedy `{proxy+}`, whatever the creation order;
 * an exact method beats `ANY`; and when a branch has no method for the verb the search backtracks,
 * so a greedy sibling catches methods missing on a literal one (AWS-BEHAVIOUR.md §2.1).
 * Built once per deployment; `match` allocates only the params object.
 */

interface MethodTable<T> {
  byMethod: Map<string, T>;
  any?: T;
}

interface TreeNode<T> {
  literals: Map<string, TreeNode<T>>;
  param?: { name: string; node: TreeNode<T> };
  greedy?: { name: string; methods: MethodTable<T> };
  methods?: MethodTable<T>;
}

export interface RouteMatch<T> {
  value: T;
  /** Raw (not URL-decoded) segment values, as AWS passes them on. */
  params: Record<string, string>;
}

export class RouteConflictError extends Error {
  readonly code = "ROUTE_CONFLICT";
}

const newNode = <T>(): TreeNode<T> => ({ literals: new Map() });

function pick<T>(table: MethodTable<T> | undefined, method: string): T | undefined {
  if (table === undefined) return undefined;
  return table.byMethod.get(method) ?? table.any;
}

function addMethod<T>(table: MethodTable<T>, method: string, value: T, path: string): void {
  if (method === "ANY") {
    if (table.any !== undefined) throw new RouteConflictError(`Duplicate route: ANY ${path}`);
    table.any = value;
    return;
  }
  if (table.byMethod.has(method)) throw new RouteConflictError(`Duplicate route: ${method} ${path}`);
  table.byMethod.set(method, value);
}

/** The params of a route without path variables; shared, so never written to. */
const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Non-empty path segments, raw. */
export function pathSegments(path: string): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < path.length) {
    let end = path.indexOf("/", start);
    if (end === -1) end = path.length;
    if (end > start) out.push(path.slice(start, end));
    start = end + 1;
  }
  return out;
}

export class RouteTree<T> {
  private readonly root: TreeNode<T> = newNode();

  /** Nodes of all-literal resource paths by their canonical path (`/a/b`): most requests need no walk. */
  private readonly literalPaths = new Map<string, TreeNode<T>>();

  /** `path` is a resource path such as `/pets/{id}` or `/files/{proxy+}`; `method` is upper case or `ANY`. */
  add(method: string, path: string, value: T): void {
    const parts = path.split("/").filter((p) => p !== "");
    let node = this.root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (part.startsWith("{") && part.endsWith("+}")) {
        if (i !== parts.length - 1)
          throw new RouteConflictError(`Greedy path variable must be last: ${path}`);
        const name = part.slice(1, -2);
        if (node.greedy !== undefined && node.greedy.name !== name) {
          throw new RouteConflictError(`Conflicting greedy variables at ${path}`);
        }
        node.greedy ??= { name, methods: { byMethod: new Map() } };
        addMethod(node.greedy.methods, method, value, path);
        return;
      }
      if (part.startsWith("{") && part.endsWith("}")) {
        const name = part.slice(1, -1);
        if (node.param !== undefined && node.param.name !== name) {
          throw new RouteConflictError(
            `Conflicting path variables {${node.param.name}} and {${name}} at ${path}`,
          );
        }
        node.param ??= { name, node: newNode() };
        node = node.param.node;
        continue;
      }
      let next = node.literals.get(part);
      if (next === undefined) {
        next = newNode();
        node.literals.set(part, next);
      }
      node = next;
    }
    node.methods ??= { byMethod: new Map() };
    addMethod(node.methods, method, value, path);
    if (!parts.some((p) => p.startsWith("{"))) this.literalPaths.set(`/${parts.join("/")}`, node);
  }

  /**
   * Matches a raw request path. A literal path with a method for the verb is what the walk would
   * find first (literals beat variables at every level), so it is looked up directly.
   */
  matchPath(method: string, path: string): RouteMatch<T> | undefined {
    const literal = this.literalPaths.get(path);
    if (literal !== undefined) {
      const value = pick(literal.methods, method);
      if (value !== undefined) return { value, params: NO_PARAMS };
    }
    return this.match(method, pathSegments(path), path);
  }

  /**
   * `segments` are the request path's non-empty segments, raw; `path`, when given, is the path they
   * came from, whose inner empty segments a greedy variable keeps.
   */
  match(method: string, segments: readonly string[], path?: string): RouteMatch<T> | undefined {
    const params: Record<string, string> = {};
    const value = walk(this.root, segments, 0, method, params, path);
    return value === undefined ? undefined : { value, params };
  }
}

function walk<T>(
  node: TreeNode<T>,
  segments: readonly string[],
  i: number,
  method: string,
  params: Record<string, string>,
  path: string | undefined,
): T | undefined {
  if (i === segments.length) return pick(node.methods, method);
  const segment = segments[i]!;
  const literal = node.literals.get(segment);
  if (literal !== undefined) {
    const found = walk(literal, segments, i + 1, method, params, path);
    if (found !== undefined) return found;
  }
  if (node.param !== undefined) {
    const found = walk(node.param.node, segments, i + 1, method, params, path);
    if (found !== undefined) {
      params[node.param.name] = segment;
      return found;
    }
  }
  if (node.greedy !== undefined) {
    const found = pick(node.greedy.methods, method);
    if (found !== undefined) {
      params[node.greedy.name] =
        i === segments.length - 1
          ? segment
          : path === undefined
            ? segments.slice(i).join("/")
            : greedyTail(path, i);
      return found;
    }
  }
  return undefined;
}

/**
 * The path from its `i`-th non-empty segment on, as sent: AWS keeps inner empty segments in a greedy
 * variable (`a//b`) and drops a trailing slash (recorded; AWS-BEHAVIOUR.md §12.1).
 */
function greedyTail(path: string, i: number): string {
  let start = 0;
  for (let seen = 0; ; seen++) {
    while (path.charCodeAt(start) === 47 /* / */) start++;
    if (seen === i) break;
    start = path.indexOf("/", start);
  }
  let end = path.length;
  while (end > start && path.charCodeAt(end - 1) === 47) end--;
  return path.slice(start, end);
}
