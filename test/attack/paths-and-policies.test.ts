import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateAuthorizerCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
} from "@aws-sdk/client-api-gateway";
import { request } from "undici";
import { smithySign } from "../auth/sigv4-helpers.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";
import { rawExchange } from "../support/raw-http.ts";

/**
 * Attacks on the paths the gateway authorizes and forwards, and on the patterns users write into
 * policies, authorizers and integration responses: one path is checked and another served; a
 * wildcard or regex freezes the event loop; `..` walks a backend out of its prefix.
 */

const ACCOUNT = "000000000000";
const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");
const fn = (name: string) => invocationArn(name, "us-east-1", ACCOUNT);

/** A backend that records every request line it receives. */
interface RecordingBackend {
  url: string;
  seen: string[];
  close(): Promise<void>;
}

async function startRecordingBackend(): Promise<RecordingBackend> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.url ?? "");
    const body = JSON.stringify({ url: req.url, headers: req.headers });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** A request sent byte for byte: clients resolve `..` and `%2e` themselves before sending. */
async function rawGet(gw: TestGateway, apiId: string, path: string, headers: Record<string, string> = {}) {
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  const reply = await rawExchange(
    gw.port,
    `GET ${path} HTTP/1.1\r\nHost: ${apiId}.execute-api.us-east-1.localhost\r\n${extra}Connection: close\r\n\r\n`,
  );
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1]);
  const type = /\r\nx-amzn-errortype: ([^\r]*)/i.exec(reply)?.[1];
  return { status, type, body: reply.slice(reply.indexOf("\r\n\r\n") + 4) };
}

const SPELLINGS = [
  "/dev/admin/secret",
  "/dev/admin/secret/",
  "/dev/admin/secret//",
  "/dev//admin/secret",
  "/dev/admin//secret",
  "//dev/admin/secret",
];

describe("resource policies authorize the path the router matched", () => {
  let gw: TestGateway;
  let backend: RecordingBackend;
  let denyId: string;
  let officeId: string;
  const api = (title: string, deny: object) => `
openapi: 3.0.1
info: { title: ${title}, version: "1" }
x-amazon-apigateway-policy:
  Version: "2012-10-17"
  Statement:
    - { Effect: Allow, Principal: "*", Action: execute-api:Invoke, Resource: "execute-api:/*" }
    - ${JSON.stringify({ Effect: "Deny", Principal: "*", Action: "execute-api:Invoke", ...deny })}
paths:
  /admin/secret:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend.url}/admin/secret" }
  /{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: ANY, uri: "${backend.url}/files/{proxy}" }
`;
  before(async () => {
    backend = await startRecordingBackend();
    gw = await startTestGateway();
    denyId = await gw.deployRest(api("ExactDeny", { Resource: "execute-api:/dev/GET/admin/secret" }), "dev");
    officeId = await gw.deployRest(
      api("OfficeOnly", {
        Resource: "execute-api:/*/*/admin/secret",
        Condition: { NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
      }),
      "dev",
    );
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  test("a trailing or doubled slash never slips past an explicit Deny: 403 naming the canonical ARN", async () => {
    for (const path of SPELLINGS) {
      const r = await gw.call(denyId, path);
      assert.equal(r.status, 403, `${path}: ${r.text}`);
      assert.equal(r.headers["x-amzn-errortype"], "AccessDeniedException");
      assert.deepEqual(JSON.parse(r.text), {
        Message: `User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:${ACCOUNT}:${denyId}/dev/GET/admin/secret with an explicit deny`,
      });
    }
    assert.deepEqual(backend.seen, [], "the backend never saw the denied path");
    assert.equal((await gw.call(denyId, "/dev/public/file")).status, 200, "other paths are served");
  });

  test("an IP condition on the path holds for every spelling of it", async () => {
    for (const path of SPELLINGS) assert.equal((await gw.call(officeId, path)).status, 403, path);
    assert.equal((await gw.call(officeId, "/dev/public/file/")).status, 200);
  });

  test("dot segments are resolved before routing and authorization: /public/../admin/secret is denied", async () => {
    backend.seen.length = 0;
    for (const path of [
      "/dev/public/../admin/secret",
      "/dev/./admin/./secret",
      "/dev/x/%2e%2e/admin/secret",
    ]) {
      const r = await rawGet(gw, denyId, path);
      assert.equal(r.status, 403, `${path}: ${r.body}`);
      assert.match(r.body, /\/dev\/GET\/admin\/secret with an explicit deny/);
    }
    assert.deepEqual(backend.seen, []);
  });
});

describe("Lambda authorizers and IAM are asked about the canonical method ARN", () => {
  let gw: TestGateway;
  let backend: RecordingBackend;
  let id: string;
  const ALICE = { accessKeyId: "AKIDALICE", secretAccessKey: "alice-secret" };
  before(async () => {
    backend = await startRecordingBackend();
    gw = await startTestGateway({
      functions: { exactDeny: { handler: join(FIXTURES, "paths-and-policies.exactDenyAuthorizer") } },
      credentials: [
        { accessKeyId: "test", secretAccessKey: "test", principal: `arn:aws:iam::${ACCOUNT}:root` },
        {
          ...ALICE,
          principal: `arn:aws:iam::${ACCOUNT}:user/alice`,
          policies: [
            {
              Version: "2012-10-17",
              Statement: [
                { Effect: "Allow", Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:*:*:*" },
                {
                  Effect: "Deny",
                  Action: "execute-api:Invoke",
                  Resource: "arn:aws:execute-api:us-east-1:*:*/dev/GET/iam/admin/secret",
                },
              ],
            },
          ],
        },
      ],
    });
    id = await gw.deployRest(
      `openapi: 3.0.1
info: { title: ArnChecks, version: "1" }
components:
  securitySchemes:
    token:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer: { type: token, authorizerUri: "${fn("exactDeny")}", authorizerResultTtlInSeconds: 0 }
    sigv4: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4 }
paths:
  /iam/{proxy+}:
    get:
      security: [{ sigv4: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend.url}/iam/{proxy}" }
  /{proxy+}:
    get:
      security: [{ token: [] }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "${backend.url}/files/{proxy}"
        requestParameters: { integration.request.header.x-method-arn: context.authorizer.methodArn }
`,
      "dev",
    );
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  test("the authorizer's exact Deny holds for every spelling of the path", async () => {
    for (const path of SPELLINGS) {
      const r = await gw.call(id, path, { headers: { authorization: "t" } });
      assert.equal(r.status, 403, `${path}: ${r.text}`);
      assert.deepEqual(JSON.parse(r.text), {
        Message: "User is not authorized to access this resource with an explicit deny",
      });
    }
  });

  test("the methodArn the authorizer gets has no empty segments", async () => {
    for (const path of ["/dev/public/x/", "/dev//public//x", "/dev/public/x"]) {
      const r = await gw.call(id, path, { headers: { authorization: "t" } });
      assert.equal(r.status, 200, `${path}: ${r.text}`);
      assert.equal(
        JSON.parse(r.text).headers["x-method-arn"],
        `arn:aws:execute-api:us-east-1:${ACCOUNT}:${id}/dev/GET/public/x`,
        path,
      );
    }
  });

  test("an IAM identity policy's exact Deny holds with a trailing slash", async () => {
    const host = `${id}.execute-api.us-east-1.localhost:${gw.port}`;
    for (const path of ["/dev/iam/admin/secret", "/dev/iam/admin/secret/"]) {
      const wire = await smithySign(
        { method: "GET", path, hostname: host },
        { credentials: ALICE },
        new Date(),
      );
      const r = await request(`http://127.0.0.1:${gw.port}${wire.rawPath}`, {
        headers: { ...wire.headers, host },
      });
      const text = await r.body.text();
      assert.equal(r.statusCode, 403, `${path}: ${text}`);
      assert.match(JSON.parse(text).Message, /\/dev\/GET\/iam\/admin\/secret with an explicit deny$/);
    }
  });
});

describe("policy wildcards match in linear time", () => {
  let gw: TestGateway;
  let id: string;
  // On a backtracking regex these take minutes of one core per request.
  const manyAs = "a".repeat(4000);
  before(async () => {
    gw = await startTestGateway();
    id = await gw.deployRest(
      `openapi: 3.0.1
info: { title: Wildcards, version: "1" }
x-amazon-apigateway-policy:
  Version: "2012-10-17"
  Statement:
    - { Effect: Allow, Principal: "*", Action: execute-api:Invoke, Resource: "execute-api:/*" }
    - { Effect: Deny, Principal: "*", Action: execute-api:Invoke, Resource: "execute-api:/*a*a*b" }
    - Effect: Deny
      Principal: "*"
      Action: execute-api:Invoke
      Resource: "execute-api:/*"
      Condition: { StringLike: { "aws:UserAgent": "*a*a*b" } }
paths:
  /{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"ok":true}' } } }
`,
      "dev",
    );
  });
  after(() => gw.close());

  test("an unauthenticated long path against '*a*a*b' is answered, then a normal request", {
    timeout: 10_000,
  }, async () => {
    assert.equal((await gw.call(id, `/dev/${manyAs}`)).status, 200, "no b: the Deny does not apply");
    assert.equal((await gw.call(id, `/dev/${manyAs}b`)).status, 403, "with the b it does");
    assert.equal((await gw.call(id, "/dev/pets")).status, 200);
  });

  test("a long header against a StringLike condition is answered, then a normal request", {
    timeout: 10_000,
  }, async () => {
    assert.equal((await gw.call(id, "/dev/pets", { headers: { "user-agent": manyAs } })).status, 200);
    assert.equal((await gw.call(id, "/dev/pets", { headers: { "user-agent": `${manyAs}b` } })).status, 403);
    assert.equal((await gw.call(id, "/dev/pets")).status, 200);
  });
});

describe("user regexes run on RE2 against request data", () => {
  let gw: TestGateway;
  let backend: RecordingBackend;
  let id: string;
  // `(a+)+` backtracks exponentially in the length of a run of a's that does not end the input.
  const evil = `${"a".repeat(30)}!`;
  before(async () => {
    backend = await startRecordingBackend();
    gw = await startTestGateway({
      functions: {
        exactDeny: { handler: join(FIXTURES, "paths-and-policies.exactDenyAuthorizer") },
        failsWith: { handler: join(FIXTURES, "paths-and-policies.failsWith") },
      },
    });
    id = await gw.deployRest(
      `openapi: 3.0.1
info: { title: Patterns, version: "1" }
components:
  securitySchemes:
    token:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: "${fn("exactDeny")}"
        authorizerResultTtlInSeconds: 0
        identityValidationExpression: "(a+)+"
paths:
  /guarded:
    get:
      security: [{ token: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend.url}/guarded" }
  /fails:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: "${fn("failsWith")}"
        responses:
          "(a+)+": { statusCode: "400" }
          default: { statusCode: "200" }
  /status/{code}:
    get:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: GET
        uri: "${backend.url}/status/{code}"
        requestParameters: { integration.request.path.code: method.request.path.code }
        responses:
          "2\\\\d": { statusCode: "400" }
          default: { statusCode: "200" }
`,
      "dev",
    );
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  test("identityValidationExpression against a hostile token: 401 without invoking, then a normal request", {
    timeout: 10_000,
  }, async () => {
    const refused = await gw.call(id, "/dev/guarded", { headers: { authorization: evil } });
    assert.equal(refused.status, 401);
    assert.deepEqual(JSON.parse(refused.text), { message: "Unauthorized" });
    const ok = await gw.call(id, "/dev/guarded", { headers: { authorization: "aaaa" } });
    assert.equal(ok.status, 200, ok.text);
  });

  test("selectionPattern against a hostile Lambda errorMessage: the default response, then a match", {
    timeout: 10_000,
  }, async () => {
    const unmatched = await gw.call(id, "/dev/fails", {
      method: "POST",
      body: JSON.stringify({ message: evil }),
    });
    assert.equal(unmatched.status, 200, "no whole-string match: the default response");
    const matched = await gw.call(id, "/dev/fails", { method: "POST", body: '{"message":"aaaa"}' });
    assert.equal(matched.status, 400);
  });

  test("selectionPattern matches the whole backend status, as Java's String.matches", async () => {
    // The backend answers 200 for any path here; `2\d` must not match "200" partially.
    const r = await gw.call(id, "/dev/status/x");
    assert.equal(r.status, 200);
  });

  test("PutAuthorizer and PutIntegrationResponse refuse a pattern RE2 cannot run", async () => {
    const client = new APIGatewayClient(adminClientConfig(gw));
    const { id: restApiId } = await client.send(new CreateRestApiCommand({ name: "Refusals" }));
    await assert.rejects(
      client.send(
        new CreateAuthorizerCommand({
          restApiId,
          name: "lookahead",
          type: "TOKEN",
          authorizerUri: fn("exactDeny"),
          identitySource: "method.request.header.Authorization",
          identityValidationExpression: "^(?=Bearer ).+$",
        }),
      ),
      (err: Error) =>
        err.name === "BadRequestException" && /identity validation expression/.test(err.message),
    );
    const root = (await client.send(new GetResourcesCommand({ restApiId }))).items![0]!.id!;
    await client.send(
      new PutMethodCommand({ restApiId, resourceId: root, httpMethod: "GET", authorizationType: "NONE" }),
    );
    await client.send(
      new PutIntegrationCommand({ restApiId, resourceId: root, httpMethod: "GET", type: "MOCK" }),
    );
    await client.send(
      new PutMethodResponseCommand({ restApiId, resourceId: root, httpMethod: "GET", statusCode: "400" }),
    );
    for (const selectionPattern of ["(a)\\1", "(?<!x)4\\d\\d"]) {
      await assert.rejects(
        client.send(
          new PutIntegrationResponseCommand({
            restApiId,
            resourceId: root,
            httpMethod: "GET",
            statusCode: "400",
            selectionPattern,
          }),
        ),
        (err: Error) => err.name === "BadRequestException" && /Invalid selection pattern/.test(err.message),
        selectionPattern,
      );
    }
  });
});

describe("dot segments and encoded slashes never walk a backend out of its prefix", () => {
  let gw: TestGateway;
  let backend: RecordingBackend;
  let id: string;
  before(async () => {
    backend = await startRecordingBackend();
    gw = await startTestGateway();
    id = await gw.deployRest(
      `openapi: 3.0.1
info: { title: Files, version: "1" }
paths:
  /named:
    get:
      parameters: [{ name: x-name, in: header }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "${backend.url}/files/{name}"
        requestParameters: { integration.request.path.name: method.request.header.x-name }
  /{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: ANY, uri: "${backend.url}/files/{proxy}" }
`,
      "dev",
    );
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  test("'..' above the stage leaves the API: 403 Missing Authentication Token, nothing forwarded", async () => {
    backend.seen.length = 0;
    for (const path of ["/dev/../../etc/passwd", "/dev/a/%2e%2e/%2e%2e/secret", "/dev/a/%2E%2e/../secret"]) {
      const r = await rawGet(gw, id, path);
      assert.equal(r.status, 403, `${path}: ${r.body}`);
      assert.equal(r.type, "MissingAuthenticationTokenException");
    }
    assert.deepEqual(backend.seen, []);
  });

  test("dot segments inside the API are resolved before the backend URL is built", async () => {
    backend.seen.length = 0;
    for (const path of ["/dev/a/b/../c", "/dev/a/./c", "/dev/a/%2e/c", "/dev/a/x/%2E%2E/c"]) {
      const r = await rawGet(gw, id, path);
      assert.equal(r.status, 200, `${path}: ${r.body}`);
    }
    assert.deepEqual(backend.seen, ["/files/a/c", "/files/a/c", "/files/a/c", "/files/a/c"]);
  });

  test("an encoded slash that would make a dot segment is refused with 400, nothing forwarded", async () => {
    backend.seen.length = 0;
    for (const path of ["/dev/a/..%2f..%2fsecret", "/dev/%2e%2e%2F%2e%2e%2Fsecret", "/dev/a/..%5csecret"]) {
      const r = await rawGet(gw, id, path);
      assert.equal(r.status, 400, `${path}: ${r.body}`);
      assert.equal(r.type, "BadRequestException");
    }
    const mapped = await rawGet(gw, id, "/dev/named", { "x-name": "../../secret" });
    assert.equal(mapped.status, 400, "a mapped header cannot walk the backend either");
    assert.deepEqual(backend.seen, []);
    const fine = await rawGet(gw, id, "/dev/a%2Fb/c.txt");
    assert.equal(fine.status, 200, "an encoded slash without dots is passed on");
    assert.deepEqual(backend.seen, ["/files/a%2Fb/c.txt"]);
  });
});

describe("an HTTP API's overwrite:path mapping cannot walk the backend either", () => {
  let gw: TestGateway;
  let backend: RecordingBackend;
  let id: string;
  before(async () => {
    backend = await startRecordingBackend();
    gw = await startTestGateway();
    id = await gw.deployHttp(`openapi: 3.0.1
info: { title: FilesHttp, version: "1" }
paths:
  /named:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "${backend.url}/"
        payloadFormatVersion: "1.0"
        requestParameters: { overwrite:path: "/files/$request.header.x-name" }
`);
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  test("a dot segment in the mapped path is refused with 400 and nothing is forwarded", async () => {
    backend.seen.length = 0;
    for (const name of ["../secret", "a/../../secret", "%2e%2e/secret", "."]) {
      const r = await gw.call(id, "/named", { headers: { "x-name": name } });
      assert.equal(r.status, 400, name);
    }
    assert.deepEqual(backend.seen, []);
    assert.equal((await gw.call(id, "/named", { headers: { "x-name": "report.txt" } })).status, 200);
    assert.deepEqual(backend.seen, ["/files/report.txt"]);
  });
});
