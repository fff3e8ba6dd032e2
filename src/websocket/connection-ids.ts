import { take } from "../http/request-ids.ts";

/** A connection id as AWS makes them: 12 random bytes in base64 (`L0SM9cOFvHcCIhw=`). */
export const newConnectionId = (): string => take(12).toString("base64");

/** A message id (`requestContext.messageId`), the same shape. */
export const newMessageId = (): string => take(12).toString("base64");
