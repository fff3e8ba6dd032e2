/** One piece of an `Fn::Sub` string: literal text, or a `${name}` to replace. */
export type SubPart = { text: string } | { name: string };

/**
 * An `Fn::Sub` string's pieces. `${!Literal}` is the literal `${Literal}`; a `${` with no closing
 * brace is literal text, as CloudFormation leaves it.
 */
export function parseSub(template: string): SubPart[] {
  const parts: SubPart[] = [];
  let text = "";
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf("${", i);
    if (open < 0) break;
    text += template.slice(i, open);
    if (template[open + 2] === "!") {
      text += "${";
      i = open + 3;
      continue;
    }
    const close = template.indexOf("}", open + 2);
    if (close < 0) {
      text += template.slice(open);
      i = template.length;
      break;
    }
    if (text !== "") parts.push({ text });
    text = "";
    parts.push({ name: template.slice(open + 2, close) });
    i = close + 1;
  }
  text += template.slice(i);
  if (text !== "") parts.push({ text });
  return parts;
}

/** `Res.Attr` names a resource attribute; a name without a dot a parameter, pseudo parameter or resource. */
export function splitSubName(name: string): { logicalId: string; attribute?: string } {
  const dot = name.indexOf(".");
  return dot < 0 ? { logicalId: name } : { logicalId: name.slice(0, dot), attribute: name.slice(dot + 1) };
}
