import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  type PutIntegrationCommandInput,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  UpdateStageCommand,
} from "@aws-sdk/client-api-gateway";
import { compileUriTemplate } from "../../src/integrations/uri-template.ts";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");
const lambdaUri = (fn: string) =>
  `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:${fn}/invocations`;
const INTERNAL = '{"message": "Internal server error"}';

describe("stage variables in integration URIs", () => {
  let gw: TestGateway;
  let client: APIGatewayClient;
  let blue: EchoBackend;
  let green: EchoBackend;
  before(async () => {
    gw = await startTestGateway({
      functions: {
        blue: { handler: join(FIXTURES, "handlers.echo"), timeout: 2 },
        green: { handler: join(FIXTURES, "handlers.echo"), timeout: 2 },
        raw: { handler: join(FIXTURES, "handlers.raw"), timeout: 2 },
      },
    });
    client = new APIGatewayClient(adminClientConfig(gw));
    blue = await startEchoBackend();
    green = await startEchoBackend();
  });
  after(async () => {
    client.destroy();
    await gw.close();
    await blue.close();
    await green.close();
  });

  /** A REST API whose GET / has this integration (and a 200 integration response for non-proxies). */
  async function apiWith(
    integration: Omit<PutIntegrationCommandInput, "restApiId" | "resourceId" | "httpMethod">,
  ): Promise<string> {
    const api = await client.send(new CreateRestApiCommand({ name: "StageVariables" }));
    const apiId = api.id!;
    const rootId = (await client.send(new GetResourcesCommand({ restApiId: apiId }))).items![0]!.id!;
    const m = { restApiId: apiId, resourceId: rootId, httpMethod: "GET" };
    await client.send(new PutMethodCommand({ ...m, authorizationType: "NONE" }));
    await client.send(new PutMethodResponseCommand({ ...m, statusCode: "200" }));
    await client.send(new PutIntegrationCommand({ ...m, ...integration }));
    if (integration.type === "HTTP" || integration.type === "AWS")
      await client.send(new PutIntegrationResponseCommand({ ...m, statusCode: "200" }));
    return apiId;
  }

  const deploy = (apiId: string, variables: Record<string, string>) =>
    client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "dev", variables }));
  const setVariable = (apiId: string, name: string, value: string | undefined) =>
    client.send(
      new UpdateStageCommand({
        restApiId: apiId,
        stageName: "dev",
        patchOperations: [
          value === undefined
            ? { op: "remove", path: `/variables/${name}` }
            : { op: "replace", path: `/variables/${name}`, value },
        ],
      }),
    );
  const hostOf = (b: EchoBackend) => `127.0.0.1:${b.port}`;
  const assertInternalError = (r: Awaited<ReturnType<TestGateway["call"]>>) => {
    assert.equal(r.status, 500, r.text);
    assert.equal(r.text, INTERNAL);
    assert.equal(r.headers["x-amzn-errortype"], "InternalServerErrorException");
  };

  test("PutIntegration accepts a placeholder wherever AWS allows one, even where a literal needs other syntax", async () => {
    for (const uri of [
      "${stageVariables.url}",
      "http://${stageVariables.url}",
      "http://${stageVariables.host}:${stageVariables.port}/x",
      "http://${stageVariables.sub}.example.com/resource/operation",
      "http://example.com/${stageVariables.path}/bar",
      "https://example.com/foo?q=${stageVariables.q}",
    ]) {
      const apiId = await apiWith({ type: "HTTP_PROXY", integrationHttpMethod: "GET", uri });
      assert.ok(apiId, uri);
    }
    await apiWith({
      type: "AWS_PROXY",
      integrationHttpMethod: "POST",
      uri: lambdaUri("${stageVariables.fn}"),
    });
    await apiWith({
      type: "AWS",
      integrationHttpMethod: "POST",
      uri: "arn:aws:apigateway:us-east-1:lambda:${stageVariables.action}",
    });
    for (const uri of ["ftp://${stageVariables.host}/x", "example.com/${stageVariables.path}", "http://"]) {
      await assert.rejects(
        apiWith({ type: "HTTP_PROXY", integrationHttpMethod: "GET", uri }),
        (err: Error) => err.name === "BadRequestException" && /Invalid HTTP endpoint/.test(err.message),
        uri,
      );
    }
  });

  test("the whole URL, host and port, path and query come from the stage's current variables", async () => {
    const whole = await apiWith({
      type: "HTTP_PROXY",
      integrationHttpMethod: "GET",
      uri: "${stageVariables.url}",
    });
    await deploy(whole, { url: `http://${hostOf(blue)}/whole/url` });
    let r = await gw.call(whole, "/dev/");
    assert.equal(r.status, 200, r.text);
    assert.equal(JSON.parse(r.text).url, "/whole/url");

    const parts = await apiWith({
      type: "HTTP",
      integrationHttpMethod: "GET",
      uri: "http://${stageVariables.host}:${stageVariables.port}/p/${stageVariables.seg}?q=${stageVariables.q}",
    });
    await deploy(parts, { host: "127.0.0.1", port: String(blue.port), seg: "first", q: "v1" });
    r = await gw.call(parts, "/dev/");
    assert.equal(r.status, 200, r.text);
    assert.equal(JSON.parse(r.text).url, "/p/first?q=v1");

    // UpdateStage alone moves the integration: no redeploy.
    await setVariable(parts, "port", String(green.port));
    await setVariable(parts, "seg", "second");
    r = await gw.call(parts, "/dev/");
    assert.equal(JSON.parse(r.text).url, "/p/second?q=v1");
    assert.equal(JSON.parse(r.text).headers.host, hostOf(green));
  });

  test("a missing variable or a URL that is not absolute http(s) answers AWS's 500, and fixing it heals the stage", async () => {
    const apiId = await apiWith({
      type: "HTTP_PROXY",
      integrationHttpMethod: "GET",
      uri: "http://${stageVariables.host}/x/${stageVariables.path}",
    });
    await deploy(apiId, { host: hostOf(blue) });
    assertInternalError(await gw.call(apiId, "/dev/"));
    await setVariable(apiId, "path", "ok");
    assert.equal(JSON.parse((await gw.call(apiId, "/dev/")).text).url, "/x/ok");
    for (const bad of ["", "bad host", "127.0.0.1:99999", "-bad-.example"]) {
      if (bad === "") await setVariable(apiId, "host", undefined);
      else await setVariable(apiId, "host", bad);
      assertInternalError(await gw.call(apiId, "/dev/"));
    }

    const whole = await apiWith({ type: "HTTP", integrationHttpMethod: "GET", uri: "${stageVariables.url}" });
    await deploy(whole, { url: `${hostOf(blue)}/no-scheme` });
    assertInternalError(await gw.call(whole, "/dev/"));
    await setVariable(whole, "url", `ftp://${hostOf(blue)}/x`);
    assertInternalError(await gw.call(whole, "/dev/"));
    await setVariable(whole, "url", `http://${hostOf(blue)}/x`);
    assert.equal((await gw.call(whole, "/dev/")).status, 200);
  });

  test("a Lambda function name or alias in the invocation ARN comes from the stage variables", async () => {
    const byName = await apiWith({
      type: "AWS_PROXY",
      integrationHttpMethod: "POST",
      uri: lambdaUri("${stageVariables.fn}"),
    });
    await deploy(byName, { fn: "blue" });
    let r = await gw.call(byName, "/dev/");
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers["x-fn"], "blue");
    assert.deepEqual(JSON.parse(r.text).event.stageVariables, { fn: "blue" });
    await setVariable(byName, "fn", "green");
    assert.equal((await gw.call(byName, "/dev/")).headers["x-fn"], "green");
    // A qualified name (`name:alias`) is the configured function.
    await setVariable(byName, "fn", "green:live");
    assert.equal((await gw.call(byName, "/dev/")).headers["x-fn"], "green");
    await setVariable(byName, "fn", "nosuchfunction");
    assertInternalError(await gw.call(byName, "/dev/"));
    await setVariable(byName, "fn", undefined);
    assertInternalError(await gw.call(byName, "/dev/"));

    const byAlias = await apiWith({
      type: "AWS_PROXY",
      integrationHttpMethod: "POST",
      uri: lambdaUri("blue:${stageVariables.alias}"),
    });
    await deploy(byAlias, { alias: "prod" });
    r = await gw.call(byAlias, "/dev/");
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers["x-fn"], "blue");
    await setVariable(byAlias, "alias", undefined);
    assertInternalError(await gw.call(byAlias, "/dev/"));

    const nonProxy = await apiWith({
      type: "AWS",
      integrationHttpMethod: "POST",
      uri: lambdaUri("${stageVariables.fn}"),
      requestTemplates: { "application/json": '{"from": "template"}' },
    });
    await deploy(nonProxy, { fn: "raw" });
    r = await gw.call(nonProxy, "/dev/", { headers: { "content-type": "application/json" } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(JSON.parse(r.text), { got: { from: "template" }, at: "raw" });
    await setVariable(nonProxy, "fn", "nosuchfunction");
    assertInternalError(
      await gw.call(nonProxy, "/dev/", { headers: { "content-type": "application/json" } }),
    );
  });

  test("rendering: a subdomain, a space in a value, and no variable left unresolved", () => {
    const t = compileUriTemplate("http://${stageVariables.sub}.example.com/a/${stageVariables.p}?q={q}");
    assert.deepEqual(
      t.render((n) => (n === "q" ? "v" : undefined), { sub: "api", p: "x y" }),
      { origin: "http://api.example.com", pathAndQuery: "/a/x%20y?q=v" },
    );
    assert.equal(
      t.render(() => undefined, { p: "x" }),
      "misconfigured",
    );
    assert.equal(
      compileUriTemplate("http://h/{p}").render(() => "..%2Fsecret", {}),
      "unsafe-path",
      "path values still may not walk the backend path",
    );
  });
});

describe("stage variables in HTTP API integration URIs", () => {
  let gw: TestGateway;
  let backend: EchoBackend;
  before(async () => {
    gw = await startTestGateway({
      functions: { blue: { handler: join(FIXTURES, "handlers.echo"), timeout: 2 } },
    });
    backend = await startEchoBackend();
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  test("a Lambda function named by a stage variable, and an HTTP URL missing one (500)", async () => {
    const apiId = await gw.deployHttp(
      `
openapi: 3.0.1
info: { title: HttpStageVariables, version: "1" }
paths:
  /fn:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${lambdaUri("${stageVariables.fn}")}", payloadFormatVersion: "2.0" }
  /missing:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "http://\${stageVariables.nohost}/x", payloadFormatVersion: "1.0" }
`,
      "$default",
      { fn: "blue" },
    );
    const r = await gw.call(apiId, "/fn");
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers["x-fn"], "blue");
    assert.equal((await gw.call(apiId, "/missing")).status, 500);
  });
});
