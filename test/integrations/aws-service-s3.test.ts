import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import S3rver from "s3rver";
import { request } from "undici";
import { type ServiceServer, startServiceServer } from "../support/aws-service-server.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

// REST `type: AWS` to S3 objects by path (`path/{bucket}/{key}` and the `bucket.s3` subdomain form),
// stored by s3rver (an S3-compatible server from npm). s3rver does not check SigV4 signatures, so it
// sits behind the loopback stand-in that does (with the AWS SDK's signer), which forwards only the
// requests that verify.

// s3rver's built-in account.
const S3_KEY = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

const PHOTOS_API = `
openapi: 3.0.1
info: { title: Photos on S3, version: "1" }
paths:
  /photos/{key}:
    put:
      parameters: [{ name: key, in: path, required: true, schema: { type: string } }]
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: PUT
        uri: arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}
        requestParameters:
          integration.request.path.bucket: "'photos'"
          integration.request.path.key: method.request.path.key
          integration.request.header.Content-Type: method.request.header.Content-Type
        responses: { default: { statusCode: "200" } }
    get:
      parameters: [{ name: key, in: path, required: true, schema: { type: string } }]
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: GET
        uri: arn:aws:apigateway:us-east-1:s3:path/photos/{key}
        requestParameters:
          integration.request.path.key: method.request.path.key
        responses:
          "404":
            statusCode: "404"
            selectionPattern: "404"
            responseTemplates: { application/json: '{"message": "no such photo"}' }
          default:
            statusCode: "200"
            responseParameters:
              method.response.header.Content-Type: integration.response.header.Content-Type
              method.response.header.ETag: integration.response.header.ETag
  /by-host/{key}:
    get:
      parameters: [{ name: key, in: path, required: true, schema: { type: string } }]
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: GET
        uri: arn:aws:apigateway:us-east-1:photos.s3:path/{key}
        requestParameters:
          integration.request.path.key: method.request.path.key
        responses:
          default:
            statusCode: "200"
            responseParameters:
              method.response.header.Content-Type: integration.response.header.Content-Type
`;

describe("REST AWS integrations: S3 objects through s3rver", () => {
  let directory: string;
  let s3: S3rver;
  let front: ServiceServer;
  let gw: TestGateway;
  let id: string;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), "portico-s3-"));
    s3 = new S3rver({
      port: 0,
      address: "127.0.0.1",
      silent: true,
      directory,
      configureBuckets: [{ name: "photos" }],
    });
    const { port } = await s3.run();
    front = await startServiceServer({ [S3_KEY.accessKeyId]: S3_KEY.secretAccessKey }, async (call) => {
      const headers = { ...call.headers } as Record<string, string>;
      delete headers.connection;
      const r = await request(`http://127.0.0.1:${port}${call.url}`, {
        method: call.method as "GET",
        headers,
        body: call.method === "GET" ? undefined : call.body,
      });
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.headers))
        if (v !== undefined && !["connection", "transfer-encoding", "keep-alive"].includes(k))
          out[k] = String(v);
      return { status: r.statusCode, headers: out, body: Buffer.from(await r.body.arrayBuffer()) };
    });
    gw = await startTestGateway({ services: { s3: { endpoint: front.url, credentials: S3_KEY } } });
    id = await gw.deployRest(PHOTOS_API, "prod");
  });
  after(async () => {
    await gw.close();
    await front.close();
    await s3.close();
    await rm(directory, { recursive: true, force: true });
  });

  test("PUT stores the object at path/{bucket}/{key}; GET reads it back with S3's headers", async () => {
    const put = await gw.call(id, "/prod/photos/cat.txt", {
      method: "PUT",
      headers: { "content-type": "text/plain" },
      body: "a cat",
    });
    assert.deepEqual(front.refused, []);
    assert.equal(put.status, 200, put.text);
    const sent = front.calls.at(-1)!;
    assert.equal(sent.method, "PUT");
    assert.equal(sent.url, "/photos/cat.txt");
    assert.equal(sent.service, "s3");
    assert.ok(sent.signedHeaders.includes("x-amz-content-sha256"), "S3 needs the payload hash signed");
    const got = await gw.call(id, "/prod/photos/cat.txt");
    assert.equal(got.status, 200, got.text);
    assert.equal(got.text, "a cat");
    assert.equal(got.headers["content-type"], "text/plain");
    assert.match(String(got.headers.etag), /^"[0-9a-f]{32}"$/);
  });

  test("the bucket.s3 subdomain form addresses the same bucket", async () => {
    await gw.call(id, "/prod/photos/dog.txt", {
      method: "PUT",
      headers: { "content-type": "text/plain" },
      body: "a dog",
    });
    const got = await gw.call(id, "/prod/by-host/dog.txt");
    assert.equal(got.status, 200, got.text);
    assert.equal(got.text, "a dog");
    assert.equal(front.calls.at(-1)!.url, "/photos/dog.txt");
  });

  test("S3's 404 NoSuchKey selects the 404 integration response", async () => {
    const got = await gw.call(id, "/prod/photos/missing.txt");
    assert.equal(got.status, 404);
    assert.deepEqual(JSON.parse(got.text), { message: "no such photo" });
  });
});
