import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { APIGatewayClient, UpdateStageCommand } from "@aws-sdk/client-api-gateway";
import { porticoArgs } from "./harness.ts";
import { type Server, startServer } from "./processes.ts";
import type { LoadRequest } from "./wrk.ts";

/**
 * The one Portico `npm run bench` measures, serving three APIs from its config file:
 *   - REST `benchrest1`, stage prod: `GET /pets/{id}` HTTP_PROXY, `GET /mock` MOCK and
 *     `GET /hello/{name}` AWS_PROXY (payload 1.0);
 *   - REST `benchcach1`, stage prod with the stage cache on: `GET /cached` HTTP_PROXY, answered
 *     from the cache after the first request;
 *   - HTTP `benchhttp1`, stage $default: `GET /hello/{name}` AWS_PROXY (payload 2.0).
 * All REGIONAL (an EDGE API adds CloudFront's headers, which the bare servers would not send).
 */
const REST = "benchrest1";
const CACHE = "benchcach1";
const HTTP = "benchhttp1";
const hostOf = (id: string) => `${id}.execute-api.us-east-1.localhost`;
const ARN =
  "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:hello/invocations";

const restDocument = (backend: string) => `openapi: "3.0.1"
info: { title: BenchRest, version: "1" }
x-amazon-apigateway-endpoint-configuration: { types: [REGIONAL] }
paths:
  /pets/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "${backend}/pets/{id}"
        requestParameters: { integration.request.path.id: method.request.path.id }
  /mock:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"hello":"bench"}' } } }
  /hello/{name}:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${ARN}" }
`;

const cacheDocument = (backend: string) => `openapi: "3.0.1"
info: { title: BenchCache, version: "1" }
x-amazon-apigateway-endpoint-configuration: { types: [REGIONAL] }
paths:
  /cached:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/pets/1" }
`;

const httpDocument = `openapi: "3.0.1"
info: { title: BenchHttp, version: "1" }
paths:
  /hello/{name}:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${ARN}", payloadFormatVersion: "2.0" }
`;

export interface Portico {
  server: Server;
  adminPort: number;
  /** The requests of each Portico target, Host header included. */
  requests: {
    httpProxy: LoadRequest;
    mock: LoadRequest;
    cacheHit: LoadRequest;
    awsProxyRest: LoadRequest;
    awsProxyHttp: LoadRequest;
  };
}

export async function startPortico(opts: {
  root: string;
  dir: string;
  backend: string;
  cpus: string | undefined;
}): Promise<Portico> {
  const { root, dir, backend } = opts;
  writeFileSync(join(dir, "rest.yaml"), restDocument(backend));
  writeFileSync(join(dir, "cache.yaml"), cacheDocument(backend));
  writeFileSync(join(dir, "http.yaml"), httpDocument);
  writeFileSync(
    join(dir, "portico.yaml"),
    // AWS's account limit (10,000 rps) would throttle a saturating run: unlimited here (-1).
    `accountThrottle: { rateLimit: -1, burstLimit: -1 }
functions:
  hello: { handler: ${join(root, "bench/functions/hello.handler")}, timeout: 10 }
apis:
  - { openapi: rest.yaml, id: ${REST}, stage: prod }
  - { openapi: cache.yaml, id: ${CACHE}, stage: prod }
  - { openapi: http.yaml, type: HTTP, id: ${HTTP}, stage: $default }
`,
  );
  let adminPort = 0;
  const server = await startServer({
    name: "portico",
    command: process.execPath,
    args: porticoArgs(root, join(dir, "portico.yaml")),
    cpus: opts.cpus,
    env: { PORTICO_LOG_LEVEL: "warn" },
    ready: /data plane http:\/\/[^:]+:(\d+), admin http:\/\/[^:]+:(\d+)/,
    onReady: (m) => {
      adminPort = Number(m[2]);
    },
  });
  await enableCache(adminPort);
  const at = (id: string, path: string): LoadRequest => ({
    url: `http://127.0.0.1:${server.port}${path}`,
    headers: { Host: hostOf(id) },
  });
  return {
    server,
    adminPort,
    requests: {
      httpProxy: at(REST, "/prod/pets/1"),
      mock: at(REST, "/prod/mock"),
      cacheHit: at(CACHE, "/prod/cached"),
      awsProxyRest: at(REST, "/prod/hello/bench"),
      awsProxyHttp: at(HTTP, "/hello/bench"),
    },
  };
}

/**
 * Turns the cache stage's cache on. Every method-settings entry a patch creates carries AWS's
 * default throttle (10,000 rps, burst 5,000), which a saturating run would hit: the stage-wide
 * limits are raised in the same call.
 */
async function enableCache(adminPort: number): Promise<void> {
  const client = new APIGatewayClient({
    endpoint: `http://127.0.0.1:${adminPort}`,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  try {
    await client.send(
      new UpdateStageCommand({
        restApiId: CACHE,
        stageName: "prod",
        patchOperations: [
          { op: "replace", path: "/cacheClusterEnabled", value: "true" },
          { op: "replace", path: "/*/*/caching/enabled", value: "true" },
          { op: "replace", path: "/*/*/throttling/rateLimit", value: "1000000000" },
          { op: "replace", path: "/*/*/throttling/burstLimit", value: "1000000000" },
        ],
      }),
    );
  } finally {
    client.destroy();
  }
}
