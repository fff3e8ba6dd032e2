import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { request } from "undici";
import { ConfigError } from "../../src/config/config-error.ts";
import { capturingLog } from "../support/capturing-log.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { runCli, spawnPortico } from "../support/process.ts";

// A template's life in a gateway: refused whole at start when it cannot run, imported into a running
// gateway and imported again (replacing what it defined), and re-read on save under --watch — where
// an edit that does not read leaves the gateway serving what it had.

const HANDLER = `export async function hello(event) {
  return { statusCode: 200, body: JSON.stringify({ greeting: process.env.GREETING, path: event.path }) };
}
`;

/** A SAM template: one function on the implicit API's GET {path}, its greeting from the environment. */
const sam = (path: string, greeting: string) => `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  HelloFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: .
      Handler: app.hello
      Runtime: nodejs22.x
      Environment: { Variables: { GREETING: ${JSON.stringify(greeting)} } }
      Events:
        Get:
          Type: Api
          Properties: { Path: ${path}, Method: get }
`;

function projectDir(template: string): string {
  const dir = mkdtempSync(join(tmpdir(), "portico-template-"));
  writeFileSync(join(dir, "app.mjs"), HANDLER);
  writeFileSync(join(dir, "template.yaml"), template);
  return dir;
}

async function get(port: number, apiId: string, path: string): Promise<{ status: number; text: string }> {
  const r = await request(`http://127.0.0.1:${port}${path}`, {
    headers: { host: `${apiId}.execute-api.us-east-1.localhost` },
  });
  return { status: r.statusCode, text: await r.body.text() };
}

async function implicitApiId(gw: TestGateway): Promise<string> {
  const apis = await gw.portico.control.listRestApis();
  assert.equal(apis.length, 1, JSON.stringify(apis.map((a) => a.api.name)));
  return apis[0]!.api.id;
}

describe("a template that cannot run refuses the start, naming the place", () => {
  const cases: [string, string, RegExp][] = [
    [
      "an unknown intrinsic function",
      sam("/hello", "hi").replace("Runtime: nodejs22.x", "Runtime: { 'Fn::Bogus': x }"),
      /template\.yaml: Resources\.HelloFunction\.Properties\.Runtime.*Fn::Bogus/,
    ],
    [
      "a circular Ref",
      `Resources:\n  A: { Type: AWS::SNS::Topic, Properties: { DisplayName: !Ref B } }\n  B: { Type: AWS::SNS::Topic, Properties: { DisplayName: !Ref A } }\n`,
      /Circular dependency between resources: \[A, B\]/,
    ],
    [
      "a missing handler file",
      sam("/hello", "hi").replace("Handler: app.hello", "Handler: missing.hello"),
      /HelloFunction.*missing/,
    ],
    ["a YAML syntax error", `Resources:\n  A: [\n`, /template\.yaml:\d+:\d+/],
  ];
  for (const [what, text, message] of cases) {
    test(what, async () => {
      const dir = projectDir(text);
      try {
        await assert.rejects(
          startTestGateway({ templates: [{ template: join(dir, "template.yaml") }] }),
          (err: unknown) => err instanceof ConfigError && message.test(err.message),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

test("a resource Portico does not create is reported once, by logical id and path, and the rest runs", async () => {
  const dir = projectDir(`${sam("/hello", "hi")}  Queue:\n    Type: AWS::SQS::Queue\n`);
  const captured = capturingLog("warn");
  const gw = await startTestGateway({ templates: [{ template: join(dir, "template.yaml") }] }, captured.log);
  try {
    const notices = captured.lines.filter((l) => l.includes('"logicalId":"Queue"'));
    assert.equal(notices.length, 1, captured.lines.join("\n"));
    assert.match(notices[0]!, /"path":"Resources\.Queue\.Type"/);
    assert.equal((await get(gw.port, await implicitApiId(gw), "/Prod/hello")).status, 200);
  } finally {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("portico import TEMPLATE into a running gateway", () => {
  let dir: string;
  let gateway: Awaited<ReturnType<typeof spawnPortico>>;
  before(async () => {
    dir = projectDir(sam("/hello", "first"));
    gateway = await spawnPortico([]);
  });
  after(async () => {
    gateway?.child.kill("SIGTERM");
    await gateway?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  test("runs the template's function and API; importing it again replaces them; a bad one changes nothing", async () => {
    const env = {
      PORTICO_ADMIN_URL: gateway.adminUrl,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
    };
    const first = runCli(["import", join(dir, "template.yaml")], env);
    assert.equal(first.status, 0, first.stderr);
    const m = /ServerlessRestApi: REST API (\w+) at .*\/Prod\//.exec(first.stdout);
    assert.ok(m, first.stdout);
    const apiId = m[1]!;
    assert.deepEqual(JSON.parse((await get(gateway.port, apiId, "/Prod/hello")).text), {
      greeting: "first",
      path: "/hello",
    });

    writeFileSync(join(dir, "template.yaml"), sam("/hi", "second"));
    const again = runCli(["import", join(dir, "template.yaml")], env);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`REST API ${apiId} `), "the same API, updated");
    assert.equal((await get(gateway.port, apiId, "/Prod/hello")).status, 403, "the old route is gone");
    assert.equal(JSON.parse((await get(gateway.port, apiId, "/Prod/hi")).text).greeting, "second");

    writeFileSync(
      join(dir, "template.yaml"),
      sam("/broken", "third").replace("Handler: app.hello", "Handler: nope.x"),
    );
    const bad = runCli(["import", join(dir, "template.yaml")], env);
    assert.notEqual(bad.status, 0);
    assert.match(
      bad.stderr,
      /template\.yaml: Resources\.HelloFunction\.Properties\.Handler: .*no handler file/,
    );
    assert.equal(JSON.parse((await get(gateway.port, apiId, "/Prod/hi")).text).greeting, "second");
  });

  test("bad requests to the operation get AWS's BadRequestException", () => {
    const env = {
      PORTICO_ADMIN_URL: gateway.adminUrl,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
    };
    const bad = runCli(["import", join(dir, "template.yaml"), "--parameter-overrides", "A"], env);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /not Key=Value/);
    const misplaced = runCli(["import", join(dir, "template.yaml"), "--type", "HTTP"], env);
    assert.match(misplaced.stderr, /--type is not for templates/);
  });
});

describe("--watch: a template edit applies on save", () => {
  let dir: string;
  let gw: TestGateway;
  const captured = capturingLog();
  before(async () => {
    dir = projectDir(sam("/hello", "before"));
    gw = await startTestGateway(
      { templates: [{ template: join(dir, "template.yaml") }], watch: true },
      captured.log,
    );
  });
  after(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a changed environment reaches the function; an edit that does not read leaves it serving", async () => {
    const apiId = await implicitApiId(gw);
    assert.equal(JSON.parse((await get(gw.port, apiId, "/Prod/hello")).text).greeting, "before");
    writeFileSync(join(dir, "template.yaml"), sam("/hello", "after"));
    await captured.until("template changed: applied");
    assert.equal(JSON.parse((await get(gw.port, apiId, "/Prod/hello")).text).greeting, "after");
    writeFileSync(join(dir, "template.yaml"), "Resources:\n  A: [\n");
    await captured.until("template changed but cannot be run");
    assert.equal(JSON.parse((await get(gw.port, apiId, "/Prod/hello")).text).greeting, "after");
  });
});
