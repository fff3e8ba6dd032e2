import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { ConfigError } from "../../src/config/config-error.ts";
import { loadConfigFile } from "../../src/config/load-config.ts";
import type { WebSocketApiConfig } from "../../src/config/schema.ts";

const dir = mkdtempSync(join(tmpdir(), "portico-env-refs-"));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "api.yaml"), "openapi: 3.0.1\ninfo: { title: x }\npaths: {}\n");

function write(text: string): string {
  const file = join(dir, "c.yaml");
  writeFileSync(file, text);
  return file;
}

test("${env:NAME} in a value is the variable's value, before the file is validated", () => {
  const file = write(`redis: \${env:REDIS_URL}
apis:
  - openapi: api.yaml
    variables:
      backend: "\${env:BACKEND_HOST}:\${env:BACKEND_PORT}"
  - type: WEBSOCKET
    name: chat
    routeSelectionExpression: $request.body.action
    stage: prod
    routes:
      $default:
        integration:
          integrationType: MOCK
          requestTemplates: { "$default": '{"statusCode": 200, "x": "\${input.body}"}' }
`);
  const config = loadConfigFile(file, {
    REDIS_URL: "redis://10.0.0.5:6379",
    BACKEND_HOST: "127.0.0.1",
    BACKEND_PORT: "9191",
  });
  assert.equal(config.redis, "redis://10.0.0.5:6379");
  const rest = config.apis?.[0] as { variables?: Record<string, string> };
  assert.deepEqual(rest.variables, { backend: "127.0.0.1:9191" });
  // Only `${env:…}` is replaced: mapping templates and expressions keep their own `$` and `${…}`.
  const ws = config.apis?.[1] as WebSocketApiConfig;
  assert.equal(ws.routeSelectionExpression, "$request.body.action");
  assert.equal(
    ws.routes?.$default?.integration?.requestTemplates?.$default,
    '{"statusCode": 200, "x": "${input.body}"}',
  );
});

test("a replaced value is validated as written there: a bad one is refused where the reference is", () => {
  const file = write("redis: ${env:REDIS_URL}\n");
  assert.throws(
    () => loadConfigFile(file, { REDIS_URL: "http://not-redis" }),
    (err: ConfigError) =>
      err.problems.length === 1 && /c\.yaml:1:8: redis: invalid value/.test(err.problems[0]!),
  );
});

test("an unset variable is a config error naming it and where it is used, without any value", () => {
  const file = write(`listen:
  port: 8080
apis:
  - openapi: api.yaml
    variables: { backend: "\${env:NOT_SET_BACKEND}", token: "\${env:SECRET_TOKEN}" }
`);
  assert.throws(
    () => loadConfigFile(file, { SECRET_TOKEN: "s3cr3t-value" }),
    (err: ConfigError) => {
      assert.equal(err.problems.length, 1);
      assert.ok(
        err.problems[0]!.endsWith(
          "c.yaml:5:27: apis[0].variables.backend: the environment variable NOT_SET_BACKEND is not set (${env:NOT_SET_BACKEND})",
        ),
        err.problems[0],
      );
      assert.ok(!err.message.includes("s3cr3t-value"));
      return true;
    },
  );
});

test("keys are never replaced", () => {
  const file = write('networks: { "${env:X}": [10.0.0.0/8] }\n');
  assert.throws(
    () => loadConfigFile(file, { X: "vpc-1234" }),
    (err: ConfigError) => /networks: invalid value \{"\$\{env:X\}"/.test(err.message),
  );
});
