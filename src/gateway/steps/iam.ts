import type { StoredPrincipal } from "../../auth/iam/credential-store.ts";
import { sha256Hex } from "../../auth/sigv4/canonical-request.ts";
import { verifySigV4 } from "../../auth/sigv4/verify-request.ts";
import { readBody } from "../../http/request-body.ts";
import type { IamAuthority, RequestContext, Step } from "../context.ts";
import { bodyReadFailure, configurationFailure, failWith } from "../failure.ts";
import type { GatewayResponse } from "../responses/catalogue.ts";
import { renderRefusal } from "../responses/catalogue.ts";
import { gatewayResponseFor } from "../responses/errors.ts";

/**
 * IAM authorization (`AWS_IAM` methods): SigV4 with service `execute-api` over the body as received,
 * then AWS's evaluation — an explicit deny in the identity or resource policy wins; otherwise, in
 * the API's own account, either policy's allow suffices (the account root always has one); across
 * accounts both must allow.
 */
export type AuthorizedPrincipal = StoredPrincipal | undefined;

export async function authenticateIam(
  ctx: RequestContext,
  iam: IamAuthority,
): Promise<{ ok: true; principal: StoredPrincipal } | { ok: false; response: GatewayResponse }> {
  let body: Buffer;
  try {
    body = await readBody(ctx.req);
  } catch (err) {
    failWith(ctx, bodyReadFailure(err));
    return { ok: false, response: ctx.stage.responses[gatewayResponseFor(err)] };
  }
  const verified = verifySigV4(
    {
      method: ctx.req.method ?? "GET",
      rawPath: ctx.req.url ?? "/",
      headers: ctx.req.headers,
      bodySha256Hex: sha256Hex(body),
    },
    { service: "execute-api", region: iam.region, lookup: iam.credentials.lookup },
  );
  if (verified.ok) return { ok: true, principal: verified.credential };
  const { error } = verified;
  return {
    ok: false,
    response: renderRefusal(ctx.stage.responses, {
      type: error.gatewayResponseType,
      message: error.message,
      errorType: error.type,
      statusCode: error.status,
    }),
  };
}

/** AWS_IAM methods: the caller must sign; who it is (`ctx.caller`) is what the policy step evaluates. */
export const iamStep: Step = {
  name: "iam",
  async run(ctx, trace) {
    const { stage } = ctx;
    if (stage.iam === undefined) {
      failWith(
        ctx,
        configurationFailure("AWS_IAM methods need the gateway's credentials, which this stage has none of"),
      );
      return stage.responses.API_CONFIGURATION_ERROR;
    }
    const authenticated = await authenticateIam(ctx, stage.iam);
    if (!authenticated.ok) {
      trace?.push(
        `IAM: refused (${authenticated.response.errorType}): ${JSON.parse(authenticated.response.body).message}`,
      );
      return authenticated.response;
    }
    ctx.caller = authenticated.principal;
    const session = ctx.caller.session;
    trace?.push(
      `IAM: signature verified for ${ctx.caller.principal.arn}${
        session === undefined
          ? ""
          : ` (temporary credentials of ${session.roleArn}${session.policy === undefined ? "" : ", with a session policy"})`
      }`,
    );
    return undefined;
  },
};
