/**
 * How many cases each fuzz property runs: a bounded number in `npm test` (CI), many more with
 * `npm run fuzz` (FUZZ_RUNS=…). A seed printed by a failing run replays it: FUZZ_SEED=….
 */
export function fuzzParameters(): { numRuns: number; seed?: number } {
  const runs = Number(process.env.FUZZ_RUNS ?? "150");
  const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
  return {
    numRuns: Number.isInteger(runs) && runs > 0 ? runs : 150,
    ...(seed === undefined ? {} : { seed }),
  };
}
