/**
 * Inside a function's worker: a Buffer asked for that is larger than the function's whole memory
 * ends the environment at once, as running out of memory does. The gateway's sampling
 * (memory-watch.ts) sees memory grow between a function's steps, but one `Buffer.alloc(n, fill)` is
 * filled in a single native call that nothing can interrupt, so its size is checked before it starts.
 */
type Allocate = (size: number, fill?: unknown, encoding?: unknown) => Buffer;

export function guardBufferAllocations(limitBytes: number, outOfMemory: () => never): void {
  const statics = Buffer as unknown as Record<"alloc" | "allocUnsafe" | "allocUnsafeSlow", Allocate>;
  for (const name of ["alloc", "allocUnsafe", "allocUnsafeSlow"] as const) {
    const allocate = statics[name];
    statics[name] = (size, fill, encoding) => {
      if (size > limitBytes) outOfMemory();
      return allocate(size, fill, encoding);
    };
  }
}
