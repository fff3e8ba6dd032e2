import { ConfigError } from "../config/config-error.ts";
import type { FunctionConfig } from "../config/schema.ts";
import type { TemplateSource } from "../config/template-api-schema.ts";
import type { Logger } from "../logger.ts";
import { type ReadContext, readTemplateSource } from "../templates/read-template.ts";
import { TemplateError } from "../templates/template-plan.ts";
import type { DeclaredTemplate } from "./declared-templates.ts";

/** Every template the gateway runs, read: their stacks' plans and the functions they define. */
export interface ReadTemplates {
  templates: DeclaredTemplate[];
  /** Functions by name, every stack's together. */
  functions: Record<string, FunctionConfig>;
}

/**
 * Reads every template source, refusing (a ConfigError naming the place) on anything that cannot
 * run and on a function name two of them, or a template and the config file, both define. Each
 * notice (an unsupported resource or property) is logged once, as a warning.
 */
export function readTemplates(
  sources: readonly TemplateSource[],
  ctx: ReadContext & { configFunctions: Readonly<Record<string, FunctionConfig>> },
  log: Logger,
): ReadTemplates {
  const templates: DeclaredTemplate[] = [];
  const functions: Record<string, FunctionConfig> = {};
  const definedBy = new Map<string, string>(
    Object.keys(ctx.configFunctions).map((n) => [n, "the config file's functions"]),
  );
  for (const source of sources) {
    const where = source.declaredAt ?? source.template;
    let read: ReturnType<typeof readTemplateSource>;
    try {
      read = readTemplateSource(source, ctx);
    } catch (err) {
      if (err instanceof TemplateError)
        throw new ConfigError([err.message.startsWith(where) ? err.message : `${where}: ${err.message}`]);
      throw err;
    }
    for (const stack of read) {
      for (const [name, config] of Object.entries(stack.plan.functions)) {
        const other = definedBy.get(name);
        if (other !== undefined)
          throw new ConfigError([
            `${where}: ${stack.file} defines the function ${name}, as ${other} does: rename one`,
          ]);
        definedBy.set(name, stack.file);
        functions[name] = config;
      }
      for (const notice of stack.plan.warnings)
        log.warn({ template: stack.file, logicalId: notice.logicalId, path: notice.path }, notice.message);
      templates.push({
        plan: stack.plan,
        file: stack.file,
        source: source.template,
        where: `${where}${stack.file === source.template ? "" : ` (${stack.file})`}`,
      });
    }
  }
  return { templates, functions };
}
