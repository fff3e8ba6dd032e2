import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { edited, projectDir, REAL, readReal, signedCall } from "./real-inputs-support.ts";

// SAM and CloudFormation files from aws/serverless-application-model (test/fixtures/real-inputs/
// ORIGINS.md). As published they name S3 locations (a packaged stack, or placeholders to fill in):
// Portico refuses them naming the place. Adapted as their users do before running them locally —
// local paths for the definition and the code — every route answers as on AWS.

async function refusal(template: string, settings: Record<string, unknown> = {}): Promise<string> {
  try {
    const gw = await startTestGateway({ templates: [{ template, ...settings }] });
    await gw.close();
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail(`${template} was not refused`);
}

async function restApiNamed(gw: TestGateway, name: string): Promise<string> {
  const found = (await gw.portico.control.listRestApis()).find((d) => d.api.name === name);
  assert.ok(found, `no REST API named ${name}`);
  return found.api.id;
}

// The example's function, as its index.js answers: the event's method and path, with the origin CORS allows.
const ECHO = `exports.handler = async (event) => ({
  statusCode: 200,
  headers: { "Access-Control-Allow-Origin": "www.example.com" },
  body: JSON.stringify({ method: event.httpMethod, path: event.path, resource: event.resource,
    user: event.requestContext.identity.userArn }),
});\n`;

describe("sam-api_swagger_cors-template.yaml + sam-api_swagger_cors-swagger.yaml: AWS's SAM example", () => {
  test("as published: the s3://<bucket> Location is refused, naming it and asking for a local path", async () => {
    const message = await refusal(join(REAL, "sam-api_swagger_cors-template.yaml"));
    assert.match(message, /Resources\.ApiGatewayApi\.Properties\.DefinitionBody\.Fn::Transform/);
    assert.match(message, /AWS::Include Location s3:\/\/<bucket>\/swagger\.yaml/);
    assert.match(message, /use a local path, relative to the template's folder/);
  });

  test("the swagger in place but CodeUri still in S3: refused naming CodeUri", async () => {
    const dir = projectDir({
      "swagger.yaml": readReal("sam-api_swagger_cors-swagger.yaml"),
      "template.yaml": edited(readReal("sam-api_swagger_cors-template.yaml"), [
        ["s3://<bucket>/swagger.yaml", "./swagger.yaml"],
      ]),
    });
    const message = await refusal(join(dir, "template.yaml"));
    assert.match(
      message,
      /Resources\.LambdaFunction\.Properties\.CodeUri: s3:\/\/<bucket>\/api_swagger_cors\.zip/,
    );
    assert.match(message, /point CodeUri at the local folder/);
  });

  describe("adapted as its README's user does: Location and CodeUri on local files", () => {
    let gw: TestGateway;
    let id: string;
    before(async () => {
      const dir = projectDir({
        "swagger.yaml": readReal("sam-api_swagger_cors-swagger.yaml"),
        // The user's documented edit: "Replace <bucket> with your bucket name" becomes, for a local
        // run, the swagger beside the template and the code folder; Runtime stays the nodejs one.
        "template.yaml": edited(readReal("sam-api_swagger_cors-template.yaml"), [
          ["s3://<bucket>/swagger.yaml", "./swagger.yaml"],
          ["s3://<bucket>/api_swagger_cors.zip", "src/"],
        ]),
        "src/index.js": ECHO,
      });
      gw = await startTestGateway({ templates: [{ template: join(dir, "template.yaml") }] });
      id = await restApiNamed(gw, "AwsSamExample");
    });
    after(() => gw.close());

    test("Cors: SAM's OPTIONS methods answer the preflight with 'www.example.com' and the path's methods", async () => {
      for (const path of ["/Prod/", "/Prod/some/deep/path"]) {
        const r = await gw.call(id, path, {
          method: "OPTIONS",
          headers: { origin: "https://www.example.com", "access-control-request-method": "GET" },
        });
        assert.equal(r.status, 200, `${path}: ${r.text}`);
        assert.equal(r.headers["access-control-allow-origin"], "www.example.com");
        assert.equal(r.headers["access-control-allow-methods"], "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT");
      }
    });

    test("ANY / is open and reaches the function", async () => {
      const r = await gw.call(id, "/Prod/", { method: "POST", body: "{}" });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(JSON.parse(r.text), { method: "POST", path: "/", resource: "/", user: null });
    });

    test("ANY /{proxy+} has the swagger's aws_iam: unsigned 403, SigV4-signed 200 as the caller", async () => {
      const unsigned = await gw.call(id, "/Prod/pets/1");
      assert.equal(unsigned.status, 403);
      assert.deepEqual(JSON.parse(unsigned.text), { message: "Missing Authentication Token" });
      const signed = await signedCall(gw, id, "/Prod/pets/1", { method: "DELETE" });
      assert.equal(signed.status, 200, signed.text);
      assert.deepEqual(JSON.parse(signed.text), {
        method: "DELETE",
        path: "/pets/1",
        resource: "/{proxy+}",
        user: "arn:aws:iam::000000000000:root",
      });
    });
  });
});

const TODO = `exports.restapi = async (event) => ({ statusCode: 200, body: JSON.stringify({ fn: "restapi", route: event.httpMethod + " " + event.resource, stage: event.requestContext.stage }) });
exports.gethtml = async (event) => ({ statusCode: 200, headers: { "content-type": "text/html" }, body: "<p>" + event.path + "</p>" });\n`;

/** POST /add, POST /complete, GET /getlist to one function and ANY /{proxy+} to the other. */
async function servesTodoRoutes(gw: TestGateway, id: string, stage: string): Promise<void> {
  for (const [method, path] of [
    ["POST", "/add"],
    ["POST", "/complete"],
    ["GET", "/getlist"],
  ] as const) {
    const r = await gw.call(id, `/${stage}${path}`, { method, body: method === "POST" ? "{}" : undefined });
    assert.equal(r.status, 200, `${method} ${path}: ${r.text}`);
    assert.deepEqual(JSON.parse(r.text), { fn: "restapi", route: `${method} ${path}`, stage });
  }
  for (const method of ["GET", "PATCH"]) {
    const r = await gw.call(id, `/${stage}/index.html`, { method });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.text, "<p>/index.html</p>");
  }
}

describe("sam-translator-implicit_api.input.yaml: functions with implicit Api events", () => {
  test("as published (a translator test input, no Transform line): refused, saying it needs the SAM transform", async () => {
    const message = await refusal(join(REAL, "sam-translator-implicit_api.input.yaml"));
    assert.match(message, /Resources\.RestApiFunction\.Type: AWS::Serverless::Function is a SAM resource/);
    assert.match(message, /needs Transform: AWS::Serverless-2016-10-31/);
  });

  const withTransform = `Transform: AWS::Serverless-2016-10-31\n${readReal("sam-translator-implicit_api.input.yaml")}`;

  test("with the Transform: CodeUri s3://sam-demo-bucket/todo_list.zip is refused, naming CodeUri", async () => {
    const dir = projectDir({ "template.yaml": withTransform });
    const message = await refusal(join(dir, "template.yaml"));
    assert.match(
      message,
      /Resources\.\w+Function\.Properties\.CodeUri: s3:\/\/sam-demo-bucket\/todo_list\.zip/,
    );
  });

  test("adapted (Transform, local CodeUri): the implicit ServerlessRestApi's Prod stage serves every event", async () => {
    const dir = projectDir({
      "template.yaml": withTransform.replaceAll("s3://sam-demo-bucket/todo_list.zip", "todo_list/"),
      "todo_list/index.js": TODO,
    });
    const gw = await startTestGateway({
      templates: [{ template: join(dir, "template.yaml"), stackName: "todo" }],
    });
    try {
      const id = await restApiNamed(gw, "todo");
      await servesTodoRoutes(gw, id, "Prod");
    } finally {
      await gw.close();
    }
  });
});

describe("sam-translator-implicit_api.output-cfn.json: the same as plain CloudFormation", () => {
  test("as published: the functions' S3 Code is refused, naming the function", async () => {
    const message = await refusal(join(REAL, "sam-translator-implicit_api.output-cfn.json"));
    assert.match(
      message,
      /Resources\.GetHtmlFunction\.Properties\.Code: function GetHtmlFunction: Code names S3/,
    );
    assert.match(message, /give Code as the folder of the handler/);
  });

  test("adapted (Code as the local folder): stages Stage and Prod serve every method of the Body", async () => {
    const template = JSON.parse(readReal("sam-translator-implicit_api.output-cfn.json")) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    for (const r of Object.values(template.Resources))
      if (r.Type === "AWS::Lambda::Function") r.Properties.Code = "todo_list";
    const dir = projectDir({ "template.json": JSON.stringify(template), "todo_list/index.js": TODO });
    const gw = await startTestGateway({
      templates: [{ template: join(dir, "template.json"), stackName: "todo" }],
    });
    try {
      const id = await restApiNamed(gw, "todo");
      await servesTodoRoutes(gw, id, "Prod");
      await servesTodoRoutes(gw, id, "Stage");
    } finally {
      await gw.close();
    }
  });
});
