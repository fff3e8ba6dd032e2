import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateBasePathMappingCommand,
  CreateDomainNameCommand as CreateDomainNameV1Command,
  GetBasePathMappingsCommand,
  UpdateDomainNameCommand as UpdateDomainNameV1Command,
} from "@aws-sdk/client-api-gateway";
import {
  ApiGatewayV2Client,
  CreateApiMappingCommand,
  CreateDomainNameCommand,
  DeleteApiCommand,
  DeleteDomainNameCommand,
  GetApiMappingCommand,
  GetApiMappingsCommand,
  GetDomainNameCommand,
  GetDomainNamesCommand,
  UpdateApiMappingCommand,
  UpdateDomainNameCommand,
} from "@aws-sdk/client-apigatewayv2";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { mockIntegration } from "../support/snippets.ts";
import { deployWebSocketApi } from "../support/websocket-api.ts";

const REST = `openapi: 3.0.1
info: { title: RestOne, version: "1" }
paths:
  /ping:
    get:${mockIntegration('{"ok":true}')}
`;
const HTTP = `openapi: 3.0.1
info: { title: HttpOne, version: "1" }
paths:
  /ping:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "http://127.0.0.1:9/ping", payloadFormatVersion: "1.0" }
`;

async function refusal(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string };
    return { name: e.name, message: e.message };
  }
  throw new Error("expected the call to be refused");
}

describe("apigatewayv2 custom domain names and API mappings", () => {
  let gw: TestGateway;
  let v2: ApiGatewayV2Client;
  let v1: APIGatewayClient;
  let rest: string;
  let http: string;
  let ws: string;
  before(async () => {
    gw = await startTestGateway();
    v2 = new ApiGatewayV2Client(adminClientConfig(gw));
    v1 = new APIGatewayClient(adminClientConfig(gw));
    rest = await gw.deployRest(REST, "prod");
    http = await gw.deployHttp(HTTP);
    ws = await deployWebSocketApi(gw, [{ key: "$default", integration: "MOCK" }]);
  });
  after(async () => {
    v1.destroy();
    v2.destroy();
    await gw.close();
  });

  test("CreateDomainName: one REGIONAL configuration; apigateway sees the same domain", async () => {
    const d = await v2.send(
      new CreateDomainNameCommand({
        DomainName: "api.example.com",
        DomainNameConfigurations: [
          { CertificateArn: "arn:aws:acm:us-east-1:000000000000:certificate/c", SecurityPolicy: "TLS_1_2" },
        ],
        MutualTlsAuthentication: { TruststoreUri: "s3://bucket/ca.pem" },
        Tags: { app: "shop" },
      }),
    );
    assert.equal(d.ApiMappingSelectionExpression, "$request.basepath");
    assert.equal(d.DomainNameArn, "arn:aws:apigateway:us-east-1::/domainnames/api.example.com");
    const [c] = d.DomainNameConfigurations!;
    assert.equal(c?.EndpointType, "REGIONAL");
    assert.equal(c?.ApiGatewayDomainName, "api.example.com");
    assert.equal(c?.CertificateArn, "arn:aws:acm:us-east-1:000000000000:certificate/c");
    assert.equal(c?.DomainNameStatus, "AVAILABLE");
    assert.ok(c?.CertificateUploadDate instanceof Date);
    assert.equal(d.MutualTlsAuthentication?.TruststoreUri, "s3://bucket/ca.pem");
    assert.equal(d.RoutingMode, "API_MAPPING_ONLY");
    assert.deepEqual(d.Tags, { app: "shop" });
    assert.equal(
      (await v2.send(new GetDomainNameCommand({ DomainName: "api.example.com" }))).DomainName,
      "api.example.com",
    );
    assert.equal((await v2.send(new GetDomainNamesCommand({}))).Items?.length, 1);
    const updated = await v2.send(
      new UpdateDomainNameCommand({
        DomainName: "api.example.com",
        DomainNameConfigurations: [{ CertificateArn: "arn:aws:acm:us-east-1:000000000000:certificate/d" }],
        MutualTlsAuthentication: { TruststoreUri: "" },
      }),
    );
    assert.equal(
      updated.DomainNameConfigurations?.[0]?.CertificateArn,
      "arn:aws:acm:us-east-1:000000000000:certificate/d",
    );
    assert.equal(updated.MutualTlsAuthentication, undefined);
  });

  test("CreateDomainName refusals, in AWS's words", async () => {
    const cases: [CreateDomainNameCommand, string][] = [
      [
        new CreateDomainNameCommand({
          DomainName: "e.example.com",
          DomainNameConfigurations: [{ EndpointType: "EDGE" }],
        }),
        "EDGE endpoint type is not supported for APIGatewayV2 domainName",
      ],
      [
        new CreateDomainNameCommand({
          DomainName: "t.example.com",
          DomainNameConfigurations: [{ SecurityPolicy: "TLS_1_0" }],
        }),
        "TLS_1_0 is not supported for APIGatewayV2 domainName.",
      ],
      [
        new CreateDomainNameCommand({ DomainName: "n.example.com" }),
        "Invalid input. Expected one domain name configuration",
      ],
      [
        new CreateDomainNameCommand({ DomainName: "api.example.com", DomainNameConfigurations: [{}] }),
        "The domain name you provided already exists.",
      ],
    ];
    for (const [command, message] of cases)
      assert.deepEqual(await refusal(v2.send(command)), { name: "BadRequestException", message });
    assert.equal((await v2.send(new GetDomainNamesCommand({}))).Items?.length, 1);
  });

  test("API mappings to REST and HTTP stages, multi-level keys, $default; read, update, delete", async () => {
    const DomainName = "api.example.com";
    const root = await v2.send(new CreateApiMappingCommand({ DomainName, ApiId: rest, Stage: "prod" }));
    assert.equal(root.ApiMappingKey, "");
    assert.match(root.ApiMappingId ?? "", /^[a-z0-9]{6}$/);
    const deep = await v2.send(
      new CreateApiMappingCommand({ DomainName, ApiId: http, Stage: "$default", ApiMappingKey: "v1/orders" }),
    );
    assert.deepEqual(
      {
        ...(await v2.send(new GetApiMappingCommand({ DomainName, ApiMappingId: deep.ApiMappingId! }))),
        $metadata: 0,
      },
      {
        ApiId: http,
        ApiMappingId: deep.ApiMappingId,
        ApiMappingKey: "v1/orders",
        Stage: "$default",
        $metadata: 0,
      },
    );
    // apigateway lists them as base path mappings, the root's as (none).
    const listed = (await v1.send(new GetBasePathMappingsCommand({ domainName: DomainName }))).items;
    assert.deepEqual(listed?.map((m) => m.basePath).sort(), ["(none)", "v1/orders"]);
    const moved = await v2.send(
      new UpdateApiMappingCommand({
        DomainName,
        ApiMappingId: deep.ApiMappingId!,
        ApiId: http,
        ApiMappingKey: "v2/orders",
      }),
    );
    assert.equal(moved.ApiMappingKey, "v2/orders");
    assert.equal(moved.Stage, "$default");
    assert.equal((await v2.send(new GetApiMappingsCommand({ DomainName }))).Items?.length, 2);
  });

  test("mapping refusals leave the mappings as they were", async () => {
    const DomainName = "api.example.com";
    const before = (await v2.send(new GetApiMappingsCommand({ DomainName }))).Items;
    const cases: [CreateApiMappingCommand, string, string][] = [
      [
        new CreateApiMappingCommand({ DomainName, ApiId: rest, Stage: "prod", ApiMappingKey: "" }),
        "ConflictException",
        "ApiMapping key already exists for this domain name",
      ],
      [
        new CreateApiMappingCommand({ DomainName, ApiId: "zzzzzzzzzz", Stage: "prod", ApiMappingKey: "x" }),
        "BadRequestException",
        "Invalid API identifier specified",
      ],
      [
        new CreateApiMappingCommand({ DomainName, ApiId: http, Stage: "nostage", ApiMappingKey: "x" }),
        "BadRequestException",
        "Invalid stage identifier specified",
      ],
      [
        new CreateApiMappingCommand({ DomainName, ApiId: http, Stage: "$default", ApiMappingKey: "/" }),
        "BadRequestException",
        "An ApiMapping key may contain only letters, numbers and one of $-_.+!*'()",
      ],
      [
        new CreateApiMappingCommand({ DomainName, ApiId: ws, Stage: "prod", ApiMappingKey: "ws" }),
        "BadRequestException",
        "Mixing of REST APIs and HTTP APIs on the same domain name can only be accomplished through API Gateway's V2 DomainName interface. Currently, WebSocket APIs can only be attached to a domain name with other WebSocket APIs. This must also occur through API Gateway's V2 DomainName interface.",
      ],
      [
        new CreateApiMappingCommand({ DomainName: "none.example.com", ApiId: http, Stage: "$default" }),
        "NotFoundException",
        "Invalid domain name identifier specified",
      ],
    ];
    for (const [command, name, message] of cases)
      assert.deepEqual(await refusal(v2.send(command)), { name, message });
    assert.deepEqual((await v2.send(new GetApiMappingsCommand({ DomainName }))).Items, before);
    // apigateway cannot add a REST API beside the HTTP API: mixing is apigatewayv2's business.
    const mixed = await refusal(
      v1.send(
        new CreateBasePathMappingCommand({
          domainName: DomainName,
          restApiId: rest,
          stage: "prod",
          basePath: "r",
        }),
      ),
    );
    assert.equal(mixed.message.startsWith("Mixing of REST APIs and HTTP APIs"), true);
    // A domain with an HTTP API must stay TLS 1.2.
    const tls = await refusal(
      v1.send(
        new UpdateDomainNameV1Command({
          domainName: DomainName,
          patchOperations: [{ op: "replace", path: "/securityPolicy", value: "TLS_1_0" }],
        }),
      ),
    );
    assert.ok(
      tls.message.startsWith("Only REGIONAL domain names with a security policy of TLS 1.2"),
      tls.message,
    );
  });

  test("apigatewayv2 cannot manage EDGE or TLS 1.0 domain names", async () => {
    await v1.send(new CreateDomainNameV1Command({ domainName: "edge.example.com" }));
    const edge = await refusal(
      v2.send(new CreateApiMappingCommand({ DomainName: "edge.example.com", ApiId: rest, Stage: "prod" })),
    );
    assert.deepEqual(edge, {
      name: "BadRequestException",
      message:
        "Only REGIONAL domain names can be managed through the API Gateway V2 API. For EDGE domain names, please use the API Gateway V1 API. Also note that only REST APIs can be attached to EDGE domain names.",
    });
    await v1.send(
      new CreateDomainNameV1Command({
        domainName: "old.example.com",
        endpointConfiguration: { types: ["REGIONAL"] },
        securityPolicy: "TLS_1_0",
      }),
    );
    const old = await refusal(
      v2.send(new CreateApiMappingCommand({ DomainName: "old.example.com", ApiId: http, Stage: "$default" })),
    );
    assert.ok(old.message.startsWith("Only REGIONAL domain names with a security policy of TLS 1.2"));
    // apigateway maps REST APIs to both, one level deep.
    await v1.send(
      new CreateBasePathMappingCommand({ domainName: "edge.example.com", restApiId: rest, stage: "prod" }),
    );
  });

  test("WebSocket APIs share a domain only with WebSocket APIs, one level deep", async () => {
    await v2.send(
      new CreateDomainNameCommand({ DomainName: "ws.example.com", DomainNameConfigurations: [{}] }),
    );
    const deep = await refusal(
      v2.send(
        new CreateApiMappingCommand({
          DomainName: "ws.example.com",
          ApiId: ws,
          Stage: "prod",
          ApiMappingKey: "a/b",
        }),
      ),
    );
    assert.equal(deep.message, "An ApiMapping key may contain only letters, numbers and one of $-_.+!*'()");
    await v2.send(
      new CreateApiMappingCommand({
        DomainName: "ws.example.com",
        ApiId: ws,
        Stage: "prod",
        ApiMappingKey: "chat",
      }),
    );
    const rest2 = await refusal(
      v2.send(new CreateApiMappingCommand({ DomainName: "ws.example.com", ApiId: rest, Stage: "prod" })),
    );
    assert.ok(rest2.message.startsWith("Mixing of REST APIs and HTTP APIs"));
  });

  test("DeleteApi of a mapped API is refused; DeleteDomainName frees it", async () => {
    const e = await refusal(v2.send(new DeleteApiCommand({ ApiId: http })));
    assert.equal(e.name, "BadRequestException");
    assert.ok(
      e.message.includes("Please remove all API mappings for the API from your custom domain names."),
    );
    await v2.send(new DeleteDomainNameCommand({ DomainName: "api.example.com" }));
    await v2.send(new DeleteApiCommand({ ApiId: http }));
  });
});
