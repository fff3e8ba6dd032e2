import { randomInt } from "node:crypto";

const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

function randomString(length: number, alphabet: string): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** AWS shapes: api ids are 10 lower-case alphanumerics (`a1b2c3d4e5`). */
export const newApiId = (): string => randomString(10, LOWER_ALNUM);
/** Resource ids are 6–10 lower-case alphanumerics; the root's is 10. */
export const newResourceId = (): string => randomString(6, LOWER_ALNUM);
/** Deployment ids are 6 lower-case alphanumerics. */
export const newDeploymentId = (): string => randomString(6, LOWER_ALNUM);
/** apigatewayv2 route and integration ids are 7 lower-case alphanumerics. */
export const newV2ChildId = (): string => randomString(7, LOWER_ALNUM);
/** Model ids are 6 lower-case alphanumerics. */
export const newModelId = (): string => randomString(6, LOWER_ALNUM);
/** apigatewayv2 API mapping ids: 6 lower-case alphanumerics. */
export const newApiMappingId = (): string => randomString(6, LOWER_ALNUM);
/** Private custom domain names' ids (`domainNameId`): 8 lower-case alphanumerics. */
export const newDomainNameId = (): string => randomString(8, LOWER_ALNUM);

export const isApiId = (s: string): boolean => /^[a-z0-9]{10}$/.test(s);
