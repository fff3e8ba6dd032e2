/** The demo's WebSocket API, declared in portico.yaml: every message goes to `$default`, whose Lambda function echoes it back. */
export const WS_API_ID = "wsecho0001";
