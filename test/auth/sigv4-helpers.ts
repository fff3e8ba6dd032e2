/**
 * Shared fixtures for the SigV4 tests: requests signed by the AWS SDK's own signer
 * (@smithy/signature-v4) and turned into what a server receives on the wire.
 */
import { buildQueryString, HttpRequest } from "@smithy/core/protocols";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { StoredCredential, VerifyOptions, VerifyResult } from "../../src/auth/sigv4/index.ts";
import { sha256Hex, verifySigV4 } from "../../src/auth/sigv4/index.ts";

/** The signing instant used by most tests (the one in AWS's own "Signature expired" example). */
export const NOW = new Date("2024-05-17T06:24:14Z");
export const HOST = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com";
export const CREDS = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};

/** A credential store entry as the gateway keeps it. */
export interface TestCredential extends StoredCredential {
  readonly principal: string;
}

export const STORE = new Map<string, TestCredential>([
  [
    CREDS.accessKeyId,
    { secretAccessKey: CREDS.secretAccessKey, principal: "arn:aws:iam::000000000000:user/dev" },
  ],
]);

/** What node:http hands a server: method, `req.url`, lower-case headers, and the body. */
export interface WireRequest {
  method: string;
  rawPath: string;
  headers: Record<string, string | string[]>;
  body?: string;
}

/** Request as the SDK serialises it before signing: `path` already percent-encoded, query decoded. */
export interface SdkRequest {
  readonly method: string;
  readonly path: string;
  readonly query?: Record<string, string | string[]>;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly hostname?: string;
}

export interface SignerOptions {
  readonly service?: string;
  readonly region?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  readonly applyChecksum?: boolean;
}

export function smithySigner(options: SignerOptions = {}): SignatureV4 {
  return new SignatureV4({
    service: options.service ?? "execute-api",
    region: options.region ?? "us-east-1",
    credentials: options.credentials ?? CREDS,
    sha256: Hash.bind(null, "sha256"),
    applyChecksum: options.applyChecksum ?? true,
  });
}

function toHttpRequest(req: SdkRequest): HttpRequest {
  const hostname = req.hostname ?? HOST;
  return new HttpRequest({
    method: req.method,
    protocol: "https:",
    hostname,
    path: req.path,
    query: req.query ?? {},
    headers: { host: hostname, ...req.headers },
    ...(req.body !== undefined ? { body: req.body } : {}),
  });
}

function toWire(signed: HttpRequest, body: string | undefined): WireRequest {
  const query = buildQueryString(signed.query as Record<string, string | string[]>);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  return {
    method: signed.method,
    rawPath: query === "" ? signed.path : `${signed.path}?${query}`,
    headers,
    ...(body !== undefined ? { body } : {}),
  };
}

/** Signs with the SDK's signer (Authorization header form) at `at` and returns the wire request. */
export async function smithySign(
  req: SdkRequest,
  options: SignerOptions = {},
  at = NOW,
): Promise<WireRequest> {
  const signed = await smithySigner(options).sign(toHttpRequest(req), { signingDate: at });
  return toWire(signed as HttpRequest, req.body);
}

/** Presigns with the SDK's signer and returns the wire request. */
export async function smithyPresign(
  req: SdkRequest,
  expiresIn: number,
  options: SignerOptions = {},
  at = NOW,
): Promise<WireRequest> {
  const signed = await smithySigner(options).presign(toHttpRequest(req), { signingDate: at, expiresIn });
  return toWire(signed as HttpRequest, req.body);
}

/** Verifies a wire request the way a server would (hashing the body it received). */
export function verify(
  wire: WireRequest,
  options: Partial<VerifyOptions<TestCredential>> = {},
): VerifyResult<TestCredential> {
  return verifySigV4(
    {
      method: wire.method,
      rawPath: wire.rawPath,
      headers: wire.headers,
      ...(wire.body !== undefined ? { bodySha256Hex: sha256Hex(wire.body) } : {}),
    },
    { service: "execute-api", region: "us-east-1", lookup: (id) => STORE.get(id), now: NOW, ...options },
  );
}

/** The refusal of a verification that was expected to fail. */
export function refusal(result: VerifyResult<TestCredential>) {
  if (result.ok) throw new Error("expected the request to be refused, but it verified");
  return result.error;
}
