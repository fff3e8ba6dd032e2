// A WebSocket route's Lambda handler as deployed to AWS: it answers the sender (the route has a
// route response), so the gateway sends the body back on the same connection.
export const handler = async (event) => ({
  statusCode: 200,
  body: JSON.stringify({
    echo: event.body,
    connectionId: event.requestContext.connectionId,
    routeKey: event.requestContext.routeKey,
  }),
});
