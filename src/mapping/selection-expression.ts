/**
 * WebSocket selection expressions as API Gateway writes them
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-selection-expressions.html):
 * variables `$a.b` or `${a.b}` among static text, any number of them, evaluated once (no recursion);
 * `\$` is a literal dollar, so `\$default` is the key `$default`. The control plane checks which
 * variables each kind of expression may read; the data plane evaluates them.
 */
export type SelectionPart = { readonly text: string } | { readonly variable: string };

const NAME = /^[A-Za-z][\w.\-[\]'*@]*/;
const WHOLE_NAME = /^[A-Za-z][\w.\-[\]'*@]*$/;

/** The expression's literal text and variables in order, or undefined when it does not parse. */
export function parseSelectionExpression(expression: string): SelectionPart[] | undefined {
  const parts: SelectionPart[] = [];
  let text = "";
  const flush = () => {
    if (text !== "") parts.push({ text });
    text = "";
  };
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i]!;
    if (c === "\\" && expression[i + 1] === "$") {
      text += "$";
      i++;
      continue;
    }
    if (c !== "$") {
      text += c;
      continue;
    }
    if (expression[i + 1] === "{") {
      const end = expression.indexOf("}", i + 2);
      if (end < 0) return undefined;
      const name = expression.slice(i + 2, end);
      if (!WHOLE_NAME.test(name)) return undefined;
      flush();
      parts.push({ variable: name });
      i = end;
      continue;
    }
    const name = NAME.exec(expression.slice(i + 1))?.[0];
    if (name === undefined) return undefined;
    flush();
    parts.push({ variable: name });
    i += name.length;
  }
  flush();
  return parts;
}
