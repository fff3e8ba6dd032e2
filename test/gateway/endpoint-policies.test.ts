import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { request } from "undici";
import { signRequest } from "../../src/auth/sigv4/sign-request.ts";
import { capturingLog } from "../support/capturing-log.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { ACCOUNT, ALICE, CREDENTIALS, roleArn, userArn } from "../support/iam-fixture.ts";
import { assumeRole, type Credentials } from "../support/sts.ts";

/**
 * Private APIs through VPC endpoints whose endpoint policies differ: a request is served only if the
 * endpoint policy, the API's resource policy and (for IAM callers) the identity policy allow it, an
 * explicit deny in any of them winning; the endpoint policy is judged first, on who the
 * Authorization header says is asking. Each outcome below is what AWS's evaluation gives.
 */

const A = "privapia01";
const B = "privapib01";
const apiArn = (api: string, rest = "*") => `arn:aws:execute-api:us-east-1:${ACCOUNT}:${api}/${rest}`;
const statement = (s: object) => s;

const networks = {
  // Only sessions of the vpc-reader role, and only API A.
  "vpce-0aaa1111": {
    cidrs: ["10.1.0.0/24"],
    vpc: "vpc-0main",
    policy: {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReaderOnly",
          Effect: "Allow",
          Principal: { AWS: roleArn("vpc-reader") },
          Action: "execute-api:Invoke",
          Resource: apiArn(A),
        },
      ],
    },
  },
  // Anyone, APIs A and B, but never A's /admin.
  "vpce-0bbb2222": {
    cidrs: ["10.2.0.0/24"],
    vpc: "vpc-0main",
    policy: {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: [apiArn(A), apiArn(B)] },
        {
          Sid: "NoAdmin",
          Effect: "Deny",
          Principal: "*",
          Action: "execute-api:Invoke",
          Resource: apiArn(A, "prod/GET/admin"),
        },
      ],
    },
  },
  // The default full-access policy, in another account's VPC endpoint.
  "vpce-0ccc3333": { cidrs: ["10.3.0.0/24"], vpc: "vpc-0main", account: "222222222222" },
  // A bare CIDR list: no VPC known.
  "vpce-0ddd4444": ["10.4.0.0/24"],
  // Reached by address, not by a proxy's header.
  "vpce-0eee5555": { cidrs: ["127.0.0.5/32"], vpc: "vpc-0main" },
};

const RESOURCE_POLICY_A = {
  Version: "2012-10-17",
  Statement: [
    statement({
      Effect: "Allow",
      Principal: "*",
      Action: "execute-api:Invoke",
      Resource: "execute-api:/*",
      Condition: { StringEquals: { "aws:SourceVpc": "vpc-0main" } },
    }),
    statement({
      Sid: "Blocked",
      Effect: "Deny",
      Principal: "*",
      Action: "execute-api:Invoke",
      Resource: "execute-api:/prod/GET/blocked",
    }),
    statement({
      Sid: "OwnEndpoints",
      Effect: "Deny",
      Principal: "*",
      Action: "execute-api:Invoke",
      Resource: "execute-api:/*",
      Condition: { StringNotEquals: { "aws:VpceAccount": ACCOUNT } },
    }),
  ],
};
const RESOURCE_POLICY_B = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" }],
};

const mock =
  '{ type: mock, requestTemplates: { application/json: \'{"statusCode": 200}\' }, responses: { default: { statusCode: "200", responseTemplates: { application/json: \'{"ok":true}\' } } } }';
const open = `{ x-amazon-apigateway-integration: ${mock} }`;
const signed = `{ security: [{ sigv4: [] }], x-amazon-apigateway-integration: ${mock} }`;
const document = (title: string, policy: object, paths: Record<string, string>) => `
openapi: 3.0.1
info: { title: ${title}, version: "1" }
x-amazon-apigateway-endpoint-configuration: { types: [PRIVATE] }
x-amazon-apigateway-policy: ${JSON.stringify(policy)}
components:
  securitySchemes:
    sigv4: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4 }
paths:
${Object.entries(paths)
  .map(([path, op]) => `  ${path}:\n    get: ${op}`)
  .join("\n")}
`;

describe("VPC endpoint policies on private APIs", () => {
  const dir = mkdtempSync(join(tmpdir(), "portico-vpce-"));
  let gw: TestGateway;
  let reader: Credentials;
  const captured = capturingLog("debug");
  before(async () => {
    writeFileSync(
      join(dir, "a.yaml"),
      document("PrivateA", RESOURCE_POLICY_A, {
        "/open": open,
        "/signed": signed,
        "/blocked": open,
        "/admin": open,
        "/iam-denied": signed,
      }),
    );
    writeFileSync(join(dir, "b.yaml"), document("PrivateB", RESOURCE_POLICY_B, { "/open": open }));
    gw = await startTestGateway(
      {
        credentials: CREDENTIALS,
        roles: [
          {
            arn: roleArn("vpc-reader"),
            trustPolicy: {
              Statement: [
                { Effect: "Allow", Principal: { AWS: userArn("alice") }, Action: "sts:AssumeRole" },
              ],
            },
            policies: [
              {
                Statement: [
                  { Effect: "Allow", Action: "execute-api:Invoke", Resource: "*" },
                  {
                    Sid: "NotThat",
                    Effect: "Deny",
                    Action: "execute-api:Invoke",
                    Resource: "*/prod/GET/iam-denied",
                  },
                ],
              },
            ],
          },
        ],
        networks,
        trustedProxies: ["127.0.0.1/32"],
        apis: [
          { openapi: join(dir, "a.yaml"), type: "REST", stage: "prod", id: A },
          { openapi: join(dir, "b.yaml"), type: "REST", stage: "prod", id: B },
        ],
      },
      captured.log,
    );
    reader = await assumeRole(gw.adminPort, ALICE, {
      RoleArn: roleArn("vpc-reader"),
      RoleSessionName: "inside",
    });
  });
  after(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A GET through a VPC endpoint (named by the trusted proxy), anonymous or SigV4-signed. */
  async function get(api: string, path: string, vpce: string | undefined, credentials?: Credentials) {
    const host = `${api}.execute-api.us-east-1.localhost:${gw.port}`;
    const url = `http://127.0.0.1:${gw.port}/prod${path}`;
    const headers: Record<string, string> = {
      host,
      ...(vpce === undefined ? {} : { "x-amzn-vpce-id": vpce }),
    };
    const auth =
      credentials === undefined
        ? {}
        : signRequest({
            method: "GET",
            url,
            headers: { host },
            credentials,
            region: "us-east-1",
            service: "execute-api",
          });
    const r = await request(url, { headers: { ...headers, ...auth } });
    const text = await r.body.text();
    return {
      status: r.statusCode,
      type: r.headers["x-amzn-errortype"],
      message: r.statusCode === 200 ? "" : (JSON.parse(text).Message ?? JSON.parse(text).message),
    };
  }
  const sessionArn = `arn:aws:sts::${ACCOUNT}:assumed-role/vpc-reader/inside`;
  const denial = (user: string, api: string, path: string, tail = "") =>
    `User: ${user} is not authorized to perform: execute-api:Invoke on resource: ${apiArn(api, `prod/GET/${path}`)}${tail}`;
  const NO_ENDPOINT_ALLOW = " because no VPC endpoint policy allows the execute-api:Invoke action";

  test("through vpce-0aaa1111 (the vpc-reader role only, API A only)", async () => {
    assert.deepEqual(
      await get(A, "/open", "vpce-0aaa1111"),
      {
        status: 403,
        type: "AccessDeniedException",
        message: denial("anonymous", A, "open", NO_ENDPOINT_ALLOW),
      },
      "anonymous: the endpoint policy names a role",
    );
    assert.equal((await get(A, "/signed", "vpce-0aaa1111", reader)).status, 200, "all three allow");
    assert.equal(
      (await get(A, "/open", "vpce-0aaa1111", reader)).status,
      200,
      "a NONE method: the signature names the caller",
    );
    const user = await get(A, "/signed", "vpce-0aaa1111", ALICE);
    assert.equal(
      user.message,
      denial(userArn("alice"), A, "signed", NO_ENDPOINT_ALLOW),
      "a user, not the role",
    );
    const other = await get(B, "/open", "vpce-0aaa1111", reader);
    assert.equal(
      other.message,
      denial(sessionArn, B, "open", NO_ENDPOINT_ALLOW),
      "API B is not in the endpoint policy",
    );
    const identity = await get(A, "/iam-denied", "vpce-0aaa1111", reader);
    assert.equal(
      identity.message,
      denial(sessionArn, A, "iam-denied", " with an explicit deny"),
      "the identity policy denies",
    );
    // A NONE method's signature only tells the endpoint policy who asks: the API itself sees anyone.
    const resource = await get(A, "/blocked", "vpce-0aaa1111", reader);
    assert.equal(
      resource.message,
      denial("anonymous", A, "blocked", " with an explicit deny"),
      "the resource policy denies",
    );
    const forged = await get(A, "/open", "vpce-0aaa1111", { ...reader, secretAccessKey: "x".repeat(40) });
    assert.equal(forged.status, 403);
    assert.equal(
      forged.type,
      "InvalidSignatureException",
      "a signature the endpoint policy reads must verify",
    );
  });

  test("through vpce-0bbb2222 (anyone, APIs A and B, an explicit deny on A's /admin)", async () => {
    assert.equal((await get(A, "/open", "vpce-0bbb2222")).status, 200);
    assert.equal((await get(B, "/open", "vpce-0bbb2222")).status, 200);
    assert.deepEqual(await get(A, "/admin", "vpce-0bbb2222"), {
      status: 403,
      type: "AccessDeniedException",
      message: denial("anonymous", A, "admin", " with an explicit deny in a VPC endpoint policy"),
    });
    assert.equal(
      (await get(A, "/blocked", "vpce-0bbb2222")).message,
      denial("anonymous", A, "blocked", " with an explicit deny"),
    );
    // A user without identity policies, of the API's account: the resource policy's allow suffices.
    assert.equal((await get(A, "/signed", "vpce-0bbb2222", ALICE)).status, 200);
    assert.equal(
      (await get(A, "/iam-denied", "vpce-0bbb2222", reader)).message,
      denial(sessionArn, A, "iam-denied", " with an explicit deny"),
    );
  });

  test("endpoints with the default full-access policy: the resource policy decides, with aws:VpceAccount and aws:SourceVpc", async () => {
    assert.equal(
      (await get(A, "/open", "vpce-0ccc3333")).message,
      denial("anonymous", A, "open", " with an explicit deny"),
      "another account's endpoint",
    );
    assert.equal(
      (await get(A, "/open", "vpce-0ddd4444")).message,
      denial("anonymous", A, "open"),
      "no VPC known: the allow's condition fails",
    );
    assert.equal((await get(B, "/open", "vpce-0ddd4444")).status, 200);
    // From 127.0.0.5, which is no proxy: the address names the endpoint.
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port: gw.port,
          path: "/prod/open",
          localAddress: "127.0.0.5",
          headers: { host: `${A}.execute-api.us-east-1.localhost` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end();
    });
    assert.equal(status, 200);
    const outside = await get(A, "/open", undefined);
    assert.deepEqual(outside, { status: 403, type: "ForbiddenException", message: "Forbidden" });
  });

  test("the decision trace names the policy that decided", async () => {
    await get(A, "/admin", "vpce-0bbb2222");
    await get(A, "/signed", "vpce-0aaa1111", reader);
    const trace = captured.lines.join("\n");
    assert.match(
      trace,
      /Endpoint policy of vpce-0bbb2222: explicit deny in the VPC endpoint policy \(NoAdmin\)/,
    );
    assert.match(
      trace,
      /Endpoint policy of vpce-0aaa1111: allowed by the VPC endpoint policy \(ReaderOnly\)/,
    );
    assert.match(trace, /Endpoint policy of vpce-0aaa1111: the VPC endpoint policy allows nothing here/);
    assert.match(trace, /Policy: explicit deny in the resource policy \(Blocked\)/);
    assert.match(trace, /Policy: explicit deny in the identity policy \(NotThat\)/);
    assert.ok(!trace.includes(reader.sessionToken!), "the token is never logged");
  });
});
