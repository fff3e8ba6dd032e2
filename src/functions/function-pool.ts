import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { Logger } from "../observe/logger.ts";
import { cancel, type Deadline, deadline } from "./coarse-timers.ts";
import {
  type FunctionIdentity,
  type InvocationResult,
  type InvokeMessage,
  MALFORMED_PROXY_RESPONSE,
  MARSHAL_ERROR,
  type ProxyInvocationResult,
  type ProxyOutcome,
  RESULT_OK,
  type ResultsMessage,
  type TextInvocationResult,
  type WorkerMessage,
} from "./invocation.ts";
import type { EventFacts, EventRoute } from "./lambda-event.ts";
import { MemoryWatch, type WatchedEnvironment } from "./memory-watch.ts";
import { factsToWire, ROUTE_RESET, ROUTE_SEPARATOR, responseFromWire, type WireFacts } from "./proxy-wire.ts";
import { RESPONSE_TOO_LARGE, textTooLarge } from "./response-limit.ts";

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

/** An invocation waiting for, or running in, a worker. */
interface Invocation {
  requestId: string;
  /** AWS_PROXY: the route, sent to each worker once (see proxy-wire.ts). */
  route: EventRoute | undefined;
  /** The request's facts (AWS_PROXY), or the payload the worker makes the event of. */
  payload: string | WireFacts;
  /** Called with what the worker answered for a success (see WorkerMessage), unchecked. */
  settle: (answer: unknown) => void;
  /** Settles with a failure (timeouts, crashes, init errors). */
  fail: (failure: InvocationResult) => void;
}

interface Slot {
  worker: Worker;
  /** What the worker sends back (results, logs, readiness), on a port of its own so it can be drained. */
  results: MessagePort;
  generation: number;
  /** Handed to this worker, in the order it runs them; the head is running (or about to). */
  queue: Invocation[];
  /** Dispatched this event-loop turn, not yet posted (see InvokeMessage). */
  outbox: InvokeMessage;
  /** The ids of the routes this worker has been sent. */
  routes: Set<number>;
  /** The init phase's bound, until the handler module is loaded. */
  initTimer?: NodeJS.Timeout;
  /** The head's timeout, armed when it becomes the head. */
  headDeadline?: Deadline;
  /** When the head became the head (performance.now()). */
  headSince: number;
  /** Recent time per invocation (ms, a moving average, as seen from the gateway); none measured yet. */
  paceMs: number | undefined;
  initError?: InvocationResult;
  /** The handler module is loaded; time spent loading it does not count against the timeout. */
  ready: boolean;
  gone: boolean;
  /** How its memory is watched (see memory-watch.ts). */
  watched: WatchedEnvironment;
}

const WORKER = new URL("./worker-main.ts", import.meta.url);

/**
 * Handing a worker invocations ahead of time saves a cross-thread wake-up (a system call, costly in
 * a VM) per invocation; but one queued behind others waits even if another worker is or becomes
 * free. So it follows the worker's recent pace:
 * - while every worker is busy, one may hold as many beyond the running one as it runs in
 *   PREFETCH_BUDGET_MS, within [1, MAX_PREFETCH] (8 before its pace is known);
 * - a worker that is being sent invocations this turn anyway takes another one rather than an idle
 *   worker being woken for it, if all ahead of it will be done within PREFETCH_BUDGET_MS;
 * - a busy worker takes one rather than an idle worker being woken for it if all ahead of it will be
 *   done within PREFER_BUSY_MS, about what waking a thread costs: so a fast function's load gathers
 *   on one or two workers in long batches, and a slower one's is not queued while a worker idles.
 */
const PREFETCH_BUDGET_MS = 2;
const PREFER_BUSY_MS = 0.2;
const MAX_PREFETCH = 64;
const UNPACED_PREFETCH = 8;

function prefetchBound(paceMs: number | undefined): number {
  if (paceMs === undefined) return UNPACED_PREFETCH;
  return Math.max(1, Math.min(MAX_PREFETCH, Math.floor(PREFETCH_BUDGET_MS / paceMs)));
}

/** Whether a new invocation behind this worker's queue would start within the budget. */
const startsWithin = (slot: Slot, budgetMs: number): boolean =>
  slot.paceMs !== undefined && slot.queue.length * slot.paceMs <= budgetMs;

const INIT_TIMEOUT_MS = 10_000;

/** What Lambda reports when a function's environment runs out of memory (its runtime is killed). */
const OUT_OF_MEMORY = "Error: Runtime exited with error: signal: killed";

const POOL_CLOSED = {
  ok: false,
  errorType: "ServiceException",
  errorMessage: "The function pool is closed",
} as const;

/** Routes by an id and as JSON, worked out once per route and stage (EventRoute objects live as long). */
const wireRoutes = new WeakMap<EventRoute, { id: number; ref: string; json: string }>();
let lastRouteId = 0;
/** Most routes a worker is asked to remember. */
const MAX_WORKER_ROUTES = 1024;

/** How to name a route to this worker: by id once it has been sent it (see proxy-wire.ts). */
function routeRef(slot: Slot, route: EventRoute): string {
  let wire = wireRoutes.get(route);
  if (wire === undefined) {
    const id = ++lastRouteId;
    wire = { id, ref: String(id), json: JSON.stringify(route) };
    wireRoutes.set(route, wire);
  }
  if (slot.routes.has(wire.id)) return wire.ref;
  const reset = slot.routes.size >= MAX_WORKER_ROUTES;
  if (reset) slot.routes.clear();
  slot.routes.add(wire.id);
  return `${reset ? ROUTE_RESET : ""}${wire.ref}${ROUTE_SEPARATOR}${wire.json}`;
}

/**
 * A result's JSON text from a worker (which runs the function's code, so anything but a string is
 * the function's MarshalError); one over Lambda's limit is checked again here, for the same reason.
 */
function textResult(json: unknown): TextInvocationResult {
  if (typeof json !== "string") return MARSHAL_ERROR;
  return textTooLarge(json) ? RESPONSE_TOO_LARGE : { ok: true, json };
}

/** A result's JSON text, parsed; a text that does not parse is the function's MarshalError. */
function parseResult(outcome: TextInvocationResult): InvocationResult {
  if (!outcome.ok) return outcome;
  try {
    return { ok: true, result: JSON.parse(outcome.json) };
  } catch {
    return MARSHAL_ERROR;
  }
}

/** A worker's failure report; the worker runs the function's code, so a garbled one is still a failure. */
function parseFailure(json: unknown): InvocationResult {
  try {
    const f = JSON.parse(String(json)) as { errorType?: unknown; errorMessage?: unknown; trace?: unknown };
    return {
      ok: false,
      errorType: typeof f.errorType === "string" ? f.errorType : "Unhandled",
      errorMessage: typeof f.errorMessage === "string" ? f.errorMessage : "",
      ...(Array.isArray(f.trace) ? { trace: f.trace.map(String) } : {}),
    };
  } catch {
    return { ok: false, errorType: "Unhandled", errorMessage: "" };
  }
}

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

  constructor(spec: FunctionSpec, log: Logger) {
    this.spec = spec;
    this.log = log.child({ function: spec.name });
    this.memory = new MemoryWatch(spec.memoryMb);
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
        invocation.route === undefined ? "" : routeRef(slot, invocation.route),
        invocation.payload,
      );
      if (slot.queue.length === 1 && slot.ready) this.arm(slot);
      this.scheduleFlush();
    }
  }

  /**
   * A worker already being sent invocations this turn (it will be woken anyway) while it has room
   * within its bound, else a busy one that will start it almost at once, else an idle one, else a
   * new one, else the least loaded within its bound.
   */
  private pick(): Slot | undefined {
    let best: Slot | undefined;
    let soon: Slot | undefined;
    let idle: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.generation !== this.generation || slot.initError !== undefined) continue;
      if (
        slot.outbox.length > 0 &&
        slot.queue.length <= MAX_PREFETCH &&
        startsWithin(slot, PREFETCH_BUDGET_MS)
      )
        return slot;
      if (slot.queue.length === 0) idle ??= slot;
      else {
        if (
          slot.queue.length <= MAX_PREFETCH &&
          startsWithin(slot, PREFER_BUSY_MS) &&
          (soon === undefined || slot.queue.length < soon.queue.length)
        )
          soon = slot;
        if (best === undefined || slot.queue.length < best.queue.length) best = slot;
      }
    }
    if (soon !== undefined) return soon;
    if (idle !== undefined) return idle;
    if (this.slots.size < this.spec.concurrency) return this.spawn();
    return best !== undefined && best.queue.length <= prefetchBound(best.paceMs) ? best : undefined;
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
    const worker = new Worker(WORKER, {
      workerData: {
        file: spec.file,
        exportName: spec.exportName,
        identity: spec.identity,
        timeoutMs: spec.timeoutMs,
        memoryMb: spec.memoryMb,
        results: channel.port2,
      },
      transferList: [channel.port2],
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
