import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SessionKeyring } from "../../src/auth/iam/session-key.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { ALICE, CREDENTIALS, ROLES, roleArn } from "../support/iam-fixture.ts";
import { assumeRole, type StsAnswer, stsQuery } from "../support/sts.ts";

/**
 * What STS answers to bad requests and bad credentials: the Query protocol's ErrorResponse XML with
 * AWS's codes and messages; the gateway goes on answering.
 */
describe("STS refusals", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ credentials: CREDENTIALS, roles: ROLES });
  });
  after(() => gw.close());

  const call = (params: Record<string, string>, credentials = ALICE as Parameters<typeof stsQuery>[2]) =>
    stsQuery(gw.adminPort, { Version: "2011-06-15", ...params }, credentials);
  const assume = (params: Record<string, string>) =>
    call({ Action: "AssumeRole", RoleArn: roleArn("reader"), RoleSessionName: "bad-input", ...params });

  function refused(answer: StsAnswer, status: number, code: string, message?: string | RegExp) {
    assert.equal(answer.status, status, answer.text);
    assert.equal(answer.contentType, "text/xml");
    assert.match(answer.text, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
    assert.match(answer.text, /<Type>Sender<\/Type>/);
    assert.match(answer.text, /<RequestId>[0-9a-f-]{36}<\/RequestId>/);
    assert.equal(answer.code, code);
    if (typeof message === "string") assert.equal(answer.message, message);
    else if (message !== undefined) assert.match(answer.message ?? "", message);
  }

  test("parameters out of STS's constraints are ValidationErrors in Coral's words, all of them at once", async () => {
    refused(
      await call({ Action: "AssumeRole", RoleSessionName: "a" }),
      400,
      "ValidationError",
      "2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; " +
        "Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
    );
    refused(
      await assume({ RoleSessionName: "has space" }),
      400,
      "ValidationError",
      "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
    refused(
      await assume({ DurationSeconds: "100" }),
      400,
      "ValidationError",
      "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
    refused(
      await assume({ DurationSeconds: "50000" }),
      400,
      "ValidationError",
      /less than or equal to 43200$/,
    );
    refused(await assume({ DurationSeconds: "soon" }), 400, "ValidationError", /DurationSeconds/);
    refused(await assume({ ExternalId: "a" }), 400, "ValidationError", /'externalId'/);
    refused(
      await assume({
        "Tags.member.1.Key": "Team",
        "Tags.member.1.Value": "a",
        "Tags.member.2.Key": "team",
        "Tags.member.2.Value": "b",
      }),
      400,
      "ValidationError",
      "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
    );
    const many: Record<string, string> = {};
    for (let i = 1; i <= 51; i++)
      Object.assign(many, { [`Tags.member.${i}.Key`]: `k${i}`, [`Tags.member.${i}.Value`]: "v" });
    refused(
      await assume(many),
      400,
      "ValidationError",
      /at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50/,
    );
    refused(
      await assume({ "Tags.member.1.Key": "k" }),
      400,
      "ValidationError",
      /'tags\.1\.member\.value'.*must not be null/,
    );
    refused(
      await assume({ Policy: "x".repeat(2049) }),
      400,
      "ValidationError",
      /at 'policy' .* less than or equal to 2048$/,
    );
  });

  test("session policies STS cannot read are MalformedPolicyDocument", async () => {
    refused(
      await assume({ Policy: "{not json" }),
      400,
      "MalformedPolicyDocument",
      "The policy is not in the valid JSON format.",
    );
    refused(
      await assume({
        Policy: JSON.stringify({
          Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }],
        }),
      }),
      400,
      "MalformedPolicyDocument",
      "Policy document should not specify a principal.",
    );
    refused(
      await assume({
        Policy: JSON.stringify({ Statement: [{ Effect: "Maybe", Action: "*", Resource: "*" }] }),
      }),
      400,
      "MalformedPolicyDocument",
      /^Syntax errors in policy\./,
    );
  });

  test("unknown and missing actions and versions", async () => {
    refused(
      await call({ Action: "Frobnicate" }),
      400,
      "InvalidAction",
      "Could not find operation Frobnicate for version 2011-06-15",
    );
    refused(
      await stsQuery(gw.adminPort, { Action: "GetCallerIdentity" }, ALICE),
      400,
      "InvalidAction",
      "Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED",
    );
    refused(await call({}), 400, "MissingAction", "Missing Action");
    refused(await call({ Action: "GetSessionToken" }), 400, "InvalidAction");
  });

  test("signatures: unsigned, wrong secret, unknown key — in STS's codes", async () => {
    refused(
      await stsQuery(gw.adminPort, { Action: "GetCallerIdentity", Version: "2011-06-15" }),
      403,
      "MissingAuthenticationToken",
      "Request is missing Authentication Token",
    );
    refused(
      await call({ Action: "GetCallerIdentity" }, { ...ALICE, secretAccessKey: "wrong" }),
      403,
      "SignatureDoesNotMatch",
      /^The request signature we calculated does not match/,
    );
    refused(
      await call({ Action: "GetCallerIdentity" }, { accessKeyId: "AKIDNOBODY", secretAccessKey: "x" }),
      403,
      "InvalidClientTokenId",
      "The security token included in the request is invalid.",
    );
    const stale = new Date(Date.now() - 3_600_000);
    refused(
      await stsQuery(gw.adminPort, { Action: "GetCallerIdentity", Version: "2011-06-15" }, ALICE, {
        now: stale,
      }),
      403,
      "SignatureDoesNotMatch",
      /^Signature expired: /,
    );
  });

  test("temporary credentials: a token altered, cut, for another key, or from another gateway is invalid; an expired one is ExpiredToken", async () => {
    const creds = await assumeRole(gw.adminPort, ALICE, {
      RoleArn: roleArn("reader"),
      RoleSessionName: "tokens",
    });
    const other = await assumeRole(gw.adminPort, ALICE, {
      RoleArn: roleArn("reader"),
      RoleSessionName: "others",
    });
    const whoAmI = (c: typeof creds) => call({ Action: "GetCallerIdentity" }, c);
    assert.equal((await whoAmI(creds)).status, 200);
    const token = creds.sessionToken!;
    const flipped = `${token.slice(0, 40)}${token[40] === "A" ? "B" : "A"}${token.slice(41)}`;
    const invalid = "The security token included in the request is invalid.";
    for (const sessionToken of [
      flipped,
      token.slice(0, -4),
      `${token}A`,
      other.sessionToken!,
      "not-a-token",
    ]) {
      refused(await whoAmI({ ...creds, sessionToken }), 403, "InvalidClientTokenId", invalid);
    }
    refused(
      await whoAmI({ accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }),
      403,
      "InvalidClientTokenId",
      invalid,
    );
    // Sealed by another gateway's key (its own store): not this gateway's session.
    const stranger = await startTestGateway({ credentials: CREDENTIALS, roles: ROLES });
    try {
      const foreign = await assumeRole(stranger.adminPort, ALICE, {
        RoleArn: roleArn("reader"),
        RoleSessionName: "abroad",
      });
      refused(await whoAmI(foreign), 403, "InvalidClientTokenId", invalid);
    } finally {
      await stranger.close();
    }
    // A session that ended an hour ago, sealed with this gateway's own key (issued with a past clock).
    const keyring = await SessionKeyring.open(gw.portico.store);
    const hourAgo = Date.now() - 3_600_000;
    const expired = keyring.current.issue({
      roleArn: roleArn("reader"),
      sessionName: "expired",
      issuedAt: hourAgo - 900_000,
      expiresAt: hourAgo,
      sourceArn: "arn:aws:iam::000000000000:user/alice",
    });
    keyring.close();
    refused(
      await whoAmI(expired),
      403,
      "ExpiredToken",
      "The security token included in the request is expired",
    );
    assert.equal((await whoAmI(creds)).status, 200, "the gateway still answers");
  });

  test("bodies that are not forms, and forms no one sends, are answered in XML and the gateway goes on", async () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString("latin1");
    const odd = await stsQuery(gw.adminPort, {}, ALICE, { body: garbage });
    assert.equal(odd.contentType, "text/xml");
    assert.ok(odd.status === 400 || odd.status === 403, odd.text);
    const escapes = await stsQuery(gw.adminPort, {}, ALICE, {
      body: "Action=%FF%FE&Version=%&RoleArn=%E0%A4%A",
    });
    assert.equal(escapes.status, 400);
    assert.equal(escapes.code, "InvalidAction");
    const many = Array.from(
      { length: 20_000 },
      (_, i) => `Tags.member.${i + 1}.Key=k${i}&Tags.member.${i + 1}.Value=v`,
    ).join("&");
    const flood = await stsQuery(gw.adminPort, {}, ALICE, {
      body: `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(roleArn("reader"))}&RoleSessionName=flood&${many}`,
    });
    assert.equal(flood.code, "ValidationError");
    const gaps = await assume({
      "Tags.member.0.Key": "a",
      "Tags.member.2.Key": "b",
      "Tags.member.x.Key": "c",
    });
    assert.equal(gaps.status, 200, "members after a gap, or not numbered, are no members");
    const who = await call({ Action: "GetCallerIdentity" });
    assert.equal(who.status, 200);
  });

  test("an unsigned request for the API Gateway services is still theirs, in JSON", async () => {
    const r = await fetch(`http://127.0.0.1:${gw.adminPort}/restapis`);
    assert.equal(r.status, 403);
    assert.equal(r.headers.get("x-amzn-errortype"), "MissingAuthenticationTokenException");
    assert.deepEqual(await r.json(), { message: "Missing Authentication Token" });
  });
});
