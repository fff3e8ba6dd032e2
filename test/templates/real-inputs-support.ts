import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { request } from "undici";
import type { TestGateway } from "../support/gateway.ts";

/**
 * Shared by the real-inputs tests: the folder of public files nobody on this project wrote
 * (test/fixtures/real-inputs/ORIGINS.md), each with the test file that proves what Portico does with
 * it. real-inputs-openapi.test.ts fails when the folder holds a file this table does not name, or
 * when the named test file does not mention it.
 */
export const REAL = join(import.meta.dirname, "..", "fixtures", "real-inputs");

export const COVERED_BY: Readonly<Record<string, string>> = {
  "artshishkin-pet-store-swagger.json": "real-inputs-openapi.test.ts",
  "artshishkin-users-mock-api-dev-oas30.yaml": "real-inputs-openapi.test.ts",
  "mamezou-swagger-import-api-definition.yaml": "real-inputs-openapi.test.ts",
  "tdr-backend_checks.json.tpl": "real-inputs-terraform.test.ts",
  "xsalazar-api-gateway.yaml.tpl": "real-inputs-terraform.test.ts",
  "sam-api_swagger_cors-template.yaml": "real-inputs-sam.test.ts",
  "sam-api_swagger_cors-swagger.yaml": "real-inputs-sam.test.ts",
  "sam-translator-implicit_api.input.yaml": "real-inputs-sam.test.ts",
  "sam-translator-implicit_api.output-cfn.json": "real-inputs-sam.test.ts",
  "serverless-examples-aws-node-http-api-serverless.yml": "real-inputs-apps.test.ts",
  "sessions-with-aws-sam-http-api-direct-integration-template.yaml": "real-inputs-apps.test.ts",
  "sessions-with-aws-sam-http-api-direct-integration-api.yaml": "real-inputs-apps.test.ts",
};

export const readReal = (name: string): string => readFileSync(join(REAL, name), "utf8");

/** A fresh folder holding these files (paths relative to it). */
export function projectDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "portico-real-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** The text with each `from` replaced once, failing loudly if one is not there (the file changed). */
export function edited(text: string, edits: ReadonlyArray<readonly [string | RegExp, string]>): string {
  let out = text;
  for (const [from, to] of edits) {
    const next = out.replace(from, to);
    if (next === out) throw new Error(`edit not applied: ${String(from)} is not in the file`);
    out = next;
  }
  return out;
}

/** Terraform's templatefile(): every `${name}` replaced by its value; an unknown name is an error, as there. */
export function templatefile(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_-]*)\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`vars map does not contain key "${name}"`);
    return v;
  });
}

/** A data-plane request SigV4-signed by the AWS SDK's signer (service execute-api) with test/test. */
export async function signedCall(
  gw: TestGateway,
  apiId: string,
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string; headers: Record<string, string | string[] | undefined> }> {
  const host = `${apiId}.execute-api.us-east-1.localhost`;
  const signer = new SignatureV4({
    service: "execute-api",
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    sha256: Hash.bind(null, "sha256"),
  });
  const q = path.indexOf("?");
  const signed = await signer.sign({
    method: init.method ?? "GET",
    protocol: "http:",
    hostname: host,
    path: q < 0 ? path : path.slice(0, q),
    query: Object.fromEntries(new URLSearchParams(q < 0 ? "" : path.slice(q + 1))),
    headers: { host, ...init.headers },
    body: init.body,
  });
  const res = await request(`http://127.0.0.1:${gw.port}${path}`, {
    method: (init.method ?? "GET") as "GET",
    headers: signed.headers,
    body: init.body,
  });
  return { status: res.statusCode, text: await res.body.text(), headers: res.headers };
}
