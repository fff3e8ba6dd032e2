/**
 * A JSON document from an identity provider (OpenID configuration, JWKS), fetched within a deadline
 * and a size bound: an issuer that never answers, trickles its answer or sends megabytes costs a
 * request at most `timeoutMs`, never a stalled route.
 */
export async function fetchBoundedJson(url: string, timeoutMs: number, maxBytes: number): Promise<unknown> {
  // The signal also bounds reading the body, not just waiting for the headers.
  const signal = AbortSignal.timeout(timeoutMs);
  const response = await fetch(url, { signal, headers: { accept: "application/json" } });
  const body = response.body;
  if (!response.ok) {
    await body?.cancel().catch(() => undefined);
    throw new Error(`${url} answered ${response.status}`);
  }
  if (body === null) throw new Error(`${url} answered without a body`);
  if (Number(response.headers.get("content-length")) > maxBytes) {
    await body.cancel().catch(() => undefined);
    throw new Error(`${url} answered more than ${maxBytes} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`${url} answered more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}
