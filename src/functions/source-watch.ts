import { type FSWatcher, watch } from "node:fs";
import { basename, dirname, isAbsolute, join } from "node:path";
import { isLocalSource } from "./module-report.ts";

/** Called with the files that changed, once edits have settled. */
export type SourceChanged = (files: readonly string[]) => void;

/** Edits within this long of each other are one change: an editor's save is often several writes. */
const SETTLE_MS = 100;
/** At most this many files are watched: a function's import graph is not unbounded, a bogus report may be. */
const MAX_FILES = 5000;

interface WatchedDirectory {
  readonly watcher: FSWatcher;
  /** By file name: who to tell when it changes. */
  readonly files: Map<string, Set<SourceChanged>>;
}

/**
 * `--watch`: the source files of local functions, each with whoever wants to know it changed. It
 * watches the files' directories, not the files: an editor that saves by writing a new file and
 * renaming it over the old one, or a file deleted and written again, would leave a watch on the file
 * itself following the inode that is gone. Changes are reported after SETTLE_MS of quiet, once per
 * listener, with every file that changed meanwhile.
 */
export class SourceWatch {
  private readonly directories = new Map<string, WatchedDirectory>();
  private readonly changed = new Map<SourceChanged, Set<string>>();
  private timer: NodeJS.Timeout | undefined;
  private count = 0;
  private closed = false;
  private readonly settleMs: number;

  constructor(options: { settleMs?: number } = {}) {
    this.settleMs = options.settleMs ?? SETTLE_MS;
  }

  /** Tells `listener` when `file` changes, appears or goes (an absolute path; packages are not watched). */
  add(file: string, listener: SourceChanged): void {
    if (this.closed || !isAbsolute(file) || !isLocalSource(file)) return;
    const directory = dirname(file);
    const name = basename(file);
    let watched = this.directories.get(directory);
    if (watched?.files.get(name)?.has(listener)) return;
    if (this.count >= MAX_FILES) return;
    if (watched === undefined) {
      const opened = this.open(directory);
      if (opened === undefined) return;
      watched = opened;
    }
    let listeners = watched.files.get(name);
    if (listeners === undefined) {
      listeners = new Set();
      watched.files.set(name, listeners);
    }
    listeners.add(listener);
    this.count++;
  }

  private open(directory: string): WatchedDirectory | undefined {
    let watcher: FSWatcher;
    try {
      watcher = watch(directory, (_event, name) => this.seen(directory, name));
    } catch {
      // The directory is gone (or unreadable): nothing of it can be loaded either.
      return undefined;
    }
    // A directory removed under the watch ends it; a later report of its files opens a new one.
    watcher.on("error", () => this.forget(directory));
    // The gateway's listeners keep the process alive, not this.
    watcher.unref();
    const watched: WatchedDirectory = { watcher, files: new Map() };
    this.directories.set(directory, watched);
    return watched;
  }

  private forget(directory: string): void {
    const watched = this.directories.get(directory);
    if (watched === undefined) return;
    watched.watcher.close();
    this.directories.delete(directory);
    for (const listeners of watched.files.values()) this.count -= listeners.size;
  }

  private seen(directory: string, name: string | Buffer | null): void {
    const watched = this.directories.get(directory);
    if (watched === undefined) return;
    // Some platforms do not say which file changed: then any of the directory's may have.
    const names = name === null ? [...watched.files.keys()] : [basename(name.toString())];
    for (const n of names) {
      for (const listener of watched.files.get(n) ?? []) {
        let files = this.changed.get(listener);
        if (files === undefined) {
          files = new Set();
          this.changed.set(listener, files);
        }
        files.add(join(directory, n));
      }
    }
    if (this.changed.size === 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.settle(), this.settleMs);
    this.timer.unref();
  }

  private settle(): void {
    const changed = [...this.changed];
    this.changed.clear();
    for (const [listener, files] of changed) {
      try {
        listener([...files]);
      } catch {
        // A listener's failure is its own; the others are still told, and the watch goes on.
      }
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.changed.clear();
    for (const directory of [...this.directories.keys()]) this.forget(directory);
  }
}
