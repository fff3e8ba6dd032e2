import assert from "node:assert/strict";
import { test } from "node:test";
import { importHint, templatePlaceholders } from "../../src/openapi/template-placeholders.ts";

test("Terraform ${name} placeholders are found once each, in order; stage variables and pseudo parameters are not", () => {
  const text = `uri: "arn:aws:apigateway:\${region}:lambda:path/…/\${lambda_arn}/invocations"
region2: \${region}
sv: \${stageVariables.fn}
cfn: \${AWS::Region}
vtl: $input.params('id')`;
  assert.deepEqual(templatePlaceholders(text), ["${region}", "${lambda_arn}"]);
  assert.match(
    importHint(text)!,
    /template placeholders \(\$\{region\}, \$\{lambda_arn\}\).*Terraform templatefile.*render it first/,
  );
  assert.equal(importHint("uri: arn:aws:apigateway:us-east-1:lambda:path/${stageVariables.fn}"), undefined);
  assert.equal(importHint('{"swagger": "2.0", "paths": {}}'), undefined);
});

test("a document with CloudFormation intrinsics is named as a template's part, long or short form", () => {
  assert.match(
    importHint('uri:\n  Fn::Sub: "arn:aws:apigateway:${AWS::Region}:…"')!,
    /\(Fn::Sub\).*run the template/,
  );
  assert.match(importHint('{"QueueUrl": {"Ref": "MyQueue"}}')!, /\(Ref\)/);
  assert.match(importHint("uri: !Sub arn:aws:apigateway:${AWS::Region}:…")!, /\(!Sub\)/);
});
