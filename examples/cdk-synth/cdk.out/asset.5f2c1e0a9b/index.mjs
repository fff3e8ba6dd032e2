// The function a CDK app ships as an asset (`lambda.Code.fromAsset`), as `cdk synth` copies it into
// cdk.out/asset.<hash>/. An ES module (.mjs), as Lambda's Node.js runtimes load it.
export const handler = async (event) => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ path: event.path, method: event.httpMethod, table: process.env.TABLE_NAME }),
});
