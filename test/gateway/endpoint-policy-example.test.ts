import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { request } from "undici";
import { signRequest } from "../../src/auth/sigv4/sign-request.ts";
import { loadConfigFile } from "../../src/config/load-config.ts";
import { resolveSettings } from "../../src/config/settings.ts";
import { createLogger } from "../../src/logger.ts";
import { type Portico, startPortico } from "../../src/portico.ts";
import { assumeRole, type Credentials } from "../support/sts.ts";

/**
 * docs/security.md's example — a private API reachable from one VPC endpoint only, and there only for
 * one role — taken from the page as written, loaded from a config file, and held to what the page says.
 */

const page = readFileSync(join(import.meta.dirname, "..", "..", "docs", "security.md"), "utf8");
const example = page.slice(page.indexOf("A private API reachable from one VPC endpoint only"));
const blocks = [...example.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
const [configBlock, policyBlock] = blocks as [string, string];

const CI = { accessKeyId: "AKIDCI", secretAccessKey: "ci-secret" };
const dir = mkdtempSync(join(tmpdir(), "portico-doc-vpce-"));
let portico: Portico;
let session: Credentials;

before(async () => {
  writeFileSync(
    join(dir, "orders.yaml"),
    `openapi: 3.0.1
info: { title: Orders, version: "1" }
x-amazon-apigateway-endpoint-configuration: { types: [PRIVATE] }
${policyBlock}components:
  securitySchemes:
    sigv4: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4 }
paths:
  /orders:
    get:
      security: [{ sigv4: [] }]
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"orders":[]}' } } }
`,
  );
  const file = join(dir, "portico.yaml");
  writeFileSync(
    file,
    `inMemory: true
listen: { port: 0, host: 127.0.0.1, adminPort: 0 }
trustedProxies: [127.0.0.1/32]
credentials:
  - { accessKeyId: ${CI.accessKeyId}, secretAccessKey: ${CI.secretAccessKey}, principal: "arn:aws:iam::000000000000:user/ci" }
${configBlock}`,
  );
  portico = await startPortico(
    resolveSettings({ flags: {}, env: {}, config: loadConfigFile(file) }),
    createLogger("silent"),
  );
  session = await assumeRole(portico.adminPort, CI, {
    RoleArn: "arn:aws:iam::000000000000:role/orders-client",
    RoleSessionName: "ci-run",
  });
});
after(async () => {
  await portico.close();
  rmSync(dir, { recursive: true, force: true });
});

async function getOrders(vpce: string, credentials: Credentials) {
  const host = `orders0001.execute-api.us-east-1.localhost:${portico.port}`;
  const url = `http://127.0.0.1:${portico.port}/prod/orders`;
  const auth = signRequest({
    method: "GET",
    url,
    headers: { host },
    credentials,
    region: "us-east-1",
    service: "execute-api",
  });
  const r = await request(url, { headers: { host, "x-amzn-vpce-id": vpce, ...auth } });
  return { status: r.statusCode, text: await r.body.text() };
}

test("a session of orders-client through vpce-0aaa1111 is served", async () => {
  const r = await getOrders("vpce-0aaa1111", session);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.text, '{"orders":[]}');
});

test("anyone else through vpce-0aaa1111 is refused by the endpoint policy", async () => {
  const r = await getOrders("vpce-0aaa1111", CI);
  assert.equal(r.status, 403);
  assert.match(
    JSON.parse(r.text).Message,
    /because no VPC endpoint policy allows the execute-api:Invoke action$/,
  );
});

test("everyone through vpce-0bbb2222 is refused by the resource policy's explicit deny", async () => {
  const r = await getOrders("vpce-0bbb2222", session);
  assert.equal(r.status, 403);
  assert.equal(
    JSON.parse(r.text).Message,
    "User: arn:aws:sts::000000000000:assumed-role/orders-client/ci-run is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:orders0001/prod/GET/orders with an explicit deny",
  );
});
