import type { PlanContext } from "./plan-context.ts";

/** Types the planners read (each through the resource it belongs to). */
const PLANNED = new Set([
  "AWS::ApiGateway::RestApi",
  "AWS::ApiGateway::Resource",
  "AWS::ApiGateway::Method",
  "AWS::ApiGateway::Authorizer",
  "AWS::ApiGateway::RequestValidator",
  "AWS::ApiGateway::Model",
  "AWS::ApiGateway::GatewayResponse",
  "AWS::ApiGateway::Deployment",
  "AWS::ApiGateway::Stage",
  "AWS::ApiGateway::ApiKey",
  "AWS::ApiGateway::UsagePlan",
  "AWS::ApiGateway::UsagePlanKey",
  "AWS::ApiGateway::DomainName",
  "AWS::ApiGateway::BasePathMapping",
  "AWS::ApiGatewayV2::DomainName",
  "AWS::ApiGatewayV2::ApiMapping",
  "AWS::ApiGatewayV2::Api",
  "AWS::ApiGatewayV2::Route",
  "AWS::ApiGatewayV2::Integration",
  "AWS::ApiGatewayV2::Authorizer",
  "AWS::ApiGatewayV2::Stage",
  "AWS::ApiGatewayV2::Model",
  "AWS::ApiGatewayV2::RouteResponse",
  "AWS::ApiGatewayV2::IntegrationResponse",
  // Portico deploys every planned stage itself.
  "AWS::ApiGatewayV2::Deployment",
  "AWS::Lambda::Function",
]);

/** They grant or record; nothing in them for Portico to run. */
const SILENT = new Set([
  "AWS::Lambda::Permission",
  "AWS::IAM::Role",
  "AWS::IAM::Policy",
  "AWS::Logs::LogGroup",
  "AWS::CDK::Metadata",
]);

/** Backends an integration may call as an AWS service: Portico reaches them through `services:`. */
const SERVICES = new Set([
  "AWS::SQS::Queue",
  "AWS::DynamoDB::Table",
  "AWS::S3::Bucket",
  "AWS::Kinesis::Stream",
  "AWS::SNS::Topic",
  "AWS::StepFunctions::StateMachine",
  "AWS::Events::EventBus",
]);

/** One notice for each resource of a type Portico does not create. */
export function unsupportedResourceNotices(ctx: PlanContext): void {
  for (const r of ctx.resources) {
    if (PLANNED.has(r.type) || SILENT.has(r.type)) continue;
    const why = SERVICES.has(r.type)
      ? "integrations that use it need a `services:` endpoint for it"
      : "Portico creates API Gateway APIs and Lambda functions only";
    ctx.notice(r, "Type", `${r.type} ${r.logicalId} is not created: ${why}`);
  }
}
