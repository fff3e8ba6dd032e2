import { randomUUID } from "node:crypto";
import { type Cluster, Redis } from "ioredis";
import { ALL_KEYS, EPOCH_KEY, isEpochError, pairs, type StoreScripts } from "./redis-store-scripts.ts";
import type { StateCopy } from "./state-copy.ts";
import { COLLECTIONS, type Collection, type WriteOp } from "./store.ts";

/** Where losing and restoring the shared state is reported (the gateway's logger). */
export interface StoreLog {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
}

interface Seen {
  /** Raw, as the re-seed script compares it. */
  versionText: string;
  version: number;
  epoch: string | null;
  documents: number;
}

export interface DataSetDeps {
  commands: Redis | Cluster;
  subscriber: Redis | Cluster;
  scripts: StoreScripts;
  copy: StateCopy;
  channel: string;
  log: StoreLog;
  onError: (err: Error) => void;
  /** Tells the store's listeners. */
  announce: (version: number) => void;
  dataDir: string | undefined;
}

const LOST =
  "Redis lost Portico's shared state (restarted without persistence, flushed, or failed over to an " +
  "empty or older replica): re-seeded it from this node's last good copy. Every node kept serving " +
  "its last good deployment meanwhile. Turn on Redis persistence (docs/operations.md)";

/**
 * Which data set in Redis this node follows, and what it does when that changes. A data set is
 * named by its epoch (redis-store-scripts.ts); the node keeps its last good copy of it (StateCopy).
 * One that is gone or went back in versions (restart without persistence, FLUSHALL, failover to an
 * empty or lagging replica) is re-seeded from the copy, loudly; one that moved ahead under a new
 * epoch (a peer re-seeded it) is followed. Checks run one at a time, however many ask.
 */
export class RedisDataSet {
  private readonly deps: DataSetDeps;
  /** The epoch of the data set followed; store scripts are fenced by it. */
  epoch = "";
  /** The highest version announced to listeners. */
  private announced = 0;
  /** The highest version known to belong to the followed data set. */
  private verified = 0;
  private closed = false;
  private reconciling: Promise<void> | undefined;
  private reconcileWanted = false;
  private snapshotting = false;
  private snapshotWanted = false;

  constructor(deps: DataSetDeps) {
    this.deps = deps;
  }

  /** Picks the data set to follow at start (seeding an empty Redis from a durable copy), then reads it. */
  async establish(): Promise<void> {
    const { commands, copy } = this.deps;
    for (;;) {
      const seen = await this.inspect();
      if (seen.documents === 0 && copy.size > 0 && seen.version <= copy.version) {
        // Only a Redis with nothing in it, and not one emptied by deletes made after the copy:
        // existing data is never overwritten at start. (An embedded data dir has version 0.)
        const why = `Redis holds no Portico state: seeded it from the copy in ${this.deps.dataDir}`;
        if (await this.reseed(seen, why)) break;
        continue;
      }
      if (seen.epoch === null) {
        await commands.set(EPOCH_KEY, randomUUID(), "NX");
        continue;
      }
      this.epoch = seen.epoch;
      this.announced = this.verified = seen.version;
      break;
    }
    // Redis is the truth from here on, even where the durable copy held something else.
    await this.snapshot(true);
  }

  /** A commit of this node, acknowledged at `version` (`texts[i]` is op i's JSON text). */
  committed(ops: readonly WriteOp[], texts: readonly string[], version: number): void {
    const contiguous = version === this.deps.copy.version + 1;
    this.deps.copy.apply(ops, texts, version);
    if (!contiguous) this.requestSnapshot();
    this.verified = Math.max(this.verified, version);
    this.raise(version);
  }

  /** A version published on the changes channel. */
  heard(version: number): void {
    if (version > this.announced) {
      // The listeners' reads are fenced, so announcing before the epoch is checked is safe.
      this.raise(version);
      this.requestSnapshot();
    } else {
      // Usually the echo of this node's own commit, already announced; but it is also what a
      // counter that started again looks like, which only the epoch can tell.
      this.check();
    }
  }

  /** A reconcile whose failure (Redis away) is reported by the connection's 'error' event. */
  check(): void {
    this.reconcile().catch(() => undefined);
  }

  /** Compares Redis with the data set followed and settles any difference. */
  reconcile(): Promise<void> {
    this.reconcileWanted = true;
    this.reconciling ??= this.reconcileLoop().finally(() => {
      this.reconciling = undefined;
    });
    return this.reconciling;
  }

  close(): void {
    this.closed = true;
  }

  private raise(version: number): void {
    if (version <= this.announced) return;
    this.announced = version;
    this.deps.announce(version);
  }

  private async inspect(): Promise<Seen> {
    const [versionText, epoch, documents] = await this.deps.scripts.porticoInspect(
      ALL_KEYS.length,
      ...ALL_KEYS,
    );
    return { versionText, version: Number(versionText), epoch: epoch === "" ? null : epoch, documents };
  }

  private async reconcileLoop(): Promise<void> {
    const { subscriber } = this.deps;
    // Bounded, should Redis keep changing under it; the next check carries on.
    for (let pass = 0; pass < 10 && this.reconcileWanted && !this.closed; pass++) {
      this.reconcileWanted = false;
      // A resubscription is sent ahead of this on the same connection; once PING answers it is
      // in force and a state read now cannot miss a commit.
      if (subscriber instanceof Redis && subscriber.status === "ready") await subscriber.ping();
      await this.settle(await this.inspect());
    }
  }

  private async settle(seen: Seen): Promise<void> {
    if (seen.epoch === null || seen.version < this.verified) {
      if (this.deps.copy.size === 0) {
        // Nothing to restore: take the data set as it is.
        if (seen.epoch === null) await this.deps.commands.set(EPOCH_KEY, randomUUID(), "NX");
        else this.follow(seen);
        this.reconcileWanted = true;
      } else if (!(await this.reseed(seen, LOST))) this.reconcileWanted = true;
      return;
    }
    if (seen.epoch !== this.epoch) {
      this.deps.log.warn(
        { epoch: seen.epoch, previousEpoch: this.epoch, version: seen.version },
        "the shared state in Redis was re-seeded (by another node, or restored): following it",
      );
      this.follow(seen);
      return;
    }
    this.verified = Math.max(this.verified, seen.version);
    this.raise(seen.version);
    if (this.deps.copy.version < seen.version) this.requestSnapshot();
  }

  private follow(seen: Seen): void {
    this.epoch = seen.epoch!;
    this.verified = seen.version;
    this.raise(seen.version);
    this.requestSnapshot();
  }

  /** Writes the copy over the data set `seen`, unless it moved since; true if it wrote. */
  private async reseed(seen: Seen, message: string): Promise<boolean> {
    const { copy, scripts } = this.deps;
    const epoch = randomUUID();
    const version = Math.max(seen.version, this.verified, copy.version, this.announced) + 1;
    const docs = copy.documents();
    const args = [seen.epoch ?? "", seen.versionText, epoch, String(version), this.deps.channel];
    for (const d of docs) args.push(String(COLLECTIONS.indexOf(d.collection) + 1), d.key, d.text);
    if ((await scripts.porticoReseed(ALL_KEYS.length, ...ALL_KEYS, ...args)) !== 1) return false;
    this.deps.log.error(
      {
        lostEpoch: this.epoch === "" ? undefined : this.epoch,
        foundEpoch: seen.epoch ?? undefined,
        foundVersion: seen.version,
        foundDocuments: seen.documents,
        restoredDocuments: docs.length,
        epoch,
        version,
      },
      message,
    );
    this.epoch = epoch;
    this.verified = version;
    copy.stamp(version);
    this.raise(version);
    return true;
  }

  private requestSnapshot(): void {
    this.snapshotWanted = true;
    if (!this.snapshotting) void this.snapshotLoop();
  }

  private async snapshotLoop(): Promise<void> {
    this.snapshotting = true;
    try {
      while (this.snapshotWanted && !this.closed) {
        this.snapshotWanted = false;
        await this.snapshot();
      }
    } catch (err) {
      if (isEpochError(err)) this.check();
      else if (this.deps.commands.status === "ready" && !this.closed) this.deps.onError(err as Error);
      // Otherwise the next reconcile sees the copy behind and asks again.
    } finally {
      this.snapshotting = false;
    }
  }

  /** Reads the whole data set (fenced) into the copy. */
  private async snapshot(force = false): Promise<void> {
    const [versionText, ...hashes] = await this.deps.scripts.porticoSnapshot(
      ALL_KEYS.length,
      ...ALL_KEYS,
      this.epoch,
    );
    const state = new Map<Collection, Map<string, string>>();
    COLLECTIONS.forEach((c, i) => {
      state.set(c, pairs(hashes[i] ?? []));
    });
    const version = Number(versionText);
    this.verified = Math.max(this.verified, version);
    this.deps.copy.replace(version, state, force);
  }
}
