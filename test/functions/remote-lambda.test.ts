import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { sha256Hex } from "../../src/auth/sigv4/canonical-request.ts";
import { verifySigV4 } from "../../src/auth/sigv4/verify-request.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";

/**
 * A stand-in for AWS Lambda's Invoke API on loopback (what an emulator offers): it checks the SigV4
 * signature (service `lambda`) and answers as Lambda does, with `X-Amz-Function-Error` on errors.
 */
let lambda: Server;
let lambdaUrl: string;
const seen: { path: string; signedBy?: string }[] = [];
before(() => {
  lambda = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const body = Buffer.concat(chunks);
    const verified = verifySigV4(
      {
        method: req.method ?? "",
        rawPath: req.url ?? "",
        headers: req.headers,
        bodySha256Hex: sha256Hex(body),
      },
      {
        service: "lambda",
        region: "eu-west-1",
        lookup: (id) => (id === "AKIDREMOTE" ? { secretAccessKey: "remote-secret" } : undefined),
      },
    );
    seen.push({ path: req.url ?? "", signedBy: verified.ok ? verified.accessKeyId : undefined });
    if (!verified.ok) {
      res
        .writeHead(403, { "content-type": "application/json" })
        .end(JSON.stringify({ message: verified.error.message }));
      return;
    }
    const event = JSON.parse(body.toString("utf8")) as { path?: string };
    if (req.url?.includes("/functions/remote-fails/")) {
      res.writeHead(200, { "x-amz-function-error": "Unhandled", "content-type": "application/json" });
      res.end(JSON.stringify({ errorMessage: "remote broke", errorType: "Error", stackTrace: [] }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ statusCode: 200, body: `remote saw ${event.path}` }));
  });
});

let gw: TestGateway;
let id: string;
const arn = (name: string) => invocationArn(name, "eu-west-1");
before(async () => {
  await new Promise<void>((ok) => lambda.listen(0, "127.0.0.1", () => ok()));
  lambdaUrl = `http://127.0.0.1:${(lambda.address() as AddressInfo).port}`;
  gw = await startTestGateway({
    credentials: [{ accessKeyId: "AKIDREMOTE", secretAccessKey: "remote-secret" }],
    functions: {
      remote: { remote: { endpoint: lambdaUrl, region: "eu-west-1", functionName: "remote-impl" } },
      failing: { remote: { endpoint: lambdaUrl, region: "eu-west-1", functionName: "remote-fails" } },
    },
  });
  id = await gw.deployRest(
    `openapi: 3.0.1
info: { title: Remote, version: "1" }
paths:
  /hello:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${arn("remote")}" }
  /fails:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${arn("failing")}" }
  /templated:
    get:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: "${arn("remote")}"
        requestTemplates: { application/json: '{"path": "/from-template"}' }
        responses:
          default:
            statusCode: "200"
            responseTemplates: { application/json: '{"said": "$input.path(''$.body'')"}' }
`,
    "prod",
  );
});
after(async () => {
  await gw.close();
  await new Promise((ok) => lambda.close(ok));
});

test("a remote function is invoked through the signed Lambda Invoke API", async () => {
  const r = await gw.call(id, "/prod/hello");
  assert.equal(r.status, 200, r.text);
  assert.equal(r.text, "remote saw /hello");
  const call = seen.find((s) => s.path.includes("remote-impl"));
  assert.equal(call?.path, "/2015-03-31/functions/remote-impl/invocations");
  assert.equal(call?.signedBy, "AKIDREMOTE");
});

test("a remote function error is the integration's failure (502)", async () => {
  const r = await gw.call(id, "/prod/fails");
  assert.equal(r.status, 502);
  assert.equal(r.text, '{"message": "Internal server error"}');
});

test("a non-proxy AWS integration sends its template's output to a remote function and maps the result", async () => {
  const r = await gw.call(id, "/prod/templated");
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(JSON.parse(r.text), { said: "remote saw /from-template" });
});
