import type { Step } from "../context.ts";
import { type Refusal, renderRefusal } from "../responses/catalogue.ts";

/** What a PRIVATE API answers to traffic that did not come through one of its VPC endpoints. */
const PRIVATE_FORBIDDEN: Refusal = {
  type: "ACCESS_DENIED",
  message: "Forbidden",
  errorType: "ForbiddenException",
};

/**
 * PRIVATE endpoint APIs: only traffic from a configured VPC endpoint network, and never without a
 * resource policy (AWS requires one on private APIs).
 */
export const privateEndpointStep: Step = {
  name: "private-endpoint",
  run(ctx, trace) {
    const { stage } = ctx;
    const endpoint = stage.privateEndpoint;
    if (endpoint === undefined) return undefined;
    const vpce = ctx.sourceVpce ?? endpoint.networks?.contextFor(ctx.clientIp)["aws:SourceVpce"];
    if (vpce === undefined) {
      trace?.push(`Private endpoint: ${ctx.clientIp} is not in any configured VPC endpoint network`);
      return renderRefusal(stage.responses, PRIVATE_FORBIDDEN);
    }
    if (!stage.hasPolicy) {
      trace?.push("Private endpoint: the API has no resource policy, so every call is denied");
      return renderRefusal(stage.responses, PRIVATE_FORBIDDEN);
    }
    trace?.push(`Private endpoint: via ${vpce}`);
    return undefined;
  },
};
