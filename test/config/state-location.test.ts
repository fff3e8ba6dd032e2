import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadConfigFile } from "../../src/config/load-config.ts";
import { resolveSettings, type SettingsInput } from "../../src/config/settings.ts";

const dir = mkdtempSync(join(tmpdir(), "portico-state-cfg-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const cwd = join(dir, "cwd");

function config(name: string, text: string) {
  const file = join(dir, name);
  writeFileSync(file, text);
  return loadConfigFile(file);
}

const dataDir = (input: Omit<SettingsInput, "cwd">) => resolveSettings({ ...input, cwd }).dataDir;

test("the default: .portico/ in the working directory, or beside the config file", () => {
  assert.equal(dataDir({ flags: {}, env: {} }), join(cwd, ".portico"));
  assert.equal(
    dataDir({ flags: {}, env: {}, config: config("plain.yaml", "region: us-east-1\n") }),
    join(dir, ".portico"),
  );
});

test("a named directory: relative to the working directory from flags and variables, to the file from the file", () => {
  assert.equal(dataDir({ flags: { "data-dir": "state" }, env: {} }), join(cwd, "state"));
  assert.equal(dataDir({ flags: {}, env: { PORTICO_DATA_DIR: "/var/lib/portico" } }), "/var/lib/portico");
  assert.equal(
    dataDir({ flags: {}, env: {}, config: config("named.yaml", "dataDir: kept\n") }),
    join(dir, "kept"),
  );
});

test("in memory from any level; flags beat variables, which beat the file", () => {
  const file = config("both-levels.yaml", "dataDir: kept\n");
  assert.equal(dataDir({ flags: { "in-memory": "true" }, env: {}, config: file }), undefined);
  assert.equal(dataDir({ flags: {}, env: { PORTICO_IN_MEMORY: "1" }, config: file }), undefined);
  assert.equal(dataDir({ flags: {}, env: { PORTICO_IN_MEMORY: "true" } }), undefined);
  assert.equal(dataDir({ flags: {}, env: {}, config: config("memory.yaml", "inMemory: true\n") }), undefined);
  assert.equal(
    dataDir({ flags: { "data-dir": "mine" }, env: { PORTICO_IN_MEMORY: "1" } }),
    join(cwd, "mine"),
  );
  assert.equal(dataDir({ flags: { "in-memory": "true" }, env: { PORTICO_DATA_DIR: "/x" } }), undefined);
  assert.equal(dataDir({ flags: {}, env: { PORTICO_IN_MEMORY: "0" } }), join(cwd, ".portico"), "0 is off");
  assert.equal(
    dataDir({ flags: {}, env: { PORTICO_DATA_DIR: "" } }),
    join(cwd, ".portico"),
    "empty is unset",
  );
});

test("with Redis, a local copy only where one is named: no default folder for every node to share", () => {
  const redis = "redis://127.0.0.1:6379";
  assert.equal(dataDir({ flags: { redis }, env: {} }), undefined);
  assert.equal(dataDir({ flags: {}, env: {}, config: config("redis.yaml", `redis: ${redis}\n`) }), undefined);
  assert.equal(dataDir({ flags: { redis, "data-dir": "copy" }, env: {} }), join(cwd, "copy"));
  assert.equal(dataDir({ flags: { redis, "in-memory": "true" }, env: {} }), undefined);
});

test("both at one level, or an unclear PORTICO_IN_MEMORY, is a ConfigError naming them", () => {
  const problems = (input: Omit<SettingsInput, "cwd">) => {
    try {
      dataDir(input);
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      return err.problems.join("\n");
    }
    assert.fail("expected a ConfigError");
  };
  assert.match(
    problems({ flags: { "data-dir": "a", "in-memory": "true" }, env: {} }),
    /--data-dir and --in-memory/,
  );
  assert.match(
    problems({ flags: {}, env: { PORTICO_DATA_DIR: "a", PORTICO_IN_MEMORY: "1" } }),
    /PORTICO_DATA_DIR and PORTICO_IN_MEMORY=1/,
  );
  assert.match(
    problems({ flags: {}, env: { PORTICO_IN_MEMORY: "on" } }),
    /PORTICO_IN_MEMORY: must be 1 or 0/,
  );
  assert.throws(
    () => config("contradiction.yaml", "dataDir: a\ninMemory: true\n"),
    (err: Error) =>
      err instanceof ConfigError &&
      /contradiction\.yaml:2:1: inMemory: contradicts dataDir/.test(err.message),
  );
  assert.throws(
    () => config("typed.yaml", "inMemory: yes please\n"),
    (err: Error) => err instanceof ConfigError && /inMemory: must be boolean/.test(err.message),
  );
});
