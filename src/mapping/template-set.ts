import type { Logger } from "../logger.ts";
import { type InputSource, InputVariable, UTIL } from "./aws-variables.ts";
import { type CompiledTemplate, compileTemplate } from "./vtl/template.ts";
import { fromJson, type JMap } from "./vtl/values.ts";

/** A method's templates keyed by content type, compiled at deploy time. */
export class TemplateSet {
  private readonly byType: Map<string, CompiledTemplate>;

  constructor(templates: Readonly<Record<string, string>> | undefined) {
    this.byType = new Map(
      Object.entries(templates ?? {}).map(([type, text]) => [type.toLowerCase(), compileTemplate(text)]),
    );
  }

  get size(): number {
    return this.byType.size;
  }

  /** The template for a content type (its media type, parameters ignored); AWS assumes JSON when absent. */
  select(contentType: string | undefined): CompiledTemplate | undefined {
    const type = (contentType ?? "application/json").split(";")[0]!.trim().toLowerCase();
    return this.byType.get(type);
  }

  /** The template a response uses: `application/json` first, else the first defined. */
  preferred(): { type: string; template: CompiledTemplate } | undefined {
    const json = this.byType.get("application/json");
    if (json) return { type: "application/json", template: json };
    const first = this.byType.entries().next();
    return first.done ? undefined : { type: first.value[0], template: first.value[1] };
  }
}

export interface TemplateInput extends InputSource {
  context: JMap;
  /** `$context` if a template has used it (and may have set overrides in it), else undefined. */
  readonly builtContext: JMap | undefined;
  stageVariables: Readonly<Record<string, string>>;
}

/** The method request with another body (a response template's `$input.body`), maps built lazily still. */
class WithBody implements InputSource {
  readonly body: string;
  private readonly request: InputSource;

  constructor(request: InputSource, body: string) {
    this.request = request;
    this.body = body;
  }

  get path() {
    return this.request.path;
  }

  get querystring() {
    return this.request.querystring;
  }

  get header() {
    return this.request.header;
  }
}

/**
 * Renders with AWS's variables ($input, $util, $context, $stageVariables), building only those the
 * template mentions: `{"statusCode": 200}` needs none of them. `body` replaces the input's body (a
 * response template sees the integration's answer as `$input.body`).
 */
export function renderTemplate(template: CompiledTemplate, input: TemplateInput, body?: string): string {
  const uses = template.uses;
  const variables: Record<string, unknown> = {};
  if (uses.has("input")) {
    variables.input = new InputVariable(body === undefined ? input : new WithBody(input, body));
  }
  if (uses.has("util")) variables.util = UTIL;
  if (uses.has("context")) variables.context = input.context;
  if (uses.has("stageVariables")) variables.stageVariables = fromJson({ ...input.stageVariables });
  return template.render(variables);
}

export type { Logger };
