import { AWS_QUOTAS } from "../../model/aws-quotas.ts";
import { DEFAULT_LIMITS, type Limits, RenderBudget } from "./budget.ts";
import { TemplateError } from "./errors.ts";
import { Renderer } from "./evaluator.ts";
import { parseTemplate } from "./parse.ts";

/** AWS's mapping-template size limit. */
export const MAX_TEMPLATE_BYTES = AWS_QUOTAS.mappingTemplateBytes;

export interface CompiledTemplate {
  readonly source: string;
  /** The top-level variables the template may reference (`$input`, `$context`, …): a superset. */
  readonly uses: ReadonlySet<string>;
  /** The output, when the template has no directive or reference at all (it renders as itself). */
  readonly constant?: string;
  /**
   * Renders with the given variables ($input, $util, $context, …), each render with a fresh budget
   * (budget.ts); throws TemplateError past a limit, never anything else.
   */
  render(variables: Readonly<Record<string, unknown>>): string;
}

/** Parses a mapping template once (deploy time); each render is a fresh, sandboxed evaluation. */
export function compileTemplate(source: string, limits: Limits = DEFAULT_LIMITS): CompiledTemplate {
  if (Buffer.byteLength(source) > MAX_TEMPLATE_BYTES) {
    throw new TemplateError("TEMPLATE_TOO_LARGE", "Mapping template exceeds the 300 KB limit");
  }
  const nodes = parseTemplate(source);
  const uses = new Set<string>();
  for (const m of source.matchAll(/\$!?\{?([A-Za-z_][A-Za-z0-9_-]*)/g)) uses.add(m[1]!);
  // Without `$` or `#` Velocity has nothing to evaluate: the text is the output, every time.
  if (!/[$#]/.test(source)) return { source, uses, constant: source, render: () => source };
  return {
    source,
    uses,
    render(variables) {
      try {
        const budget = new RenderBudget(limits);
        return new Renderer(source, new Map(Object.entries(variables)), budget).render(nodes);
      } catch (err) {
        // Whatever goes wrong inside a template stays a template error, never a gateway fault.
        if (err instanceof TemplateError) throw err;
        throw new TemplateError("TEMPLATE_RUNTIME", `Mapping template failed: ${(err as Error).message}`);
      }
    },
  };
}
