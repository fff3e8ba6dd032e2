/**
 * Text made safe to put inside XML, as element content or a quoted attribute value: `&`, `<`, `>`,
 * `"` and `'` become the predefined entities (`$util.escapeXml`, for a template that builds a SOAP
 * envelope from JSON). Done a chunk at a time so that a meter (a render's budget) is charged as it
 * goes, a step a chunk and one per escape, as escapeJavaScript is.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};
const ESCAPED = /[&<>"']/g;
const CHUNK = 65_536;

/** The longest an escape makes one character (`&quot;`). */
export const XML_ESCAPE_GROWTH = 6;

export function escapeXml(s: string, meter?: { step(n?: number): void }): string {
  let out = "";
  for (let i = 0; i < s.length; i += CHUNK) {
    let escapes = 0;
    out += s.slice(i, i + CHUNK).replace(ESCAPED, (c) => {
      escapes++;
      return ENTITIES[c]!;
    });
    meter?.step(1 + escapes);
  }
  return out;
}
