/**
 * A TOKEN authorizer: "Bearer allow-<user>" is allowed, anything else denied (a 403), no header at
 * all is a 401 before the function runs — API Gateway's behaviour.
 */
export async function handler(event) {
  const token = event.authorizationToken ?? "";
  const m = /^Bearer allow-([A-Za-z0-9]+)$/.exec(token);
  return {
    principalId: m ? m[1] : "anonymous",
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: m ? "Allow" : "Deny", Resource: event.methodArn }],
    },
    context: { plan: "example" },
  };
}
