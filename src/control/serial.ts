/**
 * Runs async tasks one at a time, in call order. Control-plane writes are read-modify-write on the
 * store, so they must not interleave within a process.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
