import type { MessagePort, Worker } from "node:worker_threads";
import type { Deadline } from "./coarse-timers.ts";
import type { InvocationResult, InvokeMessage } from "./invocation.ts";
import type { EventRoute } from "./lambda-event.ts";
import type { WatchedEnvironment } from "./memory-watch.ts";
import type { WireFacts } from "./proxy-wire.ts";

/** An invocation waiting for, or running in, a worker. */
export interface Invocation {
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

/** One worker of a function pool (one execution environment) and what it has been handed. */
export interface Slot {
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
