import type { CompiledApi } from "./context.ts";

/**
 * The data plane's whole view of what is deployed. Never mutated: a deploy builds a new table
 * (sharing the unchanged APIs) and swaps one reference, so a request that has read the table keeps
 * a consistent view until it ends.
 */
export class RoutingTable {
  static readonly empty = new RoutingTable(new Map());

  readonly apis: ReadonlyMap<string, CompiledApi>;

  constructor(apis: ReadonlyMap<string, CompiledApi>) {
    this.apis = apis;
  }

  with(api: CompiledApi): RoutingTable {
    const next = new Map(this.apis);
    next.set(api.apiId, api);
    return new RoutingTable(next);
  }

  without(apiId: string): RoutingTable {
    if (!this.apis.has(apiId)) return this;
    const next = new Map(this.apis);
    next.delete(apiId);
    return new RoutingTable(next);
  }
}
