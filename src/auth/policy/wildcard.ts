/**
 * IAM wildcards: `*` any run of characters, `?` exactly one. Compiled once per policy to an anchored
 * RegExp with every other character escaped, so a policy value can never inject regex syntax.
 */
export function wildcardMatcher(pattern: string, ignoreCase = false): (value: string) => boolean {
  if (!pattern.includes("*") && !pattern.includes("?")) {
    if (ignoreCase) {
      const lower = pattern.toLowerCase();
      return (v) => v.toLowerCase() === lower;
    }
    return (v) => v === pattern;
  }
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  const re = new RegExp(`^${source}$`, ignoreCase ? "is" : "s");
  return (v) => re.test(v);
}
