import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadConfigFile } from "../../src/config/load-config.ts";

// The config file's services: entries, read and refused as the rest of the file is.

async function load(text: string): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), "portico-services-"));
  try {
    const file = join(dir, "portico.yaml");
    await writeFile(file, text);
    return loadConfigFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("a services entry is read with its endpoint, region and credentials", async () => {
  const config = (await load(
    "services:\n  sqs: { endpoint: http://127.0.0.1:9324, region: eu-west-1, credentials: { accessKeyId: a, secretAccessKey: s } }\n",
  )) as { services: Record<string, unknown> };
  assert.deepEqual(config.services.sqs, {
    endpoint: "http://127.0.0.1:9324",
    region: "eu-west-1",
    credentials: { accessKeyId: "a", secretAccessKey: "s" },
  });
});

test("a bad endpoint or an unknown key is refused naming the place, never printing the secret", async () => {
  await assert.rejects(
    load(
      "services:\n  s3:\n    endpoint: ftp://minio\n    credentials: { accessKeyId: a, secretAccessKey: very-secret, token: x }\n  sns: { region: us-east-1 }\n",
    ),
    (err: Error) => {
      assert.match(err.message, /portico\.yaml:3:\d+: services\.s3\.endpoint: invalid value "ftp:\/\/minio"/);
      assert.match(err.message, /services\.s3\.credentials\.token: unknown key "token"/);
      assert.match(err.message, /services\.sns/);
      assert.doesNotMatch(err.message, /very-secret/);
      return true;
    },
  );
});
