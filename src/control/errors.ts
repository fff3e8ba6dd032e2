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
  | "UnauthorizedException";

const STATUS: Record<ControlErrorType, number> = {
  BadRequestException: 400,
  NotFoundException: 404,
  ConflictException: 409,
  LimitExceededException: 429,
  TooManyRequestsException: 429,
  UnauthorizedException: 401,
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
