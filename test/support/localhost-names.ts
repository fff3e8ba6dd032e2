import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { Agent, fetch as undiciFetch } from "undici";

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A resolver that answers `*.localhost` with loopback, as curl and browsers do (RFC 6761 §6.3), and
 * asks the system for every other name. Node's own resolver leaves `a1b2c3d4e5.execute-api.
 * us-east-1.localhost` to getaddrinfo, which does not resolve it on most Linux machines — so a test
 * fetching a URL Portico printed resolves it as the user's curl would, and still connects to
 * whatever that name means.
 */
export function localhostLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) {
    if (options.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
    else callback(null, "127.0.0.1", 4);
    return;
  }
  (dnsLookup as (h: string, o: LookupOptions, cb: LookupCallback) => void)(hostname, options, callback);
}

const agent = new Agent({ connect: { lookup: localhostLookup } });

/** fetch() with that resolver: a URL Portico printed or answered, requested as a user would. */
export function fetchAsUser(url: string, init: Parameters<typeof undiciFetch>[1] = {}) {
  return undiciFetch(url, { ...init, dispatcher: agent });
}
