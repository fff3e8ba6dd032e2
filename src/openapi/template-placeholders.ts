/**
 * OpenAPI files kept as Terraform `templatefile` inputs (`api.yaml.tpl`) hold `${name}` placeholders —
 * `arn:aws:apigateway:${region}:…`, `"${role_arn}"` — that Terraform renders before API Gateway sees
 * the document. Imported as they are, AWS refuses them in its own words ("Invalid ARN specified in the
 * request"), which do not say why. The CLI and the config file add this hint to such a refusal; the
 * admin API keeps AWS's answer.
 */

/** `${name}` as Terraform's template syntax writes an interpolation of a plain variable. */
const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_-]*)\}/g;

/** The distinct `${name}` placeholders in a document's text, in order of appearance. */
export function templatePlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[0]))];
}

/** A CloudFormation intrinsic function as a key (`Fn::Sub:`, `"Ref":`) or a YAML short-form tag. */
const INTRINSIC = /(?:^|[\s{,"'])(Fn::[A-Za-z]+|Ref)["']?\s*:|(?:^|\s)!(Sub|GetAtt|Ref|Join|If|Select)\s/m;

/**
 * A sentence to append to an import's refusal when the document is a part of something else, or
 * undefined. A document with CloudFormation intrinsics (`Fn::Sub` URIs) is a template's
 * `AWS::Include` or `DefinitionBody`; one with `${name}` placeholders is a Terraform templatefile
 * input. `${stageVariables.x}` and `${AWS::Region}` are not placeholders of this kind (they contain
 * `.` and `:`), so an API using stage variables gets no hint.
 */
export function importHint(text: string): string | undefined {
  const intrinsic = INTRINSIC.exec(text);
  if (intrinsic !== null)
    return `the file holds CloudFormation intrinsic functions (${intrinsic[1] ?? `!${intrinsic[2]}`}), as a document a SAM or CloudFormation template includes does: run the template instead (portico start --template, or portico import TEMPLATE)`;
  const found = templatePlaceholders(text);
  if (found.length === 0) return undefined;
  const shown = found.slice(0, 8).join(", ") + (found.length > 8 ? ", …" : "");
  return `the file holds template placeholders (${shown}), as a Terraform templatefile input does: render it first (terraform's templatefile(), or substitute the values) and import the result`;
}
