import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  APIGatewayClient,
  GetBasePathMappingsCommand,
  GetDomainNameCommand,
} from "@aws-sdk/client-api-gateway";
import type { ConfigError } from "../../src/config/config-error.ts";
import { loadConfigFile } from "../../src/config/load-config.ts";
import { resolveSettings, type Settings } from "../../src/config/settings.ts";
import type { DomainName } from "../../src/model/domain-name.ts";
import { callHost } from "../support/by-host.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { mockIntegration } from "../support/snippets.ts";

// `domains:` in the config file: created at start after the APIs, with exactly the mappings declared,
// left alone by a restart with the same file, and refused with the control plane's words naming
// the declaration when a mapping is wrong.

const dir = mkdtempSync(join(tmpdir(), "portico-declared-domains-"));
after(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  join(dir, "orders.yaml"),
  `openapi: 3.0.1
info: { title: Orders, version: "1" }
paths:
  /orders:
    get:${mockIntegration('{"api":"$context.apiId","stage":"$context.stage","path":"$context.path"}')}
`,
);
for (const pem of ["api.pem", "api-key.pem", "ca.pem"]) writeFileSync(join(dir, pem), "-----BEGIN X-----\n");

const APIS = `apis:
  - openapi: orders.yaml
    id: orders0001
    stage: prod
  - openapi: orders.yaml
    id: orders0002
    stage: beta
`;

function configFile(name: string, text: string): Settings {
  const file = join(dir, name);
  writeFileSync(file, text);
  return resolveSettings({ flags: {}, env: {}, config: loadConfigFile(file) });
}

const start = (settings: Settings, dataDir: string): Promise<TestGateway> =>
  startTestGateway({ apis: settings.apis, domains: settings.domains, dataDir });

describe("custom domain names declared in the config file", () => {
  const dataDir = join(dir, "state");
  const settings = configFile(
    "portico.yaml",
    // A domain's tls: is served by the HTTPS listener, which listen.tls declares (these tests run
    // the plain listener only, so the placeholder PEM files are never parsed).
    `${APIS}listen:
  tls: { port: 0 }
domains:
  - name: api.example.com
    certificateArn: arn:aws:acm:us-east-1:000000000000:certificate/declared
    tls: { certificate: api.pem, key: api-key.pem, truststore: ca.pem }
    mappings:
      - { basePath: v1, api: orders0001, stage: prod }
      - { basePath: v1/beta, api: orders0002, stage: beta }
      - { api: orders0001 }
`,
  );

  test("the file's paths are made absolute, each entry knows where it is written", () => {
    const [d] = settings.domains!;
    assert.equal(d?.tls?.certificate, join(dir, "api.pem"));
    assert.equal(d?.tls?.truststore, join(dir, "ca.pem"));
    assert.match(d?.declaredAt ?? "", /portico\.yaml:\d+:\d+: domains\[0\]$/);
  });

  test("served at start: every declared mapping by Host, the domain readable with the SDK", async () => {
    const gw = await start(settings, dataDir);
    try {
      const one = await callHost(gw.port, "api.example.com", "/v1/orders");
      assert.deepEqual(one.json(), { api: "orders0001", stage: "prod", path: "/v1/orders" });
      const beta = (await callHost(gw.port, "api.example.com", "/v1/beta/orders")).json();
      assert.deepEqual(beta, { api: "orders0002", stage: "beta", path: "/v1/beta/orders" });
      // No stage declared: the path names it.
      assert.equal((await callHost(gw.port, "api.example.com", "/prod/orders")).json().stage, "prod");
      const client = new APIGatewayClient(adminClientConfig(gw));
      const d = await client.send(new GetDomainNameCommand({ domainName: "api.example.com" }));
      assert.deepEqual(d.endpointConfiguration?.types, ["REGIONAL"]);
      assert.equal(d.regionalCertificateArn, "arn:aws:acm:us-east-1:000000000000:certificate/declared");
      assert.equal(d.mutualTlsAuthentication?.truststoreUri, `file://${join(dir, "ca.pem")}`);
      // The certificate files are the HTTPS listener's: the admin API never shows them.
      assert.equal(JSON.stringify(d).includes("api-key.pem"), false);
      const stored = await gw.portico.control.getDocument<DomainName>("domainnames", "api.example.com");
      assert.deepEqual(stored?.tls, {
        certificate: join(dir, "api.pem"),
        key: join(dir, "api-key.pem"),
        truststore: join(dir, "ca.pem"),
      });
      client.destroy();
    } finally {
      await gw.close();
    }
  });

  test("a restart with the same file writes nothing; a changed file replaces the mappings", async () => {
    const first = await start(settings, dataDir);
    const version = await first.portico.store.version();
    const ids = (await first.portico.control.getDocument<DomainName>("domainnames", "api.example.com"))!
      .basePathMappings;
    await first.close();
    // The same APIs without domains: what a restart commits for them alone.
    const apisOnly = configFile("apis-only.yaml", APIS);
    const state = join(dir, "apis-only");
    await (await start(apisOnly, state)).close();
    const bare = await start(apisOnly, state);
    const bareFirst = await bare.portico.store.version();
    await bare.close();
    const bareAgain = await start(apisOnly, state);
    const apisCommits = (await bareAgain.portico.store.version()) - bareFirst;
    await bareAgain.close();
    const again = await start(settings, dataDir);
    try {
      assert.equal((await again.portico.store.version()) - version, apisCommits);
    } finally {
      await again.close();
    }
    const changed = configFile(
      "changed.yaml",
      `${APIS}domains:
  - name: api.example.com
    mappings:
      - { basePath: v1, api: orders0001, stage: prod }
`,
    );
    const gw = await start(changed, dataDir);
    try {
      const client = new APIGatewayClient(adminClientConfig(gw));
      const mappings = (await client.send(new GetBasePathMappingsCommand({ domainName: "api.example.com" })))
        .items;
      assert.deepEqual(
        mappings?.map((m) => m.basePath),
        ["v1"],
      );
      const kept = (await gw.portico.control.getDocument<DomainName>("domainnames", "api.example.com"))!;
      assert.equal(kept.basePathMappings.v1?.apiMappingId, ids.v1?.apiMappingId);
      assert.equal((await callHost(gw.port, "api.example.com", "/prod/orders")).status, 403);
      client.destroy();
    } finally {
      await gw.close();
    }
  });

  test("a mapping naming an unknown API or stage refuses the start, naming the declaration", async () => {
    const cases: [string, string][] = [
      ["{ basePath: v1, api: nosuchapi1, stage: prod }", "Invalid API identifier specified nosuchapi1"],
      ["{ basePath: v1, api: orders0001, stage: nope }", "Invalid stage identifier specified nope"],
    ];
    for (const [mapping, message] of cases) {
      const bad = configFile(
        "bad.yaml",
        `${APIS}domains:\n  - name: bad.example.com\n    mappings:\n      - ${mapping}\n`,
      );
      await assert.rejects(start(bad, join(dir, "bad-state")), (err: Error) => {
        assert.match(err.message, /bad\.yaml:\d+:\d+: domains\[0\]\.mappings\[0\]: /);
        assert.ok(err.message.endsWith(message), err.message);
        return true;
      });
    }
  });

  test("unknown keys, bad base paths and missing certificate files are config errors with positions", () => {
    const file = join(dir, "invalid.yaml");
    writeFileSync(
      file,
      `domains:
  - name: api.example.com
    tls: { certificate: missing.pem }
    mappings:
      - { basePath: /v1, api: orders0001, stag: prod }
`,
    );
    assert.throws(
      () => loadConfigFile(file),
      (err: ConfigError) => {
        const text = err.message;
        assert.match(
          text,
          /invalid\.yaml:5:\d+: domains\[0\]\.mappings\[0\]\.stag: unknown key "stag" \(did you mean "stage"\?\)/,
        );
        assert.match(text, /domains\[0\]\.mappings\[0\]\.basePath: invalid value "\/v1"/);
        return true;
      },
    );
    writeFileSync(
      file,
      "domains:\n  - name: api.example.com\n    tls: { certificate: missing.pem, key: api-key.pem }\n",
    );
    assert.throws(
      () => loadConfigFile(file),
      /invalid\.yaml:3:\d+: domains\[0\]\.tls\.certificate: no such file missing\.pem/,
    );
  });
});
