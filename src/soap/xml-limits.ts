import { AWS_QUOTAS } from "../model/aws-quotas.ts";
import { XmlError } from "./xml-errors.ts";

/** How much XML the safe parser takes on. */
export interface XmlLimits {
  /** Characters of the document: AWS's payload quota, since no larger body reaches a template. */
  readonly maxChars: number;
  /** Elements nested in one another; the root is depth 1. SOAP messages rarely pass 10. */
  readonly maxDepth: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxChars: AWS_QUOTAS.payloadBytes, maxDepth: 100 };

/**
 * What parsing spends, for a caller that meters work and memory: a mapping template's render budget
 * (mapping/vtl/budget.ts) satisfies it, and throws from `step` or `hold` once the render is spent.
 */
export interface XmlMeter {
  step(n?: number): void;
  hold(n: number): void;
  release(n: number): void;
}

/*
 * fast-xml-parser cannot be paused, so its work is charged before it starts, from what its cost
 * follows: the characters it reads, the tags it builds and their attributes. Measured with Node 24
 * (bench/xml.ts's machine, where a render budget step is some 60 ns): 17 ns a character of plain
 * text, up to 1 µs more a tag and some 0.7 µs an attribute, so a step per 2 characters, 25 a tag and
 * 15 an `=` charge 1.4 to 2.4 times what each measured shape costs (a 200 KB SOAP envelope: 1.4;
 * comments and CDATA, cheaper, more). A render's 2,000,000 steps so take about 1 MB of such an
 * envelope, or 4 MB of plain text: beyond that a template cannot hold the event loop longer.
 * Its heap while it parses ran to 1 KB a tag (`<a/>` repeated: 800 B a tag, 200 B a character):
 * that is held for the parse and given back when it ends, so a document dense with tags runs out
 * of the data budget before it can run the process out of memory.
 */
const CHARS_PER_STEP = 2;
const STEPS_PER_TAG = 25;
const STEPS_PER_ATTRIBUTE = 15;
const PARSE_BYTES_PER_TAG = 1024;
const PARSE_BYTES_PER_CHAR = 2;

/** How often `c` occurs in `text`, by native search. */
export function occurrences(text: string, c: string): number {
  let n = 0;
  for (let i = text.indexOf(c); i !== -1; i = text.indexOf(c, i + 1)) n++;
  return n;
}

/**
 * Refuses a document over the size limit, then charges `meter` for parsing it; returns the bytes
 * held for the parse's own structures, to give back once they are garbage.
 */
export function chargeParse(text: string, limits: XmlLimits, meter: XmlMeter | undefined): number {
  if (text.length > limits.maxChars)
    throw new XmlError(
      "XML_TOO_LARGE",
      `XML document is ${text.length} characters, over the limit of ${limits.maxChars}`,
    );
  if (meter === undefined) return 0;
  // Every tag, comment or section starts with `<`, every attribute has its `=`. Counting them is
  // two native searches through the text, charged first, so a huge document pays for them too.
  meter.step(1 + Math.floor(text.length / 512));
  const tags = occurrences(text, "<");
  const attributes = occurrences(text, "=");
  meter.step(
    Math.ceil(text.length / CHARS_PER_STEP) + tags * STEPS_PER_TAG + attributes * STEPS_PER_ATTRIBUTE,
  );
  const held = tags * PARSE_BYTES_PER_TAG + text.length * PARSE_BYTES_PER_CHAR;
  meter.hold(held);
  return held;
}
