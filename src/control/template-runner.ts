import type { FunctionConfig } from "../config/schema.ts";
import type { TemplateSource } from "../config/template-api-schema.ts";
import type { FunctionRegistry } from "../functions/function-registry.ts";
import type { Logger } from "../logger.ts";
import type { ReadContext } from "../templates/read-template.ts";
import type { TemplateNotice } from "../templates/template-plan.ts";
import type { ControlPlane } from "./control-plane.ts";
import { applyDeclaredApis, declaredApiId } from "./declared-apis.ts";
import { applyDeclaredDomains } from "./declared-domains.ts";
import {
  applyTemplateSettings,
  type DeclaredTemplate,
  templateApis,
  templateDomains,
} from "./declared-templates.ts";
import { type ReadTemplates, readTemplates } from "./template-sources.ts";

/** What applying a template made: each API by logical id, and what was not carried over. */
export interface AppliedTemplate {
  apis: { logicalId: string; apiId: string; type: "REST" | "HTTP" | "WEBSOCKET"; stages: string[] }[];
  functions: string[];
  notices: TemplateNotice[];
}

function summary(templates: readonly DeclaredTemplate[]): AppliedTemplate {
  return {
    apis: templates.flatMap((t) =>
      t.plan.apis.map((api) =>
        api.type === "WEBSOCKET"
          ? {
              logicalId: api.logicalId,
              apiId: api.config.id ?? declaredApiId({ ...api.config, type: "WEBSOCKET" }),
              type: api.type,
              stages: [api.config.stage],
            }
          : {
              logicalId: api.logicalId,
              apiId: api.id,
              type: api.type,
              stages: api.stages.map((s) => s.name),
            },
      ),
    ),
    functions: templates.flatMap((t) => Object.keys(t.plan.functions)),
    notices: templates.flatMap((t) => t.plan.warnings),
  };
}

/**
 * The templates a running gateway serves, by template path: those of the config file and
 * `--template`, and those `portico import` sends later. Applying one again (an edit under `--watch`,
 * a second import) replaces what it defined: changed functions get fresh workers, changed APIs a new
 * deployment. One that does not read changes nothing. Applications run one at a time.
 */
export class TemplateRunner {
  private readonly bySource = new Map<string, { source: TemplateSource; read: ReadTemplates }>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly ctx: ReadContext & { configFunctions: Readonly<Record<string, FunctionConfig>> };
  private readonly deps: { control: ControlPlane; functions: FunctionRegistry; log: Logger };

  constructor(
    ctx: ReadContext & { configFunctions: Readonly<Record<string, FunctionConfig>> },
    deps: { control: ControlPlane; functions: FunctionRegistry; log: Logger },
  ) {
    this.ctx = ctx;
    this.deps = deps;
  }

  /** The sources read at start (their functions already in the registry), before their APIs apply. */
  adopt(sources: readonly TemplateSource[], read: ReadTemplates): void {
    for (const source of sources) {
      const mine = read.templates.filter((t) => t.source === source.template);
      const functions = Object.fromEntries(mine.flatMap((t) => Object.entries(t.plan.functions)));
      this.bySource.set(source.template, { source, read: { templates: mine, functions } });
    }
  }

  sources(): TemplateSource[] {
    return [...this.bySource.values()].map((e) => e.source);
  }

  /** Reads and applies one source, replacing what the same template path defined before. */
  apply(source: TemplateSource): Promise<AppliedTemplate> {
    const run = this.queue.then(() => this.applyNow(source));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyNow(source: TemplateSource): Promise<AppliedTemplate> {
    const previous = this.bySource.get(source.template);
    // Functions defined elsewhere (the config file, other templates) must not be taken over.
    const others: Record<string, FunctionConfig> = { ...this.ctx.configFunctions };
    for (const [path, entry] of this.bySource)
      if (path !== source.template) Object.assign(others, entry.read.functions);
    const next = readTemplates([source], { ...this.ctx, configFunctions: others }, this.deps.log);
    await this.deps.functions.update(previous?.read.functions ?? {}, next.functions);
    this.bySource.set(source.template, { source, read: next });
    await applyDeclaredApis(this.deps.control, next.templates.flatMap(templateApis));
    for (const t of next.templates) await applyTemplateSettings(this.deps.control, t);
    await applyDeclaredDomains(this.deps.control, next.templates.flatMap(templateDomains));
    const applied = summary(next.templates);
    // Compiled routes hold the function pools they call: an unchanged API is recompiled onto new ones.
    for (const api of applied.apis) await this.deps.control.refreshApi(api.apiId);
    return applied;
  }
}
