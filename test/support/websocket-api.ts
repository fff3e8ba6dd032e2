import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateAuthorizerCommand,
  CreateIntegrationCommand,
  type CreateIntegrationCommandInput,
  CreateIntegrationResponseCommand,
  type CreateIntegrationResponseCommandInput,
  CreateRouteCommand,
  CreateRouteResponseCommand,
  CreateStageCommand,
} from "@aws-sdk/client-apigatewayv2";
import WebSocket from "ws";
import { adminClientConfig, type TestGateway } from "./gateway.ts";
import { invocationArn } from "./lambda-arn.ts";

/** An integration as CreateIntegration takes it, with the integration responses to create for it. */
export interface WsIntegrationSpec {
  create: Omit<CreateIntegrationCommandInput, "ApiId">;
  responses?: Omit<CreateIntegrationResponseCommandInput, "ApiId" | "IntegrationId">[];
}

export interface WsRouteSpec {
  /** `$connect`, `$disconnect`, `$default` or a custom key. */
  key: string;
  /** A Lambda function's name (AWS_PROXY), MOCK, or any integration with its integration responses. */
  integration: { lambda: string } | "MOCK" | WsIntegrationSpec;
  /** Adds a `$default` route response: the integration's answer goes back to the client. */
  twoWay?: boolean;
  authorizationType?: "AWS_IAM" | "CUSTOM";
  apiKeyRequired?: boolean;
}

/**
 * Builds and deploys a WebSocket API through the real apigatewayv2 SDK, as a user would: the API, one
 * integration per route (with its integration responses), the routes (with route responses where two-way), an optional REQUEST
 * authorizer for a CUSTOM `$connect`, and an auto-deploy `prod` stage. Returns the API id.
 */
export async function deployWebSocketApi(
  gw: TestGateway,
  routes: readonly WsRouteSpec[],
  options: {
    name?: string;
    authorizer?: { lambda: string; identitySource: string[] };
    apiKeySelectionExpression?: string;
  } = {},
): Promise<string> {
  const v2 = new ApiGatewayV2Client(adminClientConfig(gw));
  try {
    const apiId = (
      await v2.send(
        new CreateApiCommand({
          Name: options.name ?? "ws",
          ProtocolType: "WEBSOCKET",
          RouteSelectionExpression: "$request.body.action",
          ...(options.apiKeySelectionExpression === undefined
            ? {}
            : { ApiKeySelectionExpression: options.apiKeySelectionExpression }),
        }),
      )
    ).ApiId!;
    const authorizerId =
      options.authorizer === undefined
        ? undefined
        : (
            await v2.send(
              new CreateAuthorizerCommand({
                ApiId: apiId,
                Name: "authorizer",
                AuthorizerType: "REQUEST",
                IdentitySource: options.authorizer.identitySource,
                AuthorizerUri: invocationArn(options.authorizer.lambda),
              }),
            )
          ).AuthorizerId;
    for (const spec of routes) {
      const integration = await v2.send(
        new CreateIntegrationCommand(
          spec.integration === "MOCK"
            ? { ApiId: apiId, IntegrationType: "MOCK" }
            : "lambda" in spec.integration
              ? {
                  ApiId: apiId,
                  IntegrationType: "AWS_PROXY",
                  IntegrationUri: invocationArn(spec.integration.lambda),
                }
              : { ...spec.integration.create, ApiId: apiId },
        ),
      );
      if (typeof spec.integration === "object" && "create" in spec.integration)
        for (const response of spec.integration.responses ?? [])
          await v2.send(
            new CreateIntegrationResponseCommand({
              ...response,
              ApiId: apiId,
              IntegrationId: integration.IntegrationId!,
            }),
          );
      const route = await v2.send(
        new CreateRouteCommand({
          ApiId: apiId,
          RouteKey: spec.key,
          Target: `integrations/${integration.IntegrationId}`,
          ...(spec.twoWay ? { RouteResponseSelectionExpression: "$default" } : {}),
          ...(spec.authorizationType === undefined ? {} : { AuthorizationType: spec.authorizationType }),
          ...(spec.authorizationType === "CUSTOM" ? { AuthorizerId: authorizerId } : {}),
          ...(spec.apiKeyRequired ? { ApiKeyRequired: true } : {}),
        }),
      );
      if (spec.twoWay)
        await v2.send(
          new CreateRouteResponseCommand({
            ApiId: apiId,
            RouteId: route.RouteId!,
            RouteResponseKey: "$default",
          }),
        );
    }
    await v2.send(new CreateStageCommand({ ApiId: apiId, StageName: "prod", AutoDeploy: true }));
    return apiId;
  } finally {
    v2.destroy();
  }
}

/** Opens a client on the API's `prod` stage by Host header; rejects with the refusal's status. */
export function openWebSocket(gw: TestGateway, apiId: string, query = ""): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/prod${query}`, {
      headers: { host: `${apiId}.execute-api.us-east-1.localhost` },
    });
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

/** Waits until `check` holds; the test's own timeout bounds the wait (no threshold of ours). */
export async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 10));
}
