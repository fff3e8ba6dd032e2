import type { ControlPlane } from "../control/control-plane.ts";
import { notFound } from "../control/errors.ts";
import type { HttpApiDefinition } from "../model/http-api.ts";
import type { AdminRequest } from "./admin-router.ts";

/** How the `apigatewayv2` routes find the API their path names, and answer it missing. */

export async function httpApi(control: ControlPlane, r: AdminRequest): Promise<HttpApiDefinition> {
  const def = await control.getHttpApi(r.params.apiId!);
  if (def === undefined) throw notFound(`Invalid API identifier specified ${r.params.apiId}`);
  return def;
}

export const apiIdOf = (r: AdminRequest): string => r.params.apiId!;

/** apigatewayv2 lists: `{"items": [...]}`. */
export const items = <T>(list: T[]): { items: T[] } => ({ items: list });
