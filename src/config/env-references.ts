import { type Document, isPair, isScalar, isSeq, type Node, type Pair, visit } from "yaml";

/**
 * `${env:NAME}` in a config file's string values: replaced by the environment variable NAME before
 * the file is validated, so one value (a backend's address, a secret) can come from where it is
 * decided — a launcher, a container's environment — instead of being written twice. Only that exact
 * form is replaced (`${stageVariables.x}`, `$request.body.x` and mapping templates are left alone);
 * keys are never replaced. A variable that is not set is a problem, reported where it is used; the
 * values themselves never appear in a problem (they may be secrets).
 */
const REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** `apis[0].variables.backend`, from the nodes above a value. */
function pathOf(ancestors: readonly (Document | Node | Pair)[], node: Node): string {
  let out = "";
  ancestors.forEach((a, i) => {
    if (isPair(a) && isScalar(a.key)) out += out === "" ? String(a.key.value) : `.${String(a.key.value)}`;
    else if (isSeq(a)) out += `[${a.items.indexOf((ancestors[i + 1] ?? node) as Node)}]`;
  });
  return out || "(top level)";
}

/**
 * Replaces every `${env:NAME}` in `doc`'s scalar values (in place); answers one problem per unset
 * variable, as `where(offset)` + `path: …`.
 */
export function substituteEnvReferences(
  doc: Document,
  env: Readonly<Record<string, string | undefined>>,
  where: (offset: number | undefined) => string,
): string[] {
  const problems: string[] = [];
  visit(doc, {
    Scalar(key, node, ancestors) {
      if (key === "key" || typeof node.value !== "string" || !node.value.includes("${env:")) return;
      const value = node.value.replace(REFERENCE, (whole, name: string) => {
        const set = env[name];
        if (set !== undefined) return set;
        problems.push(
          `${where(node.range?.[0])}: ${pathOf(ancestors, node)}: the environment variable ${name} is not set (${whole})`,
        );
        return whole;
      });
      node.value = value;
    },
  });
  return problems;
}
