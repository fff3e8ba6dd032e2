/**
 * The durable state behind the control plane: named collections of JSON documents with atomic
 * multi-document commits. Implementations: memory (tests), SQLite under `--data-dir` (embedded
 * default), Redis (scale-out). The data plane never reads the store on the hot path; it
 * compiles what it needs when `onChange` fires.
 */

export const COLLECTIONS = [
  "restapis",
  "deployments",
  "stages",
  "httpapis",
  "httpdeployments",
  "httpstages",
  "apikeys",
  "usageplans",
  "domainnames",
  "account",
  "usage",
] as const;

export type Collection = (typeof COLLECTIONS)[number];

export type WriteOp =
  | { op: "put"; collection: Collection; key: string; value: unknown }
  | { op: "delete"; collection: Collection; key: string };

export interface StoredDocument {
  key: string;
  value: unknown;
}

export interface Store {
  get(collection: Collection, key: string): Promise<unknown | undefined>;
  /** Documents of a collection whose key starts with `prefix` (all when omitted), in key order. */
  list(collection: Collection, prefix?: string): Promise<StoredDocument[]>;
  /** Applies every op or none; resolves once durable, with the store's new version. */
  commit(ops: WriteOp[]): Promise<number>;
  /** Monotonic counter of committed batches. */
  version(): Promise<number>;
  /** Called after each commit (by this process or, for shared stores, by another node). */
  onChange(listener: (version: number) => void): () => void;
  close(): Promise<void>;
}
