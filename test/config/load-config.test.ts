import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadConfigFile } from "../../src/config/load-config.ts";
import { resolveSettings } from "../../src/config/settings.ts";

const dir = mkdtempSync(join(tmpdir(), "portico-cfg-"));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "api.yaml"), "openapi: 3.0.1\ninfo: { title: x }\npaths: {}\n");

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function problems(text: string): string[] {
  const file = write("c.yaml", text);
  try {
    loadConfigFile(file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return [...err.problems];
  }
  assert.fail("expected a ConfigError");
}

test("a full config loads, with relative paths resolved against the file", () => {
  const file = write(
    "full.yaml",
    `region: eu-west-1
accountId: "123456789012"
listen: { port: 9000, host: 127.0.0.1, adminPort: 9001, adminHost: 127.0.0.1 }
dataDir: state
credentials:
  - accessKeyId: AKIDEXAMPLE
    secretAccessKey: secret
    principal: arn:aws:iam::123456789012:user/alice
    tags: { team: a }
functions:
  pets: { handler: src/pets.handler, timeout: 10, environment: { A: "1" } }
networks:
  vpc-1234: [10.0.0.0/16, "2001:db8::/32"]
apis:
  - openapi: api.yaml
    type: HTTP
    stage: $default
    id: abcdefghij
    variables: { backend: "example.com:8080" }
`,
  );
  const config = loadConfigFile(file);
  assert.equal(config.file, file);
  assert.equal(config.dataDir, join(dir, "state"));
  assert.equal((config.apis?.[0] as { openapi?: string } | undefined)?.openapi, join(dir, "api.yaml"));
  assert.equal(config.functions?.pets?.handler, join(dir, "src/pets.handler"));
  const settings = resolveSettings({ flags: {}, env: {}, config });
  assert.equal(settings.port, 9000);
  assert.equal(settings.region, "eu-west-1");
  assert.equal(settings.credentials[0]?.accessKeyId, "AKIDEXAMPLE");
});

test("defaults without a config file, and the test/test credential", () => {
  const s = resolveSettings({ flags: {}, env: {} });
  assert.equal(s.port, 8080);
  assert.equal(s.host, "0.0.0.0");
  assert.equal(s.adminPort, 8081);
  assert.equal(s.adminHost, "127.0.0.1");
  assert.equal(s.region, "us-east-1");
  assert.equal(s.dataDir, join(process.cwd(), ".portico"), "durable by default, in the working directory");
  assert.deepEqual(s.credentials, [
    { accessKeyId: "test", secretAccessKey: "test", principal: "arn:aws:iam::000000000000:root" },
  ]);
});

test("flags beat PORTICO_* variables, which beat the file", () => {
  const config = loadConfigFile(
    write("p.yaml", "listen: { port: 7000, adminPort: 7001 }\nregion: eu-west-1\n"),
  );
  const env = { PORTICO_PORT: "7100", PORTICO_ADMIN_PORT: "7101", PORTICO_REGION: "ap-south-1" };
  const s = resolveSettings({ flags: { port: "7200" }, env, config });
  assert.equal(s.port, 7200);
  assert.equal(s.adminPort, 7101);
  assert.equal(s.region, "ap-south-1");
  assert.equal(resolveSettings({ flags: {}, env: {}, config }).port, 7000);
});

test("bad ports from flags and variables name their source", () => {
  assert.throws(
    () => resolveSettings({ flags: { port: "eighty" }, env: {} }),
    /--port: must be a port number/,
  );
  assert.throws(
    () => resolveSettings({ flags: {}, env: { PORTICO_ADMIN_PORT: "70000" } }),
    /PORTICO_ADMIN_PORT: must be a port/,
  );
});

test("every problem is reported at once as file:line:col: path: reason", () => {
  const found = problems(`listen:
  prot: 9000
apis:
  - openapi: api.yaml
    type: SOAP
  - openapi: missing.yaml
    stage: "bad stage"
`);
  assert.ok(
    found.some((p) => /c\.yaml:2:3: listen\.prot: unknown key "prot" \(did you mean "port"\?\)/.test(p)),
    found.join("\n"),
  );
  assert.ok(
    found.some((p) =>
      /c\.yaml:5:11: apis\[0\]\.type: must be one of REST, HTTP, WEBSOCKET \(got "SOAP"\)/.test(p),
    ),
    found.join("\n"),
  );
  assert.ok(
    found.some((p) => /c\.yaml:7:12: apis\[1\]\.stage: invalid value "bad stage"/.test(p)),
    found.join("\n"),
  );
});

test("missing, empty, non-mapping and invalid YAML files", () => {
  assert.throws(
    () => loadConfigFile(join(dir, "nope.yaml")),
    /nope\.yaml: cannot read the config file \(no such file\)/,
  );
  assert.match(problems("")[0]!, /the config file is empty/);
  assert.match(problems("- a\n- b\n")[0]!, /must be a mapping/);
  assert.match(problems("listen: { port: 1\n")[0]!, /c\.yaml:\d+:\d+: invalid YAML/);
});

test("referenced files, duplicate ids, CIDRs and unknown top-level keys", () => {
  const found = problems(`apis:
  - { openapi: nowhere.yaml }
  - { openapi: api.yaml, id: abcdefghij }
  - { openapi: api.yaml, id: abcdefghij }
networks:
  vpc-1: [10.0.0.0/33, banana]
colour: blue
`);
  const all = found.join("\n");
  assert.match(all, /unknown key "colour"/);
  assert.doesNotMatch(all, /nowhere/, "file checks wait until the shape is valid");
  const shapeOk = problems(`apis:
  - { openapi: nowhere.yaml }
  - { openapi: api.yaml, id: abcdefghij }
  - { openapi: api.yaml, id: abcdefghij }
networks:
  vpc-1: [10.0.0.0/33, banana]
trustedProxies: [10.0.0.0/8, 300.1.1.1]
`).join("\n");
  assert.match(shapeOk, /apis\[0\]\.openapi: no such file nowhere\.yaml/);
  assert.match(shapeOk, /apis\[2\]\.id: duplicate api id abcdefghij/);
  assert.match(shapeOk, /networks\.vpc-1\[0\]: invalid CIDR "10\.0\.0\.0\/33"/);
  assert.match(shapeOk, /networks\.vpc-1\[1\]: invalid CIDR "banana"/);
  assert.match(shapeOk, /trustedProxies\[1\]: invalid CIDR "300\.1\.1\.1"/);
  assert.doesNotMatch(shapeOk, /trustedProxies\[0\]/);
});

test("traffic settings: bad values are refused with their place; good ones reach the settings", () => {
  const found = problems(`accountThrottle: { rateLimit: -5, burstLimit: 1.5, colour: red }
trafficFailMode: sideways
cacheEncryptionKey: short
`).join("\n");
  assert.match(found, /accountThrottle\.rateLimit/);
  assert.match(found, /accountThrottle\.burstLimit/);
  assert.match(found, /unknown key "colour"/);
  assert.match(found, /trafficFailMode: must be one of open, closed/);
  assert.match(found, /cacheEncryptionKey/);
  const file = write(
    "traffic.yaml",
    `accountThrottle: { rateLimit: 50, burstLimit: 10 }\ntrafficFailMode: closed\ncacheEncryptionKey: "sixteen chars or more"\n`,
  );
  const settings = resolveSettings({ flags: {}, env: {}, config: loadConfigFile(file) });
  assert.deepEqual(settings.accountThrottle, { rateLimit: 50, burstLimit: 10 });
  assert.equal(settings.trafficFailMode, "closed");
  assert.equal(settings.cacheEncryptionKey, "sixteen chars or more");
  const defaults = resolveSettings({ flags: {}, env: {} });
  assert.deepEqual(
    defaults.accountThrottle,
    { rateLimit: 10_000, burstLimit: 5_000 },
    "AWS's account defaults",
  );
  assert.equal(defaults.trafficFailMode, "open");
});

test("listener limits and overload bounds: bad values are refused with their place; good ones reach the settings", () => {
  const found = problems(
    `listen: { headersTimeoutMs: 0, maxConnections: -1, drainTimeoutMs: soon, maxInFlight: 1.5 }\n`,
  ).join("\n");
  assert.match(found, /listen\.headersTimeoutMs/);
  assert.match(found, /listen\.maxConnections/);
  assert.match(found, /listen\.drainTimeoutMs/);
  assert.match(found, /listen\.maxInFlight/);
  const inverted = write("inverted.yaml", "listen: { headersTimeoutMs: 5000, requestTimeoutMs: 1000 }\n");
  assert.throws(
    () => resolveSettings({ flags: {}, env: {}, config: loadConfigFile(inverted) }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.problems.some((p) => /headersTimeoutMs \(5000\) must not exceed/.test(p)),
  );
  const file = write(
    "limits.yaml",
    "listen: { headersTimeoutMs: 2000, maxConnections: 50, maxPendingPerConnection: 4 }\n",
  );
  const settings = resolveSettings({ flags: {}, env: {}, config: loadConfigFile(file) });
  assert.equal(settings.listenerLimits?.headersTimeoutMs, 2000);
  assert.equal(settings.listenerLimits?.maxConnections, 50);
  assert.equal(settings.listenerLimits?.requestTimeoutMs, 60_000, "unset limits keep their defaults");
  assert.equal(settings.overload?.maxPendingPerConnection, 4);
  assert.equal(settings.overload?.maxInFlight, 10_000);
});

test("a WEBSOCKET entry needs no openapi; its shape is checked with places; websocket timings load", () => {
  const file = write(
    "ws.yaml",
    `websocket: { heartbeatTtlMs: 1500, pingIntervalMs: 5000 }
apis:
  - type: WEBSOCKET
    name: chat
    routeSelectionExpression: $request.body.action
    stage: prod
    routes:
      $default: { integration: { integrationType: MOCK } }
`,
  );
  const config = loadConfigFile(file);
  assert.equal(config.apis?.[0]?.declaredAt, `${file}:3:5: apis[0]`);
  const settings = resolveSettings({ flags: {}, env: {}, config });
  assert.deepEqual(settings.websocket, { heartbeatTtlMs: 1500, pingIntervalMs: 5000 });
  assert.equal(settings.apis[0]?.type, "WEBSOCKET");

  const found = problems(`websocket: { heartbeatTtlMs: 10, pingIntervalMs: 999 }
apis:
  - type: WEBSOCKET
    name: chat
    openapi: chat.yaml
    stage: $default
    routes:
      $connect:
        integration: { integrationType: MOCK, integrationUrl: x }
      sendmessage: { authorizationType: NONE }
`).join("\n");
  assert.match(found, /websocket\.heartbeatTtlMs: must be >= 1000/);
  assert.match(found, /websocket\.pingIntervalMs: must be >= 1000/);
  assert.match(found, /c\.yaml:3:5: apis\[0\]: missing required key "routeSelectionExpression"/);
  assert.match(found, /c\.yaml:5:5: apis\[0\]\.openapi: unknown key "openapi"/);
  assert.match(found, /apis\[0\]\.stage: invalid value "\$default"/);
  assert.match(
    found,
    /c\.yaml:9:47: apis\[0\]\.routes\.\$connect\.integration\.integrationUrl: unknown key "integrationUrl" \(did you mean "integrationUri"\?\)/,
  );
  assert.match(found, /apis\[0\]\.routes\.sendmessage: missing required key "integration"/);
});
