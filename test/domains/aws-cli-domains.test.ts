import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { awsCli, awsCliV2 } from "../support/aws-cli.ts";
import { callHost } from "../support/by-host.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { mockIntegration } from "../support/snippets.ts";

const REST = `openapi: 3.0.1
info: { title: CliRest, version: "1" }
paths:
  /orders:
    get:${mockIntegration('{"api":"$context.apiId","path":"$context.path"}')}
`;
const HTTP = `openapi: 3.0.1
info: { title: CliHttp, version: "1" }
x-amazon-apigateway-importexport-version: "1.0"
paths:
  /status:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "http://127.0.0.1:9/status", payloadFormatVersion: "1.0" }
`;

describe("the AWS CLI sets up custom domain names that the data plane serves", () => {
  let gw: TestGateway;
  let rest: string;
  let http: string;
  const host = "api.cli.example.com";
  before(async () => {
    gw = await startTestGateway();
    rest = await gw.deployRest(REST, "prod");
    http = await gw.deployHttp(HTTP);
  });
  after(() => gw.close());

  test("create-domain-name, create-base-path-mapping and create-api-mapping: requests by Host reach the stages", async () => {
    const created = await awsCli(gw.adminPort, [
      "create-domain-name",
      "--domain-name",
      host,
      "--endpoint-configuration",
      "types=REGIONAL",
      "--regional-certificate-arn",
      "arn:aws:acm:us-east-1:000000000000:certificate/cli",
    ]);
    assert.equal(created.status, 0, created.stderr);
    assert.equal((created.json as { regionalDomainName: string }).regionalDomainName, host);
    const v1 = await awsCli(gw.adminPort, [
      "create-base-path-mapping",
      "--domain-name",
      host,
      "--base-path",
      "v1",
      "--rest-api-id",
      rest,
      "--stage",
      "prod",
    ]);
    assert.equal(v1.status, 0, v1.stderr);
    const v2 = await awsCliV2(gw.adminPort, [
      "create-api-mapping",
      "--domain-name",
      host,
      "--api-mapping-key",
      "v2/orders",
      "--api-id",
      rest,
      "--stage",
      "prod",
    ]);
    assert.equal(v2.status, 0, v2.stderr);
    assert.equal((v2.json as { ApiMappingKey: string }).ApiMappingKey, "v2/orders");
    const http1 = await awsCliV2(gw.adminPort, [
      "create-api-mapping",
      "--domain-name",
      host,
      "--api-mapping-key",
      "health",
      "--api-id",
      http,
      "--stage",
      "$default",
    ]);
    assert.equal(http1.status, 0, http1.stderr);

    const one = await callHost(gw.port, host, "/v1/orders");
    assert.equal(one.status, 200);
    assert.deepEqual(one.json(), { api: rest, path: "/v1/orders" });
    const two = await callHost(gw.port, host, "/v2/orders/orders");
    assert.deepEqual(two.json(), { api: rest, path: "/v2/orders/orders" });
    // The HTTP API's route answers (its backend is down: 500), not the domain's 403.
    assert.notEqual((await callHost(gw.port, host, "/health/status")).status, 403);
    const listed = await awsCli(gw.adminPort, ["get-base-path-mappings", "--domain-name", host]);
    assert.deepEqual((listed.json as { items: { basePath: string }[] }).items.map((m) => m.basePath).sort(), [
      "health",
      "v1",
      "v2/orders",
    ]);
  });

  test("the CLI prints AWS's refusals and the domain is left as it was", async () => {
    const bad = await awsCli(gw.adminPort, [
      "update-domain-name",
      "--domain-name",
      host,
      "--patch-operations",
      "op=replace,path=/securityPolicy,value=TLS_1_0",
    ]);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /BadRequestException/);
    assert.match(bad.stderr, /Only REGIONAL domain names with a security policy of TLS 1\.2/);
    const read = await awsCli(gw.adminPort, ["get-domain-name", "--domain-name", host]);
    assert.equal((read.json as { securityPolicy: string }).securityPolicy, "TLS_1_2");
    const slash = await awsCli(gw.adminPort, [
      "create-base-path-mapping",
      "--domain-name",
      host,
      "--base-path",
      "a/b",
      "--rest-api-id",
      rest,
    ]);
    assert.match(slash.stderr, /API Gateway V1 doesn't support the slash character/);
  });

  test("disableExecuteApiEndpoint: after a deployment the execute-api host and path style answer 403 Forbidden", async () => {
    const patched = await awsCli(gw.adminPort, [
      "update-rest-api",
      "--rest-api-id",
      rest,
      "--patch-operations",
      "op=replace,path=/disableExecuteApiEndpoint,value='True'",
    ]);
    assert.equal(patched.status, 0, patched.stderr);
    // As on AWS, the change takes effect with the next deployment.
    assert.equal((await gw.call(rest, "/prod/orders")).status, 200);
    const deployed = await awsCli(gw.adminPort, [
      "create-deployment",
      "--rest-api-id",
      rest,
      "--stage-name",
      "prod",
    ]);
    assert.equal(deployed.status, 0, deployed.stderr);
    const byHost = await gw.call(rest, "/prod/orders");
    assert.equal(byHost.status, 403);
    assert.deepEqual(JSON.parse(byHost.text), { message: "Forbidden" });
    assert.equal(byHost.headers["x-amzn-errortype"], "ForbiddenException");
    const pathStyle = await callHost(gw.port, "localhost", `/restapis/${rest}/prod/_user_request_/orders`);
    assert.equal(pathStyle.status, 403);
    assert.equal((await gw.call(rest, "/nostage/orders")).status, 403);
    // Its custom domain still serves it, and test-invoke-method reaches the method directly.
    assert.equal((await callHost(gw.port, host, "/v1/orders")).status, 200);
    const resources = await awsCli(gw.adminPort, ["get-resources", "--rest-api-id", rest]);
    const orders = (resources.json as { items: { id: string; path: string }[] }).items.find(
      (r) => r.path === "/orders",
    )!;
    const invoked = await awsCli(gw.adminPort, [
      "test-invoke-method",
      "--rest-api-id",
      rest,
      "--resource-id",
      orders.id,
      "--http-method",
      "GET",
    ]);
    assert.equal((invoked.json as { status: number }).status, 200, invoked.stderr);
  });

  test("an HTTP API's disableExecuteApiEndpoint (auto-deployed) leaves only its custom domain", async () => {
    const r = await awsCliV2(gw.adminPort, [
      "update-api",
      "--api-id",
      http,
      "--disable-execute-api-endpoint",
    ]);
    assert.equal(r.status, 0, r.stderr);
    const direct = await gw.call(http, "/status");
    assert.equal(direct.status, 403);
    assert.deepEqual(JSON.parse(direct.text), { message: "Forbidden" });
    assert.notEqual((await callHost(gw.port, host, "/health/status")).status, 403);
  });

  test("delete-base-path-mapping: the next request is refused", async () => {
    const gone = await awsCli(gw.adminPort, [
      "delete-base-path-mapping",
      "--domain-name",
      host,
      "--base-path",
      "v1",
    ]);
    assert.equal(gone.status, 0, gone.stderr);
    const r = await callHost(gw.port, host, "/v1/orders");
    assert.equal(r.status, 403);
    assert.deepEqual(r.json(), { message: "Forbidden" });
  });
});
