/**
 * Fuzzing the SigV4 verifier: random mutations of validly signed requests (headers, dates, credential
 * scopes, signatures, presigned query parameters, unicode, huge values). The verifier must never throw,
 * only answer ok or one of its typed refusals; its header-only checks must agree with it; and a request
 * whose signature was changed, or that was signed with another secret, is never ok.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { formatAmzDate, sha256Hex } from "../../src/auth/sigv4/canonical-request.ts";
import type { SigV4ErrorType, SigV4FailureReason } from "../../src/auth/sigv4/errors.ts";
import { presignUrl, signRequest } from "../../src/auth/sigv4/sign-request.ts";
import {
  checkSigV4Headers,
  type RequestHeaders,
  type VerifiableRequest,
  verifySigV4,
} from "../../src/auth/sigv4/verify-request.ts";
import { fuzzParameters } from "../support/fuzz.ts";

// A fixed instant for signing and verifying alike: nothing depends on today's date.
const NOW = new Date("2024-05-17T06:24:14Z");
const KEYS = new Map([
  ["AKIDFUZZ", { secretAccessKey: "fuzz-secret" }],
  ["AKIDTOKEN", { secretAccessKey: "token-secret", sessionToken: "the-session-token" }],
]);
const OPTIONS = { service: "apigateway", lookup: (id: string) => KEYS.get(id), now: NOW } as const;

const ERROR_TYPES = new Set<SigV4ErrorType>([
  "MissingAuthenticationTokenException",
  "IncompleteSignatureException",
  "InvalidSignatureException",
  "UnrecognizedClientException",
]);
const REASONS = new Set<SigV4FailureReason>([
  "missing-authentication",
  "both-auth-forms",
  "malformed-authorization",
  "missing-parameters",
  "bad-date",
  "bad-expires",
  "expired",
  "not-yet-valid",
  "host-not-signed",
  "unsupported-algorithm",
  "malformed-credential",
  "scope-mismatch",
  "unknown-access-key",
  "signature-mismatch",
  "invalid-session-token",
]);

type Headers = Record<string, string | string[]>;
interface Wire {
  method: string;
  rawPath: string;
  headers: Headers;
  body: string;
}

const toVerifiable = (w: Wire): VerifiableRequest => ({
  method: w.method,
  rawPath: w.rawPath,
  headers: w.headers as RequestHeaders,
  bodySha256Hex: sha256Hex(w.body),
});

// ---- what gets signed ------------------------------------------------------------------------

const anyText = fc.string({ unit: "binary", maxLength: 40 });
const segment = fc.oneof(
  fc.string({ maxLength: 12 }),
  anyText,
  fc.constantFrom(".", "..", "%2F", "~1", "$default"),
);
const baseRequest = fc.record({
  method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
  segments: fc.array(segment, { maxLength: 5 }),
  query: fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), anyText), { maxLength: 4 }),
  extra: fc.dictionary(fc.constantFrom("content-type", "x-custom", "x-amz-target", "accept"), anyText, {
    maxKeys: 3,
  }),
  body: anyText,
  key: fc.constantFrom("AKIDFUZZ", "AKIDTOKEN"),
  presigned: fc.boolean(),
  declareHash: fc.boolean(),
});
type Base = typeof baseRequest extends fc.Arbitrary<infer T> ? T : never;

function signed(base: Base, secretOverride?: string): Wire {
  const url = new URL("http://admin.example:8081/");
  url.pathname = `/${base.segments.map((s) => encodeURIComponent(s)).join("/")}`;
  for (const [k, v] of base.query) url.searchParams.append(k, v);
  const stored = KEYS.get(base.key)!;
  const credentials = {
    accessKeyId: base.key,
    secretAccessKey: secretOverride ?? stored.secretAccessKey,
    sessionToken: "sessionToken" in stored ? stored.sessionToken : undefined,
  };
  const headers: Headers = { host: url.host, ...base.extra };
  if (base.presigned) {
    const presigned = new URL(
      presignUrl({
        method: base.method,
        url,
        headers: base.extra,
        credentials,
        region: "us-east-1",
        service: "apigateway",
        now: NOW,
      }),
    );
    return { method: base.method, rawPath: presigned.pathname + presigned.search, headers, body: "" };
  }
  const added = signRequest({
    method: base.method,
    url,
    headers: base.extra,
    body: base.body,
    credentials,
    region: "eu-west-1",
    service: "apigateway",
    now: NOW,
    contentSha256Header: base.declareHash,
  });
  return {
    method: base.method,
    rawPath: url.pathname + url.search,
    headers: { ...headers, ...added },
    body: base.body,
  };
}

// ---- how it gets mutated ---------------------------------------------------------------------

const huge = fc.integer({ min: 10_000, max: 1_000_000 }).map((n) => "A".repeat(n));
const wild = fc.oneof(
  { weight: 4, arbitrary: anyText },
  { weight: 1, arbitrary: huge },
  {
    weight: 2,
    arbitrary: fc.constantFrom("", " ", "%", "%FF", "%zz", "=", "&", ",", ";", "/", "\u0000", "é", "😀"),
  },
);
const authPiece = fc.oneof(
  fc.constantFrom(
    "AWS4-HMAC-SHA256",
    "AWS4-HMAC-SHA512",
    "Credential=",
    "SignedHeaders=",
    "Signature=",
    ", ",
    ",",
    " ",
    "=",
    "/",
  ),
  wild,
);
const headerName = fc.constantFrom(
  "authorization",
  "x-amz-date",
  "date",
  "host",
  "x-amz-content-sha256",
  "x-amz-security-token",
  "content-type",
  ":authority",
);
const presignParam = fc.constantFrom(
  "X-Amz-Algorithm",
  "X-Amz-Credential",
  "X-Amz-Date",
  "X-Amz-Expires",
  "X-Amz-SignedHeaders",
  "X-Amz-Signature",
  "X-Amz-Security-Token",
  "X-Amz-Content-Sha256",
);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("header" as const), name: headerName, value: wild }),
  fc.record({ kind: fc.constant("delete" as const), name: headerName }),
  fc.record({ kind: fc.constant("duplicate" as const), name: headerName, value: wild }),
  fc.record({ kind: fc.constant("date" as const), seconds: fc.integer({ min: -2_000_000, max: 2_000_000 }) }),
  fc.record({ kind: fc.constant("scope" as const), index: fc.integer({ min: 0, max: 6 }), value: wild }),
  fc.record({ kind: fc.constant("authorization" as const), pieces: fc.array(authPiece, { maxLength: 12 }) }),
  fc.record({ kind: fc.constant("path" as const), suffix: wild }),
  fc.record({ kind: fc.constant("body" as const), body: anyText }),
  fc.record({
    kind: fc.constant("param" as const),
    name: presignParam,
    value: wild,
    duplicate: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("dropParam" as const), name: presignParam }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function setHeader(w: Wire, name: string, value: string | string[] | undefined): Wire {
  const headers = { ...w.headers };
  if (value === undefined) delete headers[name];
  else headers[name] = value;
  return { ...w, headers };
}

function authorizationOf(w: Wire): string | undefined {
  const v = w.headers.authorization;
  return typeof v === "string" ? v : undefined;
}

function mapQuery(w: Wire, edit: (params: Array<[string, string]>) => Array<[string, string]>): Wire {
  const q = w.rawPath.indexOf("?");
  const path = q < 0 ? w.rawPath : w.rawPath.slice(0, q);
  const raw = q < 0 ? "" : w.rawPath.slice(q + 1);
  const params =
    raw === ""
      ? []
      : raw.split("&").map((p): [string, string] => {
          const eq = p.indexOf("=");
          return eq < 0 ? [p, ""] : [p.slice(0, eq), p.slice(eq + 1)];
        });
  const next = edit(params)
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  return { ...w, rawPath: next === "" ? path : `${path}?${next}` };
}

function mutate(w: Wire, m: Mutation): Wire {
  switch (m.kind) {
    case "header":
      return setHeader(w, m.name, m.value);
    case "delete":
      return setHeader(w, m.name, undefined);
    case "duplicate": {
      const current = w.headers[m.name];
      return setHeader(w, m.name, [...(current === undefined ? [] : [current].flat()), m.value]);
    }
    case "date":
      return setHeader(w, "x-amz-date", formatAmzDate(new Date(NOW.getTime() + m.seconds * 1000)));
    case "scope": {
      const auth = authorizationOf(w);
      if (auth !== undefined) {
        return setHeader(
          w,
          "authorization",
          auth.replace(/Credential=([^,\s]*)/, (_all, cred: string) => {
            const parts = cred.split("/");
            parts[m.index] = m.value;
            return `Credential=${parts.join("/")}`;
          }),
        );
      }
      return mapQuery(w, (params) =>
        params.map(([k, v]) => {
          if (k !== "X-Amz-Credential") return [k, v];
          const parts = decodeURIComponent(v).split("/");
          parts[m.index] = m.value;
          return [k, encodeURIComponent(parts.join("/"))];
        }),
      );
    }
    case "authorization":
      return setHeader(w, "authorization", m.pieces.join(""));
    case "path":
      return {
        ...w,
        rawPath: w.rawPath.includes("?") ? w.rawPath.replace("?", `${m.suffix}?`) : w.rawPath + m.suffix,
      };
    case "body":
      return { ...w, body: m.body };
    case "param":
      return mapQuery(w, (params) =>
        m.duplicate
          ? [...params, [m.name, encodeURIComponent(m.value)]]
          : [...params.filter(([k]) => k !== m.name), [m.name, encodeURIComponent(m.value)]],
      );
    case "dropParam":
      return mapQuery(w, (params) => params.filter(([k]) => k !== m.name));
  }
}

// ---- what must hold --------------------------------------------------------------------------

/** Verifies without anything escaping, and checks the result is one of the two typed shapes. */
function verifyTyped(w: Wire) {
  const request = toVerifiable(w);
  let result: ReturnType<typeof verifySigV4>;
  let headers: ReturnType<typeof checkSigV4Headers>;
  try {
    result = verifySigV4(request, OPTIONS);
    headers = checkSigV4Headers(request, OPTIONS);
  } catch (err) {
    assert.fail(`the verifier threw: ${String(err)}`);
  }
  if (result.ok) {
    assert.equal(typeof result.accessKeyId, "string");
    assert.ok(KEYS.has(result.accessKeyId));
  } else {
    assert.ok(ERROR_TYPES.has(result.error.type), result.error.type);
    assert.ok(REASONS.has(result.error.reason), result.error.reason);
    assert.equal(result.error.status, 403);
    assert.equal(typeof result.error.message, "string");
  }
  // The header checks are the verifier's first steps: they refuse exactly what it refuses before the signature.
  if (!headers.ok) {
    assert.equal(result.ok, false);
    if (!result.ok) assert.deepEqual(result.error, headers.error);
  } else if (!result.ok) {
    assert.ok(
      ["signature-mismatch", "invalid-session-token"].includes(result.error.reason),
      result.error.reason,
    );
  }
  return result;
}

test("an unmutated signed or presigned request verifies", { timeout: 60_000 }, () => {
  fc.assert(
    fc.property(baseRequest, (base) => {
      const result = verifyTyped(signed(base));
      assert.equal(result.ok, true, result.ok ? "" : `${result.error.reason}: ${result.error.message}`);
    }),
    fuzzParameters(),
  );
});

test("mutated requests never make the verifier throw: ok or a typed refusal", { timeout: 120_000 }, () => {
  fc.assert(
    fc.property(baseRequest, fc.array(mutation, { minLength: 1, maxLength: 3 }), (base, mutations) => {
      verifyTyped(mutations.reduce(mutate, signed(base)));
    }),
    fuzzParameters(),
  );
});

const signatureEdit = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("append" as const), text: fc.string({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant("upper" as const) }),
  fc.record({ kind: fc.constant("replace" as const), text: wild }),
);
type SignatureEdit = typeof signatureEdit extends fc.Arbitrary<infer T> ? T : never;

function editSignature(signature: string, e: SignatureEdit): string {
  switch (e.kind) {
    case "flip": {
      const i = e.at % signature.length;
      const c = signature[i] === "0" ? "1" : "0";
      return signature.slice(0, i) + c + signature.slice(i + 1);
    }
    case "truncate":
      return signature.slice(0, e.at % signature.length);
    case "append":
      return signature + e.text;
    case "upper":
      return /[a-f]/.test(signature) ? signature.toUpperCase() : `${signature}0`;
    case "replace":
      return e.text === signature ? `${e.text}0` : e.text;
  }
}

test("a request whose signature was changed is never ok", { timeout: 60_000 }, () => {
  fc.assert(
    fc.property(baseRequest, signatureEdit, (base, edit) => {
      const w = signed(base);
      let forged: Wire;
      const auth = authorizationOf(w);
      if (auth !== undefined) {
        const original = /Signature=([0-9a-f]+)/.exec(auth)![1]!;
        const edited = editSignature(original, edit);
        // The header's parts are separated by spaces and commas: trailing ones leave the signature as it was.
        fc.pre(edited.replace(/[\s,]+$/, "") !== original);
        forged = setHeader(w, "authorization", auth.replace(`Signature=${original}`, `Signature=${edited}`));
      } else {
        forged = mapQuery(w, (params) =>
          params.map(([k, v]) =>
            k === "X-Amz-Signature" ? [k, encodeURIComponent(editSignature(v, edit))] : [k, v],
          ),
        );
      }
      assert.notDeepEqual(forged, w);
      assert.equal(verifyTyped(forged).ok, false);
    }),
    fuzzParameters(),
  );
});

test("a request signed with another secret is never ok, whatever else is mutated", {
  timeout: 60_000,
}, () => {
  fc.assert(
    fc.property(
      baseRequest,
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.array(mutation, { maxLength: 2 }),
      (base, secret, mutations) => {
        fc.pre(secret !== KEYS.get(base.key)!.secretAccessKey);
        assert.equal(verifyTyped(mutations.reduce(mutate, signed(base, secret))).ok, false);
      },
    ),
    fuzzParameters(),
  );
});
