import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  DeleteIntegrationResponseCommand,
  GetIntegrationCommand,
  GetIntegrationResponseCommand,
  GetMethodCommand,
  GetMethodResponseCommand,
  GetResourcesCommand,
  ImportRestApiCommand,
  PutIntegrationCommand,
  type PutIntegrationCommandInput,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  TestInvokeMethodCommand,
} from "@aws-sdk/client-api-gateway";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

// PutIntegration and its neighbours as AWS answers them (recorded against AWS: the members AWS fills
// in, its validation order, error types and words), driven through the real AWS SDK.

const LAMBDA_URI =
  "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:MyLambda/invocations";

describe("integrations through the AWS SDK: AWS's members, validation and refusals", () => {
  let gw: TestGateway;
  let client: APIGatewayClient;
  before(async () => {
    gw = await startTestGateway();
    client = new APIGatewayClient(adminClientConfig(gw));
  });
  after(async () => {
    client.destroy();
    await gw.close();
  });

  /** A new REST API with GET on its root; returns the ids. */
  const apiWithGet = async (name: string) => {
    const api = await client.send(new CreateRestApiCommand({ name }));
    const root = (await client.send(new GetResourcesCommand({ restApiId: api.id }))).items![0]!.id!;
    await client.send(
      new PutMethodCommand({
        restApiId: api.id,
        resourceId: root,
        httpMethod: "GET",
        authorizationType: "NONE",
      }),
    );
    return { restApiId: api.id!, root };
  };

  const refused = async (promise: Promise<unknown>, name: string, message: string | RegExp) => {
    await assert.rejects(promise, (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(err.name, name);
      if (typeof message === "string") assert.equal(err.message, message);
      else assert.match(err.message, message);
      assert.equal(err.$metadata?.httpStatusCode, name === "NotFoundException" ? 404 : 400);
      return true;
    });
  };

  test("every integration carries AWS's defaults; connectionType INTERNET only for HTTP types; MOCK keeps no uri", async () => {
    const { restApiId, root } = await apiWithGet("Members");
    const put = (input: Partial<PutIntegrationCommandInput>) =>
      client.send(
        new PutIntegrationCommand({ restApiId, resourceId: root, httpMethod: "GET", type: "MOCK", ...input }),
      );
    const defaults = {
      cacheKeyParameters: [],
      cacheNamespace: root,
      passthroughBehavior: "WHEN_NO_MATCH",
      timeoutInMillis: 29000,
    };
    const pick = (o: object) =>
      Object.fromEntries(
        Object.entries(o).filter(
          ([k, v]) => k !== "$metadata" && v !== undefined && k !== "integrationResponses",
        ),
      );

    for (const type of ["HTTP", "HTTP_PROXY"] as const) {
      const out = await put({ type, uri: "http://example.com", integrationHttpMethod: "POST" });
      assert.deepEqual(pick(out), {
        ...defaults,
        connectionType: "INTERNET",
        httpMethod: "POST",
        type,
        uri: "http://example.com",
      });
    }
    const mock = await put({ type: "MOCK", uri: "http://example.com" });
    assert.deepEqual(pick(mock), { ...defaults, type: "MOCK" });
    for (const type of ["AWS", "AWS_PROXY"] as const) {
      const out = await put({ type, uri: LAMBDA_URI, integrationHttpMethod: "POST" });
      assert.deepEqual(pick(out), { ...defaults, httpMethod: "POST", type, uri: LAMBDA_URI });
    }
    const s3 = await put({
      type: "AWS",
      uri: "arn:aws:apigateway:us-east-1:s3:path/b/k",
      integrationHttpMethod: "POST",
      credentials: "arn:aws:iam::000000000000:role/service-role/s3",
    });
    assert.equal(s3.connectionType, undefined);
    assert.equal(s3.credentials, "arn:aws:iam::000000000000:role/service-role/s3");

    // A VPC link keeps what was given; GetIntegration, GetMethod and GetResources answer the same.
    const vpc = await put({
      type: "HTTP_PROXY",
      uri: "http://my-nlb.us-east-1.amazonaws.com",
      integrationHttpMethod: "GET",
      connectionType: "VPC_LINK",
      connectionId: "${stageVariables.vpcLinkId}",
    });
    assert.equal(vpc.connectionType, "VPC_LINK");
    assert.equal(vpc.connectionId, "${stageVariables.vpcLinkId}");
    await put({ type: "HTTP", uri: "http://example.com", integrationHttpMethod: "POST" });
    const got = await client.send(
      new GetIntegrationCommand({ restApiId, resourceId: root, httpMethod: "GET" }),
    );
    assert.deepEqual(pick(got), {
      ...defaults,
      connectionType: "INTERNET",
      httpMethod: "POST",
      type: "HTTP",
      uri: "http://example.com",
    });
    const method = await client.send(
      new GetMethodCommand({ restApiId, resourceId: root, httpMethod: "GET" }),
    );
    assert.deepEqual(pick(method.methodIntegration!), pick(got));
    const embedded = await client.send(new GetResourcesCommand({ restApiId, embed: ["methods"] }));
    assert.deepEqual(pick(embedded.items![0]!.resourceMethods!.GET!.methodIntegration!), pick(got));
  });

  test("an imported integration carries the same members as a put one", async () => {
    const api = await client.send(
      new ImportRestApiCommand({
        body: new TextEncoder().encode(`openapi: 3.0.1
info: { title: Imported, version: "1" }
paths:
  /pets:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "http://example.com/pets" }
    post:
      x-amazon-apigateway-integration: { type: mock, uri: "http://ignored", requestTemplates: { application/json: '{"statusCode": 200}' } }
`),
      }),
    );
    const pets = (await client.send(new GetResourcesCommand({ restApiId: api.id }))).items!.find(
      (r) => r.path === "/pets",
    )!;
    const get = await client.send(
      new GetIntegrationCommand({ restApiId: api.id, resourceId: pets.id, httpMethod: "GET" }),
    );
    assert.equal(get.connectionType, "INTERNET");
    assert.equal(get.cacheNamespace, pets.id);
    assert.deepEqual(get.cacheKeyParameters, []);
    assert.equal(get.timeoutInMillis, 29000);
    assert.equal(get.passthroughBehavior, "WHEN_NO_MATCH");
    const post = await client.send(
      new GetIntegrationCommand({ restApiId: api.id, resourceId: pets.id, httpMethod: "POST" }),
    );
    assert.equal(post.connectionType, undefined);
    assert.equal(post.uri, undefined);
    assert.equal(post.cacheNamespace, pets.id);
  });

  test("PutIntegration refuses with AWS's type and words, and keeps the integration it had", async () => {
    const { restApiId, root } = await apiWithGet("Refusals");
    const put = (input: Partial<PutIntegrationCommandInput>) =>
      client.send(
        new PutIntegrationCommand({ restApiId, resourceId: root, httpMethod: "GET", type: "MOCK", ...input }),
      );
    await put({ type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } });

    for (const type of ["HTTP", "HTTP_PROXY", "AWS"] as const)
      await refused(
        put({ type, uri: "http://example.com" }),
        "BadRequestException",
        "Enumeration value for HttpMethod must be non-empty",
      );
    for (const type of ["HTTP", "HTTP_PROXY"] as const)
      await refused(
        put({ type, uri: "non-valid-http", integrationHttpMethod: "POST" }),
        "BadRequestException",
        "Invalid HTTP endpoint specified for URI",
      );
    for (const uri of [
      "non-valid-arn",
      "bad-arn:lambda:path/2015-03-31/functions/x/invocations",
      "arn:aws:apigateway",
    ])
      await refused(
        put({ type: "AWS", uri, integrationHttpMethod: "POST" }),
        "BadRequestException",
        "Invalid ARN specified in the request",
      );
    for (const uri of [
      "arn:aws:iam::0000000000:role/service-role/asdf",
      "arn:aws:lambda:us-east-1:000000000000:function:MyLambda",
      "arn:aws:apigateway:us-east-1:lambda:test/2015-03-31/functions/x/invocations",
    ])
      await refused(
        put({ type: "AWS_PROXY", uri, integrationHttpMethod: "POST" }),
        "BadRequestException",
        "AWS ARN for integration must contain path or action",
      );
    for (const uri of [
      "arn:aws:apigateway:us-east-1:s3:path/b/k",
      "arn:aws:apigateway:us-east-1:firehose:path/2015-03-31/functions/x/invocations",
      "arn:aws:apigateway:us-east-1:lambda:path/random/value/x/invocations",
    ])
      await refused(
        put({ type: "AWS_PROXY", uri, integrationHttpMethod: "POST" }),
        "BadRequestException",
        "Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.",
      );
    // The service model's constraints come first, before the method is even looked up.
    await refused(
      client.send(
        new PutIntegrationCommand({
          restApiId,
          resourceId: root,
          httpMethod: "PATCH",
          type: "HTTPS_PROXY" as unknown as "HTTP",
        }),
      ),
      "ValidationException",
      "1 validation error detected: Value 'HTTPS_PROXY' at 'putIntegrationInput.type' failed to satisfy constraint: Member must satisfy enum value set: [HTTP, MOCK, AWS_PROXY, HTTP_PROXY, AWS]",
    );
    await refused(
      put({ type: "http" as unknown as "HTTP", connectionType: "WIRED" as unknown as "INTERNET" }),
      "ValidationException",
      /^2 validation errors detected: Value 'http' at 'putIntegrationInput.type' .*; Value 'WIRED' at 'putIntegrationInput.connectionType' failed to satisfy constraint: Member must satisfy enum value set: \[INTERNET, VPC_LINK\]$/,
    );
    await refused(
      put({ type: "MOCK", requestParameters: { "integration.request.path.id": true as unknown as string } }),
      "SerializationException",
      "class java.lang.Boolean can not be converted to an String",
    );
    await refused(
      put({ type: "MOCK", requestTemplates: { "123": "{}" } }),
      "BadRequestException",
      "Validation Result: warnings : [], errors : [Invalid content type specified: 123]",
    );
    await refused(
      client.send(
        new PutIntegrationCommand({ restApiId, resourceId: root, httpMethod: "POST", type: "MOCK" }),
      ),
      "NotFoundException",
      "Invalid Method identifier specified",
    );
    await refused(
      client.send(
        new PutIntegrationCommand({ restApiId, resourceId: "badresource", httpMethod: "GET", type: "MOCK" }),
      ),
      "NotFoundException",
      "Invalid Resource identifier specified",
    );
    const kept = await client.send(
      new GetIntegrationCommand({ restApiId, resourceId: root, httpMethod: "GET" }),
    );
    assert.equal(kept.type, "MOCK");
    assert.deepEqual(kept.requestTemplates, { "application/json": '{"statusCode": 200}' });
  });

  test("method and integration responses: AWS's status-code constraint first, no method response needed, AWS's not-found words", async () => {
    const { restApiId, root } = await apiWithGet("Responses");
    const at = { restApiId, resourceId: root, httpMethod: "GET" };
    const badStatus =
      "1 validation error detected: Value 'wrong' at 'statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-5]\\d\\d";
    // Before anything is looked up: there is no integration yet, nor a POST method.
    await refused(
      client.send(new PutIntegrationResponseCommand({ ...at, statusCode: "wrong", selectionPattern: "" })),
      "ValidationException",
      badStatus,
    );
    await refused(
      client.send(new GetIntegrationResponseCommand({ ...at, httpMethod: "POST", statusCode: "wrong" })),
      "ValidationException",
      badStatus,
    );
    await refused(
      client.send(new PutMethodResponseCommand({ ...at, statusCode: "wrong" })),
      "ValidationException",
      badStatus,
    );
    await refused(
      client.send(new GetMethodResponseCommand({ ...at, statusCode: "wrong" })),
      "ValidationException",
      badStatus,
    );

    await refused(
      client.send(new GetIntegrationResponseCommand({ ...at, statusCode: "200" })),
      "NotFoundException",
      "Invalid Integration identifier specified",
    );
    await client.send(
      new PutIntegrationCommand({
        ...at,
        type: "MOCK",
        requestTemplates: { "application/json": '{"statusCode": 200}' },
      }),
    );
    // No method response for 200 exists, and AWS does not ask for one.
    const put = await client.send(
      new PutIntegrationResponseCommand({
        ...at,
        statusCode: "200",
        selectionPattern: "",
        responseTemplates: { "application/json": '"created"' },
      }),
    );
    assert.equal(put.selectionPattern, "", "an empty pattern is echoed as given");
    assert.deepEqual(put.responseTemplates, { "application/json": '"created"' });
    const got = await client.send(new GetIntegrationResponseCommand({ ...at, statusCode: "200" }));
    assert.equal(got.selectionPattern, "");
    await refused(
      client.send(new GetIntegrationResponseCommand({ ...at, statusCode: "201" })),
      "NotFoundException",
      "Invalid Response status code specified",
    );
    await refused(
      client.send(
        new PutIntegrationResponseCommand({ ...at, httpMethod: "wrong-method", statusCode: "200" }),
      ),
      "NotFoundException",
      "Invalid Method identifier specified",
    );
    await refused(
      client.send(
        new PutIntegrationResponseCommand({ ...at, statusCode: "200", responseTemplates: { "123": "{}" } }),
      ),
      "BadRequestException",
      "Validation Result: warnings : [], errors : [Invalid content type specified: 123]",
    );
    await refused(
      client.send(
        new PutIntegrationResponseCommand({
          ...at,
          statusCode: "200",
          responseTemplates: { "application/json": 123 as unknown as string },
        }),
      ),
      "SerializationException",
      "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String",
    );
    // DeleteIntegrationResponse names a missing method as a missing integration.
    await refused(
      client.send(new DeleteIntegrationResponseCommand({ ...at, httpMethod: "POST", statusCode: "200" })),
      "NotFoundException",
      "Invalid Integration identifier specified",
    );
    await refused(
      client.send(new DeleteIntegrationResponseCommand({ ...at, statusCode: "201" })),
      "NotFoundException",
      "Invalid Response status code specified",
    );
    await client.send(new DeleteIntegrationResponseCommand({ ...at, statusCode: "200" }));
    await refused(
      client.send(new GetMethodResponseCommand({ ...at, statusCode: "200" })),
      "NotFoundException",
      "Invalid Response status code specified",
    );
  });

  test("an operation on a resource of an API that does not exist answers a missing resource", async () => {
    const at = { restApiId: "nope000000", resourceId: "dummy", httpMethod: "GET" };
    const missing = "Invalid Resource identifier specified";
    await refused(client.send(new GetIntegrationCommand(at)), "NotFoundException", missing);
    await refused(
      client.send(new PutIntegrationCommand({ ...at, type: "MOCK" })),
      "NotFoundException",
      missing,
    );
    await refused(
      client.send(new PutMethodCommand({ ...at, authorizationType: "NONE" })),
      "NotFoundException",
      missing,
    );
    await refused(
      client.send(new PutIntegrationResponseCommand({ ...at, statusCode: "200" })),
      "NotFoundException",
      missing,
    );
    await refused(
      client.send(new DeleteIntegrationResponseCommand({ ...at, statusCode: "200" })),
      "NotFoundException",
      missing,
    );
    await refused(client.send(new TestInvokeMethodCommand(at)), "NotFoundException", missing);
  });

  test("CreateDeployment refuses an API without methods, and one with a method without integration", async () => {
    const api = await client.send(new CreateRestApiCommand({ name: "Deploy" }));
    const root = (await client.send(new GetResourcesCommand({ restApiId: api.id }))).items![0]!.id!;
    await refused(
      client.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: "prod" })),
      "BadRequestException",
      "The REST API doesn't contain any methods",
    );
    const child = await client.send(
      new CreateResourceCommand({ restApiId: api.id, parentId: root, pathPart: "pets" }),
    );
    for (const resourceId of [root, child.id])
      await client.send(
        new PutMethodCommand({ restApiId: api.id, resourceId, httpMethod: "GET", authorizationType: "NONE" }),
      );
    await client.send(
      new PutIntegrationCommand({ restApiId: api.id, resourceId: root, httpMethod: "GET", type: "MOCK" }),
    );
    await refused(
      client.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: "prod" })),
      "BadRequestException",
      "No integration defined for method",
    );
    await client.send(
      new PutIntegrationCommand({ restApiId: api.id, resourceId: child.id, httpMethod: "GET", type: "MOCK" }),
    );
    const deployment = await client.send(
      new CreateDeploymentCommand({ restApiId: api.id, stageName: "prod" }),
    );
    assert.ok(deployment.id);
  });
});
