import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { request } from "undici";
import { type SdkRequest, smithyPresign, smithySign } from "../auth/sigv4-helpers.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

const ACCOUNT = "000000000000";
const ALICE = { accessKeyId: "AKIDALICE", secretAccessKey: "alice-secret" };
const BOB = { accessKeyId: "AKIDBOB", secretAccessKey: "bob-secret" };
const ROOT = { accessKeyId: "test", secretAccessKey: "test" };

const API = `
openapi: 3.0.1
info: { title: Iam, version: "1" }
components:
  securitySchemes:
    sigv4: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4 }
paths:
  /pets:
    x-amazon-apigateway-any-method:
      security: [{ sigv4: [] }]
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"ok":true}' } } }
  /open:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200" } }
`;

describe("AWS_IAM methods: SigV4 on the data plane, identity policies", () => {
  let gw: TestGateway;
  let id: string;
  before(async () => {
    gw = await startTestGateway({
      credentials: [
        { ...ROOT, principal: `arn:aws:iam::${ACCOUNT}:root` },
        {
          ...ALICE,
          principal: `arn:aws:iam::${ACCOUNT}:user/alice`,
          policies: [
            {
              Version: "2012-10-17",
              Statement: [
                {
                  Effect: "Allow",
                  Action: "execute-api:Invoke",
                  Resource: "arn:aws:execute-api:us-east-1:*:*/prod/GET/pets",
                },
              ],
            },
          ],
        },
        { ...BOB, principal: `arn:aws:iam::${ACCOUNT}:user/bob`, policies: [] },
      ],
    });
    id = await gw.deployRest(API, "prod");
  });
  after(() => gw.close());

  const host = () => `${id}.execute-api.us-east-1.localhost:${gw.port}`;
  async function send(
    req: SdkRequest,
    credentials: typeof ALICE,
    opts: { presign?: boolean; tamper?: string } = {},
  ) {
    const sdkReq = { ...req, hostname: host(), headers: { ...req.headers } };
    const now = new Date();
    const wire = opts.presign
      ? await smithyPresign(sdkReq, 300, { credentials }, now)
      : await smithySign(sdkReq, { credentials }, now);
    const headers = { ...wire.headers, host: host() };
    const r = await request(`http://127.0.0.1:${gw.port}${wire.rawPath}`, {
      method: wire.method as "GET",
      headers,
      body: opts.tamper ?? wire.body,
    });
    return { status: r.statusCode, type: r.headers["x-amzn-errortype"], text: await r.body.text() };
  }

  test("unsigned calls to an IAM method are refused with Missing Authentication Token; open methods are not", async () => {
    const r = await gw.call(id, "/prod/pets");
    assert.equal(r.status, 403);
    assert.equal(r.headers["x-amzn-errortype"], "MissingAuthenticationTokenException");
    assert.equal((await gw.call(id, "/prod/open")).status, 200);
  });

  test("the account root may invoke; a user needs an identity policy allowing the method", async () => {
    assert.equal((await send({ method: "POST", path: "/prod/pets", body: "{}" }, ROOT)).status, 200);
    assert.equal((await send({ method: "GET", path: "/prod/pets" }, ALICE)).status, 200);
    const post = await send({ method: "POST", path: "/prod/pets", body: '{"a":1}' }, ALICE);
    assert.equal(post.status, 403);
    assert.equal(post.type, "AccessDeniedException");
    assert.equal(
      JSON.parse(post.text).Message,
      `User: arn:aws:iam::${ACCOUNT}:user/alice is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:${ACCOUNT}:${id}/prod/POST/pets`,
    );
    assert.equal((await send({ method: "GET", path: "/prod/pets" }, BOB)).status, 403);
  });

  test("presigned URLs work; wrong secrets, unknown keys and tampered bodies are refused", async () => {
    assert.equal((await send({ method: "GET", path: "/prod/pets" }, ALICE, { presign: true })).status, 200);
    const wrong = await send({ method: "GET", path: "/prod/pets" }, { ...ALICE, secretAccessKey: "nope" });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.type, "InvalidSignatureException");
    const unknown = await send(
      { method: "GET", path: "/prod/pets" },
      { accessKeyId: "AKIDNOBODY", secretAccessKey: "x" },
    );
    assert.equal(unknown.type, "UnrecognizedClientException");
    const tampered = await send({ method: "POST", path: "/prod/pets", body: '{"a":1}' }, ROOT, {
      tamper: '{"a":2}',
    });
    assert.equal(tampered.status, 403);
    assert.equal(tampered.type, "InvalidSignatureException");
    assert.equal((await gw.call(id, "/prod/open")).status, 200, "the gateway stays healthy");
  });
});
