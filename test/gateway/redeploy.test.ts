import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Agent, request } from "undici";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

const api = (backend: string, version: number) => `
openapi: "3.0.1"
info: { title: Redeploy, version: "${version}" }
paths:
  /v:
    get:
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"version":${version}}' } } }
  /slow:
    get:
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/slow/1000?v=${version}" }
`;

let backend: EchoBackend;
let gw: TestGateway;
before(async () => {
  backend = await startEchoBackend();
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
  await backend.close();
});

test("50 redeploys under load: no request fails, versions only move forward per client", async () => {
  const { control } = gw.portico;
  const { importRestApiDocument } = await import("../../src/control/import-document.ts");
  const first = await importRestApiDocument(control, api(backend.url, 0));
  const apiId = first.definition.api.id;
  await control.deployRestApi(apiId, { stageName: "live" });

  const agent = new Agent({ connections: 16 });
  let stop = false;
  let failures = 0;
  let served = 0;
  let regressions = 0;
  const client = async () => {
    let lastSeen = -1;
    while (!stop) {
      const r = await request(`http://127.0.0.1:${gw.port}/live/v`, {
        headers: { host: `${apiId}.execute-api.us-east-1.localhost` },
        dispatcher: agent,
      });
      const text = await r.body.text();
      if (r.statusCode !== 200) failures++;
      else {
        const { version } = JSON.parse(text) as { version: number };
        if (version < lastSeen) regressions++;
        lastSeen = version;
        served++;
      }
    }
  };
  const clients = Array.from({ length: 8 }, client);
  // An in-flight request started before the redeploys finishes on the deployment it started with.
  // The redeploys start once the backend holds that request, however slow the machine is.
  const atBackend = new Promise<void>((resolve) =>
    backend.server.on("request", (req) => {
      if (req.url?.startsWith("/slow/")) resolve();
    }),
  );
  const inFlight = request(`http://127.0.0.1:${gw.port}/live/slow`, {
    headers: { host: `${apiId}.execute-api.us-east-1.localhost` },
  });
  await atBackend;
  for (let v = 1; v <= 50; v++) {
    await importRestApiDocument(control, api(backend.url, v), { apiId });
    await control.deployRestApi(apiId, { stageName: "live" });
    // Traffic is served between every two redeploys, not only before and after them.
    const seen = served + failures;
    while (served + failures === seen) await new Promise((r) => setImmediate(r));
  }
  const slow = await inFlight;
  const echo = JSON.parse(await slow.body.text()) as { url: string };
  stop = true;
  await Promise.all(clients);
  await agent.close();

  assert.equal(failures, 0);
  assert.equal(regressions, 0);
  assert.ok(served > 50, `served ${served}`);
  assert.equal(slow.statusCode, 200);
  assert.equal(echo.url, "/slow/1000?v=0");
  const last = await gw.call(apiId, "/live/v");
  assert.equal(JSON.parse(last.text).version, 50);
});
