import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateBasePathMappingCommand,
  CreateDomainNameAccessAssociationCommand,
  CreateDomainNameCommand,
  DeleteBasePathMappingCommand,
  DeleteDomainNameAccessAssociationCommand,
  DeleteDomainNameCommand,
  DeleteRestApiCommand,
  GetBasePathMappingCommand,
  GetBasePathMappingsCommand,
  GetDomainNameAccessAssociationsCommand,
  GetDomainNameCommand,
  GetDomainNamesCommand,
  GetTagsCommand,
  RejectDomainNameAccessAssociationCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateBasePathMappingCommand,
  UpdateDomainNameCommand,
} from "@aws-sdk/client-api-gateway";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { mockIntegration } from "../support/snippets.ts";

const API = `openapi: 3.0.1
info: { title: Mapped, version: "1" }
paths:
  /ping:
    get:${mockIntegration('{"ok":true}')}
`;

/** The AWS error a rejected promise carries: its name (x-amzn-ErrorType) and message. */
async function refusal(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error("expected the call to be refused");
}

describe("apigateway custom domain names: create, read, update, delete, mappings, tags, access associations", () => {
  let gw: TestGateway;
  let client: APIGatewayClient;
  let apiId: string;
  let otherApi: string;
  before(async () => {
    gw = await startTestGateway();
    client = new APIGatewayClient(adminClientConfig(gw));
    apiId = await gw.deployRest(API, "prod");
    otherApi = await gw.deployRest(API, "dev");
  });
  after(async () => {
    client.destroy();
    await gw.close();
  });

  test("REGIONAL, EDGE and PRIVATE domain names read back in AWS's shape", async () => {
    const regional = await client.send(
      new CreateDomainNameCommand({
        domainName: "regional.example.com",
        regionalCertificateArn: "arn:aws:acm:us-east-1:000000000000:certificate/r",
        endpointConfiguration: { types: ["REGIONAL"] },
        securityPolicy: "TLS_1_2",
        tags: { team: "a" },
      }),
    );
    assert.equal(regional.domainNameStatus, "AVAILABLE");
    assert.equal(regional.regionalDomainName, "regional.example.com");
    assert.equal(regional.domainNameArn, "arn:aws:apigateway:us-east-1::/domainnames/regional.example.com");
    assert.ok(regional.certificateUploadDate instanceof Date);
    assert.deepEqual(regional.tags, { team: "a" });
    const edge = await client.send(new CreateDomainNameCommand({ domainName: "edge.example.com" }));
    assert.deepEqual(edge.endpointConfiguration?.types, ["EDGE"]);
    assert.equal(edge.distributionDomainName, "edge.example.com");
    assert.equal(edge.distributionHostedZoneId, "Z2FDTNDATAQYW2");
    assert.equal(edge.securityPolicy, "TLS_1_2");
    const priv = await client.send(
      new CreateDomainNameCommand({
        domainName: "private.example.com",
        endpointConfiguration: { types: ["PRIVATE"] },
        policy: '{"Version":"2012-10-17","Statement":[]}',
      }),
    );
    assert.match(priv.domainNameId ?? "", /^[a-z0-9]{8}$/);
    assert.equal(
      priv.domainNameArn,
      `arn:aws:apigateway:us-east-1:000000000000:/domainnames/private.example.com+${priv.domainNameId}`,
    );
    const read = await client.send(
      new GetDomainNameCommand({ domainName: "private.example.com", domainNameId: priv.domainNameId }),
    );
    assert.equal(read.policy, '{"Version":"2012-10-17","Statement":[]}');
    // A private domain is known by name and id: the name alone names none.
    const unnamed = await refusal(
      client.send(new GetDomainNameCommand({ domainName: "private.example.com" })),
    );
    assert.deepEqual(unnamed, {
      name: "NotFoundException",
      message: "Invalid domain name identifier specified",
      status: 404,
    });
    const names = (await client.send(new GetDomainNamesCommand({}))).items?.map((d) => d.domainName).sort();
    assert.deepEqual(names, ["edge.example.com", "private.example.com", "regional.example.com"]);
  });

  test("bad input is refused as AWS words it, and nothing is stored", async () => {
    const before = (await client.send(new GetDomainNamesCommand({}))).items?.length;
    const cases: [Promise<unknown>, string, string][] = [
      [
        client.send(new CreateDomainNameCommand({ domainName: "not a name" })),
        "BadRequestException",
        "Invalid domain name specified",
      ],
      [
        client.send(new CreateDomainNameCommand({ domainName: "REGIONAL.example.com" })),
        "BadRequestException",
        "The domain name you provided already exists.",
      ],
      [
        client.send(
          new CreateDomainNameCommand({
            domainName: "x.example.com",
            endpointConfiguration: { types: ["NOPE" as "EDGE"] },
          }),
        ),
        "BadRequestException",
        "Invalid endpoint configuration type",
      ],
      [
        client.send(
          new CreateDomainNameCommand({ domainName: "y.example.com", securityPolicy: "TLS_9" as "TLS_1_2" }),
        ),
        "ValidationException",
        "1 validation error detected: Value 'TLS_9' at 'securityPolicy' failed to satisfy constraint",
      ],
      [
        client.send(
          new CreateDomainNameCommand({
            domainName: "z.example.com",
            mutualTlsAuthentication: { truststoreUri: "s3://bucket/truststore.pem" },
          }),
        ),
        "BadRequestException",
        "Mutual TLS authentication is only supported for REGIONAL domain names with a TLS_1_2 security policy",
      ],
    ];
    for (const [call, name, message] of cases) {
      const e = await refusal(call);
      assert.equal(e.name, name, message);
      assert.ok(e.message.startsWith(message), `${e.message} should start with ${message}`);
    }
    assert.equal((await client.send(new GetDomainNamesCommand({}))).items?.length, before);
  });

  test("UpdateDomainName's patch paths; a refused patch changes nothing", async () => {
    const domainName = "regional.example.com";
    const updated = await client.send(
      new UpdateDomainNameCommand({
        domainName,
        patchOperations: [
          {
            op: "replace",
            path: "/regionalCertificateArn",
            value: "arn:aws:acm:us-east-1:000000000000:certificate/n",
          },
          { op: "replace", path: "/mutualTlsAuthentication/truststoreUri", value: "s3://bucket/ca.pem" },
          { op: "replace", path: "/mutualTlsAuthentication/truststoreVersion", value: "v2" },
        ],
      }),
    );
    assert.equal(updated.regionalCertificateArn, "arn:aws:acm:us-east-1:000000000000:certificate/n");
    assert.deepEqual(updated.mutualTlsAuthentication, {
      truststoreUri: "s3://bucket/ca.pem",
      truststoreVersion: "v2",
    });
    for (const [ops, message] of [
      [[{ op: "replace" as const, path: "/nope", value: "x" }], "Invalid patch path /nope"],
      [
        [{ op: "replace" as const, path: "/securityPolicy", value: "TLS_1_0" }],
        "Mutual TLS authentication is only",
      ],
      [
        [{ op: "replace" as const, path: "/endpointConfiguration/types/0", value: "PRIVATE" }],
        "Invalid endpoint configuration type",
      ],
      [
        [
          { op: "replace" as const, path: "/certificateName", value: "changed" },
          { op: "copy" as const, path: "/securityPolicy", from: "/x" },
        ],
        "Invalid patch operation copy for path /securityPolicy",
      ],
    ] as const) {
      const e = await refusal(
        client.send(new UpdateDomainNameCommand({ domainName, patchOperations: [...ops] })),
      );
      assert.equal(e.name, "BadRequestException");
      assert.ok(e.message.startsWith(message), e.message);
    }
    const after = await client.send(new GetDomainNameCommand({ domainName }));
    assert.equal(after.certificateName, undefined);
    assert.equal(after.securityPolicy, "TLS_1_2");
    // An empty truststore turns mutual TLS off; EDGE and REGIONAL migrate into each other.
    const off = await client.send(
      new UpdateDomainNameCommand({
        domainName,
        patchOperations: [{ op: "replace", path: "/mutualTlsAuthentication/truststoreUri", value: "" }],
      }),
    );
    assert.equal(off.mutualTlsAuthentication, undefined);
    const migrated = await client.send(
      new UpdateDomainNameCommand({
        domainName: "edge.example.com",
        patchOperations: [{ op: "replace", path: "/endpointConfiguration/types/0", value: "REGIONAL" }],
      }),
    );
    assert.equal(migrated.regionalDomainName, "edge.example.com");
    assert.equal(migrated.distributionDomainName, undefined);
  });

  test("base path mappings: one level, (none), stage optional; AWS's refusals leave the mappings as they were", async () => {
    const domainName = "regional.example.com";
    const made = await client.send(
      new CreateBasePathMappingCommand({ domainName, restApiId: apiId, stage: "prod", basePath: "v1" }),
    );
    assert.deepEqual(
      { ...made, $metadata: undefined },
      { basePath: "v1", restApiId: apiId, stage: "prod", $metadata: undefined },
    );
    const root = await client.send(new CreateBasePathMappingCommand({ domainName, restApiId: otherApi }));
    assert.equal(root.basePath, "(none)");
    assert.equal(root.stage, undefined);
    const cases: [CreateBasePathMappingCommand, string, string][] = [
      [
        new CreateBasePathMappingCommand({
          domainName,
          restApiId: apiId,
          stage: "prod",
          basePath: "orders/v1",
        }),
        "BadRequestException",
        "API Gateway V1 doesn't support the slash character (/) in base path mappings. To create a multi-level base path mapping, use API Gateway V2.",
      ],
      [
        new CreateBasePathMappingCommand({ domainName, restApiId: "nope000000", basePath: "v2" }),
        "BadRequestException",
        "Invalid REST API identifier specified",
      ],
      [
        new CreateBasePathMappingCommand({ domainName, restApiId: apiId, stage: "nostage", basePath: "v2" }),
        "BadRequestException",
        "Invalid stage identifier specified",
      ],
      [
        new CreateBasePathMappingCommand({ domainName, restApiId: apiId, stage: "prod", basePath: "v1" }),
        "ConflictException",
        "Base path already exists for this domain name",
      ],
      [
        new CreateBasePathMappingCommand({ domainName: "nowhere.example.com", restApiId: apiId }),
        "NotFoundException",
        "Invalid domain name identifier specified",
      ],
    ];
    for (const [command, name, message] of cases)
      assert.deepEqual(await refusal(client.send(command)), {
        name,
        message,
        status: name === "ConflictException" ? 409 : name === "NotFoundException" ? 404 : 400,
      });
    const listed = (await client.send(new GetBasePathMappingsCommand({ domainName }))).items;
    assert.deepEqual(listed?.map((m) => m.basePath).sort(), ["(none)", "v1"]);
    const renamed = await client.send(
      new UpdateBasePathMappingCommand({
        domainName,
        basePath: "v1",
        patchOperations: [{ op: "replace", path: "/basePath", value: "v3" }],
      }),
    );
    assert.equal(renamed.basePath, "v3");
    const badStage = await refusal(
      client.send(
        new UpdateBasePathMappingCommand({
          domainName,
          basePath: "v3",
          patchOperations: [{ op: "replace", path: "/stage", value: "nostage" }],
        }),
      ),
    );
    assert.equal(badStage.message, "Invalid stage identifier specified");
    assert.equal(
      (await client.send(new GetBasePathMappingCommand({ domainName, basePath: "v3" }))).stage,
      "prod",
    );
    const gone = await refusal(client.send(new GetBasePathMappingCommand({ domainName, basePath: "v1" })));
    assert.deepEqual(gone, {
      name: "NotFoundException",
      message: "Invalid base path mapping identifier specified",
      status: 404,
    });
  });

  test("an API a domain still maps cannot be deleted until its mappings are", async () => {
    const e = await refusal(client.send(new DeleteRestApiCommand({ restApiId: otherApi })));
    assert.equal(e.name, "BadRequestException");
    assert.equal(
      e.message,
      `Deleting API ${otherApi} failed. Please remove all API mappings for the API from your custom domain names.`,
    );
    await client.send(
      new DeleteBasePathMappingCommand({ domainName: "regional.example.com", basePath: "(none)" }),
    );
    await client.send(new DeleteRestApiCommand({ restApiId: otherApi }));
  });

  test("tags on a domain name by its ARN", async () => {
    const resourceArn = "arn:aws:apigateway:us-east-1::/domainnames/regional.example.com";
    await client.send(new TagResourceCommand({ resourceArn, tags: { env: "prod" } }));
    assert.deepEqual((await client.send(new GetTagsCommand({ resourceArn }))).tags, {
      team: "a",
      env: "prod",
    });
    await client.send(new UntagResourceCommand({ resourceArn, tagKeys: ["team"] }));
    assert.deepEqual(
      (await client.send(new GetDomainNameCommand({ domainName: "regional.example.com" }))).tags,
      {
        env: "prod",
      },
    );
    const missing = await refusal(
      client.send(
        new GetTagsCommand({ resourceArn: "arn:aws:apigateway:us-east-1::/domainnames/none.example.com" }),
      ),
    );
    assert.equal(missing.name, "NotFoundException");
  });

  test("access associations: a PRIVATE domain name's VPC endpoints", async () => {
    const priv = (await client.send(new GetDomainNamesCommand({}))).items!.find((d) => d.domainNameId)!;
    const domainNameArn = priv.domainNameArn!;
    const made = await client.send(
      new CreateDomainNameAccessAssociationCommand({
        domainNameArn,
        accessAssociationSourceType: "VPCE",
        accessAssociationSource: "vpce-0abc123",
      }),
    );
    assert.equal(
      made.domainNameAccessAssociationArn,
      `arn:aws:apigateway:us-east-1:000000000000:/domainnameaccessassociations/domainname/private.example.com+${priv.domainNameId}/vpcesource/vpce-0abc123`,
    );
    assert.equal(made.domainNameArn, domainNameArn);
    const refusals = [
      await refusal(
        client.send(
          new CreateDomainNameAccessAssociationCommand({
            domainNameArn,
            accessAssociationSourceType: "VPCE",
            accessAssociationSource: "vpce-0abc123",
          }),
        ),
      ),
      await refusal(
        client.send(
          new CreateDomainNameAccessAssociationCommand({
            domainNameArn: "arn:aws:apigateway:us-east-1::/domainnames/regional.example.com",
            accessAssociationSourceType: "VPCE",
            accessAssociationSource: "vpce-0abc123",
          }),
        ),
      ),
      await refusal(
        client.send(
          new CreateDomainNameAccessAssociationCommand({
            domainNameArn,
            accessAssociationSourceType: "VPCE",
            accessAssociationSource: "not-a-vpce",
          }),
        ),
      ),
    ];
    assert.deepEqual(
      refusals.map((e) => e.name),
      ["ConflictException", "BadRequestException", "BadRequestException"],
    );
    const second = await client.send(
      new CreateDomainNameAccessAssociationCommand({
        domainNameArn,
        accessAssociationSourceType: "VPCE",
        accessAssociationSource: "vpce-0def456",
      }),
    );
    assert.equal((await client.send(new GetDomainNameAccessAssociationsCommand({}))).items?.length, 2);
    await client.send(
      new DeleteDomainNameAccessAssociationCommand({
        domainNameAccessAssociationArn: made.domainNameAccessAssociationArn,
      }),
    );
    await client.send(
      new RejectDomainNameAccessAssociationCommand({
        domainNameAccessAssociationArn: second.domainNameAccessAssociationArn,
        domainNameArn,
      }),
    );
    assert.deepEqual((await client.send(new GetDomainNameAccessAssociationsCommand({}))).items, []);
    const again = await refusal(
      client.send(
        new DeleteDomainNameAccessAssociationCommand({
          domainNameAccessAssociationArn: made.domainNameAccessAssociationArn,
        }),
      ),
    );
    assert.equal(again.name, "NotFoundException");
  });

  test("DeleteDomainName takes its mappings along; the name is free again", async () => {
    await client.send(new DeleteDomainNameCommand({ domainName: "regional.example.com" }));
    const e = await refusal(
      client.send(new GetBasePathMappingsCommand({ domainName: "regional.example.com" })),
    );
    assert.equal(e.name, "NotFoundException");
    await client.send(new CreateDomainNameCommand({ domainName: "regional.example.com" }));
    assert.deepEqual(
      (await client.send(new GetBasePathMappingsCommand({ domainName: "regional.example.com" }))).items,
      [],
    );
  });
});
