import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadConfigFile } from "../../src/config/load-config.ts";
import { resolveSettings } from "../../src/config/settings.ts";
import { createLogger } from "../../src/logger.ts";
import { startPortico } from "../../src/portico.ts";
import { testSettings } from "../support/gateway.ts";
import { httpsCall } from "../support/https-client.ts";
import { spawnPortico } from "../support/process.ts";
import { type CertFiles, makeTestPki, type TestPki } from "../support/tls-certs.ts";

/**
 * The HTTPS listener in the config file (`listen.tls`, `domains[].tls`, `--tls-port`): paths relative
 * to the file, and every bad input — a file that cannot be read, a key of another certificate, a
 * truststore without certificates — a config error at start naming the file, before any state is
 * touched. Then the real process: its banner names the HTTPS address, and SIGTERM closes both listeners.
 */

describe("listen.tls and domains[].tls in the config file", () => {
  let pki: TestPki;
  let ca: CertFiles;
  let api: CertFiles;
  let other: CertFiles;
  before(() => {
    pki = makeTestPki();
    ca = pki.ca("ca");
    api = pki.server("api", ["api.example.com"], ca);
    other = pki.server("other", ["other.example.com"], ca);
  });
  after(() => pki.remove());

  const settingsOf = (yaml: string, flags: Record<string, string> = {}, env: Record<string, string> = {}) =>
    resolveSettings({ flags, env, config: loadConfigFile(pki.write("portico.yaml", yaml), {}) });
  const problemsOf = (fn: () => unknown): string[] => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      return [...err.problems];
    }
    return assert.fail("no config error");
  };

  test("paths are relative to the config file; --tls-port and PORTICO_TLS_PORT override the port", () => {
    const yaml = `listen:\n  host: 127.0.0.1\n  tls: { certificate: api.pem, key: api.key }\ndomains:\n  - name: api.example.com\n    tls: { certificate: other.pem, key: other.key, truststore: ca.pem }\n`;
    const tls = settingsOf(yaml).tls!;
    assert.equal(tls.port, 8443);
    assert.equal(tls.host, "127.0.0.1");
    assert.equal(tls.certificate, api.cert);
    assert.deepEqual(tls.domains, [
      {
        name: "api.example.com",
        certificate: other.cert,
        key: other.key,
        truststore: ca.cert,
        where: "domains[0].tls",
      },
    ]);
    assert.equal(settingsOf(yaml, { "tls-port": "9443" }).tls!.port, 9443);
    assert.equal(settingsOf(yaml, {}, { PORTICO_TLS_PORT: "9444" }).tls!.port, 9444);
    assert.equal(settingsOf(`listen: { tls: { port: 7443, host: "::1" } }\n`).tls!.host, "::1");
  });

  test("shape errors name the key: a certificate without its key, an unknown policy, TLS without listen.tls", () => {
    const [half] = problemsOf(() => settingsOf("listen:\n  tls: { certificate: api.pem }\n"));
    assert.match(half!, /listen\.tls.*key/);
    const [policy] = problemsOf(() => settingsOf("listen:\n  tls: { securityPolicy: TLS_1_1 }\n"));
    assert.match(policy!, /listen\.tls\.securityPolicy: must be one of TLS_1_0, TLS_1_2/);
    const [domain] = problemsOf(() =>
      settingsOf("domains:\n  - name: api.example.com\n    tls: { truststore: ca.pem }\n"),
    );
    assert.match(domain!, /domains\[0\]\.tls: .*add listen\.tls/);
    const [flag] = problemsOf(() => resolveSettings({ flags: { "tls-port": "9443" }, env: {} }));
    assert.match(flag!, /--tls-port: an HTTPS listener needs listen\.tls/);
    const [bad] = problemsOf(() => settingsOf("listen: { tls: {} }\n", { "tls-port": "x" }));
    assert.match(bad!, /--tls-port: must be a port number/);
    const [none] = problemsOf(() => settingsOf("listen: { http: false }\n"));
    assert.match(none!, /listen\.http: false leaves no data-plane listener/);
  });

  test("unreadable, mismatched or encrypted files and bad truststores fail the start, naming the file", async () => {
    const dataDir = join(pki.dir, "state");
    const start = async (tls: Record<string, unknown>) => {
      const problems = await startPortico(
        testSettings({
          dataDir,
          tls: { port: 0, host: "127.0.0.1", domains: [], ...tls } as never,
        }),
        createLogger("silent"),
      ).then(
        async (p) => {
          await p.close();
          return assert.fail("started");
        },
        (err: unknown) => {
          assert.ok(err instanceof ConfigError, String(err));
          return err.problems.join("\n");
        },
      );
      return problems;
    };
    const missing = join(pki.dir, "missing.pem");
    assert.match(
      await start({ certificate: missing, key: api.key }),
      new RegExp(`listen\\.tls: cannot read the certificate ${missing} \\(no such file\\)`),
    );
    assert.match(
      await start({ certificate: api.cert, key: other.key }),
      new RegExp(`listen\\.tls: ${other.key} is not the private key of the certificate in ${api.cert}`),
    );
    const notPem = pki.write("not-a-cert.pem", "hello\n");
    assert.match(
      await start({ certificate: notPem, key: api.key }),
      /not-a-cert\.pem holds no PEM certificate/,
    );
    const encrypted = pki.write(
      "encrypted.key",
      (await import("node:crypto"))
        .createPrivateKey(readFileSync(api.key))
        .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "secret" })
        .toString(),
    );
    assert.match(
      await start({ certificate: api.cert, key: encrypted }),
      /encrypted\.key is an encrypted private key/,
    );
    const domain = (truststore: string) => ({
      domains: [{ name: "api.example.com", truststore, where: "domains[0].tls" }],
    });
    assert.match(
      await start(domain(notPem)),
      /domains\[0\]\.tls\.truststore: the truststore .*not-a-cert\.pem holds no PEM certificate/,
    );
    const broken = pki.write(
      "broken.pem",
      `${readFileSync(ca.cert, "utf8")}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`,
    );
    assert.match(await start(domain(broken)), /certificate 2 of .*broken\.pem cannot be parsed/);
    // Every problem at once, and nothing was opened: no state directory.
    const all = await start({ certificate: missing, key: api.key, ...domain(notPem) });
    assert.equal(all.split("\n").length, 2);
    assert.equal(existsSync(dataDir), false);
  });
});

describe("portico start with an HTTPS listener (a real process)", () => {
  let pki: TestPki;
  let ca: CertFiles;
  before(() => {
    pki = makeTestPki();
    ca = pki.ca("ca");
    pki.server("default", ["default.example.com"], ca);
  });
  after(() => pki.remove());

  test("the banner names the HTTPS address; it serves; SIGTERM closes both listeners, exit 0", async () => {
    const config = pki.write(
      "portico.yaml",
      "listen:\n  tls: { certificate: default.pem, key: default.key }\n",
    );
    const running = await spawnPortico(["--config", config, "--tls-port", "0"]);
    try {
      assert.match(
        running.stdout(),
        /data plane http:\/\/127\.0\.0\.1:\d+, admin http:\/\/127\.0\.0\.1:\d+, data plane \(HTTPS\) https:\/\/127\.0\.0\.1:\d+/,
      );
      const r = await httpsCall({
        port: running.tlsPort!,
        servername: "default.example.com",
        ca: ca.cert,
        path: "/x",
      });
      assert.equal(r.serverCN, "default.example.com");
      assert.equal(r.status, 404);
    } finally {
      running.child.kill("SIGTERM");
    }
    assert.equal(await running.exited, 0);
  });

  test("HTTPS only (listen.http: false): the banner's data plane is https", async () => {
    const config = pki.write(
      "https-only.yaml",
      "listen:\n  http: false\n  tls: { certificate: default.pem, key: default.key }\n",
    );
    const running = await spawnPortico(["--config", config, "--tls-port", "0"]);
    try {
      assert.match(running.stdout(), /Portico listening: data plane https:\/\/127\.0\.0\.1:\d+, admin/);
      assert.equal(running.port, running.tlsPort);
      assert.doesNotMatch(running.stdout(), /\(HTTPS\)/);
    } finally {
      running.child.kill("SIGTERM");
    }
    assert.equal(await running.exited, 0);
  });

  test("a certificate that cannot be read stops the start with the file's name, exit 1", async () => {
    const config = pki.write("bad.yaml", "listen:\n  tls: { certificate: nowhere.pem, key: default.key }\n");
    await assert.rejects(spawnPortico(["--config", config, "--tls-port", "0"]), (err: Error) => {
      assert.match(err.message, /exited \(1\)/);
      assert.match(err.message, /listen\.tls: cannot read the certificate .*nowhere\.pem \(no such file\)/);
      return true;
    });
  });
});
