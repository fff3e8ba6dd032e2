import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { clientCertOf, serialText } from "../../src/http/client-cert.ts";
import { makeTestPki, type TestPki } from "../support/tls-certs.ts";

/**
 * How a client certificate's fields are written, as AWS's examples write them: the serial as
 * OpenSSL's X509_print does (decimal within a long, else colon-separated lower-case hex bytes), the
 * names in the certificate's order, comma-joined, RFC 4514 escapes kept.
 */
describe("a client certificate's fields", () => {
  let pki: TestPki;
  before(() => {
    pki = makeTestPki();
  });
  after(() => pki.remove());

  test("serial numbers: decimal up to a signed 64-bit long, hex bytes with colons beyond", () => {
    assert.equal(serialText("01"), "1");
    assert.equal(serialText("03E8"), "1000");
    assert.equal(serialText("7FFFFFFFFFFFFFFF"), "9223372036854775807");
    // Past LONG_MAX (still 8 bytes) OpenSSL prints the bytes.
    assert.equal(serialText("8000000000000000"), "80:00:00:00:00:00:00:00");
    assert.equal(serialText("A1A1A1A1A1A1A1A1A1"), "a1:a1:a1:a1:a1:a1:a1:a1:a1");
    // An odd number of hex digits is a leading zero short.
    assert.equal(serialText("123456789ABCDEF01"), "01:23:45:67:89:ab:cd:ef:01");
  });

  test("names in the certificate's order, comma-joined; a comma in a value stays escaped", () => {
    const ca = pki.ca("ca");
    const client = pki.client("c", "/C=US/ST=Wash, ington/O=Example/CN=My Client", ca, 42);
    const pem = readFileSync(client.cert, "utf8");
    const fields = clientCertOf(new X509Certificate(pem));
    assert.equal(fields.subjectDN, "C=US,ST=Wash\\, ington,O=Example,CN=My Client");
    assert.equal(fields.issuerDN, "O=Portico tests,CN=ca");
    assert.equal(fields.serialNumber, "42");
    assert.equal(fields.clientCertPem, pem);
    assert.match(fields.validity.notBefore, /^[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4} GMT$/);
  });
});
