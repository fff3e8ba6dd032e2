import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
} from "@aws-sdk/client-api-gateway";
import { request } from "undici";
import { smithySign } from "../auth/sigv4-helpers.ts";
import { type Echo, type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

/**
 * `$context.identity.*` in mapping templates: the API key's value and id on a method that requires
 * one, the signing principal after SigV4, null (printed as nothing) otherwise (AWS-BEHAVIOUR.md §12.3).
 */

const ACCOUNT = "000000000000";
const ALICE = { accessKeyId: "AKIDALICE", secretAccessKey: "alice-secret" };

const IDENTITY = `{"apiKey": "$context.identity.apiKey", "apiKeyId": "$context.identity.apiKeyId", "accessKey": "$context.identity.accessKey", "accountId": "$context.identity.accountId", "caller": "$context.identity.caller", "user": "$context.identity.user", "userArn": "$context.identity.userArn", "cognitoIdentityId": "$context.identity.cognitoIdentityId", "cognitoAuthenticationType": "$context.identity.cognitoAuthenticationType", "sourceIp": "$context.identity.sourceIp"}`;

const api = (backend: string) => `
openapi: 3.0.1
info: { title: Identity, version: "1" }
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
    sigv4: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4 }
paths:
  /keyed:
    get:
      security: [{ api_key: [] }]
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '${IDENTITY}' } } }
  /open:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '${IDENTITY}' } } }
  /signed:
    post:
      security: [{ sigv4: [] }]
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: "${backend}/echo"
        requestTemplates: { application/json: '${IDENTITY}' }
        responses: { default: { statusCode: "200" } }
`;

describe("$context.identity in mapping templates", () => {
  let backend: EchoBackend;
  let gw: TestGateway;
  let client: APIGatewayClient;
  let id: string;
  before(async () => {
    backend = await startEchoBackend();
    gw = await startTestGateway({
      credentials: [
        { accessKeyId: "test", secretAccessKey: "test", principal: `arn:aws:iam::${ACCOUNT}:root` },
        {
          ...ALICE,
          principal: `arn:aws:iam::${ACCOUNT}:user/alice`,
          policies: [
            {
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource: "*" }],
            },
          ],
        },
      ],
    });
    client = new APIGatewayClient(adminClientConfig(gw));
    id = await gw.deployRest(api(backend.url), "prod");
  });
  after(async () => {
    client.destroy();
    await gw.close();
    await backend.close();
  });

  test("with an API key: its value and id; nothing describes a signer", async () => {
    const key = await client.send(new CreateApiKeyCommand({ name: "partner", enabled: true }));
    const plan = await client.send(
      new CreateUsagePlanCommand({ name: "basic", apiStages: [{ apiId: id, stage: "prod" }] }),
    );
    await client.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY" }),
    );
    const r = await gw.call(id, "/prod/keyed", { headers: { "x-api-key": key.value! } });
    assert.equal(r.status, 200, r.text);
    const identity = JSON.parse(r.text);
    assert.equal(identity.apiKey, key.value);
    assert.equal(identity.apiKeyId, key.id);
    assert.equal(identity.caller, "");
    assert.equal(identity.userArn, "");
    assert.equal(identity.sourceIp, "127.0.0.1");
  });

  test("on a method that requires no key, the key the client sent is not the identity's", async () => {
    const r = await gw.call(id, "/prod/open", { headers: { "x-api-key": "some-key-value" } });
    assert.deepEqual(JSON.parse(r.text), {
      apiKey: "",
      apiKeyId: "",
      accessKey: "",
      accountId: "",
      caller: "",
      user: "",
      userArn: "",
      cognitoIdentityId: "",
      cognitoAuthenticationType: "",
      sourceIp: "127.0.0.1",
    });
  });

  test("after SigV4: the signer's access key, account, principal id and ARN reach an HTTP backend", async () => {
    const host = `${id}.execute-api.us-east-1.localhost:${gw.port}`;
    const wire = await smithySign(
      {
        method: "POST",
        path: "/prod/signed",
        hostname: host,
        headers: { "content-type": "application/json" },
        body: "{}",
      },
      { credentials: ALICE },
      new Date(),
    );
    const r = await request(`http://127.0.0.1:${gw.port}${wire.rawPath}`, {
      method: "POST",
      headers: { ...wire.headers, host },
      body: wire.body,
    });
    const text = await r.body.text();
    assert.equal(r.statusCode, 200, text);
    const echo = JSON.parse(text) as Echo;
    const identity = JSON.parse(Buffer.from(echo.bodyBase64, "base64").toString());
    assert.equal(identity.accessKey, ALICE.accessKeyId);
    assert.equal(identity.accountId, ACCOUNT);
    assert.equal(identity.userArn, `arn:aws:iam::${ACCOUNT}:user/alice`);
    assert.match(identity.caller, /^AIDA[A-Z2-7]{17}$/);
    assert.equal(identity.user, identity.caller);
    assert.equal(identity.apiKey, "");
    assert.equal(identity.cognitoIdentityId, "");
  });
});
