import type { Mapping } from "./values.ts";

/**
 * What an intrinsic function can see where it is evaluated. Conditions see parameters only;
 * resources and outputs also see the resources before them.
 */
export interface Scope {
  file: string;
  /** `Ref` of a name: a parameter's or pseudo parameter's value, a resource's id, or NO_VALUE. */
  ref(name: string, path: string): unknown;
  getAtt(logicalId: string, attribute: string, path: string): unknown;
  /** Whether the named condition holds. */
  condition(name: string, path: string): boolean;
  mappings: Mapping;
  region: string;
}
