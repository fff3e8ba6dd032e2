import { randomBytes } from "node:crypto";
import { take } from "../http/request-ids.ts";

/** A connection id as AWS makes them: 12 random bytes in base64 (`L0SM9cOFvHcCIhw=`). */
export const newConnectionId = (): string => take(12).toString("base64");

const BATCH = 512;
let messageIds = "";
let at = 0;

/**
 * A message id (`requestContext.messageId`), the same shape. One is made for every message, so they
 * are cut from a string that BATCH of them are encoded into at once: 12 bytes are exactly 16 base64
 * characters, so each slice is the encoding of its own 12 bytes.
 */
export function newMessageId(): string {
  if (at === messageIds.length) {
    messageIds = randomBytes(12 * BATCH).toString("base64");
    at = 0;
  }
  at += 16;
  return messageIds.slice(at - 16, at);
}
