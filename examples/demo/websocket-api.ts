import type { Portico } from "../../src/portico.ts";

/** The demo's WebSocket API: every message goes to `$default`, whose Lambda function echoes it back. */
export const WS_API_ID = "wsecho0001";

export async function declareWebSocketDemo(portico: Portico, region: string): Promise<void> {
  const arn = `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${region}:000000000000:function:wsecho/invocations`;
  await portico.control.putHttpApi({
    api: {
      apiId: WS_API_ID,
      name: "WsEcho",
      protocolType: "WEBSOCKET",
      routeSelectionExpression: "$request.body.action",
      apiKeySelectionExpression: "$request.header.x-api-key",
      apiEndpoint: `wss://${WS_API_ID}.execute-api.${region}.amazonaws.com`,
      createdDate: Date.now(),
      disableExecuteApiEndpoint: false,
    },
    routes: {
      echoroute: {
        routeId: "echoroute",
        routeKey: "$default",
        target: "integrations/echointeg",
        authorizationType: "NONE",
        apiKeyRequired: false,
        routeResponseSelectionExpression: "$default",
      },
    },
    integrations: {
      echointeg: {
        integrationId: "echointeg",
        integrationType: "AWS_PROXY",
        integrationUri: arn,
        payloadFormatVersion: "1.0",
        timeoutInMillis: 29_000,
      },
    },
    routeResponses: {
      echoroute: { echoresp: { routeResponseId: "echoresp", routeResponseKey: "$default" } },
    },
  });
  if ((await portico.control.getHttpStage(WS_API_ID, "prod")) === undefined)
    await portico.control.deployHttpApi(WS_API_ID, { stageName: "prod", autoDeploy: true });
}
