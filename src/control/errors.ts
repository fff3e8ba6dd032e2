/**
 * Control-plane errors in AWS's shape: the `type` is what the admin API puts in `x-amzn-ErrorType`,
 * the message is what the AWS CLI prints.
 */
export type ControlErrorType =
  | "BadRequestException"
  | "NotFoundException"
  | "ConflictException"
  | "LimitExceededException"
  | "TooManyRequestsException"
  | "UnauthorizedException"
  | "ValidationException"
  | "SerializationException";

const STATUS: Record<ControlErrorType, number> = {
  BadRequestException: 400,
  NotFoundException: 404,
  ConflictException: 409,
  LimitExceededException: 429,
  TooManyRequestsException: 429,
  UnauthorizedException: 401,
  ValidationException: 400,
  SerializationException: 400,
};

export class ControlError extends Error {
  readonly type: ControlErrorType;
  readonly status: number;

  constructor(type: ControlErrorType, message: string) {
    super(message);
    this.type = type;
    this.status = STATUS[type];
  }
}

export const notFound = (message: string): ControlError => new ControlError("NotFoundException", message);
export const badRequest = (message: string): ControlError => new ControlError("BadRequestException", message);

/**
 * AWS's request validation, which runs on the service model's constraints (enums, patterns, required
 * members) before the operation looks anything up: every failure in one message.
 */
export function validationError(failures: readonly string[]): ControlError {
  const count = failures.length === 1 ? "1 validation error" : `${failures.length} validation errors`;
  return new ControlError("ValidationException", `${count} detected: ${failures.join("; ")}`);
}

/** One failed enum constraint, worded as AWS's request validation words it. */
export const notInEnum = (value: string, member: string, allowed: readonly string[]): string =>
  `Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(", ")}]`;
