import { expandResource, type PolicyScope } from "./compile-policy.ts";

/**
 * The policy as AWS stores it: `execute-api:/…` shorthand in `Resource`/`NotResource` expanded to the
 * API's full ARN, and the document minified (AWS-BEHAVIOUR.md §12.3: GetRestApi returns the expanded
 * form). Text that is not a JSON object is returned unchanged; validation refuses it elsewhere.
 */
export function storedPolicy(text: string, scope: Required<PolicyScope>): string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return text;
  const statements = (doc as { Statement?: unknown }).Statement;
  for (const statement of Array.isArray(statements) ? statements : [statements]) {
    if (typeof statement !== "object" || statement === null) continue;
    const s = statement as Record<string, unknown>;
    for (const key of ["Resource", "NotResource"]) {
      const value = s[key];
      if (typeof value === "string") s[key] = expandResource(value, scope);
      else if (Array.isArray(value))
        s[key] = value.map((v) => (typeof v === "string" ? expandResource(v, scope) : v));
    }
  }
  return JSON.stringify(doc);
}

/**
 * The policy as AWS's REST wire carries it in GetRestApi and friends: the JSON text escaped as the
 * inside of a JSON string (`{\"Version\":…`, `\/` for `/`), which clients unescape (Terraform does).
 */
export function wirePolicy(stored: string): string {
  return JSON.stringify(stored).slice(1, -1).replaceAll("/", "\\/");
}
