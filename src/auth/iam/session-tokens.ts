import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";

/**
 * Session tokens for temporary credentials, self-contained and tamper-proof: a token is the
 * session's facts (role, session name, expiry, session policy, tags), compressed and sealed with
 * AES-256-GCM under a key derived from the gateway's session key (session-key.ts), so any node
 * holding that key opens it and nothing about a session needs storing. The secret access key is
 * never stored either: it is an HMAC of the access key id under a second derived key, so every node
 * works it out again to check a signature.
 */

/** What a session is: who assumed which role, until when, and with which limits. */
export interface SessionClaims {
  readonly roleArn: string;
  readonly sessionName: string;
  /** Epoch milliseconds. */
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** The session policy's text (AssumeRole's `Policy`), when one was passed. */
  readonly policy?: string;
  /** Session tags (`aws:PrincipalTag/*` for the session, over the role's own tags). */
  readonly tags?: Readonly<Record<string, string>>;
  /** Tag keys that pass on to sessions this session assumes (role chaining). */
  readonly transitiveTagKeys?: readonly string[];
  /** The principal that called AssumeRole. */
  readonly sourceArn: string;
  /** Whether that principal was itself a role session (role chaining: one hour at most). */
  readonly chained?: boolean;
}

export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export type OpenedSession =
  | { readonly ok: true; readonly claims: SessionClaims; readonly secretAccessKey: string }
  | { readonly ok: false; readonly reason: "invalid" | "expired" };

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const AAD = Buffer.from("portico sts session v1");
/** Past this many bytes a token is refused unread (AWS's tokens stay well under it). */
const MAX_TOKEN_CHARS = 8192;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** An access key id of temporary credentials: `ASIA` and 16 random base32 characters, as AWS's. */
function newAccessKeyId(): string {
  const bytes = randomBytes(16);
  let id = "ASIA";
  for (const b of bytes) id += BASE32[b & 31];
  return id;
}

export class SessionSealer {
  private readonly sealKey: Buffer;
  private readonly secretKey: Buffer;

  /** `masterKey`: the gateway's 32-byte session key. */
  constructor(masterKey: Buffer) {
    this.sealKey = Buffer.from(hkdfSync("sha256", masterKey, "", "portico sts seal", 32));
    this.secretKey = Buffer.from(hkdfSync("sha256", masterKey, "", "portico sts secret", 32));
  }

  /** The secret access key of an access key id this gateway issued. */
  secretFor(accessKeyId: string): string {
    // 30 bytes make 40 base64 characters, the length of AWS's secret keys.
    return createHmac("sha256", this.secretKey)
      .update(accessKeyId)
      .digest()
      .subarray(0, 30)
      .toString("base64");
  }

  issue(claims: SessionClaims): IssuedCredentials {
    const accessKeyId = newAccessKeyId();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.sealKey, iv);
    cipher.setAAD(AAD);
    const plain = deflateRawSync(Buffer.from(JSON.stringify({ k: accessKeyId, c: claims })));
    const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
    const token = Buffer.concat([Buffer.of(VERSION), iv, sealed, cipher.getAuthTag()]).toString("base64url");
    return {
      accessKeyId,
      secretAccessKey: this.secretFor(accessKeyId),
      sessionToken: token,
      expiration: new Date(claims.expiresAt),
    };
  }

  /** The session a token seals, if this gateway sealed it for `accessKeyId` and it has not expired. */
  open(accessKeyId: string, token: string, now: Date): OpenedSession {
    const invalid = { ok: false, reason: "invalid" } as const;
    if (token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) return invalid;
    const raw = Buffer.from(token, "base64url");
    // Only the one spelling of the bytes: trailing bits a decoder would drop make another token.
    if (raw.toString("base64url") !== token) return invalid;
    if (raw.length < 1 + IV_BYTES + TAG_BYTES + 1 || raw[0] !== VERSION) return invalid;
    let payload: { k?: unknown; c?: SessionClaims };
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.sealKey, raw.subarray(1, 1 + IV_BYTES));
      decipher.setAAD(AAD);
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(raw.subarray(1 + IV_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]);
      payload = JSON.parse(inflateRawSync(plain, { maxOutputLength: 1 << 20 }).toString("utf8"));
    } catch {
      // Altered, truncated or sealed under another key: the GCM tag does not verify.
      return invalid;
    }
    const claims = payload.c;
    if (typeof payload.k !== "string" || claims === undefined || typeof claims.expiresAt !== "number")
      return invalid;
    const a = Buffer.from(payload.k);
    const b = Buffer.from(accessKeyId);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return invalid;
    if (now.getTime() >= claims.expiresAt) return { ok: false, reason: "expired" };
    return { ok: true, claims, secretAccessKey: this.secretFor(accessKeyId) };
  }
}
