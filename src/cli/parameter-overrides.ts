/**
 * `--parameter-overrides` as `sam deploy` spells it: `Key=Value Key2=Value2`, or CloudFormation's
 * `ParameterKey=Key,ParameterValue=Value …`; a value with spaces is quoted ('…' or "…").
 */
export function parseParameterOverrides(text: string): Record<string, string> | { problem: string } {
  const out: Record<string, string> = {};
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const ch of text) {
    if (quote !== undefined) {
      word += ch;
      if (ch === quote) quote = undefined;
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + ch;
      if (ch === '"' || ch === "'") quote = ch;
    }
  }
  if (quote !== undefined) return { problem: `unbalanced quotes in "${text}"` };
  if (word !== undefined) words.push(word);
  const unquote = (s: string) =>
    s.replace(/"([^"]*)"|'([^']*)'/g, (_, a: string | undefined, b: string | undefined) => a ?? b ?? "");
  for (const word of words) {
    const long = /^ParameterKey=([^,]+),ParameterValue=(.*)$/.exec(word);
    const short = long === null ? /^([^=]+)=(.*)$/.exec(word) : null;
    const pair = long ?? short;
    if (pair === null)
      return { problem: `"${word}" is not Key=Value (or ParameterKey=Key,ParameterValue=Value)` };
    const key = unquote(pair[1]!);
    if (!/^[A-Za-z0-9]+$/.test(key)) return { problem: `parameter name "${key}" is not alphanumeric` };
    if (Object.hasOwn(out, key)) return { problem: `parameter ${key} is given twice` };
    out[key] = unquote(pair[2]!);
  }
  return out;
}
