import type { EventRoute } from "./lambda-event.ts";
import { ROUTE_RESET, ROUTE_SEPARATOR } from "./proxy-wire.ts";

/** Routes by an id and as JSON, worked out once per route and stage (EventRoute objects live as long). */
const wireRoutes = new WeakMap<EventRoute, { id: number; ref: string; json: string }>();
let lastRouteId = 0;
/** Most routes a worker is asked to remember. */
const MAX_WORKER_ROUTES = 1024;

/**
 * How to name a route to a worker that has been sent the routes in `sent`: by id once it has been
 * sent it (see proxy-wire.ts). Records the route as sent.
 */
export function routeRef(sent: Set<number>, route: EventRoute): string {
  let wire = wireRoutes.get(route);
  if (wire === undefined) {
    const id = ++lastRouteId;
    wire = { id, ref: String(id), json: JSON.stringify(route) };
    wireRoutes.set(route, wire);
  }
  if (sent.has(wire.id)) return wire.ref;
  const reset = sent.size >= MAX_WORKER_ROUTES;
  if (reset) sent.clear();
  sent.add(wire.id);
  return `${reset ? ROUTE_RESET : ""}${wire.ref}${ROUTE_SEPARATOR}${wire.json}`;
}
