import { readFileSync } from "node:fs";
import { join } from "node:path";
import { transformSam } from "../../src/templates/sam/transform-sam.ts";
import type { TemplateNotice } from "../../src/templates/template-plan.ts";
import { parseTemplateText } from "../../src/templates/template-text.ts";

/**
 * SAM's own translator tests (tests/translator/input/*.yaml → output/*.json) as the truth for what
 * the transform makes for API Gateway. The inputs name code in S3, which Portico refuses; each
 * CodeUri is pointed at a local folder first, as a Portico user writes it.
 */
export const FIXTURES = join(import.meta.dirname, "../fixtures/sam");

export type Resource = { Type: string; Properties: Record<string, unknown>; [k: string]: unknown };
export type Resources = Record<string, Resource>;

/** Types whose resources the transform makes as SAM does (roles, aliases and such are not made). */
export const GATEWAY_TYPES = new Set([
  "AWS::ApiGateway::RestApi",
  "AWS::ApiGateway::Stage",
  "AWS::ApiGateway::Deployment",
  "AWS::ApiGateway::UsagePlan",
  "AWS::ApiGateway::ApiKey",
  "AWS::ApiGateway::UsagePlanKey",
  "AWS::ApiGatewayV2::Api",
  "AWS::ApiGatewayV2::Stage",
  "AWS::Lambda::Permission",
]);

export function localCode(template: unknown): unknown {
  if (Array.isArray(template)) return template.map(localCode);
  if (template === null || typeof template !== "object") return template;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(template as Record<string, unknown>))
    if (k === "InlineCode") out.CodeUri = "code";
    else out[k] = k === "CodeUri" && (typeof v !== "string" || v.startsWith("s3://")) ? "code" : localCode(v);
  return out;
}

export function runFixture(name: string): {
  actual: Resources;
  expected: Resources;
  notices: TemplateNotice[];
} {
  const file = join(FIXTURES, `${name}.input.yaml`);
  const input = localCode(parseTemplateText(readFileSync(file, "utf8"), file)) as Record<string, unknown>;
  const out = transformSam(input, { file, baseDir: FIXTURES });
  const expected = JSON.parse(readFileSync(join(FIXTURES, `${name}.output.json`), "utf8"))
    .Resources as Resources;
  return { actual: out.template.Resources as Resources, expected, notices: out.notices };
}

/** Deployment ids carry a hash of SAM's Python text of the body: compare them without it. */
export const unhash = (id: string): string => id.replace(/Deployment[0-9a-f]{10}$/, "Deployment#");

export function gatewayParts(resources: Resources): Record<string, Resource> {
  const out: Record<string, Resource> = {};
  for (const [id, r] of Object.entries(resources)) {
    if (!GATEWAY_TYPES.has(r.Type)) continue;
    const copy = structuredClone(r);
    if (r.Type === "AWS::ApiGateway::Deployment") delete copy.Properties.Description;
    // SAM lists an HTTP API's tags in Python 2.7 dict order (it emulates its hashing): compare as a set.
    const body = copy.Properties.Body as { tags?: { name: string }[] } | undefined;
    if (Array.isArray(body?.tags)) body.tags.sort((a, b) => (a.name < b.name ? -1 : 1));
    out[unhash(id)] = JSON.parse(JSON.stringify(copy, (_k, v) => (typeof v === "string" ? unhash(v) : v)));
  }
  return out;
}
