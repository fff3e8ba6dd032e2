import { request } from "node:http";
import type { LoadRequest } from "./wrk.ts";

/** One answer's status, raw header lines and body, as a client on the wire sees them. */
export interface Answer {
  status: number;
  headers: string[];
  body: string;
}

export function fetchAnswer(r: LoadRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(r.url, { method: r.method ?? "GET", headers: r.headers ?? {} }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        body += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.rawHeaders, body }));
    });
    req.on("error", reject);
    req.end(r.body);
  });
}

/**
 * The header lines a bare node:http server must send itself to match `answer` on the wire: all of
 * them but those node:http adds on its own to every answer (Date, Connection, Keep-Alive) and the
 * framing it chooses (Transfer-Encoding).
 */
export function ownHeaders(answer: Answer): string[] {
  const out: string[] = [];
  for (let i = 0; i < answer.headers.length; i += 2) {
    const name = answer.headers[i]!.toLowerCase();
    if (name === "date" || name === "connection" || name === "keep-alive" || name === "transfer-encoding")
      continue;
    out.push(answer.headers[i]!, answer.headers[i + 1]!);
  }
  return out;
}
