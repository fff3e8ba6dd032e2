/** A policy document AWS would refuse, with the reason (put time, import time). */
export class PolicyError extends Error {
  readonly type = "BadRequestException";
}
