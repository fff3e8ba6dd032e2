/** The integration URI API Gateway uses to invoke Lambda function `name` (as written in OpenAPI and PutIntegration). */
export const invocationArn = (name: string, region = "us-east-1", account = "000000000000"): string =>
  `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${region}:${account}:function:${name}/invocations`;
