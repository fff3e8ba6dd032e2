import type { FunctionIdentity } from "./invocation.ts";

/** A function as its pool runs it: the handler, its limits and what its environment is given. */
export interface FunctionSpec {
  name: string;
  /** Absolute path of the handler module. */
  file: string;
  exportName: string;
  timeoutMs: number;
  memoryMb: number;
  environment: Record<string, string>;
  /** Most execution environments (worker threads) at once. */
  concurrency: number;
  identity: FunctionIdentity;
}
