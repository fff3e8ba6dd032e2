import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { planFromCloudFormation } from "../../src/templates/cfn/plan-template.ts";
import { TemplateError } from "../../src/templates/template-plan.ts";
import { folder, HANDLER, options, res, template } from "./cfn-plan-support.ts";

const FN = "AWS::Lambda::Function";
const fn = (properties: Record<string, unknown>, extra = {}) =>
  template([res("PetsFn", FN, { Handler: "index.handler", Runtime: "nodejs22.x", ...properties }, extra)]);

/** The TemplateError `run` throws, checked to name the function's property and to say `pattern`. */
function refused(run: () => unknown, where: string, pattern: RegExp): void {
  assert.throws(run, (err: unknown) => {
    assert.ok(err instanceof TemplateError, String(err));
    assert.ok(err.path.endsWith(`Resources.PetsFn.${where}`), err.path);
    assert.match(err.message, pattern);
    return true;
  });
}

test("Code as a local folder: the handler under it, with environment, timeout, memory and concurrency", () => {
  const dir = folder({ "src/pets/app.mjs": HANDLER });
  const plan = planFromCloudFormation(
    fn({
      Code: "src/pets",
      Handler: "app.list",
      FunctionName: "pets-list",
      Environment: { Variables: { TABLE: "pets", LIMIT: 10 } },
      Timeout: "30",
      MemorySize: 512,
      ReservedConcurrentExecutions: 2,
      Role: "arn:aws:iam::123456789012:role/pets",
    }),
    options(dir),
  );
  assert.deepEqual(plan.functions, {
    "pets-list": {
      handler: join(dir, "src/pets", "app.list"),
      runtime: "nodejs22.x",
      environment: { TABLE: "pets", LIMIT: "10" },
      timeout: 30,
      memorySize: 512,
      reservedConcurrency: 2,
    },
  });
  assert.deepEqual(plan.warnings, []);
});

test("a handler in a subfolder of the code, and Code naming the handler's file", () => {
  const dir = folder({ "build/lib/pets.ts": HANDLER });
  const nested = planFromCloudFormation(fn({ Code: "build", Handler: "lib/pets.handler" }), options(dir));
  assert.equal(nested.functions.PetsFn!.handler, join(dir, "build", "lib", "pets.handler"));
  const file = planFromCloudFormation(
    fn({ Code: "build/lib/pets.ts", Handler: "pets.handler" }),
    options(dir),
  );
  assert.equal(file.functions.PetsFn!.handler, join(dir, "build", "lib", "pets.handler"));
});

test("S3 code without a local asset is refused: Portico runs local code", () => {
  refused(
    () =>
      planFromCloudFormation(fn({ Code: { S3Bucket: "deploys", S3Key: "pets.zip" } }), options(folder({}))),
    "Properties.Code",
    /PetsFn: Code names S3 \(s3:\/\/deploys\/pets\.zip\); Portico runs local code/,
  );
});

test("CDK's asset metadata wins over the S3 location its Code names", () => {
  const dir = folder({ "asset.abc123/index.cjs": HANDLER });
  const plan = planFromCloudFormation(
    fn(
      { Code: { S3Bucket: "cdk-assets", S3Key: "abc123.zip" } },
      { metadata: { "aws:asset:path": "asset.abc123", "aws:asset:property": "Code" } },
    ),
    options(dir),
  );
  assert.equal(plan.functions.PetsFn!.handler, join(dir, "asset.abc123", "index.handler"));
});

test("a runtime other than Node.js is refused, naming the function", () => {
  refused(
    () => planFromCloudFormation(fn({ Code: ".", Runtime: "python3.12" }), options(folder({}))),
    "Properties.Runtime",
    /PetsFn runs python3\.12; Portico runs Node\.js functions/,
  );
});

test("a missing handler file is refused with the file looked for", () => {
  const dir = folder({ "src/other.js": HANDLER });
  refused(
    () => planFromCloudFormation(fn({ Code: "src" }), options(dir)),
    "Properties.Handler",
    new RegExp(`no handler file ${join(dir, "src", "index").replaceAll(".", "\\.")}\\.\\{js,mjs,cjs,ts\\}`),
  );
  refused(
    () => planFromCloudFormation(fn({ Code: "absent" }), options(dir)),
    "Properties.Code",
    /code folder .*absent does not exist/,
  );
});

test("inline ZipFile source, a zip archive and container images are refused", () => {
  const dir = folder({ "pets.zip": "PK" });
  refused(
    () => planFromCloudFormation(fn({ Code: { ZipFile: "exports.handler = async () => 1" } }), options(dir)),
    "Properties.Code.ZipFile",
    /inline source/,
  );
  refused(() => planFromCloudFormation(fn({ Code: "pets.zip" }), options(dir)), "Properties.Code", /archive/);
  refused(
    () => planFromCloudFormation(fn({ Code: { ImageUri: "123.dkr.ecr/pets:1" } }), options(dir)),
    "Properties.Code.ImageUri",
    /container image/,
  );
});

test("Layers and an out-of-range concurrency are notices, not silently dropped", () => {
  const dir = folder({ "index.js": HANDLER });
  const plan = planFromCloudFormation(
    fn({ Code: ".", Layers: ["arn:aws:lambda:eu-west-1:1:layer:x:1"], ReservedConcurrentExecutions: 0 }),
    options(dir),
  );
  assert.equal(plan.functions.PetsFn!.reservedConcurrency, undefined);
  assert.deepEqual(
    plan.warnings.map((w) => w.path),
    ["Resources.PetsFn.Properties.Layers", "Resources.PetsFn.Properties.ReservedConcurrentExecutions"],
  );
});

test("two functions with one FunctionName are refused: their ARNs would be the same", () => {
  const dir = folder({ "index.js": HANDLER });
  const one = { Code: ".", Handler: "index.handler", FunctionName: "same" };
  const t = template([res("PetsFn", FN, one), res("OtherFn", FN, one)]);
  assert.throws(
    () => planFromCloudFormation(t, options(dir)),
    /Resources\.OtherFn\.Properties\.FunctionName: two functions of the template are named same/,
  );
});
