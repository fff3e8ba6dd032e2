import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateRestApiCommand,
  GetRestApiCommand,
  ImportRestApiCommand,
  UpdateRestApiCommand,
} from "@aws-sdk/client-api-gateway";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

// AWS stores a resource policy with `execute-api:/…` expanded to the API's ARN, and its REST wire
// carries the policy text escaped as the inside of a JSON string (AWS-BEHAVIOUR.md §12.3; Terraform's
// provider unescapes it, hashicorp/terraform-provider-aws#4606).

const shorthand = (resource: string | string[]) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: resource },
      {
        Effect: "Deny",
        Principal: "*",
        Action: "execute-api:Invoke",
        NotResource: "execute-api:/prod/GET/open",
      },
    ],
  });

/** The wire form back to the policy document. */
const unwire = (wire: string | undefined) =>
  JSON.parse(JSON.parse(`"${wire ?? ""}"`)) as {
    Statement: { Resource?: unknown; NotResource?: unknown }[];
  };

describe("resource policies as AWS stores and returns them", () => {
  let gw: TestGateway;
  let client: APIGatewayClient;
  before(async () => {
    gw = await startTestGateway();
    client = new APIGatewayClient(adminClientConfig(gw));
  });
  after(async () => {
    client.destroy();
    await gw.close();
  });

  test("CreateRestApi: execute-api:/ shorthand comes back as the API's ARN, on the escaped wire form", async () => {
    const api = await client.send(
      new CreateRestApiCommand({ name: "p", policy: shorthand("execute-api:/*") }),
    );
    const arn = `arn:aws:execute-api:us-east-1:000000000000:${api.id}`;
    for (const wire of [
      api.policy,
      (await client.send(new GetRestApiCommand({ restApiId: api.id }))).policy,
    ]) {
      assert.match(wire ?? "", /^\{\\"Version\\":\\"2012-10-17\\"/, "quotes escaped, minified");
      assert.ok(wire?.includes(`${arn}\\/*`), `slashes escaped as AWS does: ${wire}`);
      const doc = unwire(wire);
      assert.equal(doc.Statement[0]!.Resource, `${arn}/*`);
      assert.equal(doc.Statement[1]!.NotResource, `${arn}/prod/GET/open`);
    }
  });

  test("UpdateRestApi and import expand it too; a full ARN and other resources are kept as written", async () => {
    const api = await client.send(new CreateRestApiCommand({ name: "q" }));
    const arn = `arn:aws:execute-api:us-east-1:000000000000:${api.id}`;
    const other = "arn:aws:execute-api:eu-west-1:111111111111:abcdefghij/*";
    const updated = await client.send(
      new UpdateRestApiCommand({
        restApiId: api.id,
        patchOperations: [
          { op: "replace", path: "/policy", value: shorthand(["execute-api:/dev/*", other]) },
        ],
      }),
    );
    assert.deepEqual(unwire(updated.policy).Statement[0]!.Resource, [`${arn}/dev/*`, other]);

    const doc = {
      openapi: "3.0.1",
      info: { title: "imported", version: "1" },
      "x-amazon-apigateway-policy": JSON.parse(shorthand("execute-api:/*")),
      paths: {},
    };
    const imported = await client.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(doc)) }));
    const importedArn = `arn:aws:execute-api:us-east-1:000000000000:${imported.id}`;
    assert.equal(unwire(imported.policy).Statement[0]!.Resource, `${importedArn}/*`);
  });

  test("a malformed policy is refused and the stored one is unchanged", async () => {
    const api = await client.send(
      new CreateRestApiCommand({ name: "r", policy: shorthand("execute-api:/*") }),
    );
    const before = (await client.send(new GetRestApiCommand({ restApiId: api.id }))).policy;
    await assert.rejects(
      client.send(
        new UpdateRestApiCommand({
          restApiId: api.id,
          patchOperations: [{ op: "replace", path: "/policy", value: "{not json" }],
        }),
      ),
      (err: Error) => err.name === "BadRequestException",
    );
    assert.equal((await client.send(new GetRestApiCommand({ restApiId: api.id }))).policy, before);
  });
});
