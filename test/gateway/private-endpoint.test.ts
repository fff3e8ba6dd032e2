import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { request } from "undici";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

const api = (title: string, policy?: object) => `
openapi: 3.0.1
info: { title: ${title}, version: "1" }
x-amazon-apigateway-endpoint-configuration: { types: [PRIVATE], vpcEndpointIds: [vpce-0aaa1111] }
${policy ? `x-amazon-apigateway-policy: ${JSON.stringify(policy)}` : ""}
paths:
  /ping:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"private":true}' } } }
`;

// Shape of AWS's private-API resource policy example: allow only through a given VPC endpoint.
const VPCE_ONLY = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Deny",
      Principal: "*",
      Action: "execute-api:Invoke",
      Resource: "execute-api:/*",
      Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-0aaa1111" } },
    },
    { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
  ],
};

let inside: TestGateway;
let outside: TestGateway;
let proxied: TestGateway;
before(async () => {
  inside = await startTestGateway({ networks: { "vpce-0aaa1111": ["127.0.0.0/8"] } });
  outside = await startTestGateway({ networks: { "vpce-0aaa1111": ["10.1.0.0/16"] } });
  // Behind a trusted proxy (this loopback), which names the client and the VPC endpoint in headers.
  proxied = await startTestGateway({
    networks: { "vpce-0aaa1111": ["10.1.0.0/16"] },
    trustedProxies: ["127.0.0.0/8"],
    vpceHeader: "x-portico-vpce",
  });
});
after(async () => {
  await inside.close();
  await outside.close();
  await proxied.close();
});

async function get(gw: TestGateway, host: string, path: string, headers: Record<string, string> = {}) {
  const r = await request(`http://127.0.0.1:${gw.port}${path}`, { headers: { host, ...headers } });
  return { status: r.statusCode, text: await r.body.text() };
}

test("a PRIVATE API answers traffic from its VPC endpoint, addressed by vpce host name or x-apigw-api-id", async () => {
  const id = await inside.deployRest(api("Private", VPCE_ONLY), "prod");
  const byVpceHost = await get(
    inside,
    `${id}-vpce-0aaa1111.execute-api.us-east-1.vpce.amazonaws.com`,
    "/prod/ping",
  );
  assert.equal(byVpceHost.status, 200, byVpceHost.text);
  const byHeader = await get(
    inside,
    "vpce-0aaa1111-xyz.execute-api.us-east-1.vpce.amazonaws.com",
    "/prod/ping",
    { "x-apigw-api-id": id },
  );
  assert.equal(byHeader.status, 200);
});

test("traffic from outside every VPC endpoint network is refused", async () => {
  const id = await outside.deployRest(api("PrivateOut", VPCE_ONLY), "prod");
  const r = await get(outside, `${id}.execute-api.us-east-1.amazonaws.com`, "/prod/ping");
  assert.equal(r.status, 403);
  assert.equal(r.text, '{"message":"Forbidden"}');
});

test("a PRIVATE API without a resource policy denies every call", async () => {
  const id = await inside.deployRest(api("NoPolicy"), "prod");
  assert.equal((await get(inside, `${id}.execute-api.us-east-1.amazonaws.com`, "/prod/ping")).status, 403);
});

test("behind a trusted proxy, its VPC endpoint header and X-Forwarded-For are believed", async () => {
  const id = await proxied.deployRest(api("ViaProxy", VPCE_ONLY), "prod");
  const host = `${id}.execute-api.us-east-1.amazonaws.com`;
  const named = await get(proxied, host, "/prod/ping", { "x-portico-vpce": "vpce-0aaa1111" });
  assert.equal(named.status, 200, named.text);
  const other = await get(proxied, host, "/prod/ping", { "x-portico-vpce": "vpce-0bbb2222" });
  assert.equal(other.status, 403, "another endpoint fails the policy's aws:SourceVpce condition");
  assert.equal((await get(proxied, host, "/prod/ping")).status, 403, "no header, not in the network");
  // The client address comes from X-Forwarded-For: an address inside the endpoint's network passes.
  const forwarded = await get(proxied, host, "/prod/ping", { "x-forwarded-for": "10.1.2.3" });
  assert.equal(forwarded.status, 200, forwarded.text);
});

test("without trustedProxies, forwarding headers cannot be spoofed", async () => {
  const id = await outside.deployRest(api("Spoof", VPCE_ONLY), "prod");
  const host = `${id}.execute-api.us-east-1.amazonaws.com`;
  const r = await get(outside, host, "/prod/ping", {
    "x-forwarded-for": "10.1.2.3",
    "x-amzn-vpce-id": "vpce-0aaa1111",
  });
  assert.equal(r.status, 403);
});
