// The function a CDK app bundles as an asset (what `cdk synth` copies into cdk.out/asset.<hash>/).
exports.handler = async (event) => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ path: event.path, method: event.httpMethod, table: process.env.TABLE_NAME }),
});
