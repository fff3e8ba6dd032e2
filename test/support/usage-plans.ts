import {
  type APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  type QuotaSettings,
} from "@aws-sdk/client-api-gateway";
import { clearOfPeriodEnd } from "./quota-clock.ts";

/**
 * A usage plan for one API stage with a quota, and a fresh enabled key in it, through the SDK;
 * made far enough from the quota period's end for the test to run inside one period.
 */
export async function keyWithQuota(
  client: APIGatewayClient,
  options: { name: string; apiId: string; stage: string; quota: QuotaSettings },
): Promise<{ planId: string; keyId: string; headers: Record<string, string> }> {
  await clearOfPeriodEnd({
    period: options.quota.period as "DAY" | "WEEK" | "MONTH",
    offset: options.quota.offset,
  });
  const plan = await client.send(
    new CreateUsagePlanCommand({
      name: options.name,
      apiStages: [{ apiId: options.apiId, stage: options.stage }],
      quota: options.quota,
    }),
  );
  const key = await client.send(new CreateApiKeyCommand({ name: `${options.name}-key`, enabled: true }));
  await client.send(
    new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY" }),
  );
  return { planId: plan.id!, keyId: key.id!, headers: { "x-api-key": key.value! } };
}
