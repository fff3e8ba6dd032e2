import { createHash } from "node:crypto";

/**
 * What `Ref` and `Fn::GetAtt` give for a resource, by type, as CloudFormation documents each
 * resource's return values. Ids are derived from the stack and the logical id, so the same
 * template gives the same API ids on every start (a restart updates an API instead of copying it),
 * on every node of a cluster.
 */
export interface StackFacts {
  stackName: string;
  region: string;
  accountId: string;
}

export interface ResourceFacts {
  logicalId: string;
  type: string;
  /** Its properties, resolved as far as they are (names given in the template win over derived ones). */
  properties: Record<string, unknown>;
}

/** Lower-case letters and digits, `length` long, from `seed` (API Gateway's id alphabet). */
export function derivedId(seed: string, length: number): string {
  const hash = createHash("sha256").update(seed).digest();
  let out = "";
  for (let i = 0; out.length < length; i++) out += (hash[i % hash.length]! % 36).toString(36);
  return out;
}

const id = (s: StackFacts, r: ResourceFacts, length: number): string =>
  derivedId(`${s.stackName}\0${r.logicalId}`, length);

/** A name the template gives (`FunctionName`, `QueueName`, …) or one derived as CloudFormation does. */
function named(s: StackFacts, r: ResourceFacts, property: string, lower = false): string {
  const given = r.properties[property];
  if (typeof given === "string" && given !== "") return given;
  const derived = `${s.stackName}-${r.logicalId}`;
  return lower ? derived.toLowerCase() : derived;
}

/** `Ref` of a resource. */
export function refOf(s: StackFacts, r: ResourceFacts): string {
  const { region, accountId } = s;
  switch (r.type) {
    case "AWS::ApiGateway::RestApi":
    case "AWS::ApiGatewayV2::Api":
    case "AWS::ApiGateway::ApiKey":
      return id(s, r, 10);
    case "AWS::ApiGateway::Stage":
    case "AWS::ApiGatewayV2::Stage":
      return String(r.properties.StageName ?? r.logicalId);
    case "AWS::ApiGateway::Model":
    case "AWS::ApiGatewayV2::Model":
      return String(r.properties.Name ?? r.logicalId);
    case "AWS::ApiGateway::DomainName":
    case "AWS::ApiGatewayV2::DomainName":
      return String(r.properties.DomainName ?? r.logicalId);
    case "AWS::Lambda::Function":
      // Names integration URIs use to find the function: the logical id when no FunctionName is given.
      return typeof r.properties.FunctionName === "string" ? r.properties.FunctionName : r.logicalId;
    case "AWS::SQS::Queue":
      return `https://sqs.${region}.amazonaws.com/${accountId}/${named(s, r, "QueueName")}`;
    case "AWS::SNS::Topic":
      return `arn:aws:sns:${region}:${accountId}:${named(s, r, "TopicName")}`;
    case "AWS::StepFunctions::StateMachine":
      return `arn:aws:states:${region}:${accountId}:stateMachine:${named(s, r, "StateMachineName")}`;
    case "AWS::S3::Bucket":
      return named(s, r, "BucketName", true);
    case "AWS::DynamoDB::Table":
      return named(s, r, "TableName");
    case "AWS::Kinesis::Stream":
      return named(s, r, "Name");
    case "AWS::Events::EventBus":
      return named(s, r, "Name");
    case "AWS::IAM::Role":
      return named(s, r, "RoleName");
    case "AWS::Cognito::UserPool":
      return `${region}_${id(s, r, 9)}`;
    case "AWS::Cognito::UserPoolClient":
      return id(s, r, 26);
    case "AWS::Logs::LogGroup":
      return named(s, r, "LogGroupName");
    default:
      return r.type.startsWith("AWS::ApiGateway") ? id(s, r, 6) : r.logicalId;
  }
}

/** `Fn::GetAtt` of a resource; undefined when Portico does not know the attribute. */
export function attributeOf(s: StackFacts, r: ResourceFacts, attribute: string): string | undefined {
  const { region, accountId } = s;
  const ref = refOf(s, r);
  switch (`${r.type}.${attribute}`) {
    case "AWS::ApiGateway::RestApi.RootResourceId":
      return derivedId(`${s.stackName}\0${r.logicalId}\0/`, 10);
    case "AWS::ApiGatewayV2::Api.ApiId":
      return ref;
    case "AWS::ApiGatewayV2::Api.ApiEndpoint":
      return `https://${ref}.execute-api.${region}.amazonaws.com`;
    case "AWS::ApiGateway::ApiKey.APIKeyId":
      return ref;
    case "AWS::Lambda::Function.Arn":
      return `arn:aws:lambda:${region}:${accountId}:function:${ref}`;
    case "AWS::SQS::Queue.Arn":
      return `arn:aws:sqs:${region}:${accountId}:${named(s, r, "QueueName")}`;
    case "AWS::SQS::Queue.QueueName":
      return named(s, r, "QueueName");
    case "AWS::SQS::Queue.QueueUrl":
      return ref;
    case "AWS::SNS::Topic.TopicArn":
      return ref;
    case "AWS::SNS::Topic.TopicName":
      return named(s, r, "TopicName");
    case "AWS::StepFunctions::StateMachine.Arn":
      return ref;
    case "AWS::StepFunctions::StateMachine.Name":
      return named(s, r, "StateMachineName");
    case "AWS::S3::Bucket.Arn":
      return `arn:aws:s3:::${ref}`;
    case "AWS::DynamoDB::Table.Arn":
      return `arn:aws:dynamodb:${region}:${accountId}:table/${ref}`;
    case "AWS::Kinesis::Stream.Arn":
      return `arn:aws:kinesis:${region}:${accountId}:stream/${ref}`;
    case "AWS::Events::EventBus.Arn":
      return `arn:aws:events:${region}:${accountId}:event-bus/${ref}`;
    case "AWS::Events::EventBus.Name":
      return ref;
    case "AWS::IAM::Role.Arn":
      return `arn:aws:iam::${accountId}:role/${ref}`;
    case "AWS::Cognito::UserPool.Arn":
      return `arn:aws:cognito-idp:${region}:${accountId}:userpool/${ref}`;
    case "AWS::Cognito::UserPool.UserPoolId":
      return ref;
    case "AWS::Cognito::UserPool.ProviderName":
      return `cognito-idp.${region}.amazonaws.com/${ref}`;
    case "AWS::Cognito::UserPool.ProviderURL":
      return `https://cognito-idp.${region}.amazonaws.com/${ref}`;
    case "AWS::Cognito::UserPoolClient.ClientId":
      return ref;
    case "AWS::Logs::LogGroup.Arn":
      return `arn:aws:logs:${region}:${accountId}:log-group:${ref}:*`;
    default:
      return undefined;
  }
}
