import { createHash } from "node:crypto";

export interface StackSettings {
  region: string;
  accountId: string;
  stackName: string;
}

/** The partition and domain of a region, as ARNs and endpoints spell them there. */
function partitionOf(region: string): { partition: string; urlSuffix: string } {
  if (region.startsWith("cn-")) return { partition: "aws-cn", urlSuffix: "amazonaws.com.cn" };
  if (region.startsWith("us-gov-")) return { partition: "aws-us-gov", urlSuffix: "amazonaws.com" };
  return { partition: "aws", urlSuffix: "amazonaws.com" };
}

/** A UUID-shaped suffix from the stack's identity: the same stack id on every start, on every node. */
function stableUuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** CloudFormation's pseudo parameters but AWS::NoValue (which is not a value but an absence). */
export function pseudoParameters(stack: StackSettings): Map<string, string | string[]> {
  const { region, accountId, stackName } = stack;
  const { partition, urlSuffix } = partitionOf(region);
  const uuid = stableUuid(`${accountId}\0${region}\0${stackName}`);
  return new Map<string, string | string[]>([
    ["AWS::AccountId", accountId],
    ["AWS::NotificationARNs", []],
    ["AWS::Partition", partition],
    ["AWS::Region", region],
    ["AWS::StackId", `arn:${partition}:cloudformation:${region}:${accountId}:stack/${stackName}/${uuid}`],
    ["AWS::StackName", stackName],
    ["AWS::URLSuffix", urlSuffix],
  ]);
}
