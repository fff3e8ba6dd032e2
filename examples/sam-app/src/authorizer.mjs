/**
 * A TOKEN authorizer: "Bearer allow-<user>" is allowed, anything else denied (a 403), no header at
 * all is a 401 before the function runs — API Gateway's behaviour. The policy covers every method of
 * the stage (arn:…:{api}/{stage}/*), not just the one called: API Gateway caches it by token
 * (ReauthorizeEvery) and checks the next call to any method against the cached policy.
 */
export async function handler(event) {
  const token = event.authorizationToken ?? "";
  const m = /^Bearer allow-([A-Za-z0-9]+)$/.exec(token);
  const stageArn = event.methodArn.split("/").slice(0, 2).join("/");
  return {
    principalId: m ? m[1] : "anonymous",
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: m ? "Allow" : "Deny", Resource: `${stageArn}/*` }],
    },
    context: { plan: "example" },
  };
}
