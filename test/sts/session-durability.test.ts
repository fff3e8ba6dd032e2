import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { startTestGateway } from "../support/gateway.ts";
import { ACCOUNT, ALICE, CREDENTIALS, ROLES, roleArn } from "../support/iam-fixture.ts";
import { type RedisServer, startRedisServer } from "../support/redis-server.ts";
import { assumeRole, stsClient } from "../support/sts.ts";

/**
 * Session tokens are sealed with a key kept in the state store: temporary credentials outlive a
 * restart with a durable store, and every node sharing a Redis accepts what any node issued.
 */

let redis: RedisServer;
before(async () => {
  redis = await startRedisServer();
});
after(() => redis.stop());

const settings = { credentials: CREDENTIALS, roles: ROLES };
const who = async (adminPort: number, creds: Parameters<typeof stsClient>[1]) =>
  (await stsClient(adminPort, creds).send(new GetCallerIdentityCommand({}))).Arn;

test("with a durable store, credentials issued before a restart still work after it", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "portico-sts-"));
  try {
    const first = await startTestGateway({ ...settings, dataDir });
    const creds = await assumeRole(first.adminPort, ALICE, {
      RoleArn: roleArn("reader"),
      RoleSessionName: "durable",
    });
    await first.close();
    const second = await startTestGateway({ ...settings, dataDir });
    try {
      assert.equal(await who(second.adminPort, creds), `arn:aws:sts::${ACCOUNT}:assumed-role/reader/durable`);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("two nodes on one Redis: credentials issued by one are accepted by the other", async () => {
  const a = await startTestGateway({ ...settings, redis: redis.url });
  const b = await startTestGateway({ ...settings, redis: redis.url });
  try {
    const fromA = await assumeRole(a.adminPort, ALICE, {
      RoleArn: roleArn("reader"),
      RoleSessionName: "on-a",
    });
    const fromB = await assumeRole(b.adminPort, ALICE, {
      RoleArn: roleArn("reader"),
      RoleSessionName: "on-b",
    });
    assert.equal(await who(b.adminPort, fromA), `arn:aws:sts::${ACCOUNT}:assumed-role/reader/on-a`);
    assert.equal(await who(a.adminPort, fromB), `arn:aws:sts::${ACCOUNT}:assumed-role/reader/on-b`);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
