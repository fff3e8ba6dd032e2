/**
 * Soak (on demand, not in CI): mixed traffic against one Portico process for `--minutes` (default
 * 10) — HTTP_PROXY, a mapping template, MOCK, AWS_PROXY and unmatched paths — while the API is
 * redeployed every few seconds through the admin API. Samples the gateway's RSS and open file
 * descriptors from /proc, and fails (exit 1) when either keeps growing: memory compared between the
 * first and last quarter of the run (after a warm-up), descriptors after the load stops.
 *
 *   node bench/soak.ts [--minutes 10] [--connections 50]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { APIGatewayClient, CreateDeploymentCommand } from "@aws-sdk/client-api-gateway";
import autocannon from "autocannon";
import { freePort } from "../test/support/redis-server.ts";
import { children, startChild, stopChildren } from "./harness.ts";

const { values } = parseArgs({
  options: { minutes: { type: "string", default: "10" }, connections: { type: "string", default: "50" } },
});
const minutes = Number(values.minutes);
const connections = Number(values.connections);
const root = join(import.meta.dirname, "..");
const API_ID = "soakapi001";
const HOST = `${API_ID}.execute-api.us-east-1.localhost`;
const ARN =
  "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:hello/invocations";

const api = (backend: number) => `openapi: 3.0.1
info: { title: Soak, version: "1" }
x-amazon-apigateway-endpoint-configuration: { types: [REGIONAL] }
paths:
  /proxy/{proxy+}:
    get:
      parameters: [{ name: proxy, in: path, required: true, schema: { type: string } }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://127.0.0.1:${backend}/{proxy}
        requestParameters: { integration.request.path.proxy: method.request.path.proxy }
  /templated:
    post:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: http://127.0.0.1:${backend}/t
        requestTemplates:
          application/json: '#set($b = $input.path("$"))#foreach($i in [1..20]){"n": $i, "v": "$util.escapeJavaScript($b.name)"}#end'
        responses:
          default:
            statusCode: "200"
            responseTemplates: { application/json: '{"id": $input.json("$.id")}' }
  /mock:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"ok":true}' } } }
  /hello/{name}:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${ARN}" }
`;

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? Number.NaN);
}
const openFds = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;
const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "portico-soak-"));
  try {
    const backend = await startChild([join(root, "bench/backend.ts")], /listening (\d+)/);
    writeFileSync(join(dir, "api.yaml"), api(backend));
    const admin = await freePort();
    writeFileSync(
      join(dir, "portico.yaml"),
      `accountThrottle: { rateLimit: -1, burstLimit: -1 }\nfunctions:\n  hello: { handler: ${join(root, "bench/functions/hello.handler")}, timeout: 10 }\napis:\n  - openapi: api.yaml\n    id: ${API_ID}\n    stage: prod\n`,
    );
    const args = [join(root, "src/cli/main.ts"), "start", "--config", join(dir, "portico.yaml")];
    const port = await startChild(
      [
        ...args,
        "--port",
        "0",
        "--admin-port",
        String(admin),
        "--host",
        "127.0.0.1",
        "--data-dir",
        join(dir, "data"),
      ],
      /data plane http:\/\/[^:]+:(\d+)/,
    );
    const pid = children[children.length - 1]!.pid!;
    const client = new APIGatewayClient({
      endpoint: `http://127.0.0.1:${admin}`,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    const durationS = Math.round(minutes * 60);
    const samples: { t: number; rss: number; fds: number }[] = [];
    let deployments = 0;
    let deployFailures = 0;
    const started = Date.now();
    const load = autocannon({
      url: `http://127.0.0.1:${port}`,
      connections,
      duration: durationS,
      headers: { host: HOST, "content-type": "application/json" },
      requests: [
        { method: "GET", path: "/prod/proxy/pets/1" },
        { method: "POST", path: "/prod/templated", body: '{"name":"rex \\"the\\" dog"}' },
        { method: "GET", path: "/prod/mock" },
        { method: "GET", path: "/prod/hello/soak" },
        { method: "GET", path: "/prod/nothing-here" },
      ],
    });
    const sampler = (async () => {
      while (Date.now() - started < durationS * 1000) {
        await sleep(5000);
        samples.push({ t: (Date.now() - started) / 1000, rss: rssKb(pid), fds: openFds(pid) });
        try {
          await client.send(new CreateDeploymentCommand({ restApiId: API_ID, stageName: "prod" }));
          deployments++;
        } catch {
          deployFailures++;
        }
        const last = samples[samples.length - 1]!;
        process.stderr.write(
          `${Math.round(last.t)} s: rss ${Math.round(last.rss / 1024)} MB, fds ${last.fds}\n`,
        );
      }
    })();
    const result = await load;
    await sampler;
    await sleep(6000); // keep-alive sockets of the load close; workers settle
    const fdsAfter = openFds(pid);
    client.destroy();
    const warm = samples.filter((s) => s.t > Math.min(60, durationS / 4));
    // Descriptors once warm: the function workers and upstream pools exist by then.
    const fdsBefore = warm[0]?.fds ?? Number.NaN;
    const quarter = Math.max(1, Math.floor(warm.length / 4));
    const early = mean(warm.slice(0, quarter).map((s) => s.rss));
    const late = mean(warm.slice(-quarter).map((s) => s.rss));
    const growth = (late - early) / early;
    const report = {
      minutes,
      requests: result.requests.total,
      rps: Math.round(result.requests.average),
      non2xx: result.non2xx,
      errors: result.errors,
      deployments,
      deployFailures,
      rssEarlyMb: Math.round(early / 1024),
      rssLateMb: Math.round(late / 1024),
      rssGrowth: `${(growth * 100).toFixed(1)} %`,
      fdsBefore,
      fdsAfter,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    // One in five requests is an unmatched path (403): non-2xx answers are expected, errors are not.
    const ok = growth < 0.15 && fdsAfter <= fdsBefore + 4 && result.errors === 0 && deployFailures === 0;
    process.stdout.write(ok ? "soak: flat memory, no leaked handles\n" : "soak: FAILED\n");
    process.exitCode = ok ? 0 : 1;
  } finally {
    stopChildren();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
