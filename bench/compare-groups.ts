import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Answer, fetchAnswer, ownHeaders } from "./answer.ts";
import type { Portico } from "./compare-portico.ts";
import { startNginx } from "./nginx.ts";
import { startFastGateway, startServerlessOffline } from "./peers.ts";
import type { Pinning } from "./pinning.ts";
import { freePort, type Server, startServer } from "./processes.ts";
import type { Target } from "./rounds.ts";

/** What every group's setup may use: the one Portico, the backend, a private directory. */
export interface Context {
  root: string;
  dir: string;
  pinning: Pinning;
  portico: Portico;
  backend: Server;
  /** The nginx binary, or undefined when it is missing (its target is then skipped). */
  nginx: string | undefined;
}

/** A ratio the "Done when" names: `of` / `to` by throughput, met when ≥ `atLeast`. */
export interface RatioSpec {
  label: string;
  of: string;
  to: string;
  atLeast?: number;
}

export interface Group {
  name: string;
  title: string;
  setup(ctx: Context): Promise<Target[]>;
  ratios: RatioSpec[];
}

export const NAMES = {
  direct: "direct backend",
  floor: "minimal floor",
  httpProxy: "Portico HTTP_PROXY",
  fastGateway: "fast-gateway",
  nginx: "nginx",
  mockBare: "bare server, MOCK's answer",
  mock: "Portico MOCK",
  cacheBare: "bare server, cache hit's answer",
  cache: "Portico cache hit",
  lambdaRest: "Portico AWS_PROXY REST 1.0",
  lambdaHttp: "Portico AWS_PROXY HTTP 2.0",
  offlineRest: "serverless-offline REST 1.0",
  offlineHttp: "serverless-offline HTTP 2.0",
} as const;

const node = (ctx: Context, name: string, args: string[]): Promise<Server> =>
  startServer({ name, command: process.execPath, args, cpus: ctx.pinning.servers, ready: /listening (\d+)/ });

/** A bare node:http server sending `answer`'s bytes (bench/same-answer-server.ts). */
async function sameAnswer(ctx: Context, name: string, answer: Answer): Promise<Server> {
  const file = join(ctx.dir, `${name.replace(/\W+/g, "-")}.json`);
  writeFileSync(
    file,
    JSON.stringify({ status: answer.status, headers: ownHeaders(answer), body: answer.body }),
  );
  return node(ctx, name, [join(ctx.root, "bench/same-answer-server.ts"), file]);
}

const local = (server: Server, path: string): Target["request"] => ({
  url: `http://127.0.0.1:${server.port}${path}`,
});

const httpProxy: Group = {
  name: "http_proxy",
  title: "HTTP_PROXY: GET /pets/1 relayed to the backend",
  async setup(ctx) {
    const backend = `http://127.0.0.1:${ctx.backend.port}`;
    const floor = await node(ctx, NAMES.floor, [join(ctx.root, "bench/minimal-floor.ts"), backend]);
    const fastGateway = await startFastGateway(backend, ctx.pinning.servers);
    const sharing = ctx.pinning.backend === ctx.pinning.servers ? { sharing: ctx.backend } : {};
    const targets: Target[] = [
      { name: NAMES.direct, server: ctx.backend, request: local(ctx.backend, "/pets/1") },
      { name: NAMES.floor, server: floor, request: local(floor, "/pets/1"), ...sharing },
      {
        name: NAMES.httpProxy,
        server: ctx.portico.server,
        request: ctx.portico.requests.httpProxy,
        ...sharing,
      },
      { name: NAMES.fastGateway, server: fastGateway, request: local(fastGateway, "/pets/1"), ...sharing },
    ];
    if (ctx.nginx !== undefined) {
      const config = { port: await freePort(), backendPort: ctx.backend.port, dir: join(ctx.dir, "nginx") };
      const nginx = await startNginx(ctx.nginx, config, ctx.pinning.servers);
      targets.push({ name: NAMES.nginx, server: nginx, request: local(nginx, "/pets/1"), ...sharing });
    }
    return targets;
  },
  ratios: [
    { label: "HTTP_PROXY / minimal floor", of: NAMES.httpProxy, to: NAMES.floor, atLeast: 1.0 },
    { label: "HTTP_PROXY / fast-gateway", of: NAMES.httpProxy, to: NAMES.fastGateway, atLeast: 1.3 },
    { label: "HTTP_PROXY / nginx (one worker)", of: NAMES.httpProxy, to: NAMES.nginx },
  ],
};

const mock: Group = {
  name: "mock",
  title: "MOCK: GET /mock answered by the gateway itself",
  async setup(ctx) {
    const answer = await fetchAnswer(ctx.portico.requests.mock);
    if (answer.status !== 200) throw new Error(`Portico MOCK answered ${answer.status}: ${answer.body}`);
    const bare = await sameAnswer(ctx, NAMES.mockBare, answer);
    return [
      { name: NAMES.mockBare, server: bare, request: local(bare, "/mock") },
      { name: NAMES.mock, server: ctx.portico.server, request: ctx.portico.requests.mock },
    ];
  },
  ratios: [{ label: "MOCK / bare server, same headers", of: NAMES.mock, to: NAMES.mockBare, atLeast: 0.85 }],
};

const cache: Group = {
  name: "cache",
  title: "cache hit: GET /cached answered from the stage cache",
  async setup(ctx) {
    await fetchAnswer(ctx.portico.requests.cacheHit); // the miss that fills the cache
    const hit = await fetchAnswer(ctx.portico.requests.cacheHit);
    const said = hit.headers.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === "x-portico-cache");
    if (hit.status !== 200 || hit.headers[said + 1] !== "hit")
      throw new Error(
        `Portico's second GET /cached was not a cache hit: ${hit.status} ${hit.headers.join(" ")}`,
      );
    const bare = await sameAnswer(ctx, NAMES.cacheBare, hit);
    return [
      { name: NAMES.cacheBare, server: bare, request: local(bare, "/cached") },
      { name: NAMES.cache, server: ctx.portico.server, request: ctx.portico.requests.cacheHit },
    ];
  },
  ratios: [
    { label: "cache hit / bare server, same headers", of: NAMES.cache, to: NAMES.cacheBare, atLeast: 0.9 },
  ],
};

const awsProxy: Group = {
  name: "aws_proxy",
  title: "AWS_PROXY: GET /hello/bench invoking bench/functions/hello.mjs",
  async setup(ctx) {
    const offline = await startServerlessOffline(ctx.pinning.servers);
    const p = ctx.portico;
    return [
      { name: NAMES.mock, server: p.server, request: p.requests.mock },
      { name: NAMES.lambdaRest, server: p.server, request: p.requests.awsProxyRest },
      { name: NAMES.lambdaHttp, server: p.server, request: p.requests.awsProxyHttp },
      { name: NAMES.offlineRest, server: offline, request: local(offline, "/dev/hello/bench") },
      { name: NAMES.offlineHttp, server: offline, request: local(offline, "/v2/hello/bench") },
    ];
  },
  ratios: [
    { label: "AWS_PROXY REST 1.0 / Portico MOCK", of: NAMES.lambdaRest, to: NAMES.mock, atLeast: 0.85 },
    { label: "AWS_PROXY HTTP 2.0 / Portico MOCK", of: NAMES.lambdaHttp, to: NAMES.mock, atLeast: 0.85 },
    {
      label: "AWS_PROXY REST 1.0 / serverless-offline",
      of: NAMES.lambdaRest,
      to: NAMES.offlineRest,
      atLeast: 5,
    },
    {
      label: "AWS_PROXY HTTP 2.0 / serverless-offline",
      of: NAMES.lambdaHttp,
      to: NAMES.offlineHttp,
      atLeast: 5,
    },
  ],
};

export const GROUPS: readonly Group[] = [httpProxy, mock, cache, awsProxy];
