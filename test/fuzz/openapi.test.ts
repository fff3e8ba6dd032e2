import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { APIGatewayClient, ImportRestApiCommand } from "@aws-sdk/client-api-gateway";
import fc from "fast-check";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import type { ControlPlane } from "../../src/control/control-plane.ts";
import { ControlError } from "../../src/control/errors.ts";
import { importHttpApiDocument, importRestApiDocument } from "../../src/control/import-document.ts";
import { AWS_QUOTAS } from "../../src/model/aws-quotas.ts";
import type { RestApiDefinition } from "../../src/model/rest-api.ts";
import { fuzzParameters } from "../support/fuzz.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { ROOT } from "../support/process.ts";

/**
 * A seed as API Gateway would receive it: CloudFormation's `Fn::Sub` resolved (AWS's SAM example
 * writes its URIs that way), and `swagger: 2.0`, which this test's YAML reader turned into 2, as text.
 */
function asDeployed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asDeployed);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]![0] === "Fn::Sub" && typeof entries[0]![1] === "string") {
    return entries[0]![1]
      .replaceAll("${AWS::Region}", "us-east-1")
      .replace(/\$\{[^}]+\.Arn\}/g, "arn:aws:lambda:us-east-1:000000000000:function:f")
      .replace(/\$\{[^}]+\}/g, "x");
  }
  const out = Object.fromEntries(entries.map(([k, v]) => [k, asDeployed(v)]));
  if (out.swagger === 2) out.swagger = "2.0";
  return out;
}

/** Real documents to start from: the fixtures and the public files in /work/shared/real-inputs. */
function seeds(): unknown[] {
  const files = [
    ...readdirSync(join(ROOT, "test", "fixtures", "openapi")).map((f) =>
      join(ROOT, "test", "fixtures", "openapi", f),
    ),
    join(ROOT, "examples", "demo", "petstore-rest.yaml"),
    join(ROOT, "examples", "demo", "pets-http.yaml"),
  ];
  const shared = "/work/shared/real-inputs";
  try {
    for (const f of readdirSync(shared)) if (/\.(ya?ml|json)(\.tpl)?$/.test(f)) files.push(join(shared, f));
  } catch {
    // The shared inputs are optional: the fixtures alone still seed the run.
  }
  const out: unknown[] = [];
  for (const file of files) {
    try {
      const value = parseYaml(readFileSync(file, "utf8"), { uniqueKeys: false, logLevel: "error" });
      if (typeof value === "object" && value !== null) out.push(asDeployed(value));
    } catch {
      // A file yaml cannot read is not a seed.
    }
  }
  return out;
}

const SEEDS = seeds();

const SERVING = `
openapi: 3.0.1
info: { title: Serving, version: "1" }
paths:
  /ping:
    get:
      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: "200" } } }
`;

/** Values an importer is likely to trip on, beside arbitrary JSON. */
const TRICKY: unknown[] = [
  "AWS_IAM",
  "aws_iam",
  { type: "AWS_IAM" },
  { type: "aws_iam" },
  { type: "COGNITO" },
  { type: 7 },
  { type: "mock" },
  { type: "http_proxy", httpMethod: "GET", uri: "http://127.0.0.1:1/x" },
  { type: "aws_proxy", httpMethod: "POST", uri: "arn:aws:apigateway:us-east-1:lambda:path/x" },
  { $ref: "#/" },
  { $ref: "#/paths" },
  { $ref: "#/components/schemas" },
  { $ref: "http://example.com/x" },
  { $ref: 5 },
  { "x-amazon-apigateway-integration": { type: "mock" } },
  { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "awsSigv4" },
  { type: "http", scheme: "bearer" },
  { type: "signature" },
  [{ sigv4: [] }],
  [{ ghost: [] }],
  [{}],
  [],
  "",
  " ",
  "__proto__",
  "{proxy+}",
  "/{a}/{b+}",
  "3.0.1",
  "2.0",
  2,
  3.1,
  -1,
  1e308,
  0,
  true,
  null,
  "\u0000",
  "🦄",
  "(",
  "[a-",
  "(a+)+$",
  "\\1",
  "method.request.nothing",
  "integration.request.header.x",
  "'static'",
  "EDGE",
  "FOO",
  { "integration.request.header.x": "method.request.header.y" },
  { "integration.request.header.x": "method.request.body.[[" },
  { "overwrite:header.x": "$request.header.y" },
  { "overwrite:nothing": "x" },
  { "200": { "overwrite:statuscode": "204" } },
  { DEFAULT_4XX: { statusCode: "400" } },
  { BOGUS: {} },
  {
    type: "token",
    authorizerUri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/f/invocations",
    identityValidationExpression: "(",
  },
];

const KEYS = [
  "__proto__",
  "constructor",
  "$ref",
  "security",
  "x-amazon-apigateway-auth",
  "x-amazon-apigateway-integration",
  "x-amazon-apigateway-authorizer",
  "x-amazon-apigateway-authtype",
  "x-amazon-apigateway-any-method",
  "x-amazon-apigateway-policy",
  "x-amazon-apigateway-gateway-responses",
  "x-amazon-apigateway-request-validators",
  "x-amazon-apigateway-request-validator",
  "x-amazon-apigateway-binary-media-types",
  "x-amazon-apigateway-cors",
  "x-amazon-apigateway-endpoint-configuration",
  "x-amazon-apigateway-minimum-compression-size",
  "identityValidationExpression",
  "authorizerResultTtlInSeconds",
  "selectionPattern",
  "requestParameters",
  "types",
  "vpcEndpointIds",
  "parameters",
  "responses",
  "requestTemplates",
  "responseParameters",
  "/{a}",
  "/{b}",
  "/{proxy+}",
  "/x/{proxy+}/y",
  "/ok",
  "get",
  "post",
  "GET",
  "swagger",
  "openapi",
];

type Mutation =
  | { kind: "set"; at: number; key: string; value: unknown }
  | { kind: "delete"; at: number }
  | { kind: "retype"; at: number }
  | { kind: "ref"; at: number; target: number }
  | { kind: "nest"; at: number; depth: number }
  /** One operation asks for IAM, spelled in some case. */
  | { kind: "secure"; at: number; spelling: string }
  /** Paths enough to approach or pass AWS's 300-resource quota. */
  | { kind: "grow"; paths: number };

const value = fc.oneof(fc.constantFrom(...TRICKY), fc.jsonValue({ maxDepth: 3 }));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant("set" as const),
    at: fc.nat(),
    key: fc.oneof(fc.constantFrom(...KEYS), fc.string()),
    value,
  }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("retype" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("ref" as const), at: fc.nat(), target: fc.nat() }),
  fc.record({ kind: fc.constant("nest" as const), at: fc.nat(), depth: fc.integer({ min: 1, max: 1200 }) }),
  fc.record({
    kind: fc.constant("secure" as const),
    at: fc.nat(),
    spelling: fc.constantFrom("AWS_IAM", "aws_iam", "Aws_Iam"),
  }),
  fc.record({ kind: fc.constant("grow" as const), paths: fc.integer({ min: 1, max: 400 }) }),
);

const VERBS = new Set([
  "get",
  "put",
  "post",
  "delete",
  "patch",
  "options",
  "head",
  "x-amazon-apigateway-any-method",
]);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Each operation of a document: its path, its API Gateway verb, the operation object. */
function operations(doc: unknown): { path: string; verb: string; op: Record<string, unknown> }[] {
  const out: { path: string; verb: string; op: Record<string, unknown> }[] = [];
  if (!isRecord(doc) || !isRecord(doc.paths)) return out;
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isRecord(item)) continue;
    for (const [key, op] of Object.entries(item)) {
      if (VERBS.has(key) && isRecord(op))
        out.push({ path, verb: key === "x-amazon-apigateway-any-method" ? "ANY" : key.toUpperCase(), op });
    }
  }
  return out;
}

type Node = { parent: Record<string, unknown> | unknown[]; key: string | number; pointer: string };

/** Every container slot in the document (up to a bound), with its JSON pointer. */
function slots(root: unknown): Node[] {
  const out: Node[] = [];
  const stack: { value: unknown; pointer: string }[] = [{ value: root, pointer: "#" }];
  while (stack.length > 0 && out.length < 4000) {
    const { value: v, pointer } = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    for (const [k, child] of Object.entries(v)) {
      const key = Array.isArray(v) ? Number(k) : k;
      const p = `${pointer}/${String(k).replaceAll("~", "~0").replaceAll("/", "~1")}`;
      out.push({ parent: v as Record<string, unknown>, key, pointer: p });
      stack.push({ value: child, pointer: p });
    }
  }
  return out;
}

function mutate(seed: unknown, mutations: Mutation[]): unknown {
  const doc = structuredClone(seed) as Record<string, unknown>;
  let nested = false;
  for (const m of mutations) {
    // One deep nesting per document: around the 1000-level bound, within what JSON.stringify can write.
    if (m.kind === "nest" && nested) continue;
    if (m.kind === "secure") {
      const ops = operations(doc);
      if (ops.length > 0) ops[m.at % ops.length]!.op["x-amazon-apigateway-auth"] = { type: m.spelling };
      continue;
    }
    if (m.kind === "grow") {
      if (!isRecord(doc.paths)) doc.paths = {};
      const paths = doc.paths as Record<string, unknown>;
      for (let i = 0; i < m.paths; i++)
        paths[`/grown${i}`] = { get: { "x-amazon-apigateway-integration": { type: "mock" } } };
      continue;
    }
    const all = slots(doc);
    if (all.length === 0) break;
    const slot = all[m.at % all.length]!;
    const parent = slot.parent as Record<string | number, unknown>;
    const current = parent[slot.key];
    switch (m.kind) {
      case "set":
        if (typeof current === "object" && current !== null && !Array.isArray(current)) {
          Object.defineProperty(current, m.key, {
            value: m.value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        } else parent[slot.key] = m.value;
        break;
      case "delete":
        if (Array.isArray(parent)) parent.splice(slot.key as number, 1);
        else delete parent[slot.key];
        break;
      case "retype":
        parent[slot.key] =
          typeof current === "string"
            ? Number(current.length)
            : Array.isArray(current)
              ? Object.fromEntries(current.map((v, i) => [String(i), v]))
              : typeof current === "object" && current !== null
                ? Object.values(current)
                : String(current);
        break;
      case "ref": {
        // Often an ancestor of the slot: a $ref loop.
        parent[slot.key] = { $ref: all[m.target % all.length]!.pointer };
        break;
      }
      case "nest": {
        nested = true;
        let deep: unknown = current;
        for (let i = 0; i < m.depth; i++) deep = i % 2 === 0 ? [deep] : { n: deep };
        parent[slot.key] = deep;
        break;
      }
    }
  }
  return doc;
}

/** Raw text attacks the document shape cannot express: YAML aliases, bombs, deep flow nesting, broken text. */
const RAW = [
  "openapi: 3.0.1\ninfo: &a { title: x, self: *a }\npaths: {}\n",
  "openapi: 3.0.1\ninfo: { title: x }\npaths: &p\n  /a: { get: { x: *p } }\n",
  `openapi: 3.0.1\ninfo: { title: x }\nx: ${"[".repeat(100_000)}${"]".repeat(100_000)}\npaths: {}\n`,
  `{"openapi":"3.0.1","info":{"title":"x"},"x":${"[".repeat(100_000)}${"]".repeat(100_000)},"paths":{}}`,
  `{"openapi":"3.0.1","info":{"title":"x"},"paths":{"/a":{},"/a":{}}}`,
  `{"openapi":"3.0.1","info":{"title":"x"},"paths":{"/a":{"get":{"x-amazon-apigateway-auth":{"type":"aws_iam"},"x-amazon-apigateway-auth":{"type":"none"}}}}}`,
  "openapi: 3.0.1\ninfo: { title: x }\npaths:\n  /a: {}\n  /a: {}\n",
  "swagger: 2.0\ninfo: { title: x }\npaths: {}\n",
  "swagger: 2\ninfo: { title: x }\npaths: {}\n",
  "openapi: 3.0\ninfo: { title: x }\npaths: {}\n",
  "openapi: !!binary aGVsbG8=\ninfo: { title: x }\n",
  "openapi: 3.0.1\ninfo: { title: !!js/function 'x' }\n",
  "%YAML 1.1\n---\nopenapi: 3.0.1\ninfo: { title: x }\n",
  "--- a\n--- b\n",
  "\uFEFF{}",
  "[]",
  "null",
  "openapi: 3.0.1\ninfo: { title: x }\npaths:\n  ? [a, b]\n  : {}\n",
  "openapi: 3.0.1\ninfo: { title: x }\n<<: { paths: { /a: {} } }\n",
];

const text = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        seed: fc.constantFrom(...SEEDS),
        ops: fc.array(mutation, { maxLength: 6 }),
        yaml: fc.boolean(),
      })
      .map(({ seed, ops, yaml }) => {
        const doc = mutate(seed, ops);
        if (!yaml) return JSON.stringify(doc);
        try {
          return toYaml(doc, { aliasDuplicateObjects: false });
        } catch {
          // Too deep for yaml's recursive writer: JSON is YAML too.
          return JSON.stringify(doc);
        }
      }),
  },
  { weight: 1, arbitrary: fc.constantFrom(...RAW) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...SEEDS), fc.nat(), fc.string({ maxLength: 8 }), fc.nat({ max: 40 }))
      .map(([seed, at, insert, cut]) => {
        const t = toYaml(seed);
        const i = at % (t.length + 1);
        return t.slice(0, i) + insert + t.slice(i + cut);
      }),
  },
);

function assertTyped(err: unknown): void {
  assert.ok(
    err instanceof ControlError,
    `an untyped failure escaped: ${err instanceof Error ? err.stack : String(err)}`,
  );
  assert.ok(["BadRequestException", "LimitExceededException"].includes(err.type), err.type);
  assert.equal(typeof err.message, "string");
  assert.ok(err.message.length > 0);
}

/**
 * What an accepted document must have become: within AWS's resource quota, and every method whose
 * operation asked for IAM with `x-amazon-apigateway-auth` is AWS_IAM (or was not created at all).
 */
function assertNoWeaker(text: string, definition: RestApiDefinition): void {
  assert.ok(Object.keys(definition.resources).length <= AWS_QUOTAS.resourcesPerApi, "over AWS's quota");
  let doc: unknown;
  try {
    doc = parseYaml(text, { uniqueKeys: false, logLevel: "silent", maxAliasCount: 100 });
  } catch {
    return;
  }
  const byPath = new Map(Object.values(definition.resources).map((r) => [r.path, r]));
  for (const { path, verb, op } of operations(doc)) {
    const auth = op["x-amazon-apigateway-auth"];
    if (!isRecord(auth) || typeof auth.type !== "string" || auth.type.toUpperCase() !== "AWS_IAM") continue;
    const normalised = `/${path
      .split("/")
      .filter((p) => p !== "")
      .join("/")}`;
    const method = byPath.get(normalised)?.resourceMethods?.[verb];
    if (method !== undefined)
      assert.equal(method.authorizationType, "AWS_IAM", `${verb} ${path} lost its IAM`);
  }
}

async function snapshot(control: ControlPlane): Promise<string> {
  return JSON.stringify([
    (await control.listRestApis()).map((d) => d.api.id).sort(),
    (await control.listHttpApis()).map((d) => d.api.apiId).sort(),
  ]);
}

describe("OpenAPI import fuzz: random and mutated documents", () => {
  let gw: TestGateway;
  let control: ControlPlane;
  let serving: string;
  before(async () => {
    gw = await startTestGateway();
    control = gw.portico.control;
    serving = await gw.deployRest(SERVING, "prod");
  });
  after(() => gw.close());

  const settings = { ...fuzzParameters(), timeout: 30_000 };

  test("ImportRestApi: imported, or refused with AWS's typed error and nothing stored; the gateway keeps serving", {
    timeout: 600_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(text, async (doc) => {
        const before = await snapshot(control);
        try {
          const { definition } = await importRestApiDocument(control, doc);
          assertNoWeaker(doc, definition);
          try {
            await control.deployRestApi(definition.api.id, { stageName: "fuzz" });
            await gw.call(definition.api.id, "/fuzz/ok");
          } catch (err) {
            assertTyped(err);
          }
          await control.deleteRestApi(definition.api.id);
        } catch (err) {
          assertTyped(err);
          assert.equal(await snapshot(control), before, "a refused import stored nothing");
        }
        assert.equal((await gw.call(serving, "/prod/ping")).status, 200);
      }),
      settings,
    );
  });

  test("PutRestApi overwrite and merge: a refused document leaves the existing API exactly as it was", {
    timeout: 600_000,
  }, async () => {
    const existing = await control.getRestApi(serving);
    await fc.assert(
      fc.asyncProperty(text, fc.boolean(), async (doc, merge) => {
        try {
          await importRestApiDocument(control, doc, { apiId: serving, mustExist: true, merge });
          // Accepted: put the serving API back for the next case.
          await control.putRestApi(structuredClone(existing!));
        } catch (err) {
          assertTyped(err);
          assert.deepEqual(await control.getRestApi(serving), existing);
        }
      }),
      settings,
    );
  });

  test("ImportApi (HTTP APIs): imported, or refused with AWS's typed error and nothing stored", {
    timeout: 600_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(text, async (doc) => {
        const before = await snapshot(control);
        try {
          const { definition } = await importHttpApiDocument(control, doc);
          await control.deleteHttpApi(definition.api.apiId);
        } catch (err) {
          assertTyped(err);
          assert.equal(await snapshot(control), before, "a refused import stored nothing");
        }
      }),
      settings,
    );
  });

  test("over the wire: every refusal is a 4xx in AWS's shape, never a 500", {
    timeout: 600_000,
  }, async () => {
    const client = new APIGatewayClient({ ...adminClientConfig(gw), maxAttempts: 1 });
    try {
      await fc.assert(
        fc.asyncProperty(text, async (doc) => {
          try {
            const api = await client.send(new ImportRestApiCommand({ body: Buffer.from(doc) }));
            await control.deleteRestApi(api.id!);
          } catch (err) {
            const e = err as { name: string; $metadata?: { httpStatusCode?: number }; message: string };
            assert.ok(
              ["BadRequestException", "LimitExceededException"].includes(e.name),
              `${e.name}: ${e.message}`,
            );
            assert.ok((e.$metadata?.httpStatusCode ?? 500) < 500);
          }
        }),
        { ...settings, numRuns: Math.min(settings.numRuns, 40) },
      );
    } finally {
      client.destroy();
    }
  });
});
