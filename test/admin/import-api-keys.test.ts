import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateUsagePlanCommand,
  GetApiKeysCommand,
  GetUsagePlanKeysCommand,
  ImportApiKeysCommand,
} from "@aws-sdk/client-api-gateway";
import { awsCli } from "../support/aws-cli.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { mockIntegration as mock } from "../support/snippets.ts";

/**
 * ImportApiKeys with the file format of AWS's developer guide ("API Gateway API key file format"),
 * through the AWS CLI (`import-api-keys --body fileb://keys.csv --format csv`) and the SDK; imported
 * keys then open an `apiKeyRequired` method of the plans they were imported into.
 */
const REST = `
openapi: 3.0.1
info: { title: Imported, version: "1" }
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
paths:
  /keyed:
    get:
      security: [{ api_key: [] }]${mock('{"ok":true}')}
`;

const KEY_1 = "abcdef1234ghijklmnop8901234567";
const KEY_2 = "abcdef1234ghijklmnop0123456789";
const KEY_3 = "abcdef1234ghijklmnop9012345678";

describe("ImportApiKeys", () => {
  let gw: TestGateway;
  let client: APIGatewayClient;
  let id: string;
  let planA: string;
  let planB: string;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "portico-keys-"));
    gw = await startTestGateway();
    client = new APIGatewayClient(adminClientConfig(gw));
    id = await gw.deployRest(REST, "prod");
    planA = (
      await client.send(new CreateUsagePlanCommand({ name: "a", apiStages: [{ apiId: id, stage: "prod" }] }))
    ).id!;
    planB = (
      await client.send(new CreateUsagePlanCommand({ name: "b", apiStages: [{ apiId: id, stage: "prod" }] }))
    ).id!;
  });
  after(async () => {
    client.destroy();
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const keys = async () =>
    (await client.send(new GetApiKeysCommand({ includeValues: true, limit: 500 }))).items ?? [];
  const planKeys = async (usagePlanId: string) =>
    ((await client.send(new GetUsagePlanKeysCommand({ usagePlanId }))).items ?? [])
      .map((k) => k.value)
      .sort();
  const state = async () => ({
    keys: (await keys()).map((k) => ({ id: k.id, name: k.name, value: k.value, enabled: k.enabled })),
    a: await planKeys(planA),
    b: await planKeys(planB),
  });
  const keyed = (value: string) => gw.call(id, "/prod/keyed", { headers: { "x-api-key": value } });

  test("the AWS CLI imports AWS's example file: any column order and case, padding, quotes, several plans", async () => {
    // The developer guide's example, padded as it is there, with its plan ids and an unknown column.
    const csv = file(
      "keys.csv",
      [
        "key,name, description, enabled, usageplanIds, notes",
        `${KEY_1}, importedKey_1, firstone,  tRuE, ${planA} , ignored`,
        `${KEY_2}, importedKey_2, secondone, TRUE, "${planA},${planB}", ignored`,
        `${KEY_3}, importedKey_3,          , false, '${planB}'`,
        "",
      ].join("\r\n"),
    );
    const imported = await awsCli(gw.adminPort, [
      "import-api-keys",
      "--body",
      `fileb://${csv}`,
      "--format",
      "csv",
    ]);
    assert.equal(imported.status, 0, imported.stderr);
    const { ids, warnings } = imported.json as { ids: string[]; warnings: string[] };
    assert.equal(ids.length, 3);
    assert.deepEqual(warnings, []);
    const all = await keys();
    const byValue = new Map(all.map((k) => [k.value, k]));
    assert.deepEqual(
      [KEY_1, KEY_2, KEY_3].map((v) => byValue.get(v)?.id),
      ids,
      "ids in the file's order",
    );
    assert.equal(byValue.get(KEY_1)?.name, "importedKey_1");
    assert.equal(byValue.get(KEY_1)?.description, "firstone");
    assert.equal(byValue.get(KEY_1)?.enabled, true);
    assert.equal(byValue.get(KEY_3)?.description, undefined, "an empty description is none");
    assert.equal(byValue.get(KEY_3)?.enabled, false);
    assert.deepEqual(await planKeys(planA), [KEY_2, KEY_1].sort());
    assert.deepEqual(await planKeys(planB), [KEY_2, KEY_3].sort());
    // The imported keys work on the data plane at once; a disabled one does not.
    assert.equal((await keyed(KEY_1)).status, 200);
    assert.equal((await keyed(KEY_2)).status, 200);
    assert.equal((await keyed(KEY_3)).status, 403);

    // Importing a key value again overwrites that key (same id), as AWS documents.
    const again = file("again.csv", `Name,Key,Enabled\nrenamed,${KEY_3},true\n`);
    const second = await awsCli(gw.adminPort, [
      "import-api-keys",
      "--body",
      `fileb://${again}`,
      "--format",
      "csv",
    ]);
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual((second.json as { ids: string[] }).ids, [byValue.get(KEY_3)?.id]);
    const after = await keys();
    assert.equal(after.length, all.length, "no new key");
    assert.equal(after.find((k) => k.value === KEY_3)?.name, "renamed");
    assert.equal((await keyed(KEY_3)).status, 200, "enabled by the import, still in plan b");
  });

  test("lines that cannot be imported are skipped with warnings; --fail-on-warnings imports nothing", async () => {
    const good = "goodkey1234567890abcdefghijklmnop";
    const csv = file(
      "warn.csv",
      [
        "Name,Key,Enabled,UsagePlanIds",
        `short,tooshort1234567890,true,${planA}`,
        `maybe,maybekey1234567890abcdefghijkl,perhaps,${planA}`,
        `good,${good},,${planA}`,
      ].join("\n"),
    );
    const before = await state();
    const strict = await awsCli(gw.adminPort, [
      "import-api-keys",
      "--body",
      `fileb://${csv}`,
      "--format",
      "csv",
      "--fail-on-warnings",
    ]);
    assert.notEqual(strict.status, 0);
    assert.match(strict.stderr, /BadRequestException/);
    assert.match(strict.stderr, /Line 2: the key must be between 30 and 128 characters/);
    assert.match(strict.stderr, /Line 3: Enabled must be true or false, not perhaps/);
    assert.deepEqual(await state(), before, "nothing imported");

    const lenient = await awsCli(gw.adminPort, [
      "import-api-keys",
      "--body",
      `fileb://${csv}`,
      "--format",
      "csv",
    ]);
    assert.equal(lenient.status, 0, lenient.stderr);
    const out = lenient.json as { ids: string[]; warnings: string[] };
    assert.equal(out.ids.length, 1);
    assert.equal(out.warnings.length, 2);
    assert.match(out.warnings[0]!, /^Line 2: /);
    assert.deepEqual(
      (await keys()).filter((k) => k.id === out.ids[0]).map((k) => [k.name, k.value, k.enabled]),
      [["good", good, true]],
      "Enabled defaults to true",
    );
    assert.ok((await planKeys(planA)).includes(good));
  });

  test("the SDK's ImportApiKeysCommand; bad files and plans are refused and change nothing", async () => {
    const sdk = (text: string, extra: { failOnWarnings?: boolean; format?: string } = {}) =>
      client.send(
        new ImportApiKeysCommand({
          body: new TextEncoder().encode(text),
          format: (extra.format ?? "csv") as "csv",
          failOnWarnings: extra.failOnWarnings,
        }),
      );
    const value = "sdkimportedkey1234567890abcdefgh";
    const ok = await sdk(`\uFEFFname,key\nsdk,${value}\n`);
    assert.equal(ok.ids?.length, 1);
    assert.equal((await keys()).find((k) => k.value === value)?.name, "sdk");

    const before = await state();
    const fresh = "neverimported1234567890abcdefghi";
    const refusals: [string, { format?: string }, string, RegExp][] = [
      [`name,key\nx,"${fresh}\n`, {}, "BadRequestException", /not closed/],
      [`name,key\nx,"${fresh}"junk\n`, {}, "BadRequestException", /after a quoted value/],
      [`name,value\nx,${fresh}\n`, {}, "BadRequestException", /Key column/],
      [`key\n${fresh}\n`, {}, "BadRequestException", /Name column/],
      [`name,key,Key\nx,${fresh},${fresh}\n`, {}, "BadRequestException", /appears twice/],
      ["", {}, "BadRequestException", /empty/],
      [`name,key,usageplanids\nx,${fresh},"${planA},nosuch"\n`, {}, "NotFoundException", /nosuch/],
      [`name,key\nx,${fresh}\n`, { format: "json" }, "ValidationException", /enum value set: \[csv\]/],
    ];
    for (const [text, extra, name, message] of refusals) {
      await assert.rejects(sdk(text, extra), (e: Error) => {
        assert.equal(e.name, name, `${JSON.stringify(text)}: ${e.message}`);
        assert.match(e.message, message);
        return true;
      });
    }
    assert.deepEqual(await state(), before);
    assert.equal((await keyed(fresh)).status, 403);
  });
});
