import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadConfigFile } from "../../src/config/load-config.ts";
import { parsePublicUrl } from "../../src/config/public-url.ts";
import { resolveSettings } from "../../src/config/settings.ts";

const dir = mkdtempSync(join(tmpdir(), "portico-public-url-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return [...err.problems];
  }
  assert.fail("expected a ConfigError");
}

test("a public URL: scheme, the host after {apiId} (lower case, {region} filled in), a port unless the default", () => {
  assert.deepEqual(parsePublicUrl("https://{apiId}.api.example.com", "us-east-1"), {
    scheme: "https",
    hostSuffix: ".api.example.com",
    port: "",
  });
  assert.deepEqual(parsePublicUrl("HTTP://{apiId}.Execute-API.{region}.Example.com:8080/", "eu-west-1"), {
    scheme: "http",
    hostSuffix: ".execute-api.eu-west-1.example.com",
    port: ":8080",
  });
  assert.deepEqual(parsePublicUrl("https://{apiId}.gw.example.com:443", "us-east-1"), {
    scheme: "https",
    hostSuffix: ".gw.example.com",
    port: "",
  });
});

test("what cannot reach an API is refused, saying why", () => {
  const problem = (text: string) => {
    const parsed = parsePublicUrl(text, "us-east-1");
    assert.ok("problem" in parsed, `${text} is refused`);
    return parsed.problem;
  };
  assert.match(problem("gw.example.com"), /must be an http:\/\/ or https:\/\/ URL template/);
  assert.match(problem("ftp://{apiId}.example.com"), /must be an http:\/\/ or https:\/\/ URL template/);
  // A base without the API id in its host cannot carry an HTTP API's stages.
  assert.match(problem("https://gw.example.com"), /its host must start with \{apiId\}\./);
  assert.match(problem("https://gw.example.com/restapis/{apiId}"), /its host must start with \{apiId\}\./);
  assert.match(problem("https://{apiId}.example.com/prefix"), /no path, query or fragment/);
  assert.match(problem("https://{apiId}.example.com?x=1"), /no path, query or fragment/);
  assert.match(problem("https://{apiId}.exa_mple.com"), /invalid host name after \{apiId\}/);
  assert.match(problem("https://{apiId}.example.com:0"), /port outside 1–65535/);
  assert.match(problem("https://{apiId}.example.com:70000"), /port outside 1–65535/);
  assert.match(problem("https://{apiId}.{apiId}.example.com"), /invalid host name/);
});

test("flags beat PORTICO_PUBLIC_URL, which beats listen.publicUrl; a bad one is a config error naming its source", () => {
  const file = join(dir, "public.yaml");
  writeFileSync(file, "region: eu-west-1\nlisten:\n  publicUrl: https://{apiId}.file.example.com\n");
  const config = loadConfigFile(file);
  assert.equal(resolveSettings({ flags: {}, env: {}, config }).publicUrl?.hostSuffix, ".file.example.com");
  const env = { PORTICO_PUBLIC_URL: "http://{apiId}.env.{region}.example.com:8080" };
  assert.deepEqual(resolveSettings({ flags: {}, env, config }).publicUrl, {
    scheme: "http",
    hostSuffix: ".env.eu-west-1.example.com",
    port: ":8080",
  });
  const flags = { "public-url": "https://{apiId}.flag.example.com" };
  assert.equal(resolveSettings({ flags, env, config }).publicUrl?.hostSuffix, ".flag.example.com");
  assert.equal(resolveSettings({ flags: {}, env: {} }).publicUrl, undefined);

  const [fromEnv] = problemsOf(() =>
    resolveSettings({ flags: {}, env: { PORTICO_PUBLIC_URL: "https://gw.example.com" } }),
  );
  assert.match(
    fromEnv!,
    /^PORTICO_PUBLIC_URL: its host must start with \{apiId\}\. .*\(got "https:\/\/gw\.example\.com"\)$/,
  );
  const [fromFlag] = problemsOf(() => resolveSettings({ flags: { "public-url": "gw:80" }, env: {} }));
  assert.match(fromFlag!, /^--public-url: must be an http:\/\/ or https:\/\/ URL template/);
});

test("a bad listen.publicUrl in the file is reported where it is written", () => {
  const file = join(dir, "bad.yaml");
  writeFileSync(file, "listen:\n  port: 8080\n  publicUrl: https://gw.example.com/gateway\n");
  const [problem] = problemsOf(() => loadConfigFile(file));
  assert.match(problem!, /bad\.yaml:3:14: listen\.publicUrl: its host must start with \{apiId\}\./);
});
