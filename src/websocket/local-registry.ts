import type {
  ConnectionInfo,
  ConnectionRegistry,
  ConnectionState,
  LocalSocket,
  SendResult,
} from "./registry.ts";

/** A connection whose socket this node holds. */
export interface HeldConnection {
  readonly info: ConnectionInfo;
  readonly socket: LocalSocket;
  lastActiveAt: number;
}

/**
 * The connection registry of a single node: every connection is held here, so a post or a delete
 * is a call on the socket and `GET @connections` is a map lookup.
 */
export class LocalConnectionRegistry implements ConnectionRegistry {
  private readonly held = new Map<string, HeldConnection>();

  async add(info: ConnectionInfo, socket: LocalSocket): Promise<void> {
    this.held.set(info.connectionId, { info, socket, lastActiveAt: Date.now() });
  }

  async get(connectionId: string): Promise<ConnectionState | undefined> {
    const entry = this.held.get(connectionId);
    return entry === undefined ? undefined : { ...entry.info, lastActiveAt: entry.lastActiveAt };
  }

  touch(connectionId: string): void {
    const entry = this.held.get(connectionId);
    if (entry !== undefined) entry.lastActiveAt = Date.now();
  }

  async post(connectionId: string, data: Buffer | string): Promise<SendResult> {
    const entry = this.held.get(connectionId);
    if (entry === undefined) return "gone";
    const result = entry.socket.send(data);
    // A socket that refuses to send has closed: the connection is gone, whether or not its close
    // event has reached the data plane yet.
    if (result === "gone") this.held.delete(connectionId);
    else if (result === "sent") entry.lastActiveAt = Date.now();
    return result;
  }

  async remove(connectionId: string): Promise<boolean> {
    const entry = this.held.get(connectionId);
    if (entry === undefined) return false;
    // Forgotten first: a GET right after DeleteConnection is already 410, while the close handshake
    // may still be under way.
    this.held.delete(connectionId);
    entry.socket.close();
    return true;
  }

  async forget(connectionId: string): Promise<void> {
    this.held.delete(connectionId);
  }

  async close(): Promise<void> {
    this.held.clear();
  }
}
