/**
 * SigV4 interoperability: requests signed by the AWS SDK's signer verify, and Portico's own signer
 * produces the SDK's signatures byte for byte.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { escapeUriPath } from "@smithy/core/protocols";
import { canonicalQuery, canonicalUri } from "../../src/auth/sigv4/canonical-request.ts";
import {
  presignUrl,
  sha256Hex,
  signRequest,
  UNSIGNED_PAYLOAD,
  verifySigV4,
} from "../../src/auth/sigv4/index.ts";
import { cachedSigningKeyCount, signingKey } from "../../src/auth/sigv4/signing-key.ts";
import { CREDS, HOST, NOW, STORE, smithyPresign, smithySign, smithySigner, verify } from "./sigv4-helpers.ts";

function assertOk(result: ReturnType<typeof verify>) {
  if (!result.ok) assert.fail(`${result.error.type}: ${result.error.message}`);
  return result;
}

test("GET with query values needing encoding verifies", async () => {
  const wire = await smithySign({
    method: "GET",
    path: "/prod/pets",
    query: {
      q: "a b",
      plus: "1+1=2",
      eq: "x=y&z",
      uni: "héllo ☃ 😀",
      repeated: ["b", "a", "10", "2"],
      "key with space": "v",
      empty: "",
      tilde: "~._-",
      reserved: "!'()*",
    },
  });
  const ok = assertOk(verify(wire));
  assert.equal(ok.accessKeyId, CREDS.accessKeyId);
  assert.equal(ok.credential.principal, "arn:aws:iam::000000000000:user/dev");
  assert.deepEqual(ok.signedHeaders, ["host", "x-amz-content-sha256", "x-amz-date"]);
  assert.equal(ok.presigned, false);
  assert.equal(ok.region, "us-east-1");
});

test("POST with a JSON body verifies and pins the body", async () => {
  const body = JSON.stringify({ name: "rex", tags: ["a", "b"], note: "ünïcode" });
  const wire = await smithySign({
    method: "POST",
    path: "/prod/pets",
    headers: { "content-type": "application/json" },
    body,
  });
  const ok = assertOk(verify(wire));
  assert.equal(ok.payloadVerified, true);
  assert.ok(ok.signedHeaders.includes("content-type"));
});

test("POST without x-amz-content-sha256 verifies against the caller's body hash", async () => {
  const body = '{"a":1}';
  const wire = await smithySign({ method: "POST", path: "/prod/x", body }, { applyChecksum: false });
  assert.equal(wire.headers["x-amz-content-sha256"], undefined);
  assert.equal(assertOk(verify(wire)).payloadVerified, true);
});

test("paths with %2F, spaces, unicode and reserved characters verify (double encoding)", async () => {
  const paths = [
    "/prod/a%2Fb/c",
    `/prod/${escapeUriPath("with space/and+plus")}`,
    `/prod/${escapeUriPath("ünïcödé/日本語/😀")}`,
    `/prod/${escapeUriPath("it's (ok)*!")}`,
    "/prod/%25literal-percent",
    "/prod/trailing/",
    "/",
  ];
  for (const path of paths) {
    const wire = await smithySign({ method: "GET", path });
    assertOk(verify(wire));
  }
});

test("dot segments and empty segments are normalised like the SDK does", async () => {
  const wire = await smithySign({ method: "GET", path: "/prod/a/./b/../c//d" });
  assertOk(verify(wire));
  assert.equal(canonicalUri("/prod/a/./b/../c//d", "execute-api"), "/prod/a/c/d");
  assert.equal(canonicalUri("/a%2Fb/c%20d", "execute-api"), "/a%252Fb/c%2520d");
  assert.equal(canonicalUri("/a%2Fb/c%20d/./", "s3"), "/a%2Fb/c%20d/./");
  assert.equal(canonicalUri("", "execute-api"), "/");
});

test("canonical query: decoded, re-encoded, sorted by name then value", () => {
  assert.equal(canonicalQuery("b=2&a=2&a=1&c&d=", false), "a=1&a=2&b=2&c=&d=");
  assert.equal(canonicalQuery("q=a+b&r=%7e&s=%zz&t=%FF", false), "q=a%2Bb&r=~&s=%25zz&t=%FF");
  assert.equal(canonicalQuery("X-Amz-Signature=abc&x=1", true), "x=1");
});

test("session tokens are signed, returned, and checked against the store", async () => {
  const credentials = { ...CREDS, sessionToken: "FwoGZXIvYXdzEXAMPLETOKEN+/=" };
  const wire = await smithySign({ method: "GET", path: "/prod" }, { credentials });
  const ok = assertOk(verify(wire));
  assert.equal(ok.sessionToken, credentials.sessionToken);
  assert.ok(ok.signedHeaders.includes("x-amz-security-token"));
  const withToken = { secretAccessKey: CREDS.secretAccessKey, sessionToken: credentials.sessionToken };
  const strict = verifySigV4(
    { method: wire.method, rawPath: wire.rawPath, headers: wire.headers },
    { service: "execute-api", lookup: () => withToken, now: NOW },
  );
  assert.equal(strict.ok, true);
});

test("presigned URLs from the SDK verify, with and without session token", async () => {
  const plain = await smithyPresign(
    { method: "GET", path: "/prod/@connections/abc%3D", query: { x: "1 2" } },
    300,
  );
  const ok = assertOk(verify(plain));
  assert.equal(ok.presigned, true);
  assert.deepEqual(ok.signedHeaders, ["host"]);

  const credentials = { ...CREDS, sessionToken: "tok/en+=" };
  const withToken = await smithyPresign({ method: "GET", path: "/prod" }, 60, { credentials });
  assert.equal(assertOk(verify(withToken)).sessionToken, "tok/en+=");
});

test("a week-long presigned URL outlives the clock-skew window", async () => {
  const wire = await smithyPresign({ method: "GET", path: "/prod" }, 604800);
  assertOk(verify(wire, { now: new Date(NOW.getTime() + 6 * 24 * 3600_000) }));
});

test("admin-plane requests (service apigateway) verify", async () => {
  const wire = await smithySign(
    { method: "GET", path: "/restapis/abc123/resources", query: { limit: "25" }, hostname: "127.0.0.1:8081" },
    { service: "apigateway" },
  );
  assertOk(verify(wire, { service: "apigateway" }));
});

test("UNSIGNED-PAYLOAD verifies but reports the body as unverified", async () => {
  const wire = await smithySign({
    method: "PUT",
    path: "/prod/blob",
    headers: { "x-amz-content-sha256": UNSIGNED_PAYLOAD },
    body: "anything",
  });
  assert.equal(assertOk(verify(wire)).payloadVerified, false);
});

test("header values are trimmed and inner runs of spaces collapsed", async () => {
  const wire = await smithySign({ method: "GET", path: "/prod", headers: { "x-custom": "a   b \t c" } });
  assertOk(verify(wire));
  assertOk(verify({ ...wire, headers: { ...wire.headers, "x-custom": "a b c" } }));
});

test("signRequest matches the SDK's signature for the same request and instant", async () => {
  const body = '{"hello":"wörld"}';
  const ours = signRequest({
    method: "POST",
    url: `https://${HOST}/prod/a%2Fb/${encodeURIComponent("ü x")}?q=a%20b&r=2&r=1`,
    headers: { "content-type": "application/json" },
    body,
    credentials: CREDS,
    region: "us-east-1",
    service: "execute-api",
    now: NOW,
  });
  const sdk = await smithySigner().sign(
    {
      method: "POST",
      protocol: "https:",
      hostname: HOST,
      path: `/prod/a%2Fb/${encodeURIComponent("ü x")}`,
      query: { q: "a b", r: ["2", "1"] },
      headers: { host: HOST, "content-type": "application/json" },
      body,
    },
    { signingDate: NOW },
  );
  assert.equal(ours["authorization"], sdk.headers["authorization"]);
  assert.equal(ours["x-amz-content-sha256"], sha256Hex(body));
});

test("signRequest with a session token matches the SDK and verifies", async () => {
  const credentials = { ...CREDS, sessionToken: "session/token=" };
  const url = `https://${HOST}/prod/items?b=2&a=1`;
  const ours = signRequest({
    method: "GET",
    url,
    credentials,
    region: "us-east-1",
    service: "execute-api",
    now: NOW,
  });
  const sdk = await smithySign(
    { method: "GET", path: "/prod/items", query: { b: "2", a: "1" } },
    { credentials },
  );
  assert.equal(ours["authorization"], sdk.headers["authorization"]);
  assert.equal(ours["x-amz-security-token"], "session/token=");
  assertOk(verify({ method: "GET", rawPath: "/prod/items?b=2&a=1", headers: { host: HOST, ...ours } }));
});

test("presignUrl matches the SDK's presigned signature and verifies", async () => {
  const url = presignUrl({
    method: "GET",
    url: `wss://${HOST}/prod?x=1%202`,
    credentials: CREDS,
    region: "us-east-1",
    service: "execute-api",
    now: NOW,
    expiresIn: 120,
  });
  const sdk = await smithyPresign({ method: "GET", path: "/prod", query: { x: "1 2" } }, 120);
  const parsed = new URL(url);
  assert.equal(
    parsed.searchParams.get("X-Amz-Signature"),
    new URLSearchParams(sdk.rawPath.split("?")[1]).get("X-Amz-Signature"),
  );
  assertOk(verify({ method: "GET", rawPath: `${parsed.pathname}${parsed.search}`, headers: { host: HOST } }));
  assert.throws(() =>
    presignUrl({ method: "GET", url, credentials: CREDS, region: "r", service: "s", expiresIn: 604801 }),
  );
});

test("signRequest output verifies for a body, non-default port and unicode path", () => {
  const url = new URL("http://127.0.0.1:8081/restapis/ab c/ünï");
  const body = '{"name":"api"}';
  const added = signRequest({
    method: "POST",
    url,
    headers: { "Content-Type": "application/json", "User-Agent": "portico-cli" },
    body,
    credentials: CREDS,
    region: "us-east-1",
    service: "apigateway",
    now: NOW,
  });
  const wire = {
    method: "POST",
    rawPath: url.pathname,
    headers: { host: url.host, "content-type": "application/json", "user-agent": "other/1.0", ...added },
    body,
  };
  const ok = assertOk(verify(wire, { service: "apigateway" }));
  assert.deepEqual(ok.signedHeaders, ["content-type", "host", "x-amz-content-sha256", "x-amz-date"]);
});

test("derived signing keys are cached and the cache stays bounded", () => {
  const a = signingKey("secret", "20240517", "us-east-1", "execute-api");
  assert.equal(signingKey("secret", "20240517", "us-east-1", "execute-api"), a);
  assert.notDeepEqual(signingKey("secret2", "20240517", "us-east-1", "execute-api"), a);
  for (let i = 0; i < 200; i++) signingKey(`s${i}`, "20240517", "us-east-1", "execute-api");
  assert.ok(cachedSigningKeyCount() <= 64);
  assert.ok(STORE.size > 0);
});
