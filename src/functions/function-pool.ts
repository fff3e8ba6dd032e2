import { Worker } from "node:worker_threads";
import type { Logger } from "../observe/logger.ts";
import type { FunctionIdentity, InvocationResult, InvokeMessage, WorkerMessage } from "./invocation.ts";

export interface FunctionSpec {
  name: string;
  /** Absolute path of the handler module. */
  file: string;
  exportName: string;
  timeoutMs: number;
  memoryMb: number;
  environment: Record<string, string>;
  /** Most invocations running at once; more wait in line. */
  concurrency: number;
  identity: FunctionIdentity;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
  generation: number;
  pending?: { requestId: string; resolve: (r: InvocationResult) => void; timer: NodeJS.Timeout };
  initError?: InvocationResult;
}

const WORKER = new URL("./worker-main.ts", import.meta.url);

/**
 * A warm pool of worker threads for one function, isolated from the gateway's event loop: its own
 * heap (bounded by memorySize), killed on timeout, replaced after a crash. A failing handler never
 * takes the gateway down; it yields AWS's error for the invocation.
 */
export class FunctionPool {
  private readonly slots = new Set<Slot>();
  private readonly waiting: (() => void)[] = [];
  private generation = 0;
  private closed = false;
  readonly spec: FunctionSpec;
  private readonly log: Logger;

  constructor(spec: FunctionSpec, log: Logger) {
    this.spec = spec;
    this.log = log.child({ function: spec.name });
  }

  /** Drops warm workers so the next invocation loads the handler afresh (after an edit). */
  reload(): void {
    this.generation++;
    for (const slot of this.slots) if (!slot.busy) this.retire(slot);
  }

  async invoke(requestId: string, event: unknown): Promise<InvocationResult> {
    if (this.closed)
      return { ok: false, errorType: "ServiceException", errorMessage: "The function pool is closed" };
    const slot = await this.acquire();
    try {
      await slot.ready;
      if (slot.initError) {
        this.retire(slot);
        return slot.initError;
      }
      return await this.run(slot, requestId, event);
    } finally {
      slot.busy = false;
      if (slot.generation !== this.generation || !this.slots.has(slot)) this.retire(slot);
      this.waiting.shift()?.();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.slots].map((s) => s.worker.terminate()));
    this.slots.clear();
  }

  private async acquire(): Promise<Slot> {
    for (;;) {
      for (const slot of this.slots) {
        if (!slot.busy && slot.generation === this.generation) {
          slot.busy = true;
          return slot;
        }
      }
      if (this.slots.size < this.spec.concurrency) {
        const slot = this.spawn();
        slot.busy = true;
        return slot;
      }
      await new Promise<void>((wake) => this.waiting.push(wake));
    }
  }

  private spawn(): Slot {
    const { spec } = this;
    const worker = new Worker(WORKER, {
      workerData: { file: spec.file, exportName: spec.exportName, identity: spec.identity },
      env: {
        ...spec.environment,
        AWS_LAMBDA_FUNCTION_NAME: spec.name,
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
        AWS_LAMBDA_LOG_GROUP_NAME: spec.identity.logGroupName,
        AWS_REGION: spec.identity.invokedFunctionArn.split(":")[3] ?? "us-east-1",
      },
      resourceLimits: { maxOldGenerationSizeMb: spec.memoryMb },
      stdout: true,
      stderr: true,
    });
    let markReady!: () => void;
    const slot: Slot = {
      worker,
      ready: new Promise((r) => (markReady = r)),
      busy: false,
      generation: this.generation,
    };
    worker.on("message", (message: WorkerMessage) => {
      if (message.type === "ready") markReady();
      else if (message.type === "init-error") {
        slot.initError = { ok: false, errorType: message.errorType, errorMessage: message.errorMessage };
        this.log.error({ errorType: message.errorType }, message.errorMessage);
        markReady();
      } else if (message.type === "log") {
        this.log.info({ requestId: message.requestId, stream: message.level }, message.text);
      } else if (message.type === "result" && slot.pending?.requestId === message.requestId) {
        const { resolve, timer } = slot.pending;
        clearTimeout(timer);
        slot.pending = undefined;
        resolve(message.json === undefined ? message.result : { ok: true, result: JSON.parse(message.json) });
      }
    });
    const fail = (errorType: string, errorMessage: string) => {
      this.slots.delete(slot);
      markReady();
      slot.initError ??= { ok: false, errorType, errorMessage };
      if (slot.pending) {
        const { resolve, timer, requestId } = slot.pending;
        clearTimeout(timer);
        slot.pending = undefined;
        resolve({ ok: false, errorType, errorMessage: `RequestId: ${requestId} ${errorMessage}` });
      }
    };
    worker.on("error", (err) => {
      const oom = (err as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY";
      fail(
        oom ? "Runtime.OutOfMemory" : "Runtime.ExitError",
        oom ? "Runtime exited: out of memory" : `Error: Runtime exited with error: ${err.message}`,
      );
    });
    worker.on("exit", (code) =>
      fail("Runtime.ExitError", `Error: Runtime exited with error: exit status ${code}`),
    );
    this.slots.add(slot);
    return slot;
  }

  private run(slot: Slot, requestId: string, event: unknown): Promise<InvocationResult> {
    const { timeoutMs } = this.spec;
    return new Promise<InvocationResult>((resolve) => {
      const timer = setTimeout(() => {
        slot.pending = undefined;
        this.retire(slot);
        resolve({
          ok: false,
          errorType: "Sandbox.Timedout",
          errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
        });
      }, timeoutMs);
      slot.pending = { requestId, resolve, timer };
      const message: InvokeMessage = {
        type: "invoke",
        requestId,
        event: JSON.stringify(event),
        deadlineMs: Date.now() + timeoutMs,
      };
      slot.worker.postMessage(message);
    });
  }

  private retire(slot: Slot): void {
    this.slots.delete(slot);
    slot.worker.terminate().catch(() => undefined);
  }
}
