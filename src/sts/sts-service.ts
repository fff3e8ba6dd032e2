import type { IncomingMessage } from "node:http";
import type { CredentialStore, StoredPrincipal } from "../auth/iam/credential-store.ts";
import { principalId } from "../auth/iam/principal-id.ts";
import type { RoleStore } from "../auth/iam/roles.ts";
import type { SessionSealer } from "../auth/iam/session-tokens.ts";
import { sha256Hex } from "../auth/sigv4/canonical-request.ts";
import { checkSigV4Headers, verifySigV4 } from "../auth/sigv4/verify-request.ts";
import { assumeRole } from "./assume-role.ts";
import { queryParams } from "./query-params.ts";
import { StsError, signatureRefusal } from "./sts-errors.ts";
import { elements, resultXml, type StsReply } from "./sts-xml.ts";

/** The STS actions Portico serves (docs/admin-operations.md lists them). */
export const STS_ACTIONS = ["AssumeRole", "GetCallerIdentity"] as const;

const VERSION = "2011-06-15";
const SCOPE_SERVICE = /Credential=[^/,\s]+\/\d{8}\/[^/,\s]+\/([^/,\s]+)\//;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

function isForm(req: IncomingMessage): boolean {
  return (first(req.headers["content-type"]) ?? "")
    .toLowerCase()
    .startsWith("application/x-www-form-urlencoded");
}

/**
 * Whether an admin-listener request is for STS rather than API Gateway: signed for the `sts`
 * service (its credential scope says so), or, unsigned, a Query-protocol request (`POST /` with a
 * form body, or `/?Action=…`), which API Gateway's REST wire never sends.
 */
export function isStsRequest(req: IncomingMessage, url: URL): boolean {
  const authorization = first(req.headers.authorization);
  const scope =
    (authorization === undefined ? undefined : SCOPE_SERVICE.exec(authorization)?.[1]) ??
    /\/\d{8}\/[^/]+\/([^/]+)\/aws4_request$/.exec(url.searchParams.get("X-Amz-Credential") ?? "")?.[1];
  if (scope !== undefined) return scope === "sts";
  return url.pathname === "/" && ((req.method === "POST" && isForm(req)) || url.searchParams.has("Action"));
}

export interface StsDeps {
  readonly credentials: CredentialStore;
  readonly roles: RoleStore;
  readonly sealer: () => SessionSealer;
  readonly region: string;
}

const plainIp = (a: string | undefined) => (a?.startsWith("::ffff:") && a.includes(".") ? a.slice(7) : a);

/**
 * AWS STS on the admin listener, as `aws sts …` and the SDKs' STS clients call it: the Query protocol
 * (`Action=AssumeRole&Version=2011-06-15&…`), SigV4 with service `sts` in any region, XML answers and
 * errors. Temporary credentials it issues sign requests to the data plane, the admin API and STS
 * itself.
 */
export class StsService {
  private readonly deps: StsDeps;

  constructor(deps: StsDeps) {
    this.deps = deps;
  }

  /** From the headers alone: what the signature checks short of the body already refuse. */
  precheck(req: IncomingMessage, now: Date): StsReply | undefined {
    const checked = checkSigV4Headers(
      { method: req.method ?? "POST", rawPath: req.url ?? "/", headers: req.headers },
      { service: "sts", lookup: this.deps.credentials.lookup, now },
    );
    return checked.ok ? undefined : signatureRefusal(checked.error).reply();
  }

  /** Answers a whole request; never throws for anything the client sent. */
  serve(req: IncomingMessage, url: URL, body: Buffer, now: Date): StsReply {
    try {
      const verified = verifySigV4(
        {
          method: req.method ?? "POST",
          rawPath: req.url ?? "/",
          headers: req.headers,
          bodySha256Hex: sha256Hex(body),
        },
        { service: "sts", lookup: this.deps.credentials.lookup, now },
      );
      if (!verified.ok) throw signatureRefusal(verified.error);
      const params = queryParams(body, url.search.slice(1), isForm(req));
      return this.act(params, verified.credential, req, now);
    } catch (err) {
      if (err instanceof StsError) return err.reply();
      throw err;
    }
  }

  private act(
    params: ReadonlyMap<string, string>,
    caller: StoredPrincipal,
    req: IncomingMessage,
    now: Date,
  ): StsReply {
    const action = params.get("Action");
    if (action === undefined || action === "") throw new StsError(400, "MissingAction", "Missing Action");
    const version = params.get("Version") ?? "NO_VERSION_SPECIFIED";
    if (version !== VERSION || !(STS_ACTIONS as readonly string[]).includes(action))
      throw new StsError(400, "InvalidAction", `Could not find operation ${action} for version ${version}`);
    if (action === "GetCallerIdentity") return callerIdentity(caller);
    return assumeRole(
      params,
      caller,
      { sourceIp: plainIp(req.socket.remoteAddress), userAgent: first(req.headers["user-agent"]), now },
      this.deps,
    );
  }
}

/** GetCallerIdentity: who signed, as IAM names it; allowed to everyone, as on AWS. */
function callerIdentity(caller: StoredPrincipal): StsReply {
  const { arn, accountId } = caller.principal;
  return resultXml(
    "GetCallerIdentity",
    elements([
      ["Arn", arn],
      ["UserId", caller.userId ?? principalId(arn, accountId)],
      ["Account", accountId],
    ]),
  );
}
