/** $connect: the authorizer has let the client in; its context says who. */
export async function connect(event) {
  console.log("connected", event.requestContext.connectionId, event.requestContext.authorizer?.user);
  return { statusCode: 200 };
}

export async function disconnect(event) {
  console.log("disconnected", event.requestContext.connectionId);
  return { statusCode: 200 };
}

/** The `echo` route is two-way (routeResponseSelectionExpression $default): the body goes back. */
export async function echo(event) {
  const message = JSON.parse(event.body ?? "{}");
  return { statusCode: 200, body: JSON.stringify({ room: process.env.ROOM, echo: message.text ?? null }) };
}

/** GET /rooms over REST (a Lambda proxy integration). */
export async function rooms() {
  return { statusCode: 200, body: JSON.stringify({ rooms: [process.env.ROOM] }) };
}

/** A REQUEST authorizer on $connect: `?token=let-me-in-<user>` is allowed, anything else refused. */
export async function auth(event) {
  const token = event.queryStringParameters?.token ?? "";
  const user = /^let-me-in-([a-z]+)$/.exec(token)?.[1];
  return {
    principalId: user ?? "nobody",
    policyDocument: {
      Version: "2012-10-17",
      Statement: [
        { Action: "execute-api:Invoke", Effect: user ? "Allow" : "Deny", Resource: event.methodArn },
      ],
    },
    context: { user: user ?? "" },
  };
}
