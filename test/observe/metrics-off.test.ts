import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { requestsDone } from "../../src/gateway/channels.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { mockIntegration } from "../support/snippets.ts";

// With metrics off (metrics.enabled: false) nothing subscribes to the pipeline's request events, so
// the pipeline publishes none (it publishes only while someone listens), and /metrics says so.
// This file's process holds this one gateway only: another gateway's metrics would subscribe.

const API = `
openapi: 3.0.1
info: { title: Uncounted, version: "1" }
paths:
  /mock:
    get:${mockIntegration('{"ok":true}')}
`;

describe("metrics switched off", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ metrics: { enabled: false, host: "127.0.0.1" } });
  });
  after(() => gw.close());

  test("the pipeline has no request subscriber, requests are served, /metrics answers 404", async () => {
    const api = await gw.deployRest(API, "prod");
    assert.equal(requestsDone.hasSubscribers, false, "no access log and no metrics: nobody listens");
    assert.equal((await gw.call(api, "/prod/mock")).status, 200);
    const r = await fetch(`http://127.0.0.1:${gw.adminPort}/metrics`);
    assert.equal(r.status, 404);
    assert.deepEqual(await r.json(), { message: "Metrics are off on this gateway (metrics.enabled: false)" });
    assert.equal(gw.portico.metricsPort, undefined);
  });

  test("a gateway with metrics on subscribes, and unsubscribes when it closes", async () => {
    const on = await startTestGateway();
    assert.equal(requestsDone.hasSubscribers, true);
    await on.close();
    assert.equal(requestsDone.hasSubscribers, false);
  });
});
