import type { ControlPlane } from "../control/control-plane.ts";
import { notFound } from "../control/errors.ts";

/** Changes an account-level document that must exist; a missing one is `NotFoundException` with `message`. */
export function mustChange<T>(
  control: ControlPlane,
  collection: "apikeys" | "usageplans" | "domainnames" | "account",
  id: string,
  message: string,
  edit: (t: T) => void,
): Promise<T | undefined> {
  return control.changeDocument<T>(collection, id, (current) => {
    if (current === undefined) throw notFound(message);
    edit(current);
    return current;
  });
}
