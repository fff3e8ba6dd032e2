import type { ApiKeyIndex } from "../auth/api-key-index.ts";
import type { Networks } from "../auth/policy/networks.ts";
import type { FunctionLookup } from "../functions/function-registry.ts";
import type { IamAuthority } from "../gateway/context.ts";
import type { ServiceEndpoints } from "../integrations/service-endpoints.ts";
import type { Upstreams } from "../integrations/upstreams.ts";
import type { Bucket, TrafficBackend } from "../traffic/traffic-backend.ts";

/** What compiling a deployment (its routes, steps and integrations) needs from the running gateway. */
export interface CompileDeps {
  readonly upstreams: Upstreams;
  readonly functions: FunctionLookup | undefined;
  readonly accountId: string;
  readonly region?: string;
  /** The config's named networks, for aws:SourceVpc / aws:SourceVpce in resource policies. */
  readonly networks?: Networks;
  /** Credentials for IAM-authorized routes. */
  readonly iam?: IamAuthority;
  /** API keys for `apiKeyRequired` methods (kept current by the control plane). */
  readonly apiKeys?: ApiKeyIndex;
  /** Throttling buckets, quotas and the response cache: in-process or on Redis. */
  readonly traffic?: TrafficBackend;
  /** The account-level token bucket (AWS: 10,000 rps, burst 5,000 per region), shared by every API. */
  readonly accountBucket?: Bucket;
  /**
   * Told when a compiled stage has access or execution logging: the log writers subscribe to finished
   * requests from then on, so a gateway that logs none pays nothing for them.
   */
  readonly loggingWanted?: () => void;
  /** The AWS services that service integrations call (`services:`); absent: none configured. */
  readonly services?: ServiceEndpoints;
  /** A deploy-time warning for the operational log (a route that cannot work as configured). */
  readonly warn?: (fields: Record<string, unknown>, message: string) => void;
}
