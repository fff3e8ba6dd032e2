import type { StoredPrincipal } from "../../auth/iam/credential-store.ts";
import type { RequestContext, Step } from "../context.ts";
import { authenticateIam } from "./iam.ts";

/** Whether a request carries a SigV4 signature (header or presigned query) for the endpoint policy to read. */
function signed(ctx: RequestContext): boolean {
  const authorization = ctx.req.headers.authorization;
  if (typeof authorization === "string" && authorization.trimStart().startsWith("AWS4-HMAC-SHA256 "))
    return true;
  return /(?:^|&)X-Amz-Algorithm=/i.test(ctx.rawQuery);
}

/**
 * A private API's request through a VPC endpoint with an endpoint policy: that policy must allow it
 * before the API's own authorization is considered (AWS evaluates the endpoint policy first). Who asks
 * is read from the Authorization header as AWS documents it: the IAM caller on AWS_IAM methods
 * (verified by the step before), the signer on NONE methods that carry a SigV4 signature (which must
 * then verify), and anonymous otherwise (Lambda and Cognito authorizers' tokens are not identities).
 */
export const endpointPolicyStep: Step = {
  name: "endpoint-policy",
  run(ctx, trace) {
    const explain = trace && ((line: string) => trace.push(line));
    const { stage } = ctx;
    if (stage.access === undefined) return undefined;
    const type = ctx.route.authorizationType ?? "NONE";
    if (ctx.caller !== undefined || type !== "NONE" || stage.iam === undefined || !signed(ctx)) {
      return stage.access(ctx, ctx.caller, "endpoint", undefined, explain);
    }
    const vpce =
      ctx.sourceVpce ?? stage.privateEndpoint?.networks?.contextFor(ctx.clientIp)["aws:SourceVpce"];
    const policy = vpce === undefined ? undefined : stage.privateEndpoint?.networks?.endpoint(vpce)?.policy;
    // With the default full-access policy the header is not evaluated at all.
    if (policy === undefined) return stage.access(ctx, undefined, "endpoint", undefined, explain);
    return authenticateIam(ctx, stage.iam).then((authenticated) => {
      if (!authenticated.ok) {
        trace?.push(`Endpoint policy of ${vpce}: the request's signature does not verify`);
        return authenticated.response;
      }
      const signer: StoredPrincipal = authenticated.principal;
      return stage.access!(ctx, signer, "endpoint", undefined, explain);
    });
  },
};
