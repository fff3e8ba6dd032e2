/**
 * SigV4 refusals: every tampered, expired, mis-scoped or malformed request is refused with AWS's
 * error type and message.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import type { WireRequest } from "./sigv4-helpers.ts";
import { CREDS, NOW, refusal, smithyPresign, smithySign, verify } from "./sigv4-helpers.ts";

const MISMATCH_PREFIX =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret " +
  "Access Key and signing method. Consult the service documentation for details.";

async function signedPost(): Promise<WireRequest> {
  return smithySign({
    method: "POST",
    path: "/prod/pets/1",
    query: { expand: "owner", q: "a b" },
    headers: { "content-type": "application/json" },
    body: '{"name":"rex"}',
  });
}

function withHeaders(wire: WireRequest, headers: Record<string, string | string[]>): WireRequest {
  return { ...wire, headers: { ...wire.headers, ...headers } };
}

function assertMismatch(wire: WireRequest, options: Parameters<typeof verify>[1] = {}) {
  const error = refusal(verify(wire, options));
  assert.equal(error.type, "InvalidSignatureException");
  assert.equal(error.status, 403);
  assert.equal(error.reason, "signature-mismatch");
  assert.ok(
    error.message.startsWith(
      `${MISMATCH_PREFIX}\n\nThe Canonical String for this request should have been\n'`,
    ),
  );
  assert.match(
    error.message,
    /\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20240517T062414Z\n/,
  );
}

test("tampered body, query, path and signed header are refused", async () => {
  const wire = await signedPost();
  assertMismatch({ ...wire, body: '{"name":"max"}' });
  assertMismatch({ ...wire, rawPath: wire.rawPath.replace("expand=owner", "expand=admin") });
  assertMismatch({ ...wire, rawPath: `${wire.rawPath}&extra=1` });
  assertMismatch({ ...wire, rawPath: wire.rawPath.replace("/pets/1", "/pets/2") });
  assertMismatch(withHeaders(wire, { "content-type": "text/plain" }));
  assertMismatch({ ...wire, method: "PUT" });
});

test("a valid signature replayed against another path is refused", async () => {
  const wire = await smithySign({ method: "GET", path: "/prod/accounts/me" });
  assertMismatch({ ...wire, rawPath: "/prod/accounts/admin" });
  assertMismatch({ ...wire, rawPath: "/prod/accounts/me/" });
});

test("a hex x-amz-content-sha256 that is not the body's hash is refused", async () => {
  const wire = await signedPost();
  const lie = createHash("sha256").update("something else").digest("hex");
  assertMismatch(withHeaders(wire, { "x-amz-content-sha256": lie }));
});

test("a body signed without payload header fails closed when the caller omits the hash", async () => {
  const wire = await smithySign({ method: "POST", path: "/prod/x", body: "data" }, { applyChecksum: false });
  const { body: _dropped, ...withoutBody } = wire;
  assertMismatch(withoutBody);
});

test("a wrong secret is refused as a signature mismatch", async () => {
  const wire = await signedPost();
  assertMismatch(wire, { lookup: () => ({ secretAccessKey: "not-the-secret", principal: "x" }) });
});

test("an unknown access key is UnrecognizedClientException", async () => {
  const wire = await smithySign(
    { method: "GET", path: "/prod" },
    { credentials: { accessKeyId: "AKIDNOBODY", secretAccessKey: "s" } },
  );
  const error = refusal(verify(wire));
  assert.equal(error.type, "UnrecognizedClientException");
  assert.equal(error.status, 403);
  assert.equal(error.message, "The security token included in the request is invalid.");
});

test("clock skew beyond five minutes is refused with AWS's wording", async () => {
  const wire = await smithySign({ method: "GET", path: "/prod" });
  const late = refusal(verify(wire, { now: new Date(NOW.getTime() + 5 * 60_000 + 1000) }));
  assert.equal(late.type, "InvalidSignatureException");
  assert.equal(
    late.message,
    "Signature expired: 20240517T062414Z is now earlier than 20240517T062415Z (20240517T062915Z - 5 min.)",
  );
  const early = refusal(verify(wire, { now: new Date(NOW.getTime() - 6 * 60_000) }));
  assert.equal(
    early.message,
    "Signature not yet current: 20240517T062414Z is still later than 20240517T062314Z (20240517T061814Z + 5 min.)",
  );
  assert.equal(verify(wire, { now: new Date(NOW.getTime() + 5 * 60_000) }).ok, true);
});

test("a presigned URL past X-Amz-Expires is refused; tampering with X-Amz-Expires too", async () => {
  const wire = await smithyPresign({ method: "GET", path: "/prod" }, 60);
  assert.equal(verify(wire, { now: new Date(NOW.getTime() + 60_000) }).ok, true);
  const expired = refusal(verify(wire, { now: new Date(NOW.getTime() + 61_000) }));
  assert.equal(expired.reason, "expired");
  assert.equal(expired.type, "InvalidSignatureException");
  assertMismatch({ ...wire, rawPath: wire.rawPath.replace("X-Amz-Expires=60", "X-Amz-Expires=3600") });
  const nan = refusal(
    verify({ ...wire, rawPath: wire.rawPath.replace("X-Amz-Expires=60", "X-Amz-Expires=abc") }),
  );
  assert.equal(nan.type, "IncompleteSignatureException");
  assert.equal(nan.message, "X-Amz-Expires should be a number");
  const long = refusal(
    verify({ ...wire, rawPath: wire.rawPath.replace("X-Amz-Expires=60", "X-Amz-Expires=604801") }),
  );
  assert.equal(long.reason, "bad-expires");
});

test("wrong region, service, terminator or scope date are refused", async () => {
  const wire = await smithySign({ method: "GET", path: "/prod" });
  const region = refusal(verify(wire, { region: "eu-west-1" }));
  assert.equal(region.type, "InvalidSignatureException");
  assert.equal(region.message, "Credential should be scoped to a valid region, not 'us-east-1'. ");
  assert.equal(verify(wire, { region: undefined }).ok, true);

  const service = refusal(verify(wire, { service: "apigateway" }));
  assert.equal(service.message, "Credential should be scoped to correct service: 'apigateway'. ");

  const auth = String(wire.headers["authorization"]);
  const scoped = withHeaders(wire, {
    authorization: auth.replace(
      "20240517/us-east-1/execute-api/aws4_request",
      "20240516/us-east-1/execute-api/aws5_request",
    ),
  });
  assert.equal(
    refusal(verify(scoped)).message,
    "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. " +
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: " +
      "'20240516' != '20240517', from '20240517T062414Z'.",
  );
});

test("host missing from SignedHeaders is refused", async () => {
  const wire = await smithySign({ method: "GET", path: "/prod" });
  const auth = String(wire.headers["authorization"]).replace("SignedHeaders=host;", "SignedHeaders=");
  const error = refusal(verify(withHeaders(wire, { authorization: auth })));
  assert.equal(error.type, "InvalidSignatureException");
  assert.equal(error.message, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  const presigned = await smithyPresign({ method: "GET", path: "/prod", headers: { "x-custom": "1" } }, 60);
  const noHost = presigned.rawPath.replace(
    "X-Amz-SignedHeaders=host%3Bx-custom",
    "X-Amz-SignedHeaders=x-custom",
  );
  assert.equal(refusal(verify({ ...presigned, rawPath: noHost })).reason, "host-not-signed");
});

test("garbage Authorization headers are IncompleteSignatureException", async () => {
  const wire = await smithySign({ method: "GET", path: "/prod" });
  const bearer = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";
  const e1 = refusal(verify(withHeaders(wire, { authorization: bearer })));
  assert.equal(e1.type, "IncompleteSignatureException");
  assert.equal(e1.status, 403);
  const hashed = createHash("sha256").update(bearer).digest("base64");
  assert.equal(
    e1.message,
    `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${hashed}'.`,
  );

  const e2 = refusal(verify(withHeaders(wire, { authorization: "Basic Og==" })));
  assert.equal(
    e2.message,
    "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
      "Authorization header requires 'SignedHeaders' parameter. Authorization=Basic Og==",
  );

  const { "x-amz-date": _date, ...noDate } = wire.headers;
  const e3 = refusal(verify({ ...wire, headers: { ...noDate, authorization: "token" } }));
  assert.ok(
    e3.message.endsWith(
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=token",
    ),
  );

  const auth = String(wire.headers["authorization"]);
  const algo = refusal(
    verify(withHeaders(wire, { authorization: auth.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512") })),
  );
  assert.equal(
    algo.message,
    "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). ",
  );

  const short = auth.replace("/execute-api/aws4_request", "/execute-api");
  const cred = refusal(verify(withHeaders(wire, { authorization: short })));
  assert.equal(cred.type, "IncompleteSignatureException");
  assert.equal(
    cred.message,
    "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, " +
      `got '${CREDS.accessKeyId}/20240517/us-east-1/execute-api'`,
  );

  for (const signature of ["0", "Z".repeat(64), "é".repeat(64), auth.slice(-64).toUpperCase()]) {
    const forged = auth.replace(/Signature=[0-9a-f]{64}$/, `Signature=${signature}`);
    assertMismatch(withHeaders(wire, { authorization: forged }));
  }
});

test("duplicated X-Amz-Date headers are refused", async () => {
  const wire = await smithySign({ method: "GET", path: "/prod" });
  const date = String(wire.headers["x-amz-date"]);
  for (const value of [[date, date], `${date}, ${date}`]) {
    const error = refusal(verify(withHeaders(wire, { "x-amz-date": value })));
    assert.equal(error.type, "IncompleteSignatureException");
    assert.equal(error.reason, "bad-date");
  }
  const bad = refusal(verify(withHeaders(wire, { "x-amz-date": "2024-05-17T06:24:14Z" })));
  assert.equal(
    bad.message,
    "Date must be in ISO-8601 'basic format'. Got '2024-05-17T06:24:14Z'. See http://en.wikipedia.org/wiki/ISO_8601",
  );
});

test("missing authentication, both forms at once, and incomplete presigned queries", async () => {
  const none = refusal(verify({ method: "GET", rawPath: "/prod", headers: { host: "h" } }));
  assert.deepEqual(
    { type: none.type, status: none.status, message: none.message, gateway: none.gatewayResponseType },
    {
      type: "MissingAuthenticationTokenException",
      status: 403,
      message: "Missing Authentication Token",
      gateway: "MISSING_AUTHENTICATION_TOKEN",
    },
  );
  const presigned = await smithyPresign({ method: "GET", path: "/prod" }, 60);
  const signed = await smithySign({ method: "GET", path: "/prod" });
  const both = refusal(
    verify({
      ...presigned,
      headers: { ...presigned.headers, authorization: String(signed.headers["authorization"]) },
    }),
  );
  assert.equal(both.type, "InvalidSignatureException");
  assert.equal(
    both.message,
    "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
  );

  const partial = refusal(
    verify({
      method: "GET",
      rawPath: "/prod?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20240517T062414Z",
      headers: { host: "h" },
    }),
  );
  assert.equal(partial.type, "IncompleteSignatureException");
  assert.equal(
    partial.message,
    "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include " +
      "'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. " +
      "Re-examine the query-string parameters.",
  );
});

test("session tokens: required when the store has one, and must match", async () => {
  const store = { secretAccessKey: CREDS.secretAccessKey, sessionToken: "T1", principal: "p" };
  const lookup = () => store;
  const missing = refusal(verify(await smithySign({ method: "GET", path: "/prod" }), { lookup }));
  assert.equal(missing.type, "UnrecognizedClientException");
  assert.equal(missing.message, "The security token included in the request is invalid");
  const other = await smithySign(
    { method: "GET", path: "/prod" },
    { credentials: { ...CREDS, sessionToken: "T2" } },
  );
  assert.equal(refusal(verify(other, { lookup })).reason, "invalid-session-token");
  // Swapping the (signed) token header breaks the signature before the token is even looked at.
  const good = await smithySign(
    { method: "GET", path: "/prod" },
    { credentials: { ...CREDS, sessionToken: "T1" } },
  );
  assert.equal(verify(good, { lookup }).ok, true);
  assertMismatch(withHeaders(good, { "x-amz-security-token": "T3" }), { lookup });
});

test("arbitrary input never throws", async () => {
  const base = await smithySign({ method: "GET", path: "/prod", query: { a: "1" } });
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const alphabet = [
    "%",
    "%zz",
    "%FF",
    "=",
    "&",
    ",",
    " ",
    ";",
    "/",
    "..",
    "?",
    "\u00e9",
    "\ud800",
    "AWS4-HMAC-SHA256",
    "X-Amz-",
  ];
  const junk = () => Array.from({ length: rand(12) }, () => alphabet[rand(alphabet.length)]).join("");
  const auth = String(base.headers["authorization"]);
  for (let i = 0; i < 2000; i++) {
    const headers = { ...base.headers };
    const field = rand(5);
    if (field === 0) headers["authorization"] = auth.slice(0, rand(auth.length)) + junk();
    if (field === 1) headers["x-amz-date"] = junk();
    if (field === 2) headers["date"] = junk();
    if (field === 3) delete headers["x-amz-date"];
    const rawPath =
      rand(2) === 0
        ? `${base.rawPath}${junk()}`
        : `/${junk()}?X-Amz-Algorithm=${junk()}&X-Amz-Expires=${junk()}`;
    const result = verify({ ...base, rawPath, headers });
    if (!result.ok) assert.equal(typeof result.error.message, "string");
  }
});
