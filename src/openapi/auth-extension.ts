import { importError } from "./errors.ts";
import { isObject } from "./parse-document.ts";

/**
 * An operation's `x-amazon-apigateway-auth` ({type: NONE | AWS_IAM}, any case, as AWS's own
 * examples write it): the authorization type it asks for. Anything else is refused, never dropped:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-auth.html
 */
export function readAuthExtension(value: unknown, where: string): "NONE" | "AWS_IAM" | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value) || typeof value.type !== "string") {
    throw importError(
      `Invalid OpenAPI input: ${where}.x-amazon-apigateway-auth must be an object with a type (NONE or AWS_IAM)`,
    );
  }
  const type = value.type.toUpperCase();
  if (type !== "NONE" && type !== "AWS_IAM") {
    throw importError(
      `Invalid OpenAPI input: ${where}.x-amazon-apigateway-auth: invalid authorization type ${value.type}. Valid options are NONE, AWS_IAM`,
    );
  }
  return type;
}

/**
 * `x-amazon-apigateway-auth` where API Gateway does not read it (a path item, the root): said out loud,
 * since the methods it seems to protect are not protected by it.
 */
export function misplacedAuthWarning(where: string): string {
  return `${where}: x-amazon-apigateway-auth is ignored there: API Gateway reads it on operations only, so it secures no method`;
}
