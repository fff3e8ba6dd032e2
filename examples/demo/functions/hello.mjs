// A Lambda handler exactly as it would be deployed to AWS (Node.js runtime, proxy integration).
export const handler = async (event, context) => {
  const name = event.queryStringParameters?.name ?? "world";
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      message: `Hello, ${name}!`,
      requestId: context.awsRequestId,
      function: context.functionName,
      payloadVersion: event.version ?? "1.0",
    }),
  };
};
