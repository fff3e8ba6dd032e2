/**
 * AWS_PROXY benchmark: Portico invoking a function in its worker pool vs the same handler called
 * in-process by a bare server, interleaved; plus the cost of rendering a mapping template.
 *
 *   node bench/lambda.ts [--rounds 3] [--seconds 5] [--connections 50]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputVariable, UTIL } from "../src/mapping/aws-variables.ts";
import { compileTemplate } from "../src/mapping/vtl/template.ts";
import { fromJson } from "../src/mapping/vtl/values.ts";
import {
  type BenchTarget,
  benchOptions,
  porticoArgs,
  runInterleaved,
  startChild,
  stopChildren,
} from "./harness.ts";

const { rounds, seconds, connections } = benchOptions();
const root = join(import.meta.dirname, "..");

function templateCost(): { microsPerRender: number; renders: number } {
  const template = compileTemplate(`#set($inputRoot = $input.path('$'))
[
#foreach($elem in $inputRoot)
  {"number": $elem.id, "class": "$elem.type", "salesPrice": $elem.price}#if($foreach.hasNext),#end
#end
]`);
  const body = JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ id: i, type: "dog", price: 249.99 })));
  const vars = () => ({
    input: new InputVariable({ body, path: {}, querystring: {}, header: {} }),
    util: UTIL,
    context: fromJson({ stage: "prod" }),
    stageVariables: fromJson({}),
  });
  for (let i = 0; i < 2000; i++) template.render(vars());
  const renders = 20_000;
  const started = performance.now();
  for (let i = 0; i < renders; i++) template.render(vars());
  return { microsPerRender: ((performance.now() - started) * 1000) / renders, renders };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "portico-bench-lambda-"));
  try {
    const arn =
      "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:hello/invocations";
    writeFileSync(
      join(dir, "api.yaml"),
      `openapi: 3.0.1\ninfo: { title: BenchLambda, version: "1" }\nx-amazon-apigateway-endpoint-configuration: { types: [REGIONAL] }\npaths:\n  /hello/{name}:\n    get:\n      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${arn}" }\n` +
        // The same answer with no function at all: the gateway's own per-request cost.
        `  /mock:\n    get:\n      x-amazon-apigateway-integration:\n        type: mock\n        requestTemplates: { application/json: '{"statusCode": 200}' }\n        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"hello":"bench"}' } } }\n`,
    );
    writeFileSync(
      join(dir, "portico.yaml"),
      `accountThrottle: { rateLimit: -1, burstLimit: -1 }\nfunctions:\n  hello: { handler: ${join(root, "bench/functions/hello.handler")}, timeout: 10 }\napis:\n  - openapi: api.yaml\n    id: benchlmbda\n    stage: prod\n`,
    );
    const baseline = await startChild([join(root, "bench/in-process-lambda.ts")], /listening (\d+)/);
    const portico = await startChild(
      porticoArgs(root, join(dir, "portico.yaml")),
      /data plane http:\/\/[^:]+:(\d+)/,
    );
    const host = "benchlmbda.execute-api.us-east-1.localhost";
    // For Portico, the CPU per request is its gateway thread's and its function workers' together.
    const targets: BenchTarget[] = [
      {
        name: "handler in-process",
        port: baseline,
        request: { url: `http://127.0.0.1:${baseline}/hello/bench` },
      },
      {
        name: "portico MOCK",
        port: portico,
        request: { url: `http://127.0.0.1:${portico}/prod/mock`, headers: { host } },
      },
      {
        name: "portico AWS_PROXY",
        port: portico,
        request: { url: `http://127.0.0.1:${portico}/prod/hello/bench`, headers: { host } },
      },
    ];
    const medians = await runInterleaved(targets, { rounds, seconds, connections });
    const rows = targets.map((t) => ({ name: t.name, ...medians.get(t.name)! }));
    process.stdout.write(
      `\nAWS_PROXY, ${connections} connections, ${rounds} interleaved rounds × ${seconds} s (medians)\n`,
    );
    for (const r of rows)
      process.stdout.write(
        `${r.name.padEnd(22)} ${Math.round(r.rps).toString().padStart(8)} req/s  p99 ${r.p99} ms  server CPU ${r.cpu.toFixed(1)} µs/req  errors ${r.errors}\n`,
      );
    process.stdout.write(
      `portico AWS_PROXY / in-process throughput: ${(rows[2]!.rps / rows[0]!.rps).toFixed(2)}×  (target ≥ 0.70)\n` +
        `  by server CPU per request: ${(rows[0]!.cpu / rows[2]!.cpu).toFixed(2)}×\n` +
        `portico MOCK / in-process (the gateway alone, no function): ${(rows[1]!.rps / rows[0]!.rps).toFixed(2)}×\n` +
        `portico AWS_PROXY / portico MOCK (the cost of the worker hop): ${(rows[2]!.rps / rows[1]!.rps).toFixed(2)}×\n`,
    );
    const cost = templateCost();
    process.stdout.write(
      `mapping template (PetStore list of 10): ${cost.microsPerRender.toFixed(1)} µs per render (${cost.renders} renders)\n`,
    );
  } finally {
    stopChildren();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
