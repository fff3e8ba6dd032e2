import { dirname, resolve } from "node:path";
import type { TlsListenerSettings } from "../listen/tls-domains.ts";
import type { LoadedConfig } from "./load-config.ts";

/**
 * The HTTPS listener's settings: `listen.tls` and `domains[].tls` of the config file, paths made
 * absolute against the file's folder, the port overridden by `--tls-port` / `PORTICO_TLS_PORT`.
 * Undefined when the config file has no `listen.tls`. The files are read at start (portico.ts).
 */
export function resolveTlsSettings(
  tlsPort: { value: string | undefined; source: string } | undefined,
  parsePort: (value: string, source: string) => number | undefined,
  dataPlaneHost: string,
  config: LoadedConfig | undefined,
  problems: string[],
): TlsListenerSettings | undefined {
  const tls = config?.listen?.tls;
  const declared = (config?.domains ?? []).flatMap((d, i) => (d.tls === undefined ? [] : [{ d, i }]));
  if (tls === undefined) {
    if (tlsPort?.value !== undefined)
      problems.push(
        `${tlsPort.source}: an HTTPS listener needs listen.tls in the config file (its certificate)`,
      );
    if (declared.length > 0)
      problems.push(
        `domains[${declared[0]!.i}].tls: certificates are served by the HTTPS listener: add listen.tls`,
      );
    if (config?.listen?.http === false)
      problems.push("listen.http: false leaves no data-plane listener without listen.tls");
    return undefined;
  }
  const base = dirname(config!.file);
  const path = (p: string | undefined) => (p === undefined ? undefined : resolve(base, p));
  const port = tlsPort?.value === undefined ? undefined : parsePort(tlsPort.value, tlsPort.source);
  return {
    port: port ?? tls.port ?? 8443,
    host: tls.host ?? dataPlaneHost,
    ...(tls.certificate === undefined ? {} : { certificate: path(tls.certificate), key: path(tls.key) }),
    ...(tls.securityPolicy === undefined ? {} : { securityPolicy: tls.securityPolicy }),
    domains: declared.map(({ d, i }) => ({
      name: d.name,
      ...(d.tls!.certificate === undefined
        ? {}
        : { certificate: path(d.tls!.certificate), key: path(d.tls!.key) }),
      ...(d.tls!.truststore === undefined ? {} : { truststore: path(d.tls!.truststore) }),
      where: `domains[${i}].tls`,
    })),
  };
}
