/**
 * How long a client may take and how much it may hold on a listener. Without these, one attacker with
 * no credentials holds the gateway: slow headers (slowloris), slow bodies and idle sockets each keep a
 * file descriptor until none are left.
 */
export interface ListenerLimits {
  /** From the connection's first byte (or its last answer) to the end of the request's headers. */
  headersTimeoutMs: number;
  /** From the connection's first byte to the end of the request's body. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open after its last answer. */
  keepAliveTimeoutMs: number;
  /** Connections held at once; beyond it a new connection is closed as soon as it is accepted. */
  maxConnections: number;
  /** On SIGTERM/SIGINT/SIGHUP: how long in-flight requests and WebSocket messages may finish before every socket is closed. */
  drainTimeoutMs: number;
}

/**
 * Defaults. Headers within 10 s and a whole request (up to AWS's 10 MB payload) within 60 s; keep-alive
 * 65 s, longer than the 60 s idle timeout of the load balancers put in front (AWS ALB's default), so
 * the balancer, not the gateway, closes an idle connection and never sends on one being closed; a
 * drain of 25 s ends before a supervisor's usual 30 s kill (Kubernetes' terminationGracePeriod).
 */
export const DEFAULT_LISTENER_LIMITS: ListenerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 10_000,
  drainTimeoutMs: 25_000,
};

/** How often Node looks for connections past their headers or request timeout. */
export function checkingIntervalMs(limits: ListenerLimits): number {
  const shortest = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return Math.min(1_000, Math.max(25, Math.floor(shortest / 4)));
}
