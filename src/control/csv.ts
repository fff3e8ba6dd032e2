import { badRequest } from "./errors.ts";

/** One record of a CSV file with the line it starts on (1-based, the header is line 1). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * CSV as AWS's API key files write it (developer guide, "API Gateway API key file format"): comma
 * separated, a field may be quoted with double or single quotes (`"c7y23b,glvrsr"` or
 * `'c7y23b,glvrsr'`) — a quote doubled inside stands for itself, and a quoted field may span lines —
 * and spaces around a field are not part of it (AWS's own example pads its columns). Blank lines are
 * skipped; a byte-order mark is dropped. A quote left open or text after a closing quote is malformed:
 * BadRequestException, naming the line.
 */
export function parseCsv(text: string): CsvRecord[] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = s.length;
  const isSpace = (c: string | undefined) => c === " " || c === "\t";
  const endRecord = () => {
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: recordLine, fields });
    fields = [];
  };
  while (i <= n) {
    // One field: skip leading spaces, then a quoted or a plain value.
    while (isSpace(s[i])) i++;
    const quote = s[i];
    let value = "";
    if (quote === '"' || quote === "'") {
      const opened = line;
      i++;
      for (;;) {
        if (i >= n) throw badRequest(`Invalid CSV: a quoted value opened on line ${opened} is not closed`);
        const c = s[i]!;
        if (c === quote) {
          if (s[i + 1] === quote) {
            value += quote;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === "\n") line++;
        value += c;
        i++;
      }
      while (isSpace(s[i])) i++;
      if (i < n && s[i] !== "," && s[i] !== "\n" && s[i] !== "\r")
        throw badRequest(`Invalid CSV: unexpected text after a quoted value on line ${line}`);
    } else {
      const start = i;
      while (i < n && s[i] !== "," && s[i] !== "\n" && s[i] !== "\r") i++;
      value = s.slice(start, i).trim();
    }
    fields.push(value);
    if (i >= n) {
      endRecord();
      break;
    }
    const c = s[i];
    if (c === ",") {
      i++;
      continue;
    }
    // End of a record: \n, \r\n or \r.
    i += c === "\r" && s[i + 1] === "\n" ? 2 : 1;
    endRecord();
    line++;
    recordLine = line;
  }
  return records;
}
