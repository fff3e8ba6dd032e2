/**
 * The WebSocket connection registry: which connections exist, what AWS reports about them
 * (`GET @connections/{id}`), and delivery of `@connections` posts and deletes to the node that holds
 * the socket. In-process on one node (local-registry.ts); on Redis across a cluster (redis-registry.ts),
 * where each node owns its sockets and the others reach them through it.
 */

/** What AWS's GetConnection reports, plus where the connection belongs. */
export interface ConnectionInfo {
  readonly connectionId: string;
  readonly apiId: string;
  readonly stage: string;
  /** Epoch ms. */
  readonly connectedAt: number;
  readonly sourceIp: string;
  readonly userAgent: string;
}

export interface ConnectionState extends ConnectionInfo {
  /** Epoch ms of the last message in either direction. */
  readonly lastActiveAt: number;
}

/**
 * What a send did: "full" when the client reads too slowly and the connection's outgoing buffer is
 * at its bound (AWS's LimitExceededException, "the WebSocket client side buffer is full").
 */
export type SendResult = "sent" | "gone" | "full";

/** The socket end a node holds: what a post or a delete does to it. */
export interface LocalSocket {
  /** Sends one message; "gone" when the socket is already closed. */
  send(data: Buffer | string): SendResult;
  /** Closes the connection, as `DeleteConnection` does. */
  close(): void;
}

export interface ConnectionRegistry {
  /** After `$connect` answered 2xx: the connection exists from now on, and this node holds it. */
  add(info: ConnectionInfo, socket: LocalSocket): Promise<void>;
  /** `GET @connections/{id}`: undefined when unknown or closed (AWS's 410 GoneException). */
  get(connectionId: string): Promise<ConnectionState | undefined>;
  /** A message went either way: LastActiveAt moves. Cheap and fire-and-forget on the hot path. */
  touch(connectionId: string): void;
  /** `POST @connections/{id}`: sent on the holding node, wherever it is; "gone" for unknown or closed ids. */
  post(connectionId: string, data: Buffer | string): Promise<SendResult>;
  /** `DELETE @connections/{id}`: closes it on the holding node; false when unknown or closed. */
  remove(connectionId: string): Promise<boolean>;
  /** The socket closed (by either side): the connection is gone everywhere. */
  forget(connectionId: string): Promise<void>;
  /** Stops timers and subscriptions; the connections this node holds are forgotten. */
  close(): Promise<void>;
}
