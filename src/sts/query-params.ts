import { percentDecode } from "../auth/sigv4/canonical-request.ts";

/**
 * The parameters of a Query-protocol request: the form body's (`application/x-www-form-urlencoded`),
 * then the query string's for those the body lacks; SigV4's own `X-Amz-*` are not parameters.
 * `+` in a form is a space, as HTML forms encode it.
 */
export function queryParams(body: Buffer, rawQuery: string, form: boolean): Map<string, string> {
  const params = new Map<string, string>();
  const read = (text: string, plusIsSpace: boolean) => {
    for (const part of text.split("&")) {
      if (part === "") continue;
      const eq = part.indexOf("=");
      const decode = (s: string) => percentDecode(plusIsSpace ? s.replaceAll("+", " ") : s).toString("utf8");
      const name = decode(eq < 0 ? part : part.slice(0, eq));
      if (name.startsWith("X-Amz-") || params.has(name)) continue;
      params.set(name, eq < 0 ? "" : decode(part.slice(eq + 1)));
    }
  };
  if (form) read(body.toString("utf8"), true);
  read(rawQuery, false);
  return params;
}

/** `Name.member.1.Key`/`.Value` … as a list, in member order, up to the first gap; one pass over the parameters. */
export function memberList(params: ReadonlyMap<string, string>, prefix: string): Map<string, string>[] {
  const head = `${prefix}.member.`;
  const members = new Map<number, Map<string, string>>();
  for (const [k, v] of params) {
    if (!k.startsWith(head)) continue;
    const m = /^(\d{1,4})(?:\.(.+))?$/.exec(k.slice(head.length));
    if (m === null) continue;
    const n = Number(m[1]);
    const fields = members.get(n) ?? new Map<string, string>();
    members.set(n, fields);
    fields.set(m[2] ?? "", v);
  }
  const out: Map<string, string>[] = [];
  for (let i = 1; members.has(i); i++) out.push(members.get(i)!);
  return out;
}
