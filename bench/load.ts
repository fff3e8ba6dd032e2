import autocannon from "autocannon";
import type { Pinning } from "./pinning.ts";
import { ensureDebianTool } from "./system-tools.ts";
import { type LoadRequest, type LoadResult, runWrk, wrkVersion } from "./wrk.ts";

/** What loads the targets: wrk when installed (a C client, far cheaper per request), else autocannon. */
export interface LoadGenerator {
  /** "wrk 4.1.0 -t1" or "autocannon (fallback)", for the report. */
  describe: string;
  /** `everyStatus`: count every status outside 2xx, at a cost to the rate (bench/wrk.ts). */
  measure(
    request: LoadRequest,
    connections: number,
    seconds: number,
    everyStatus: boolean,
  ): Promise<LoadResult>;
}

export async function chooseLoadGenerator(dir: string, pinning: Pinning): Promise<LoadGenerator> {
  const found = ensureDebianTool(
    "wrk",
    "wrk",
    "falling back to autocannon in the bench process, which costs more per request than the fast " +
      "targets and so squeezes their ratios toward 1",
  );
  if (found !== undefined) {
    const pin = pinning.loadGenerator === undefined ? [] : ["taskset", "-c", pinning.loadGenerator];
    return {
      describe: `wrk ${(await wrkVersion()) ?? "(version unknown)"}, -t1`,
      measure: (request, connections, seconds, everyStatus) =>
        runWrk(request, { connections, seconds, dir, pin, everyStatus }),
    };
  }
  return {
    describe: "autocannon 9 in the bench process (wrk missing)",
    async measure(request, connections, seconds) {
      const r = await autocannon({
        url: request.url,
        method: (request.method ?? "GET") as "GET",
        headers: request.headers ?? {},
        ...(request.body === undefined ? {} : { body: request.body }),
        connections,
        duration: seconds,
      });
      return {
        requests: r.requests.total,
        seconds: r.duration,
        rps: r.requests.total / r.duration,
        p50: r.latency.p50,
        p99: r.latency.p99,
        non2xx: r.non2xx,
        everyStatus: true,
        socketErrors: r.errors,
      };
    },
  };
}
