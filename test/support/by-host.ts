import { request } from "undici";

/**
 * A data-plane request to 127.0.0.1 with the Host header a client of a custom domain name would send
 * (`api.example.com`, any case, any port): no DNS needed.
 */
export async function callHost(
  port: number,
  host: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: the tests read the answers' JSON field by field
  json: () => any;
}> {
  const response = await request(`http://127.0.0.1:${port}${path}`, {
    method: (init.method ?? "GET") as "GET",
    headers: { host, ...init.headers },
    body: init.body,
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: () => JSON.parse(text) };
}
