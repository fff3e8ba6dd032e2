import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  GetMethodCommand,
  GetResourcesCommand,
  GetRestApisCommand,
  ImportRestApiCommand,
  PutRestApiCommand,
} from "@aws-sdk/client-api-gateway";
import { pino } from "pino";
import { request } from "undici";
import { smithySign } from "../auth/sigv4-helpers.ts";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

const MOCK = `x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: "200" } } }`;

const SMALL = `
openapi: 3.0.1
info: { title: Serving, version: "1" }
paths:
  /ping:
    get:
      ${MOCK}
`;

/** `n` paths, each its own resource pair (`/orders{i}/{id}`): 2n + 1 resources. */
function manyPaths(n: number): string {
  const lines = ["openapi: 3.0.1", "info: { title: Big, version: '1' }", "paths:"];
  for (let i = 0; i < n; i++) {
    lines.push(`  /orders${i}/{id}:`);
    lines.push("    get:");
    lines.push(`      ${MOCK}`);
  }
  return `${lines.join("\n")}\n`;
}

/** `n` paths that nest: /n, /n/n, /n/n/n, ... (n + 1 resources, the deepest n levels down). */
function nestedPaths(n: number): string {
  const lines = ["openapi: 3.0.1", "info: { title: Deep, version: '1' }", "paths:"];
  for (let i = 1; i <= n; i++) {
    lines.push(`  ${"/n".repeat(i)}:`);
    lines.push(`    get: { ${MOCK} }`);
  }
  return `${lines.join("\n")}\n`;
}

/** `n` sibling paths under the root: n + 1 resources. */
function flatPaths(n: number): string {
  const lines = ["openapi: 3.0.1", "info: { title: Flat, version: '1' }", "paths:"];
  for (let i = 0; i < n; i++) lines.push(`  /p${i}: { get: { ${MOCK} } }`);
  return `${lines.join("\n")}\n`;
}

const TOO_MANY =
  "Maximum number of Resources for this API has been reached.  Please contact AWS if you need additional Resources.";

describe("OpenAPI import under attack: size, quota, and never stalling the data plane", () => {
  let gw: TestGateway;
  let v1: APIGatewayClient;
  let serving: string;
  let onImportStarted: (() => void) | undefined;
  before(async () => {
    // The gateway's own log says when it starts reading a document: from then on, the data plane
    // must keep answering.
    const log = pino(
      { level: "debug" },
      {
        write(line: string) {
          if (line.includes("importing an OpenAPI document")) onImportStarted?.();
        },
      },
    );
    gw = await startTestGateway({}, log);
    // LimitExceededException is a throttling code to the SDK: one attempt, as the test means it.
    v1 = new APIGatewayClient({ ...adminClientConfig(gw), maxAttempts: 1 });
    serving = await gw.deployRest(SMALL, "prod");
  });
  after(async () => {
    v1.destroy();
    await gw.close();
  });

  const apiCount = async () => (await v1.send(new GetRestApisCommand({ limit: 500 }))).items?.length ?? 0;

  test("a 12,000-path (2.3 MB) document: the data plane answers while it is read; AWS's LimitExceededException refuses it whole", {
    timeout: 180_000,
  }, async () => {
    const big = manyPaths(12_000);
    assert.ok(big.length > 2_300_000 && big.length < 2_400_000, `${big.length} bytes`);
    const before = await apiCount();
    const events: string[] = [];
    const started = new Promise<void>((ok) => {
      onImportStarted = ok;
    });
    let settled = false;
    const importing = v1.send(new ImportRestApiCommand({ body: Buffer.from(big) })).then(
      () => assert.fail("a document with 24,001 resources is over AWS's quota"),
      (err: { name: string; message: string; $metadata: { httpStatusCode?: number } }) => {
        settled = true;
        events.push("import answered");
        return err;
      },
    );
    await Promise.race([started, importing]);
    while (!settled) {
      const r = await gw.call(serving, "/prod/ping");
      assert.equal(r.status, 200);
      if (!settled) events.push("data plane answered");
    }
    const err = await importing;
    onImportStarted = undefined;
    assert.ok(
      events.indexOf("data plane answered") !== -1 &&
        events.indexOf("data plane answered") < events.indexOf("import answered"),
      `data-plane requests made while the document was read were answered before the import: ${events.slice(0, 5).join(", ")}`,
    );
    assert.equal(err.name, "LimitExceededException");
    assert.equal(err.$metadata.httpStatusCode, 429);
    assert.equal(err.message, TOO_MANY);
    assert.equal(await apiCount(), before, "nothing was created");
    assert.equal((await gw.call(serving, "/prod/ping")).status, 200);
  });

  test("AWS's 300-resource quota counts the root: 299 paths import, 300 are refused whole", async () => {
    const fits = await v1.send(new ImportRestApiCommand({ body: Buffer.from(flatPaths(299)) }));
    const resources = await v1.send(new GetResourcesCommand({ restApiId: fits.id, limit: 500 }));
    assert.equal(resources.items?.length, 300);
    const before = await apiCount();
    await assert.rejects(v1.send(new ImportRestApiCommand({ body: Buffer.from(flatPaths(300)) })), {
      name: "LimitExceededException",
      message: TOO_MANY,
    });
    assert.equal(await apiCount(), before);
  });

  test("a merge that would take an API past 300 resources is refused and the API is unchanged", async () => {
    const api = await v1.send(new ImportRestApiCommand({ body: Buffer.from(flatPaths(200)) }));
    const more = flatPaths(200).replaceAll("/p", "/q");
    await assert.rejects(
      v1.send(new PutRestApiCommand({ restApiId: api.id, mode: "merge", body: Buffer.from(more) })),
      { name: "LimitExceededException", message: TOO_MANY },
    );
    const resources = await v1.send(new GetResourcesCommand({ restApiId: api.id, limit: 500 }));
    assert.equal(resources.items?.length, 201);
  });

  test("250 paths nested 250 levels deep import, deploy and answer at the deepest", async () => {
    const api = await v1.send(new ImportRestApiCommand({ body: Buffer.from(nestedPaths(250)) }));
    const resources = await v1.send(new GetResourcesCommand({ restApiId: api.id, limit: 500 }));
    assert.equal(resources.items?.length, 251);
    assert.equal(resources.items?.filter((r) => r.resourceMethods?.GET).length, 250);
    await v1.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: "prod" }));
    assert.equal((await gw.call(api.id!, `/prod${"/n".repeat(250)}`)).status, 200);
  });
});

const IAM_DOC = `
openapi: 3.0.1
info: { title: Iam, version: "1" }
components:
  securitySchemes:
    sigv4: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: AWSSIGV4 }
paths:
  /upper:
    get:
      x-amazon-apigateway-auth: { type: AWS_IAM }
      ${MOCK}
  /lower:
    post:
      x-amazon-apigateway-auth: { type: aws_iam }
      ${MOCK}
  /scheme:
    get:
      security: [{ sigv4: [] }]
      ${MOCK}
  /open:
    get:
      x-amazon-apigateway-auth: { type: none }
      ${MOCK}
`;

describe("OpenAPI import never weakens the security a document asks for", () => {
  let gw: TestGateway;
  let v1: APIGatewayClient;
  before(async () => {
    gw = await startTestGateway();
    v1 = new APIGatewayClient(adminClientConfig(gw));
  });
  after(async () => {
    v1.destroy();
    await gw.close();
  });

  const apiCount = async () => (await v1.send(new GetRestApisCommand({ limit: 500 }))).items?.length ?? 0;
  const resourceId = async (restApiId: string, path: string) =>
    (await v1.send(new GetResourcesCommand({ restApiId, limit: 500 }))).items?.find((r) => r.path === path);

  async function signedCall(apiId: string, method: string, path: string) {
    const host = `${apiId}.execute-api.us-east-1.localhost:${gw.port}`;
    const wire = await smithySign(
      { method, path, hostname: host, headers: {}, body: method === "GET" ? undefined : "{}" },
      { credentials: { accessKeyId: "test", secretAccessKey: "test" } },
      new Date(),
    );
    const r = await request(`http://127.0.0.1:${gw.port}${wire.rawPath}`, {
      method: method as "GET",
      headers: { ...wire.headers, host },
      body: wire.body,
    });
    return { status: r.statusCode, text: await r.body.text() };
  }

  test("x-amazon-apigateway-auth AWS_IAM (any case) and an awsSigv4 scheme: unsigned calls get 403 Missing Authentication Token, signed ones 200", async () => {
    const api = await v1.send(new ImportRestApiCommand({ body: Buffer.from(IAM_DOC), failOnWarnings: true }));
    await v1.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: "prod" }));
    for (const [path, verb] of [
      ["/upper", "GET"],
      ["/lower", "POST"],
      ["/scheme", "GET"],
    ] as const) {
      const resource = await resourceId(api.id!, path);
      const method = await v1.send(
        new GetMethodCommand({ restApiId: api.id, resourceId: resource!.id, httpMethod: verb }),
      );
      assert.equal(method.authorizationType, "AWS_IAM", path);
      const unsigned = await gw.call(api.id!, `/prod${path}`, { method: verb });
      assert.equal(unsigned.status, 403, path);
      assert.equal(unsigned.headers["x-amzn-errortype"], "MissingAuthenticationTokenException");
      assert.deepEqual(JSON.parse(unsigned.text), { message: "Missing Authentication Token" });
      assert.equal((await signedCall(api.id!, verb, `/prod${path}`)).status, 200, path);
    }
    assert.equal((await gw.call(api.id!, "/prod/open")).status, 200, "NONE stays open");
  });

  test("AWS's own SAM example (x-amazon-apigateway-auth: aws_iam on ANY /{proxy+}, unquoted swagger: 2.0) imports with IAM on that method", async () => {
    const text = readFileSync("/work/shared/real-inputs/sam-api_swagger_cors-swagger.yaml", "utf8")
      // CloudFormation resolves Fn::Sub before the document reaches API Gateway.
      .replace(
        /uri: *\n *Fn::Sub: "([^"]*)"/g,
        (_m, uri: string) =>
          `uri: "${uri.replace("${AWS::Region}", "us-east-1").replace("${LambdaFunction.Arn}", "arn:aws:lambda:us-east-1:000000000000:function:f")}"`,
      );
    assert.match(text, /^swagger: 2\.0$/m);
    const api = await v1.send(new ImportRestApiCommand({ body: Buffer.from(text) }));
    const proxy = await resourceId(api.id!, "/{proxy+}");
    const root = await resourceId(api.id!, "/");
    const method = (resource: typeof proxy) =>
      v1.send(new GetMethodCommand({ restApiId: api.id, resourceId: resource!.id, httpMethod: "ANY" }));
    assert.equal((await method(proxy)).authorizationType, "AWS_IAM");
    assert.equal((await method(root)).authorizationType, "NONE");
  });

  const refused: [string, string, RegExp][] = [
    [
      "an unknown x-amazon-apigateway-auth type",
      IAM_DOC.replace("{ type: AWS_IAM }", "{ type: COGNITO }"),
      /invalid authorization type COGNITO. Valid options are NONE, AWS_IAM/,
    ],
    [
      "x-amazon-apigateway-auth without a type",
      IAM_DOC.replace("{ type: AWS_IAM }", "AWS_IAM"),
      /x-amazon-apigateway-auth must be an object with a type/,
    ],
    [
      "an unknown securityScheme type",
      IAM_DOC.replace(
        "sigv4: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: AWSSIGV4 }",
        "sigv4: { type: signature }",
      ).replace("security: [{ sigv4: [] }]", ""),
      /unknown security scheme type signature/,
    ],
    [
      "a security requirement naming an undefined scheme",
      IAM_DOC.replace("security: [{ sigv4: [] }]", "security: [{ sigV4: [] }]"),
      /security scheme sigV4 is not defined/,
    ],
    [
      "x-amazon-apigateway-auth AWS_IAM beside a Lambda authorizer",
      IAM_DOC.replace(
        "sigv4: {",
        "tok: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: custom, x-amazon-apigateway-authorizer: { type: token, authorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:a/invocations' } }\n    sigv4: {",
      ).replace(
        "x-amazon-apigateway-auth: { type: AWS_IAM }",
        "x-amazon-apigateway-auth: { type: AWS_IAM }\n      security: [{ tok: [] }]",
      ),
      /conflicts with its security authorizer/,
    ],
  ];
  for (const [name, text, message] of refused) {
    test(`refused with BadRequestException, nothing created: ${name}`, async () => {
      const before = await apiCount();
      await assert.rejects(v1.send(new ImportRestApiCommand({ body: Buffer.from(text) })), (err: Error) => {
        assert.equal(err.name, "BadRequestException");
        assert.match(err.message, message);
        return true;
      });
      assert.equal(await apiCount(), before);
    });
  }

  test("a scheme API Gateway cannot enforce (http bearer, oauth2, an authtype without an authorizer): the method is not created, the warnings say so, failOnWarnings refuses", async () => {
    const doc = `
openapi: 3.0.1
info: { title: Unenforceable, version: "1" }
security: [{ bearer: [] }]
x-amazon-apigateway-auth: { type: AWS_IAM }
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
    oauth: { type: oauth2, flows: { clientCredentials: { tokenUrl: "https://auth.example/token", scopes: {} } } }
    labelled: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: custom }
paths:
  /bearer:
    get:
      security: [{ bearer: [] }]
      ${MOCK}
  /oauth:
    get:
      security: [{ oauth: [] }]
      ${MOCK}
  /labelled:
    get:
      security: [{ labelled: [] }]
      ${MOCK}
  /path-level:
    x-amazon-apigateway-auth: { type: AWS_IAM }
    get:
      ${MOCK}
  /open:
    get:
      ${MOCK}
`;
    const before = await apiCount();
    await assert.rejects(
      v1.send(new ImportRestApiCommand({ body: Buffer.from(doc), failOnWarnings: true })),
      (err: Error) => err.name === "BadRequestException" && /will not be created/.test(err.message),
    );
    assert.equal(await apiCount(), before, "failOnWarnings leaves nothing behind");

    const api = await v1.send(new ImportRestApiCommand({ body: Buffer.from(doc) }));
    const warnings = api.warnings ?? [];
    for (const expected of [
      /paths\.\/bearer\.get requires security scheme bearer, which API Gateway cannot enforce; the method was not created/,
      /paths\.\/oauth\.get requires security scheme oauth/,
      /Unable to create authorizer from security definition: 'labelled'\. Extension x-amazon-apigateway-authorizer is required\. Any methods with security: 'labelled' will not be created\./,
      /paths\.\/path-level: x-amazon-apigateway-auth is ignored there: API Gateway reads it on operations only/,
      /the document root: x-amazon-apigateway-auth is ignored there/,
      /security at the document root is ignored/,
    ]) {
      assert.ok(
        warnings.some((w) => expected.test(w)),
        `${expected} in ${JSON.stringify(warnings, null, 1)}`,
      );
    }
    await v1.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: "prod" }));
    for (const path of ["/bearer", "/oauth", "/labelled"]) {
      assert.equal((await resourceId(api.id!, path))?.resourceMethods, undefined, path);
      const r = await gw.call(api.id!, `/prod${path}`);
      assert.equal(r.status, 403, `${path} is not served open`);
    }
    assert.equal((await gw.call(api.id!, "/prod/open")).status, 200);
  });
});

describe("HTTP API import honours x-amazon-apigateway-auth and awsSigv4", () => {
  let gw: TestGateway;
  let backend: EchoBackend;
  before(async () => {
    backend = await startEchoBackend();
    gw = await startTestGateway();
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  test("an AWS_IAM route refuses unsigned calls; a JWT route refuses calls without a token; a route requiring an unenforceable scheme is not created", async () => {
    const integration = `x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend.url}/x", payloadFormatVersion: "1.0" }`;
    const doc = `
openapi: 3.0.1
info: { title: HttpIam, version: "1" }
components:
  securitySchemes:
    sigv4: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4 }
    jwt: { type: oauth2, flows: {}, x-amazon-apigateway-authorizer: { type: jwt, jwtConfiguration: { issuer: "https://issuer.example", audience: [a] }, identitySource: "$request.header.Authorization" } }
    bearer: { type: http, scheme: bearer }
paths:
  /ext:
    get:
      x-amazon-apigateway-auth: { type: aws_iam }
      ${integration}
  /scheme:
    get:
      security: [{ sigv4: [] }]
      ${integration}
  /jwt:
    get:
      security: [{ jwt: [] }]
      ${integration}
  /bearer:
    get:
      security: [{ bearer: [] }]
      ${integration}
  /open:
    get:
      ${integration}
`;
    const id = await gw.deployHttp(doc);
    for (const path of ["/ext", "/scheme"]) assert.equal((await gw.call(id, path)).status, 403, path);
    const jwt = await gw.call(id, "/jwt");
    assert.equal(jwt.status, 401, "the JWT route is guarded by its imported authorizer");
    assert.equal(jwt.text, '{"message":"Unauthorized"}');
    const routes = Object.values((await gw.portico.control.getHttpApi(id))!.routes).map((r) => r.routeKey);
    assert.ok(!routes.includes("GET /bearer"), "a route needing an unenforceable scheme is not created");
    assert.equal((await gw.call(id, "/bearer")).status, 404);
    assert.equal((await gw.call(id, "/open")).status, 200);
  });
});
