import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The PEM files of the HTTPS listener, read with a sentence for whatever is wrong with them: a
 * config error at start, a warning when a domain's files are read again at run time. Nothing here
 * ever prints a private key.
 */

/** A certificate (its chain may follow it in the file) and the private key that goes with it. */
export interface KeyPair {
  readonly cert: string;
  readonly key: string;
  readonly certFile: string;
}

/** A mutual TLS truststore: the CA certificates a client's certificate must chain to. */
export interface Truststore {
  readonly file: string;
  /** The bundle's certificates, PEM, each one parsed. */
  readonly certificates: readonly string[];
  /** Certificates of the bundle that could not be used (AWS's `truststoreWarnings`, in words). */
  readonly warnings: readonly string[];
}

export type Problem = { readonly problem: string };

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function readText(file: string, what: string): string | Problem {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code;
    return { problem: `cannot read the ${what} ${file} (${why})` };
  }
}

/** Reads a certificate and its key, and checks that they belong together. */
export function readKeyPair(certFile: string, keyFile: string): KeyPair | Problem {
  const cert = readText(certFile, "certificate");
  if (typeof cert !== "string") return cert;
  const key = readText(keyFile, "private key");
  if (typeof key !== "string") return key;
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    return { problem: `${certFile} holds no PEM certificate` };
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(key))
    return { problem: `${keyFile} is an encrypted private key: Portico reads unencrypted PEM keys only` };
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    return { problem: `${keyFile} holds no PEM private key` };
  }
  if (!x509.checkPrivateKey(privateKey))
    return { problem: `${keyFile} is not the private key of the certificate in ${certFile}` };
  return { cert, key, certFile };
}

/** A truststore bundle: every certificate must parse (strict, the config file) or is set aside with a warning. */
export function readTruststore(file: string, strict: boolean): Truststore | Problem {
  const text = readText(file, "truststore");
  if (typeof text !== "string") return text;
  const certificates: string[] = [];
  const warnings: string[] = [];
  let n = 0;
  for (const [pem] of text.matchAll(PEM_CERT)) {
    n++;
    try {
      new X509Certificate(pem);
      certificates.push(pem);
    } catch {
      warnings.push(`certificate ${n} of ${file} cannot be parsed`);
    }
  }
  if (strict && warnings.length > 0)
    return { problem: `${warnings[0]}: a truststore holds PEM certificates` };
  if (certificates.length === 0)
    return { problem: `the truststore ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)` };
  return { file, certificates, warnings };
}

/**
 * Where a domain's `mutualTlsAuthentication.truststoreUri` points on this machine: a `file://` URI
 * or a path (relative to the gateway's working directory). AWS's `s3://bucket/key` is not readable
 * here: undefined.
 */
export function truststorePath(uri: string, cwd = process.cwd()): string | undefined {
  if (/^file:\/\//i.test(uri)) {
    try {
      return fileURLToPath(uri);
    } catch {
      return undefined;
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) return undefined;
  return isAbsolute(uri) ? uri : resolve(cwd, uri);
}
