import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Certificates made for one test run with the openssl CLI, in a temporary folder: a CA, server
 * certificates for names (wildcards too) and client certificates signed by a CA, or self-signed.
 * Nothing here is committed; every key lives only as long as the test.
 */
export interface CertFiles {
  cert: string;
  key: string;
}

export interface TestPki {
  readonly dir: string;
  /** A CA: `cert` is its certificate (the truststore of mutual TLS), `key` signs what it issues. */
  ca(name: string): CertFiles;
  /** A server certificate for `names` (the first is its CN, every one a DNS SAN), signed by `ca`. */
  server(file: string, names: string[], ca: CertFiles): CertFiles;
  /** A client certificate with `subject` (`/C=US/O=Example/CN=client`), signed by `ca` or self-signed. */
  client(file: string, subject: string, ca: CertFiles | "self-signed", serial?: number | string): CertFiles;
  /** Text written into the folder (a config file, a bad PEM). */
  write(file: string, text: string): string;
  remove(): void;
}

const OPENSSL = "/usr/bin/openssl";

function openssl(args: string[], cwd: string): void {
  execFileSync(OPENSSL, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "portico-tls-"));
  const path = (f: string) => join(dir, f);
  let serial = 1000;
  const sign = (csr: string, out: string, ca: CertFiles, ext: string, serialNumber?: number | string) => {
    writeFileSync(path(`${out}.ext`), ext);
    openssl(
      [
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        ca.cert,
        "-CAkey",
        ca.key,
        "-set_serial",
        String(serialNumber ?? serial++),
        "-days",
        "30",
        "-sha256",
        "-extfile",
        path(`${out}.ext`),
        "-out",
        path(`${out}.pem`),
      ],
      dir,
    );
  };
  const keyAndCsr = (file: string, subject: string) => {
    openssl(
      [
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        path(`${file}.key`),
        "-subj",
        subject,
        "-out",
        path(`${file}.csr`),
      ],
      dir,
    );
  };
  return {
    dir,
    ca(name) {
      openssl(
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          path(`${name}.key`),
          "-subj",
          `/O=Portico tests/CN=${name}`,
          "-days",
          "30",
          "-sha256",
          "-addext",
          "basicConstraints=critical,CA:TRUE",
          "-addext",
          "keyUsage=critical,keyCertSign,cRLSign",
          "-out",
          path(`${name}.pem`),
        ],
        dir,
      );
      return { cert: path(`${name}.pem`), key: path(`${name}.key`) };
    },
    server(file, names, ca) {
      keyAndCsr(file, `/O=Portico tests/CN=${names[0]}`);
      sign(
        path(`${file}.csr`),
        file,
        ca,
        `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}\nextendedKeyUsage=serverAuth\n`,
      );
      return { cert: path(`${file}.pem`), key: path(`${file}.key`) };
    },
    client(file, subject, ca, serialNumber) {
      if (ca === "self-signed") {
        openssl(
          [
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            path(`${file}.key`),
            "-subj",
            subject,
            "-days",
            "30",
            "-out",
            path(`${file}.pem`),
          ],
          dir,
        );
      } else {
        keyAndCsr(file, subject);
        sign(path(`${file}.csr`), file, ca, "extendedKeyUsage=clientAuth\n", serialNumber);
      }
      return { cert: path(`${file}.pem`), key: path(`${file}.key`) };
    },
    write(file, text) {
      writeFileSync(path(file), text);
      return path(file);
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
