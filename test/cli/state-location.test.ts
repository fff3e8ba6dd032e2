import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { awsCli } from "../support/aws-cli.ts";
import { BIN, type RunningPortico, runCli, spawnPortico } from "../support/process.ts";

const API = `
openapi: "3.0.1"
info: { title: Declared, version: "1" }
paths:
  /hello:
    get:
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"declared":true}' } } }
`;

/** `bin/portico.js start`, the command a user types, in `cwd`. */
const start = (cwd: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  spawnPortico(args, env, { cwd, launcher: [process.execPath, BIN] });

async function stop(running: RunningPortico): Promise<void> {
  running.child.kill("SIGTERM");
  assert.equal(await running.exited, 0, running.stderr());
}

function ok(r: Awaited<ReturnType<typeof awsCli>>): unknown {
  assert.equal(r.status, 0, r.stderr);
  return r.json;
}

async function restApiNames(running: RunningPortico): Promise<string[]> {
  const listed = ok(await awsCli(running.adminPort, ["get-rest-apis"])) as { items: { name: string }[] };
  return listed.items.map((api) => api.name).sort();
}

/** The line `portico start` prints about where the state lives. */
const stateLine = (running: RunningPortico) => /^State: .*$/m.exec(running.stdout())?.[0];

describe("where portico start keeps its state", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "portico-state-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("by default, durable in ./.portico: an API made with the AWS CLI survives SIGTERM and a restart", async () => {
    const cwd = join(dir, "default");
    mkdirSync(cwd);
    const first = await start(cwd);
    const database = join(cwd, ".portico", "portico.db");
    assert.equal(
      stateLine(first),
      `State: ${database} (durable across restarts; --in-memory for a throwaway run)`,
    );
    let id: string;
    try {
      id = (ok(await awsCli(first.adminPort, ["create-rest-api", "--name", "first-hour"])) as { id: string })
        .id;
    } finally {
      await stop(first);
    }
    assert.ok(existsSync(database), "the database is where the line said");

    const second = await start(cwd);
    try {
      assert.equal(stateLine(second), stateLine(first));
      const got = ok(await awsCli(second.adminPort, ["get-rest-api", "--rest-api-id", id])) as {
        name: string;
      };
      assert.equal(got.name, "first-hour");
    } finally {
      await stop(second);
    }
  });

  test("--in-memory (or PORTICO_IN_MEMORY=1): the line says so, nothing is written, a restart has lost the API", async () => {
    const cwd = join(dir, "memory");
    mkdirSync(cwd);
    const first = await start(cwd, ["--in-memory"]);
    try {
      assert.match(stateLine(first) ?? "", /^State: in memory \(--in-memory\): .*lost when Portico stops$/);
      ok(await awsCli(first.adminPort, ["create-rest-api", "--name", "throwaway"]));
      assert.deepEqual(await restApiNames(first), ["throwaway"]);
    } finally {
      await stop(first);
    }
    const second = await start(cwd, [], { PORTICO_IN_MEMORY: "1" });
    try {
      assert.match(stateLine(second) ?? "", /^State: in memory/);
      assert.deepEqual(await restApiNames(second), []);
    } finally {
      await stop(second);
    }
    assert.deepEqual(readdirSync(cwd), [], "no .portico/ left behind");
  });

  test("with --config: beside the config file wherever Portico starts, and a restart does not duplicate the declared APIs", async () => {
    const project = join(dir, "project");
    const elsewhere = join(dir, "elsewhere");
    mkdirSync(project);
    mkdirSync(elsewhere);
    writeFileSync(join(project, "api.yaml"), API);
    // No id: the declaration's id is derived from its file, the same at every start.
    writeFileSync(join(project, "portico.yaml"), "apis:\n  - openapi: api.yaml\n    stage: v1\n");
    const args = ["--config", join(project, "portico.yaml")];
    const first = await start(elsewhere, args);
    try {
      assert.match(stateLine(first) ?? "", new RegExp(`^State: ${join(project, ".portico", "portico.db")} `));
      ok(await awsCli(first.adminPort, ["create-rest-api", "--name", "made-by-cli"]));
      assert.deepEqual(await restApiNames(first), ["Declared", "made-by-cli"]);
    } finally {
      await stop(first);
    }
    const second = await start(elsewhere, args);
    try {
      assert.deepEqual(await restApiNames(second), ["Declared", "made-by-cli"]);
      const declared = (
        ok(await awsCli(second.adminPort, ["get-rest-apis"])) as { items: { id: string; name: string }[] }
      ).items.find((api) => api.name === "Declared")!;
      const deployments = ok(
        await awsCli(second.adminPort, ["get-deployments", "--rest-api-id", declared.id]),
      ) as {
        items: unknown[];
      };
      assert.equal(deployments.items.length, 1, "an unchanged declaration is not deployed again");
    } finally {
      await stop(second);
    }
    assert.deepEqual(readdirSync(elsewhere), [], "nothing in the directory Portico was started from");
  });

  test("a directory and in-memory both given at one level is refused, naming both; nothing is created", () => {
    const cwd = join(dir, "refused");
    mkdirSync(cwd);
    const quiet = { PORTICO_LOG_LEVEL: "silent" };
    const flags = runCli(
      ["start", "--port", "0", "--admin-port", "0", "--data-dir", "state", "--in-memory"],
      quiet,
      {
        cwd,
      },
    );
    assert.equal(flags.status, 1);
    assert.match(flags.stderr, /--data-dir and --in-memory contradict each other/);
    const variables = runCli(
      ["start", "--port", "0", "--admin-port", "0"],
      { ...quiet, PORTICO_DATA_DIR: "state", PORTICO_IN_MEMORY: "1" },
      { cwd },
    );
    assert.equal(variables.status, 1);
    assert.match(variables.stderr, /PORTICO_DATA_DIR and PORTICO_IN_MEMORY=1 contradict each other/);
    const unclear = runCli(
      ["start", "--port", "0", "--admin-port", "0"],
      { ...quiet, PORTICO_IN_MEMORY: "yes" },
      { cwd },
    );
    assert.equal(unclear.status, 1);
    assert.match(unclear.stderr, /PORTICO_IN_MEMORY: must be 1 or 0 \(got "yes"\)/);
    writeFileSync(join(cwd, "both.yaml"), "region: us-east-1\ndataDir: state\ninMemory: true\n");
    const file = runCli(["start", "--config", "both.yaml", "--port", "0", "--admin-port", "0"], quiet, {
      cwd,
    });
    assert.equal(file.status, 1);
    assert.match(file.stderr, /both\.yaml:3:1: inMemory: contradicts dataDir/);
    assert.deepEqual(readdirSync(cwd), ["both.yaml"]);
  });
});
