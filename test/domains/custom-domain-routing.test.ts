import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateBasePathMappingCommand,
  CreateDomainNameCommand,
  DeleteBasePathMappingCommand,
} from "@aws-sdk/client-api-gateway";
import {
  ApiGatewayV2Client,
  CreateApiMappingCommand,
  CreateDomainNameCommand as CreateDomainNameV2Command,
  DeleteApiMappingCommand,
} from "@aws-sdk/client-apigatewayv2";
import { callHost } from "../support/by-host.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";
import { mockIntegration } from "../support/snippets.ts";

// What a MOCK method tells of the request: AWS's $context as a mapping template sees it.
const CONTEXT =
  '{"api":"$context.apiId","stage":"$context.stage","path":"$context.path","resource":"$context.resourcePath","domain":"$context.domainName","prefix":"$context.domainPrefix"}';

const ORDERS = `openapi: 3.0.1
info: { title: Orders, version: "1" }
paths:
  /items:
    get:${mockIntegration(CONTEXT)}
  /items/{id}:
    get:${mockIntegration(CONTEXT)}
`;
const SHOP = `openapi: 3.0.1
info: { title: Shop, version: "1" }
paths:
  /items:
    get:${mockIntegration(CONTEXT)}
`;
const FUNCTIONS = `openapi: 3.0.1
info: { title: Fn, version: "1" }
paths:
  /{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${invocationArn("echo")}" }
`;
const PETS_HTTP = `openapi: 3.0.1
info: { title: PetsHttp, version: "1" }
paths:
  /pets/{id}:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${invocationArn("echo")}", payloadFormatVersion: "2.0" }
`;

describe("custom domain names route by Host to their mapped API stages", () => {
  let gw: TestGateway;
  let v1: APIGatewayClient;
  let v2: ApiGatewayV2Client;
  let orders: string;
  let shop: string;
  let fn: string;
  let pets: string;
  const get = (host: string, path: string) => callHost(gw.port, host, path);

  before(async () => {
    gw = await startTestGateway({
      functions: {
        echo: { handler: join(import.meta.dirname, "..", "fixtures", "functions", "handlers.echo") },
      },
    });
    v1 = new APIGatewayClient(adminClientConfig(gw));
    v2 = new ApiGatewayV2Client(adminClientConfig(gw));
    orders = await gw.deployRest(ORDERS, "prod");
    await gw.portico.control.deployRestApi(orders, { stageName: "beta" });
    shop = await gw.deployRest(SHOP, "prod");
    fn = await gw.deployRest(FUNCTIONS, "live");
    pets = await gw.deployHttp(PETS_HTTP);

    await v2.send(
      new CreateDomainNameV2Command({
        DomainName: "api.example.com",
        DomainNameConfigurations: [{ CertificateArn: "arn:aws:acm:us-east-1:000000000000:certificate/a" }],
      }),
    );
    const map = (key: string, apiId: string, stage: string) =>
      v2.send(
        new CreateApiMappingCommand({
          DomainName: "api.example.com",
          ApiMappingKey: key,
          ApiId: apiId,
          Stage: stage,
        }),
      );
    await map("", orders, "prod");
    await map("orders/v1", shop, "prod");
    await map("orders/v1/http", pets, "$default");
    await map("fn", fn, "live");
    await v1.send(new CreateDomainNameCommand({ domainName: "edge.example.com" }));
    // No stage: the path's next segment names it.
    await v1.send(new CreateBasePathMappingCommand({ domainName: "edge.example.com", restApiId: orders }));
    await v1.send(
      new CreateDomainNameCommand({
        domainName: "only.example.com",
        endpointConfiguration: { types: ["REGIONAL"] },
      }),
    );
    await v1.send(
      new CreateBasePathMappingCommand({
        domainName: "only.example.com",
        restApiId: shop,
        stage: "prod",
        basePath: "v1",
      }),
    );
  });
  after(async () => {
    v1.destroy();
    v2.destroy();
    await gw.close();
  });

  test("the root mapping serves the whole path; $context names the custom domain and the path as sent", async () => {
    const r = await get("api.example.com", "/items/7");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), {
      api: orders,
      stage: "prod",
      path: "/items/7",
      resource: "/items/{id}",
      domain: "api.example.com",
      prefix: "api",
    });
  });

  test("the longest matching base path wins, whole segments only", async () => {
    const inner = await get("api.example.com", "/orders/v1/items");
    assert.equal(inner.status, 200);
    assert.equal(inner.json().api, shop);
    assert.equal(inner.json().path, "/orders/v1/items");
    assert.equal(inner.json().resource, "/items");
    // `orders/v10` is not below `orders/v1`: the root mapping takes it, and its API has no such resource.
    const sibling = await get("api.example.com", "/orders/v10/items");
    assert.equal(sibling.status, 403);
    assert.deepEqual(sibling.json(), { message: "Missing Authentication Token" });
    // The base path is stripped before routing: the HTTP API's route is `GET /pets/{id}`.
    const deeper = await get("api.example.com", "/orders/v1/http/pets/2");
    assert.equal(deeper.status, 200);
    const event = deeper.json().event;
    assert.equal(event.rawPath, "/orders/v1/http/pets/2");
    assert.equal(event.requestContext.http.path, "/orders/v1/http/pets/2");
    assert.equal(event.routeKey, "GET /pets/{id}");
    assert.deepEqual(event.pathParameters, { id: "2" });
    assert.equal(event.requestContext.domainName, "api.example.com");
    assert.equal(event.requestContext.apiId, pets);
  });

  test("REST and HTTP APIs share one REGIONAL domain", async () => {
    const rest = await get("api.example.com", "/items");
    const http = await get("api.example.com", "/orders/v1/http/pets/9");
    assert.equal(rest.json().api, orders);
    assert.equal(http.json().event.requestContext.apiId, pets);
  });

  test("the Host is matched case-insensitively and with any port", async () => {
    const r = await get("API.Example.COM:8443", "/orders/v1/items");
    assert.equal(r.status, 200);
    assert.equal(r.json().api, shop);
    assert.equal(r.json().domain, "API.Example.COM");
  });

  test("a REST proxy event by a custom domain: path and requestContext.path keep the base path", async () => {
    const byDomain = (await get("api.example.com", "/fn/a/b?x=1")).json().event;
    assert.equal(byDomain.path, "/fn/a/b");
    assert.equal(byDomain.requestContext.path, "/fn/a/b");
    assert.equal(byDomain.resource, "/{proxy+}");
    assert.deepEqual(byDomain.pathParameters, { proxy: "a/b" });
    assert.equal(byDomain.requestContext.domainName, "api.example.com");
    assert.equal(byDomain.requestContext.domainPrefix, "api");
    assert.equal(byDomain.requestContext.stage, "live");
    // By the execute-api endpoint: `path` below the stage, `requestContext.path` with it.
    const direct = JSON.parse((await gw.call(fn, "/live/a/b")).text).event;
    assert.equal(direct.path, "/a/b");
    assert.equal(direct.requestContext.path, "/live/a/b");
  });

  test("a base path mapping without a stage: the next segment names the stage", async () => {
    const prod = await get("edge.example.com", "/prod/items");
    assert.equal(prod.status, 200);
    assert.equal(prod.json().stage, "prod");
    assert.equal(prod.json().path, "/prod/items");
    const beta = await get("edge.example.com", "/beta/items/3");
    assert.equal(beta.json().stage, "beta");
    const none = await get("edge.example.com", "/gamma/items");
    assert.equal(none.status, 403);
    assert.deepEqual(none.json(), { message: "Missing Authentication Token" });
  });

  test("a path no mapping takes is 403 Forbidden, as AWS answers it", async () => {
    const r = await get("only.example.com", "/v2/items");
    assert.equal(r.status, 403);
    assert.deepEqual(r.json(), { message: "Forbidden" });
    assert.equal(r.headers["x-amzn-errortype"], "ForbiddenException");
    assert.ok(r.headers["x-amzn-requestid"]);
    assert.equal((await get("only.example.com", "/v1/items")).status, 200);
    // A host that is no domain at all is still an unknown API.
    assert.equal((await get("other.example.com", "/v1/items")).status, 404);
  });

  test("a deleted mapping answers 403 on the very next request, a new one serves at once", async () => {
    const domain = "only.example.com";
    assert.equal((await get(domain, "/v1/items")).status, 200);
    await v1.send(new DeleteBasePathMappingCommand({ domainName: domain, basePath: "v1" }));
    assert.equal((await get(domain, "/v1/items")).status, 403);
    await v1.send(
      new CreateBasePathMappingCommand({
        domainName: domain,
        restApiId: shop,
        stage: "prod",
        basePath: "v1",
      }),
    );
    assert.equal((await get(domain, "/v1/items")).status, 200);
  });

  test("deleting an apigatewayv2 API mapping takes its paths back to the shorter mapping", async () => {
    const { ApiMappingId } = await v2.send(
      new CreateApiMappingCommand({
        DomainName: "api.example.com",
        ApiMappingKey: "tmp",
        ApiId: shop,
        Stage: "prod",
      }),
    );
    assert.equal((await get("api.example.com", "/tmp/items")).json().api, shop);
    await v2.send(
      new DeleteApiMappingCommand({ DomainName: "api.example.com", ApiMappingId: ApiMappingId! }),
    );
    const after = await get("api.example.com", "/tmp/items");
    assert.equal(after.status, 403);
    assert.deepEqual(after.json(), { message: "Missing Authentication Token" });
  });

  test("a wildcard domain name answers for any first label; $context.domainPrefix is that label", async () => {
    await v2.send(
      new CreateDomainNameV2Command({ DomainName: "*.tenants.example.com", DomainNameConfigurations: [{}] }),
    );
    await v2.send(
      new CreateApiMappingCommand({ DomainName: "*.tenants.example.com", ApiId: orders, Stage: "prod" }),
    );
    const r = await get("acme.tenants.example.com", "/items");
    assert.equal(r.status, 200);
    assert.equal(r.json().domain, "acme.tenants.example.com");
    assert.equal(r.json().prefix, "acme");
    assert.equal((await get("a.b.tenants.example.com", "/items")).status, 404);
  });
});
