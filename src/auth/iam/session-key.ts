import { randomBytes } from "node:crypto";
import type { Store } from "../../state/store.ts";
import { SessionSealer } from "./session-tokens.ts";

/** Where the key lives in the state store: beside the account settings. */
const COLLECTION = "account";
const KEY = "sts-session-key";

interface StoredKey {
  /** 32 bytes, base64. */
  key: string;
  createdDate: number;
}

function keyOf(value: unknown): Buffer | undefined {
  const key = (value as Partial<StoredKey> | undefined)?.key;
  if (typeof key !== "string") return undefined;
  const bytes = Buffer.from(key, "base64");
  return bytes.length === 32 ? bytes : undefined;
}

/**
 * The gateway's session key: made once, at the first start, and kept in the state store
 * (`account/sts-session-key`), so it outlives restarts with a durable store and is the same on every
 * node sharing a Redis. Whoever can read the store can mint sessions: it is guarded as the store is.
 * Deleting the document (then restarting) rotates it, and every session issued before stops working.
 * When two nodes of a fresh cluster make one at once, the last write wins and every node follows it
 * (the store's change feed), so they agree again at once.
 */
export class SessionKeyring {
  private sealer: SessionSealer;
  private raw: Buffer;
  private readonly store: Store;
  private readonly unsubscribe: () => void;

  private constructor(store: Store, key: Buffer) {
    this.store = store;
    this.raw = key;
    this.sealer = new SessionSealer(key);
    this.unsubscribe = store.onChange(() => {
      this.reload().catch(() => undefined);
    });
  }

  static async open(store: Store): Promise<SessionKeyring> {
    let key = keyOf(await store.get(COLLECTION, KEY));
    if (key === undefined) {
      const made: StoredKey = { key: randomBytes(32).toString("base64"), createdDate: Date.now() };
      await store.commit([{ op: "put", collection: COLLECTION, key: KEY, value: made }]);
      // Another node may have written its own first: use whatever the store holds now.
      key = keyOf(await store.get(COLLECTION, KEY)) ?? Buffer.from(made.key, "base64");
    }
    return new SessionKeyring(store, key);
  }

  /** Seals and opens tokens with the current key. */
  get current(): SessionSealer {
    return this.sealer;
  }

  private async reload(): Promise<void> {
    const key = keyOf(await this.store.get(COLLECTION, KEY));
    if (key === undefined || key.equals(this.raw)) return;
    this.raw = key;
    this.sealer = new SessionSealer(key);
  }

  close(): void {
    this.unsubscribe();
  }
}
