import { MessageChannel, receiveMessageOnPort } from "node:worker_threads";
import type { Logger } from "../logger.ts";
import { cancel, deadline } from "./coarse-timers.ts";
import type { FunctionSpec } from "./function-spec.ts";
import {
  type InvocationResult,
  MALFORMED_PROXY_RESPONSE,
  type ProxyInvocationResult,
  type ProxyOutcome,
  RESULT_OK,
  type ResultsMessage,
  type TextInvocationResult,
  type WorkerMessage,
} from "./invocation.ts";
import type { EventFacts } from "./lambda-event.ts";
import { MemoryWatch } from "./memory-watch.ts";
import type { Invocation, Slot } from "./pool-slot.ts";
import { factsToWire, responseFromWire } from "./proxy-wire.ts";
import { parseFailure, parseResult, textResult } from "./worker-answers.ts";
import { chooseWorker } from "./worker-choice.ts";
import { routeRef } from "./worker-routes.ts";
import { startWorker } from "./worker-start.ts";

const INIT_TIMEOUT_MS = 10_000;

/** What Lambda reports when a function's environment runs out of memory (its runtime is killed). */
const OUT_OF_MEMORY = "Error: Runtime exited with error: signal: killed";

const POOL_CLOSED = {
  ok: false,
  errorType: "ServiceException",
  errorMessage: "The function pool is closed",
} as const;

/**
 * A warm pool of worker threads for one function, isolated from the gateway's event loop: its own
 * heap and memory (heap and Buffers together bounded by memorySize), killed on timeout, replaced
 * after a crash. Each worker runs one
 * invocation at a time, like a Lambda execution environment. A failing handler never takes the
 * gateway down; it yields AWS's error for the invocation.
 */
export class FunctionPool {
  private readonly slots = new Set<Slot>();
  private readonly waiting: Invocation[] = [];
  private generation = 0;
  private closed = false;
  private flushScheduled = false;
  readonly spec: FunctionSpec;
  private readonly log: Logger;
  private readonly memory: MemoryWatch;
  /** `--watch`: told the local modules each worker loads (see module-report.ts). */
  private readonly onModules: ((files: readonly string[]) => void) | undefined;

  constructor(
    spec: FunctionSpec,
    log: Logger,
    options: { onModules?: (files: readonly string[]) => void } = {},
  ) {
    this.spec = spec;
    this.log = log.child({ function: spec.name });
    this.memory = new MemoryWatch(spec.memoryMb);
    this.onModules = options.onModules;
  }

  /** Drops warm workers so the next invocation loads the handler afresh (after an edit). */
  reload(): void {
    this.generation++;
    for (const slot of this.slots) if (slot.queue.length === 0) this.retire(slot);
  }

  invoke(requestId: string, event: unknown): Promise<InvocationResult> {
    return this.invokeText(requestId, JSON.stringify(event) ?? "").then(parseResult);
  }

  /**
   * AWS (non-proxy) integrations: the worker makes the event of the payload (eventFromPayload), and
   * the result comes back as its JSON text, unparsed.
   */
  invokeText(requestId: string, payload: string): Promise<TextInvocationResult> {
    if (this.closed) return Promise.resolve(POOL_CLOSED);
    return new Promise((resolve) => {
      this.enqueue({
        requestId,
        route: undefined,
        payload,
        settle: (json) => resolve(textResult(json)),
        fail: resolve as (failure: InvocationResult) => void,
      });
    });
  }

  /**
   * AWS_PROXY: the worker builds the event from the request's facts and applies AWS's result rules.
   * `done` is called once: with the outcome, or with "timeout" after `timeoutMs` (the integration's
   * timeout; the function may still be running).
   */
  invokeProxy(facts: EventFacts, timeoutMs: number, done: (outcome: ProxyOutcome) => void): void {
    if (this.closed) {
      done(POOL_CLOSED);
      return;
    }
    let finished = false;
    const timer = deadline(timeoutMs, () => {
      finished = true;
      done("timeout");
    });
    const finish = (outcome: ProxyInvocationResult) => {
      if (finished) return;
      finished = true;
      cancel(timer);
      done(outcome);
    };
    this.enqueue({
      requestId: facts.requestId,
      route: facts.route,
      payload: factsToWire(facts),
      settle: (wire) => {
        const response = responseFromWire(wire);
        finish(response === undefined ? MALFORMED_PROXY_RESPONSE : { ok: true, response });
      },
      fail: finish as (failure: InvocationResult) => void,
    });
  }

  private enqueue(invocation: Invocation): void {
    this.waiting.push(invocation);
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.memory.stop();
    const slots = [...this.slots];
    this.slots.clear();
    for (const slot of slots) {
      slot.gone = true;
      clearTimeout(slot.initTimer);
      cancel(slot.headDeadline);
      slot.results.close();
    }
    await Promise.allSettled(slots.map((s) => s.worker.terminate()));
  }

  /** Hands waiting invocations to idle workers first, then to new ones, then ahead to busy ones. */
  private pump(): void {
    while (this.waiting.length > 0) {
      const slot = this.pick();
      if (slot === undefined) return;
      const invocation = this.waiting.shift()!;
      slot.queue.push(invocation);
      slot.outbox.push(
        invocation.requestId,
        invocation.route === undefined ? "" : routeRef(slot.routes, invocation.route),
        invocation.payload,
      );
      if (slot.queue.length === 1 && slot.ready) this.arm(slot);
      this.scheduleFlush();
    }
  }

  /** A new worker is started only while the pool is below its concurrency. */
  private pick(): Slot | undefined {
    return chooseWorker(this.slots, this.generation, () =>
      this.slots.size < this.spec.concurrency ? this.spawn() : undefined,
    );
  }

  /** Posts each worker's dispatched invocations once per event-loop turn, as one message. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      for (const slot of this.slots) {
        if (slot.outbox.length === 0) continue;
        const message = slot.outbox;
        slot.outbox = [];
        slot.worker.postMessage(message);
      }
    });
  }

  /** Starts the timeout of the slot's head invocation. */
  private arm(slot: Slot): void {
    const { timeoutMs } = this.spec;
    this.memory.running();
    slot.headSince = performance.now();
    cancel(slot.headDeadline);
    slot.headDeadline = deadline(timeoutMs, () => {
      const head = slot.queue.shift();
      this.retire(slot);
      head?.fail({
        ok: false,
        errorType: "Sandbox.Timedout",
        errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
      });
    });
  }

  private spawn(): Slot {
    const { spec } = this;
    const channel = new MessageChannel();
    const worker = startWorker(spec, channel.port2, this.onModules !== undefined);
    const slot: Slot = {
      worker,
      results: channel.port1,
      generation: this.generation,
      queue: [],
      outbox: [],
      routes: new Set(),
      ready: false,
      gone: false,
      headSince: 0,
      paceMs: undefined,
      watched: {
        worker,
        busy: () => !slot.ready || slot.queue.length > 0,
        exceeded: () => outOfMemory(),
      },
    };
    const handle = (message: WorkerMessage) => {
      if (typeof message !== "object" || message === null) return;
      if (Array.isArray(message)) this.settle(slot, message);
      else if (message.type === "ready") {
        slot.ready = true;
        clearTimeout(slot.initTimer);
        if (slot.queue.length > 0) this.arm(slot);
      } else if (message.type === "out-of-memory") {
        outOfMemory();
      } else if (message.type === "modules") {
        // The function can reach this port too: only a list of paths is taken (and the watch bounds it).
        if (Array.isArray(message.files))
          this.onModules?.(message.files.filter((f): f is string => typeof f === "string"));
      } else if (message.type === "log") {
        this.log.info({ requestId: message.requestId, stream: message.level }, message.text);
      } else if (message.type === "init-error") {
        this.log.error({ errorType: message.errorType }, message.errorMessage);
        // Every invocation handed to this environment fails its init, as on Lambda; the next one
        // gets a fresh environment (so a fixed handler file is picked up).
        slot.initError = { ok: false, errorType: message.errorType, errorMessage: message.errorMessage };
        const queued = slot.queue;
        slot.queue = [];
        this.retire(slot);
        for (const q of queued) q.fail(slot.initError);
        this.pump();
      }
    };
    /** Handles every message already waiting, without an event dispatch for each. */
    const drain = () => {
      for (
        let next = receiveMessageOnPort(slot.results);
        next !== undefined;
        next = receiveMessageOnPort(slot.results)
      )
        handle(next.message as WorkerMessage);
    };
    slot.results.on("message", (message: WorkerMessage) => {
      handle(message);
      drain();
    });
    const fail = (errorType: string, errorMessage: string) => {
      if (slot.gone) return;
      // Results the worker sent before it went count: those invocations are done.
      drain();
      if (slot.gone) return;
      const [head, ...rest] = slot.queue;
      slot.queue = [];
      this.retire(slot);
      head?.fail({
        ok: false,
        errorType,
        errorMessage: `RequestId: ${head.requestId} ${errorMessage}`,
      });
      this.requeue(rest);
    };
    const outOfMemory = () => {
      if (slot.gone) return;
      this.log.warn(
        { requestId: slot.queue[0]?.requestId, memorySize: spec.memoryMb },
        "function ran out of memory; its environment is ended",
      );
      fail("Runtime.OutOfMemory", OUT_OF_MEMORY);
    };
    worker.on("error", (err) => {
      if ((err as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY") outOfMemory();
      else fail("Runtime.ExitError", `Error: Runtime exited with error: ${err.message}`);
    });
    worker.on("exit", (code) =>
      fail("Runtime.ExitError", `Error: Runtime exited with error: exit status ${code}`),
    );
    // Lambda bounds a function's init phase at 10 s, apart from its timeout.
    slot.initTimer = setTimeout(
      () => fail("Sandbox.Timedout", "Init phase timed out after 10.00 seconds"),
      INIT_TIMEOUT_MS,
    );
    this.slots.add(slot);
    this.memory.add(slot.watched);
    return slot;
  }

  /** A worker's results, in the order it ran them; anything not for its head is ignored. */
  private settle(slot: Slot, flat: ResultsMessage): void {
    // Results that arrive together are timed as sharing the time since the head started.
    const now = performance.now();
    let settled = 0;
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const head = slot.queue[0];
      if (head === undefined || head.requestId !== flat[i]) continue;
      slot.queue.shift();
      settled++;
      const answer = flat[i + 2];
      if (flat[i + 1] === RESULT_OK) head.settle(answer);
      else head.fail(parseFailure(answer));
    }
    if (settled === 0) return;
    const ranMs = (now - slot.headSince) / settled;
    slot.paceMs = slot.paceMs === undefined ? ranMs : slot.paceMs + (ranMs - slot.paceMs) / 8;
    cancel(slot.headDeadline);
    slot.headDeadline = undefined;
    if (slot.queue.length > 0) this.arm(slot);
    else if (slot.generation !== this.generation) this.retire(slot);
    this.pump();
  }

  /** Invocations a lost worker had not started yet go back to the front of the line. */
  private requeue(invocations: Invocation[]): void {
    if (invocations.length === 0) return;
    this.waiting.unshift(...invocations);
    this.pump();
  }

  private retire(slot: Slot): void {
    if (slot.gone) return;
    slot.gone = true;
    clearTimeout(slot.initTimer);
    cancel(slot.headDeadline);
    this.slots.delete(slot);
    this.memory.delete(slot.watched);
    slot.worker.terminate().catch(() => undefined);
    slot.results.close();
    // A timed-out head was taken off by the caller; whatever else was queued has not started.
    const rest = slot.queue;
    slot.queue = [];
    this.requeue(rest);
  }
}
