import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { RAW_REPLIES, type SoapServices, startSoapServices } from "./soap-services.ts";

// XML built to hurt a parser, from a backend (through a response template) and from a client
// (through a request template): each refused at the template, so the client gets the gateway's
// usual 500, nothing is expanded or read, and the gateway goes on serving.

const SECRET = "portico-secret-7f3a9c";
const secretDir = mkdtempSync(join(tmpdir(), "portico-xxe-"));
const secretFile = join(secretDir, "secret.txt");
writeFileSync(secretFile, SECRET);

const lolLevels = Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join(
  "",
);

const ATTACKS: Record<string, string> = {
  xxe: `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://${secretFile}">]><r>&x;</r>`,
  "xxe-parameter": `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "file://${secretFile}"> %p;]><r/>`,
  "billion-laughs": `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY l0 "lol">${lolLevels}]><lolz>&l9;</lolz>`,
  "quadratic-blowup": `<!DOCTYPE r [<!ENTITY a "${"x".repeat(50_000)}">]><r>${"&a;".repeat(5_000)}</r>`,
  deep: `${"<a>".repeat(10_000)}x${"</a>".repeat(10_000)}`,
  oversize: `<r>${"<v>1234567890</v>".repeat(620_000)}</r>`,
  "undefined-entity": "<r>&nbsp;&copy;</r>",
  malformed: "<soap:Envelope><soap:Body></soap:Envelope>",
};

const api = (backend: string) => `
openapi: 3.0.1
info: { title: Malicious XML, version: "1" }
paths:
  /from-backend/{name}:
    get:
      parameters: [{ name: name, in: path, required: true, schema: { type: string } }]
      x-amazon-apigateway-integration:
        type: http
        httpMethod: GET
        uri: "${backend}/raw/{name}"
        requestParameters: { integration.request.path.name: method.request.path.name }
        responses:
          default:
            statusCode: "200"
            responseTemplates: { application/json: "$util.xmlToJson($input.body)" }
  /parsed-from-backend/{name}:
    get:
      parameters: [{ name: name, in: path, required: true, schema: { type: string } }]
      x-amazon-apigateway-integration:
        type: http
        httpMethod: GET
        uri: "${backend}/raw/{name}"
        requestParameters: { integration.request.path.name: method.request.path.name }
        responses:
          default:
            statusCode: "200"
            responseTemplates: { application/json: '{"root": "$util.parseXml($input.body).keySet()"}' }
  /from-client:
    post:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: "${backend}/raw/ok"
        passthroughBehavior: never
        requestTemplates:
          text/xml: '{"root": "$util.parseXml($input.body).keySet()"}'
        responses: { default: { statusCode: "200" } }
`;

describe("malicious XML at the template", () => {
  let services: SoapServices;
  let gw: TestGateway;
  let id: string;

  before(async () => {
    services = await startSoapServices();
    for (const [name, body] of Object.entries(ATTACKS))
      RAW_REPLIES[name] = { status: 200, type: "text/xml", body };
    RAW_REPLIES.ok = { status: 200, type: "text/xml", body: "<ok>fine</ok>" };
    gw = await startTestGateway();
    id = await gw.deployRest(api(services.url));
  });
  after(async () => {
    await gw?.close();
    await services?.close();
    rmSync(secretDir, { recursive: true, force: true });
  });

  /** The gateway still answers a well-formed document right after. */
  async function stillServing() {
    const ok = await gw.call(id, "/test/from-backend/ok");
    assert.equal(ok.status, 200);
    assert.equal(ok.text, '{"ok":"fine"}');
  }

  test("the oversize document is over the XML size limit (a 10 MB payload)", () => {
    assert.ok(ATTACKS.oversize!.length > 10 * 1024 * 1024);
  });

  for (const name of Object.keys(ATTACKS)) {
    test(`${name} from a backend: 500 with the gateway's usual body, nothing expanded; still serving`, async () => {
      for (const path of [`/test/from-backend/${name}`, `/test/parsed-from-backend/${name}`]) {
        const r = await gw.call(id, path);
        assert.equal(r.status, 500, `${path}: ${r.text.slice(0, 200)}`);
        assert.deepEqual(JSON.parse(r.text), { message: "Internal server error" });
        assert.equal(r.headers["x-amzn-errortype"], "InternalServerErrorException");
        assert.ok(!r.text.includes(SECRET) && !r.text.includes("lol"));
      }
      await stillServing();
    });
  }

  for (const name of ["xxe", "billion-laughs", "deep", "undefined-entity", "malformed"]) {
    test(`${name} from a client: 500 before the backend is called; still serving`, async () => {
      const before = services.received.length;
      const r = await gw.call(id, "/test/from-client", {
        method: "POST",
        headers: { "content-type": "text/xml" },
        body: ATTACKS[name],
      });
      assert.equal(r.status, 500, r.text);
      assert.deepEqual(JSON.parse(r.text), { message: "Internal server error" });
      assert.equal(services.received.length, before, "the backend was never called");
      await stillServing();
    });
  }

  test("a well-formed document from a client goes through the same template", async () => {
    const r = await gw.call(id, "/test/from-client", {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body: "<order><id>1</id></order>",
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.text, "<ok>fine</ok>");
    assert.equal(services.last("/raw/ok")!.body, '{"root": "[order]"}');
  });
});
