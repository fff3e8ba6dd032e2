import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  GetExportCommand,
  GetIntegrationCommand,
  GetMethodCommand,
  GetModelCommand,
  GetModelsCommand,
  GetRequestValidatorsCommand,
  GetResourcesCommand,
  ImportRestApiCommand,
  PutRestApiCommand,
} from "@aws-sdk/client-api-gateway";
import { wsdlToOpenApi } from "../../src/soap/wsdl/import-wsdl.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

/**
 * The generated document goes through the gateway's own import (ImportRestApi, the admin API's
 * path) and comes out as an ordinary API: its resources, models, validators, methods and
 * integrations read back with the AWS SDK, it deploys (the templates compile), and it exports.
 */

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "wsdl");

describe("a generated document imported through ImportRestApi", () => {
  let gw: TestGateway;
  let sdk: APIGatewayClient;
  before(async () => {
    gw = await startTestGateway();
    sdk = new APIGatewayClient(adminClientConfig(gw));
  });
  after(async () => {
    sdk.destroy();
    await gw.close();
  });

  const importFixture = async (file: string) => {
    const { document } = await wsdlToOpenApi(join(FIXTURES, file), { endpoint: "http://127.0.0.1:9/soap" });
    const api = await sdk.send(
      new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(document)), failOnWarnings: true }),
    );
    return api.id!;
  };

  test("calculator: a resource per operation, its models, one body validator, SOAP 1.1 integrations", async () => {
    const restApiId = await importFixture("calculator.wsdl");
    const resources = (await sdk.send(new GetResourcesCommand({ restApiId }))).items ?? [];
    assert.deepEqual(resources.map((r) => r.path).sort(), [
      "/",
      "/CalculatorService",
      "/CalculatorService/Add",
      "/CalculatorService/Divide",
      "/CalculatorService/Subtract",
    ]);
    const models = ((await sdk.send(new GetModelsCommand({ restApiId }))).items ?? [])
      .map((m) => m.name)
      .sort();
    assert.deepEqual(models, [
      "AddInput",
      "AddOutput",
      "DivideInput",
      "DivideOutput",
      "Empty",
      "Error",
      "SoapFault",
      "SubtractInput",
      "SubtractOutput",
    ]);
    const divideInput = await sdk.send(new GetModelCommand({ restApiId, modelName: "DivideInput" }));
    assert.equal(divideInput.contentType, "application/json");
    assert.deepEqual(JSON.parse(divideInput.schema!).required, ["dividend", "divisor"]);
    const validators = (await sdk.send(new GetRequestValidatorsCommand({ restApiId }))).items ?? [];
    assert.equal(validators.length, 1);
    assert.equal(validators[0]!.validateRequestBody, true);
    assert.equal(validators[0]!.validateRequestParameters, false);

    const divide = resources.find((r) => r.path === "/CalculatorService/Divide")!;
    const method = await sdk.send(
      new GetMethodCommand({ restApiId, resourceId: divide.id, httpMethod: "POST" }),
    );
    assert.equal(method.requestValidatorId, validators[0]!.id);
    assert.deepEqual(method.requestModels, { "application/json": "DivideInput" });
    assert.deepEqual(Object.keys(method.methodResponses ?? {}).sort(), ["200", "400", "500"]);
    assert.deepEqual(method.methodResponses!["200"]!.responseParameters, {
      "method.response.header.Content-Type": false,
    });
    const integration = await sdk.send(
      new GetIntegrationCommand({ restApiId, resourceId: divide.id, httpMethod: "POST" }),
    );
    assert.equal(integration.type, "HTTP");
    assert.equal(integration.httpMethod, "POST");
    assert.equal(integration.uri, "http://127.0.0.1:9/soap");
    assert.equal(integration.passthroughBehavior, "NEVER");
    assert.deepEqual(integration.requestParameters, {
      "integration.request.header.Content-Type": "'text/xml; charset=utf-8'",
      "integration.request.header.SOAPAction": `'"urn:example:calculator/Divide"'`,
      "integration.request.header.Accept": "'text/xml'",
    });
    assert.match(integration.requestTemplates!["application/json"]!, /\$util\.escapeXml/);
    const responses = integration.integrationResponses ?? {};
    assert.deepEqual(
      Object.values(responses)
        .map((r) => [r.statusCode, r.selectionPattern ?? "default"])
        .sort(),
      [
        ["200", "default"],
        ["400", "4\\d{2}"],
        ["500", "5\\d{2}"],
      ],
    );
    for (const r of Object.values(responses)) {
      assert.deepEqual(r.responseParameters, { "method.response.header.Content-Type": "'application/json'" });
      assert.match(r.responseTemplates!["application/json"]!, /\$util\.xmlToJson\(\$input\.body\)/);
    }
    // Deploying compiles every template: a template the gateway could not parse would fail here.
    await sdk.send(new CreateDeploymentCommand({ restApiId, stageName: "test" }));
  });

  test("SOAP 1.2 and WSDL 2.0: the action travels in the Content-Type, there is no SOAPAction", async () => {
    for (const [file, path, action] of [
      ["greeter-soap12.wsdl", "/GreeterService/Greet", "urn:example:greeter/Greet"],
      ["weather.wsdl", "/WeatherService/GetForecast", "urn:example:weather/GetForecast"],
    ] as const) {
      const restApiId = await importFixture(file);
      const resource = ((await sdk.send(new GetResourcesCommand({ restApiId }))).items ?? []).find(
        (r) => r.path === path,
      )!;
      const integration = await sdk.send(
        new GetIntegrationCommand({ restApiId, resourceId: resource.id, httpMethod: "POST" }),
      );
      assert.deepEqual(integration.requestParameters, {
        "integration.request.header.Content-Type": `'application/soap+xml; charset=utf-8; action="${action}"'`,
        "integration.request.header.Accept": "'application/soap+xml'",
      });
      await sdk.send(new CreateDeploymentCommand({ restApiId, stageName: "test" }));
    }
  });

  test("orders and rpc: nested types are models of their own; both deploy; the API exports and reimports unchanged", async () => {
    const restApiId = await importFixture("order.wsdl");
    const models = ((await sdk.send(new GetModelsCommand({ restApiId }))).items ?? [])
      .map((m) => m.name)
      .sort();
    for (const name of [
      "Address",
      "Confirmation",
      "Customer",
      "LineItem",
      "Money",
      "Order",
      "PlaceOrderInput",
    ])
      assert.ok(models.includes(name), `${name} in ${models.join(", ")}`);
    const lineItem = JSON.parse(
      (await sdk.send(new GetModelCommand({ restApiId, modelName: "LineItem" }))).schema!,
    );
    assert.deepEqual(lineItem.properties.bundle, {
      type: "array",
      items: { $ref: "#/components/schemas/LineItem" },
      maxItems: 1000,
    });
    await sdk.send(new CreateDeploymentCommand({ restApiId, stageName: "test" }));
    const exported = await sdk.send(
      new GetExportCommand({
        restApiId,
        stageName: "test",
        exportType: "oas30",
        parameters: { extensions: "apigateway" },
        accepts: "application/json",
      }),
    );
    const doc = JSON.parse(Buffer.from(exported.body!).toString("utf8"));
    assert.ok(doc.paths["/OrderService/PlaceOrder"].post["x-amazon-apigateway-integration"]);
    await sdk.send(
      new PutRestApiCommand({ restApiId, mode: "overwrite", body: Buffer.from(JSON.stringify(doc)) }),
    );
    const after = ((await sdk.send(new GetModelsCommand({ restApiId }))).items ?? [])
      .map((m) => m.name)
      .sort();
    assert.deepEqual(after, models);

    const rpc = await importFixture("stockquote-rpc.wsdl");
    await sdk.send(new CreateDeploymentCommand({ restApiId: rpc, stageName: "test" }));
  });
});
