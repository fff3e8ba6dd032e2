import { request } from "undici";
import type { Settings } from "../../src/config/settings.ts";
import { importHttpApiDocument, importRestApiDocument } from "../../src/control/import-document.ts";
import { createLogger, type Logger } from "../../src/logger.ts";
import { type Portico, startPortico } from "../../src/portico.ts";

export interface TestGateway {
  portico: Portico;
  port: number;
  adminPort: number;
  /** Imports OpenAPI text as a REST API and deploys it; returns the api id. */
  deployRest(text: string, stage?: string, variables?: Record<string, string>): Promise<string>;
  deployHttp(text: string, stage?: string, variables?: Record<string, string>): Promise<string>;
  /** A data-plane request addressed by Host header (`{apiId}.execute-api.us-east-1.localhost`). */
  call(
    apiId: string,
    path: string,
    init?: { method?: string; headers?: Record<string, string | string[]>; body?: string | Buffer },
  ): Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
    text: string;
  }>;
  close(): Promise<void>;
}

export function testSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    port: 0,
    host: "127.0.0.1",
    adminPort: 0,
    adminHost: "127.0.0.1",
    region: "us-east-1",
    accountId: "000000000000",
    credentials: [
      { accessKeyId: "test", secretAccessKey: "test", principal: "arn:aws:iam::000000000000:root" },
    ],
    functions: {},
    networks: {},
    trustedProxies: [],
    accountThrottle: { rateLimit: 10_000, burstLimit: 5_000 },
    trafficFailMode: "open",
    apis: [],
    ...overrides,
  } as Settings;
}

/** Starts a real Portico in this process on ephemeral ports (in-memory store unless dataDir is set). */
export async function startTestGateway(
  overrides: Partial<Settings> = {},
  log?: Logger,
): Promise<TestGateway> {
  const portico = await startPortico(testSettings(overrides), log ?? createLogger("silent"));
  const { control } = portico;
  return {
    portico,
    port: portico.port,
    adminPort: portico.adminPort,
    async deployRest(text, stage = "test", variables) {
      const { definition } = await importRestApiDocument(control, text);
      await control.deployRestApi(definition.api.id, { stageName: stage, variables });
      return definition.api.id;
    },
    async deployHttp(text, stage = "$default", variables) {
      const { definition } = await importHttpApiDocument(control, text);
      await control.deployHttpApi(definition.api.apiId, { stageName: stage, autoDeploy: true, variables });
      return definition.api.apiId;
    },
    async call(apiId, path, init = {}) {
      const response = await request(`http://127.0.0.1:${portico.port}${path}`, {
        method: (init.method ?? "GET") as "GET",
        headers: { host: `${apiId}.execute-api.us-east-1.localhost`, ...init.headers },
        body: init.body,
      });
      const body = Buffer.from(await response.body.arrayBuffer());
      return { status: response.statusCode, headers: response.headers, body, text: body.toString("utf8") };
    },
    close: () => portico.close(),
  };
}

/** The configuration an AWS SDK client needs to manage this gateway (admin API, test/test). */
export function adminClientConfig(gw: TestGateway) {
  return {
    endpoint: `http://127.0.0.1:${gw.adminPort}`,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  };
}
