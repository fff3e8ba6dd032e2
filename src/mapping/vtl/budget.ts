import { AWS_QUOTAS } from "../../model/aws-quotas.ts";
import { TemplateError } from "./errors.ts";

/**
 * What one render may spend. A render runs synchronously on the thread that serves requests, so
 * whatever it spends, every other request waits for (time) or shares (heap): both are metered as the
 * work is done, and the render stops with a TemplateError as soon as either runs out — before the
 * string or list that would pass the limit is built, wherever its size can be known beforehand.
 */
export interface Limits {
  /** Iterations of one `#foreach` (AWS's quota; Velocity stops the loop silently there). */
  maxForeach: number;
  /** Characters of the rendered output, and of any one interpolated string. */
  maxOutputChars: number;
  /** Units of work: a node, reference part, method call, loop iteration, element visited… */
  maxSteps: number;
  /** Bytes of data built during the render (strings a character a byte, lists and maps by their slots). */
  maxDataBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxForeach: AWS_QUOTAS.foreachIterations,
  maxOutputChars: AWS_QUOTAS.payloadBytes,
  // About a quarter of a second of evaluation on one core: far beyond what templates that map a
  // request do (a 1,000-item #foreach with a dozen references costs some 30,000).
  maxSteps: 2_000_000,
  // Ten times the largest payload: reading a 10 MB body as a tree, serialising or escaping it whole
  // once or twice and writing 10 MB of output fits, with room to spare; ten times is still a bounded
  // ~100-200 MB of heap for the length of one render (renders on a thread run one at a time, and
  // their data is garbage once the render ends), where an unmetered one ran V8 out of heap.
  maxDataBytes: 10 * AWS_QUOTAS.payloadBytes,
};

/** A list slot, and a map entry beyond its key's characters, in the data budget's bytes. */
export const SLOT_BYTES = 8;
export const ENTRY_BYTES = 32;
/** A map or list itself, or a boxed double. */
export const OBJECT_BYTES = 32;

/** Characters that native string code (indexOf, compare, hash) goes through for one step of work. */
const SCAN_CHARS_PER_STEP = 128;
/** Elements that native code copies or fills (a range, addAll) for one step of work. */
const ELEMENTS_PER_STEP = 16;

/** One render's meter, shared by the render and every string it interpolates. */
export class RenderBudget {
  readonly limits: Limits;
  private steps = 0;
  private bytes = 0;

  constructor(limits: Limits = DEFAULT_LIMITS) {
    this.limits = limits;
  }

  /** Spends `n` steps of work. */
  step(n = 1): void {
    this.steps += n;
    if (this.steps > this.limits.maxSteps)
      throw new TemplateError("TEMPLATE_RUNTIME", "Mapping template exceeded its evaluation budget");
  }

  /** Native code going through `chars` characters (a search, a comparison). */
  scan(chars: number): void {
    this.step(1 + Math.floor(chars / SCAN_CHARS_PER_STEP));
  }

  /** Native code going through `n` elements (a range built, a list copied). */
  elements(n: number): void {
    this.step(1 + Math.floor(n / ELEMENTS_PER_STEP));
  }

  /** Spends `n` bytes of data, before building what they measure where that is known. */
  hold(n: number): void {
    this.bytes += n;
    if (this.bytes > this.limits.maxDataBytes)
      throw new TemplateError(
        "TEMPLATE_DATA_TOO_LARGE",
        "Mapping template built more data than a render may hold",
      );
  }

  /** Gives back what a worst-case `hold` did not use. */
  release(n: number): void {
    this.bytes -= n;
  }

  /** Holds a string just built and hands it on. */
  text(s: string): string {
    this.hold(s.length);
    return s;
  }
}
