import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  GetApiCommand,
  GetApisCommand,
  ImportApiCommand,
} from "@aws-sdk/client-apigatewayv2";
import { request } from "undici";
import WebSocket from "ws";
import { type AdminCallError, adminEndpointFromEnv, callAdmin } from "../../src/cli/admin-client.ts";
import { type PublicUrl, parsePublicUrl } from "../../src/config/public-url.ts";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { fetchAsUser, localhostLookup } from "../support/localhost-names.ts";
import { freePort } from "../support/redis-server.ts";
import { deployWebSocketApi } from "../support/websocket-api.ts";

function publicUrl(template: string, region = "us-east-1"): PublicUrl {
  const parsed = parsePublicUrl(template, region);
  assert.ok(!("problem" in parsed), JSON.stringify(parsed));
  return parsed;
}

/** A quick-created HTTP API whose `$default` route proxies to `{backend}/quick`. */
async function quickApi(gw: TestGateway, backend: EchoBackend) {
  const client = new ApiGatewayV2Client(adminClientConfig(gw));
  try {
    return await client.send(
      new CreateApiCommand({ Name: "Quick", ProtocolType: "HTTP", Target: `${backend.url}/quick` }),
    );
  } finally {
    client.destroy();
  }
}

/** A data-plane request as a load balancer forwards it: to the node's port, the client's Host kept. */
async function throughBalancer(gw: TestGateway, url: string) {
  const target = new URL(url);
  const r = await request(`http://127.0.0.1:${gw.port}${target.pathname}`, {
    headers: { host: target.host },
  });
  return { status: r.statusCode, text: await r.body.text() };
}

function openWs(url: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

describe("ApiEndpoint and the URLs the admin API answers reach this gateway", () => {
  let backend: EchoBackend;
  before(async () => {
    backend = await startEchoBackend();
  });
  after(() => backend.close());

  describe("on its own port", () => {
    let gw: TestGateway;
    let client: ApiGatewayV2Client;
    before(async () => {
      gw = await startTestGateway();
      client = new ApiGatewayV2Client(adminClientConfig(gw));
    });
    after(async () => {
      client.destroy();
      await gw.close();
    });

    test("CreateApi (HTTP): fetch(ApiEndpoint + path) is served by the API's $default stage", async () => {
      const api = await quickApi(gw, backend);
      assert.equal(api.ApiEndpoint, `http://${api.ApiId}.execute-api.us-east-1.localhost:${gw.port}`);
      const r = await fetchAsUser(`${api.ApiEndpoint}/anything`);
      assert.equal(r.status, 200);
      assert.equal(((await r.json()) as { url: string }).url, "/quick");
      // GetApi and GetApis answer the same endpoint.
      assert.equal((await client.send(new GetApiCommand({ ApiId: api.ApiId }))).ApiEndpoint, api.ApiEndpoint);
      const listed = (await client.send(new GetApisCommand({}))).Items?.find((a) => a.ApiId === api.ApiId);
      assert.equal(listed?.ApiEndpoint, api.ApiEndpoint);
    });

    test("ImportApi answers the endpoint too", async () => {
      const api = await client.send(
        new ImportApiCommand({
          Body: JSON.stringify({
            openapi: "3.0.1",
            info: { title: "Imported", version: "1" },
            paths: {
              "/items": {
                get: {
                  "x-amazon-apigateway-integration": {
                    type: "http_proxy",
                    httpMethod: "GET",
                    uri: `${backend.url}/items`,
                    payloadFormatVersion: "1.0",
                  },
                },
              },
            },
          }),
        }),
      );
      assert.equal(api.ApiEndpoint, `http://${api.ApiId}.execute-api.us-east-1.localhost:${gw.port}`);
    });

    test("a WebSocket API's ApiEndpoint/{stage} accepts a connection", async () => {
      const apiId = await deployWebSocketApi(gw, [{ key: "$default", integration: "MOCK" }], { name: "ep" });
      const api = await client.send(new GetApiCommand({ ApiId: apiId }));
      assert.equal(api.ApiEndpoint, `ws://${apiId}.execute-api.us-east-1.localhost:${gw.port}`);
      const ws = await openWs(`${api.ApiEndpoint}/prod`, {
        lookup: localhostLookup,
      } as WebSocket.ClientOptions);
      ws.close();
    });

    test("Portico's GetApiEndpoint names where a REST API is served; an unknown id is a 404", async () => {
      const restId = await gw.deployRest(
        `openapi: "3.0.1"
info: { title: Mock, version: "1" }
paths:
  /hello:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"hello":"world"}' } } }
`,
        "prod",
      );
      const admin = adminEndpointFromEnv(`http://127.0.0.1:${gw.adminPort}`, {});
      const answer = (await callAdmin(admin, "GET", `/_portico/apis/${restId}/endpoint`)) as {
        apiType: string;
        endpoint: string;
      };
      assert.deepEqual(answer, {
        apiId: restId,
        apiType: "REST",
        endpoint: `http://${restId}.execute-api.us-east-1.localhost:${gw.port}`,
      });
      const r = await fetchAsUser(`${answer.endpoint}/prod/hello`);
      assert.equal(await r.text(), '{"hello":"world"}');
      await assert.rejects(
        callAdmin(admin, "GET", "/_portico/apis/nosuchapi0/endpoint"),
        (err: AdminCallError) =>
          err.status === 404 &&
          err.type === "NotFoundException" &&
          err.message === "Invalid API identifier specified",
      );
    });

    test("the AWS CLI: create-api's ApiEndpoint is served here", async () => {
      const out = await new Promise<string>((resolve, reject) =>
        execFile(
          "aws",
          [
            "apigatewayv2",
            "create-api",
            "--name",
            "cli",
            "--protocol-type",
            "HTTP",
            "--target",
            `${backend.url}/quick`,
            "--endpoint-url",
            `http://127.0.0.1:${gw.adminPort}`,
            "--output",
            "json",
          ],
          {
            encoding: "utf8",
            timeout: 60_000,
            env: {
              ...process.env,
              AWS_ACCESS_KEY_ID: "test",
              AWS_SECRET_ACCESS_KEY: "test",
              AWS_DEFAULT_REGION: "us-east-1",
              AWS_PAGER: "",
              AWS_CONFIG_FILE: "/dev/null",
              AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
            },
          },
          (error, stdout, stderr) =>
            error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
        ),
      );
      const api = JSON.parse(out) as { ApiId: string; ApiEndpoint: string };
      assert.equal(api.ApiEndpoint, `http://${api.ApiId}.execute-api.us-east-1.localhost:${gw.port}`);
      const r = await fetchAsUser(`${api.ApiEndpoint}/from-the-cli`);
      assert.equal(r.status, 200);
      assert.equal(((await r.json()) as { url: string }).url, "/quick");
    });
  });

  test("the endpoint is computed when asked: a restart on another port, or with a public URL, changes it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "portico-endpoint-"));
    try {
      const first = await startTestGateway({ dataDir });
      const api = await quickApi(first, backend);
      await first.close();
      let port = await freePort();
      while (port === first.port) port = await freePort();
      const second = await startTestGateway({ dataDir, port });
      try {
        const client = new ApiGatewayV2Client(adminClientConfig(second));
        const again = await client.send(new GetApiCommand({ ApiId: api.ApiId }));
        client.destroy();
        assert.equal(again.ApiEndpoint, `http://${api.ApiId}.execute-api.us-east-1.localhost:${second.port}`);
        assert.equal((await fetchAsUser(`${again.ApiEndpoint}/x`)).status, 200);
      } finally {
        await second.close();
      }
      const third = await startTestGateway({
        dataDir,
        publicUrl: publicUrl("https://{apiId}.gw.example.test"),
      });
      try {
        const client = new ApiGatewayV2Client(adminClientConfig(third));
        const api3 = await client.send(new GetApiCommand({ ApiId: api.ApiId }));
        client.destroy();
        assert.equal(api3.ApiEndpoint, `https://${api.ApiId}.gw.example.test`);
      } finally {
        await third.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe("behind a load balancer, with a public URL", () => {
    let gw: TestGateway;
    let client: ApiGatewayV2Client;
    before(async () => {
      gw = await startTestGateway({ publicUrl: publicUrl("https://{apiId}.gw.example.test:8443") });
      client = new ApiGatewayV2Client(adminClientConfig(gw));
    });
    after(async () => {
      client.destroy();
      await gw.close();
    });

    test("ApiEndpoint is the public URL, and requests with its hosts reach the API", async () => {
      const api = await quickApi(gw, backend);
      assert.equal(api.ApiEndpoint, `https://${api.ApiId}.gw.example.test:8443`);
      const served = await throughBalancer(gw, `${api.ApiEndpoint}/anything`);
      assert.equal(served.status, 200);
      assert.equal((JSON.parse(served.text) as { url: string }).url, "/quick");
      // DNS names are case-insensitive; a port-less Host (a balancer may drop it) is the same host.
      assert.equal(
        (await throughBalancer(gw, `https://${api.ApiId?.toUpperCase()}.GW.example.test/x`)).status,
        200,
      );
      // Only the public URL's host form: another domain, or no API id before it, names no API.
      assert.equal((await throughBalancer(gw, `https://${api.ApiId}.other.example.test/x`)).status, 404);
      assert.equal((await throughBalancer(gw, "https://short.gw.example.test/x")).status, 404);
      assert.equal((await throughBalancer(gw, `https://x${api.ApiId}.gw.example.test/x`)).status, 404);
      // The local names keep working beside it.
      assert.equal((await gw.call(api.ApiId!, "/x")).status, 200);
    });

    test("a WebSocket API's endpoint is wss:// on the public host, which the upgrade is served by", async () => {
      const apiId = await deployWebSocketApi(gw, [{ key: "$default", integration: "MOCK" }], { name: "pub" });
      const api = await client.send(new GetApiCommand({ ApiId: apiId }));
      assert.equal(api.ApiEndpoint, `wss://${apiId}.gw.example.test:8443`);
      const ws = await openWs(`ws://127.0.0.1:${gw.port}/prod`, {
        headers: { host: new URL(api.ApiEndpoint!).host },
      });
      ws.close();
    });
  });

  test("{region} in the public URL is the gateway's region", async () => {
    const gw = await startTestGateway({
      region: "eu-west-1",
      publicUrl: publicUrl("http://{apiId}.execute-api.{region}.example.test", "eu-west-1"),
    });
    try {
      const api = await quickApi(gw, backend);
      assert.equal(api.ApiEndpoint, `http://${api.ApiId}.execute-api.eu-west-1.example.test`);
      assert.equal((await throughBalancer(gw, `${api.ApiEndpoint}/x`)).status, 200);
    } finally {
      await gw.close();
    }
  });
});
