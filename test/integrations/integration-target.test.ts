import assert from "node:assert/strict";
import { test } from "node:test";
import { authorizerUriProblem, integrationTargetProblem } from "../../src/integrations/integration-target.ts";

// AWS refuses an ARN whose region is not a region: a typo (serverless-express issue #169: "Invalid ARN
// specified in the request" until the region name was fixed), or a placeholder left unrendered
// (terraform-provider-aws PR #1757: `arn:aws:apigateway:region:lambda:…` → "Invalid Authorizer URI").

const LAMBDA = (region: string) =>
  `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:f/invocations`;

test("an integration ARN's region must be a region", () => {
  for (const region of ["us-east-1", "eu-north-1", "us-gov-west-1", "cn-north-1", "ap-southeast-3"])
    assert.equal(integrationTargetProblem("AWS_PROXY", "POST", LAMBDA(region)), undefined, region);
  for (const region of ["${region}", "region", "", "US-EAST-1", "us-east", "*"])
    assert.equal(
      integrationTargetProblem("AWS", "POST", `arn:aws:apigateway:${region}:states:action/StartExecution`),
      "Invalid ARN specified in the request",
      region,
    );
  assert.equal(
    integrationTargetProblem("AWS_PROXY", "POST", LAMBDA("${region}")),
    "Invalid ARN specified in the request",
  );
  // The path or action is checked first: a role's ARN, which has no region, lacks it.
  assert.equal(
    integrationTargetProblem("AWS", "POST", "arn:aws:iam::0000000000:role/service-role/asdf"),
    "AWS ARN for integration must contain path or action",
  );
});

test("a Lambda authorizer's URI is an API Gateway invocation ARN in a region", () => {
  assert.equal(authorizerUriProblem(LAMBDA("eu-west-2")), undefined);
  assert.equal(authorizerUriProblem(LAMBDA("${region}")), "Invalid Authorizer URI specified");
  assert.equal(authorizerUriProblem(LAMBDA("region")), "Invalid Authorizer URI specified");
  assert.equal(
    authorizerUriProblem("arn:aws:lambda:us-east-1:000000000000:function:f"),
    "Invalid Authorizer URI specified",
  );
  assert.equal(authorizerUriProblem(undefined), "Invalid Authorizer URI specified");
});
