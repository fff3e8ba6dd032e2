import { TemplateError, type TemplateNotice } from "../template-plan.ts";
import type { Json } from "./values.ts";

/** An AWS::Serverless::Api or ::HttpApi while functions' events are still being added to it. */
export interface SamApi {
  logicalId: string;
  kind: "Api" | "HttpApi";
  /** Its properties with Globals applied; events edit `DefinitionBody` here, as SAM's plugins do. */
  properties: Json;
  /** Resource attributes (Condition, DependsOn, …) carried to what it becomes. */
  attributes: Json;
  /** SAM wrote the definition (no DefinitionBody or DefinitionUri given): events add their paths. */
  managed: boolean;
  /** The definition came from a local DefinitionUri file. */
  fromUri: boolean;
}

/** What every step of the transform shares: where the template is, what it made, what it noticed. */
export class SamContext {
  readonly file: string;
  readonly baseDir: string;
  /** The output's Resources, written as each SAM resource is translated. */
  readonly resources: Json = {};
  readonly notices: TemplateNotice[] = [];
  /** The template's Serverless::Api and ::HttpApi resources (and the implicit ones), by logical id. */
  readonly apis = new Map<string, SamApi>();
  /** Every input resource's type, by logical id, to check what an event refers to. */
  readonly types = new Map<string, string>();
  readonly conditions: Json;

  constructor(file: string, baseDir: string, conditions: Json) {
    this.file = file;
    this.baseDir = baseDir;
    this.conditions = conditions;
  }

  notice(logicalId: string, path: string, message: string): void {
    this.notices.push({ logicalId, path, message });
  }

  /** A template that cannot be run: the file and the dotted place in it. */
  fail(path: string, message: string): never {
    throw new TemplateError(`${this.file}: ${path}`, message);
  }

  add(logicalId: string, resource: Json): void {
    this.resources[logicalId] = resource;
  }
}
