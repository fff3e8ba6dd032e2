import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateModelCommand,
  CreateRestApiCommand,
  GetModelTemplateCommand,
} from "@aws-sdk/client-api-gateway";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateModelCommand as CreateV2ModelCommand,
  GetModelTemplateCommand as GetV2ModelTemplateCommand,
} from "@aws-sdk/client-apigatewayv2";
import { Ajv } from "ajv";
import { InputVariable, UTIL } from "../../src/mapping/aws-variables.ts";
import { modelTemplate } from "../../src/mapping/model-template.ts";
import { compileTemplate } from "../../src/mapping/vtl/template.ts";
import { fromJson } from "../../src/mapping/vtl/values.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

// GetModelTemplate: the sample mapping template API Gateway generates from a model. What it renders
// from an input of the model's shape is that input again, valid against the model — the property
// that makes it a useful starting point.

const render = (template: string, body: string) =>
  compileTemplate(template).render({
    input: new InputVariable({ body, path: {}, querystring: {}, header: {} }),
    util: UTIL,
    context: fromJson({}),
    stageVariables: fromJson({}),
  });

const ORDER = {
  type: "object",
  properties: {
    id: { type: "string" },
    quantity: { type: "integer" },
    gift: { type: "boolean" },
    "ship-to": { type: "object", properties: { city: { type: "string" }, zip: { type: "string" } } },
    lines: { type: "array", items: { $ref: "#/definitions/Line" } },
  },
  required: ["id", "quantity"],
};
const LINE = { type: "object", properties: { sku: { type: "string" }, price: { type: "number" } } };

test("the template renders an input of the model's shape back, valid against the model", () => {
  const template = modelTemplate(JSON.stringify(ORDER), (name) =>
    name === "Line" ? JSON.stringify(LINE) : undefined,
  );
  assert.match(template, /^#set\(\$inputRoot = \$input\.path\('\$'\)\)/);
  const input = {
    id: "o-1",
    quantity: 3,
    gift: false,
    "ship-to": { city: "Lyon", zip: "69001" },
    lines: [
      { sku: "a", price: 1.5 },
      { sku: "b", price: 2 },
    ],
  };
  const output = JSON.parse(render(template, JSON.stringify(input)));
  assert.deepEqual(output, input);
  const ajv = new Ajv({ strict: false });
  ajv.addSchema({ ...LINE, $id: "Line" });
  const validate = ajv.compile({
    ...ORDER,
    properties: { ...ORDER.properties, lines: { type: "array", items: { $ref: "Line" } } },
  });
  assert.ok(validate(output), JSON.stringify(validate.errors));
});

test("a model that refers to itself, bad JSON and an empty schema still give a template, never a crash", () => {
  const tree = JSON.stringify({
    type: "object",
    properties: { name: { type: "string" }, child: { $ref: "Tree" } },
  });
  assert.match(
    modelTemplate(tree, (n) => (n === "Tree" ? tree : undefined)),
    /"child" : \{/,
  );
  assert.equal(
    modelTemplate("{not json", () => undefined),
    "#set($inputRoot = $input.path('$'))\n\"$inputRoot\"\n",
  );
  assert.equal(modelTemplate("{}", () => undefined).split("\n")[1], '"$inputRoot"');
});

describe("GetModelTemplate through the SDKs", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(() => gw.close());

  test("apigateway get-model-template and apigatewayv2 GetModelTemplate answer the template; unknown models are 404", async () => {
    const v1 = new APIGatewayClient(adminClientConfig(gw));
    const rest = await v1.send(new CreateRestApiCommand({ name: "models" }));
    await v1.send(
      new CreateModelCommand({
        restApiId: rest.id,
        name: "Line",
        contentType: "application/json",
        schema: JSON.stringify(LINE),
      }),
    );
    const fromV1 = await v1.send(new GetModelTemplateCommand({ restApiId: rest.id, modelName: "Line" }));
    assert.deepEqual(JSON.parse(render(fromV1.value!, '{"sku":"x","price":4}')), { sku: "x", price: 4 });
    await assert.rejects(v1.send(new GetModelTemplateCommand({ restApiId: rest.id, modelName: "Nope" })), {
      name: "NotFoundException",
    });
    v1.destroy();

    const v2 = new ApiGatewayV2Client(adminClientConfig(gw));
    const ws = await v2.send(
      new CreateApiCommand({
        Name: "m",
        ProtocolType: "WEBSOCKET",
        RouteSelectionExpression: "$request.body.action",
      }),
    );
    const model = await v2.send(
      new CreateV2ModelCommand({
        ApiId: ws.ApiId,
        Name: "Line",
        ContentType: "application/json",
        Schema: JSON.stringify(LINE),
      }),
    );
    const fromV2 = await v2.send(new GetV2ModelTemplateCommand({ ApiId: ws.ApiId, ModelId: model.ModelId }));
    assert.equal(fromV2.Value, fromV1.value);
    await assert.rejects(v2.send(new GetV2ModelTemplateCommand({ ApiId: ws.ApiId, ModelId: "nope12" })), {
      name: "NotFoundException",
    });
    v2.destroy();
  });
});
