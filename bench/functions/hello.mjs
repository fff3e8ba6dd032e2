// The benchmark's function: small, JSON in and out, like most API handlers.
export const handler = async (event) => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ hello: event.pathParameters?.name ?? "world" }),
});
