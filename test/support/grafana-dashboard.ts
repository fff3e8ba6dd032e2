import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface DashboardPanel {
  readonly type: string;
  readonly title: string;
  readonly datasource?: { readonly type: string; readonly uid: string };
  readonly targets?: readonly { readonly expr: string; readonly refId: string }[];
}

export interface Dashboard {
  readonly title: string;
  readonly uid: string;
  readonly schemaVersion: number;
  readonly templating: { readonly list: readonly { name: string; type: string; query: unknown }[] };
  readonly panels: readonly DashboardPanel[];
}

/** docs/grafana-dashboard.json, parsed. */
export function readDashboard(): Dashboard {
  return JSON.parse(
    readFileSync(join(import.meta.dirname, "../../docs/grafana-dashboard.json"), "utf8"),
  ) as Dashboard;
}

/** Every query of the dashboard, with its panel's title. */
export function dashboardQueries(): { panel: string; expr: string }[] {
  return readDashboard().panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })),
  );
}

/** A query as Prometheus itself takes it: Grafana's variables given values that select everything. */
export function asPrometheusQuery(expr: string): string {
  return expr.replaceAll("$__rate_interval", "1m").replace(/\$[a-z_]+/g, ".*");
}
