import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { APIGatewayClient, GetRestApisCommand } from "@aws-sdk/client-api-gateway";
import { WsdlError, wsdlToOpenApi } from "../../src/soap/wsdl/import-wsdl.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { ROOT } from "../support/process.ts";

/**
 * What a WSDL import refuses, and how: each problem a WsdlError with its code and a message that
 * names the file (and line) and the problem; through the CLI, exit status 1, the message, and no API.
 */

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "wsdl");
const calculator = readFileSync(join(FIXTURES, "calculator.wsdl"), "utf8");
const run = promisify(execFile);

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "portico-bad-wsdl-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A calculator WSDL with one change, written to the temp folder. */
function variant(name: string, from: string, to: string): string {
  assert.ok(calculator.includes(from), `the fixture has ${from}`);
  const path = join(dir, name);
  writeFileSync(path, calculator.replace(from, to));
  return path;
}

async function refusal(path: string, code: WsdlError["code"], message: RegExp): Promise<void> {
  await assert.rejects(wsdlToOpenApi(path), (err: unknown) => {
    assert.ok(err instanceof WsdlError, `a WsdlError, got ${err}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    return true;
  });
}

describe("malformed or dangerous XML is refused before anything is read from it", () => {
  test("not well-formed: the file, line and what is wrong", async () => {
    await refusal(
      join(FIXTURES, "bad", "malformed.wsdl"),
      "WSDL_MALFORMED_XML",
      /test\/fixtures\/wsdl\/bad\/malformed\.wsdl:6: not well-formed XML \(column \d+\): Expected closing tag 'element'/,
    );
  });

  test("an external entity (XXE) is refused, in the WSDL and in a schema it imports", async () => {
    await refusal(
      join(FIXTURES, "bad", "xxe.wsdl"),
      "WSDL_DTD_REFUSED",
      /bad\/xxe\.wsdl: has a DOCTYPE \(DTD\)/,
    );
    await refusal(
      join(FIXTURES, "bad", "imports-xxe.wsdl"),
      "WSDL_DTD_REFUSED",
      /bad\/xxe\.xsd: has a DOCTYPE/,
    );
  });

  test("an entity bomb (billion laughs) is refused without expanding anything", async () => {
    const before = process.memoryUsage().heapUsed;
    await refusal(
      join(FIXTURES, "bad", "billion-laughs.wsdl"),
      "WSDL_DTD_REFUSED",
      /billion-laughs\.wsdl: has a DOCTYPE/,
    );
    // 10^9 "lol"s would be gigabytes; nothing like it was built.
    assert.ok(process.memoryUsage().heapUsed - before < 64 * 1024 * 1024);
  });

  test("nesting past the limit, and a file past the size limit", async () => {
    const deep = join(dir, "deep.wsdl");
    writeFileSync(
      deep,
      `<definitions xmlns="http://schemas.xmlsoap.org/wsdl/">${"<documentation>".repeat(300)}${"</documentation>".repeat(300)}</definitions>`,
    );
    await refusal(deep, "WSDL_TOO_DEEP", /deep\.wsdl: elements nest deeper than 256 levels/);
    const big = join(dir, "big.wsdl");
    writeFileSync(
      big,
      `<definitions xmlns="http://schemas.xmlsoap.org/wsdl/"><!--${"x".repeat(11 * 1024 * 1024)}--></definitions>`,
    );
    await refusal(big, "WSDL_TOO_LARGE", /big\.wsdl: larger than 10 MB/);
  });

  test("XML that is not a WSDL", async () => {
    await refusal(
      join(FIXTURES, "bad", "not-a-wsdl.wsdl"),
      "WSDL_NOT_WSDL",
      /not-a-wsdl\.wsdl: the root element is <schema> in http:\/\/www\.w3\.org\/2001\/XMLSchema; a WSDL 1\.1 file starts with <definitions/,
    );
  });
});

describe("a WSDL that does not hang together", () => {
  test("a port naming a binding that is not defined", async () => {
    await refusal(
      variant("missing-binding.wsdl", 'binding="tns:CalculatorSoapBinding"', 'binding="tns:NoSuchBinding"'),
      "WSDL_UNDEFINED",
      /missing-binding\.wsdl:\d+: port 'CalculatorPort' names the binding \{urn:example:calculator\}NoSuchBinding, which is not defined/,
    );
  });

  test("a binding that is not a SOAP binding", async () => {
    await refusal(
      variant(
        "no-soap-binding.wsdl",
        '<soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>',
        "",
      ),
      "WSDL_UNDEFINED",
      /no-soap-binding\.wsdl:\d+: binding 'CalculatorSoapBinding' \(of port 'CalculatorPort'\) has no soap:binding or soap12:binding/,
    );
  });

  test("an unknown type, and an undeclared prefix", async () => {
    await refusal(
      variant("unknown-type.wsdl", 'name="Add" type="tns:Operands"', 'name="Add" type="tns:Nope"'),
      "WSDL_UNKNOWN_TYPE",
      /unknown-type\.wsdl:\d+: the type \{urn:example:calculator\}Nope is not defined/,
    );
    await refusal(
      variant("unknown-prefix.wsdl", 'name="a" type="xsd:int"', 'name="a" type="zz:int"'),
      "WSDL_UNDEFINED",
      /unknown-prefix\.wsdl:\d+: 'zz:int' uses the namespace prefix 'zz', which is not declared/,
    );
  });

  test("a name that is not an XML name (it would be written into the templates) is refused", async () => {
    await refusal(
      variant("odd-name.wsdl", 'name="a" type="xsd:int"', 'name="a&apos;) $util #set" type="xsd:int"'),
      "WSDL_UNSUPPORTED",
      /"a'\) \$util #set" is not an XML name; it cannot be mapped/,
    );
  });

  test("no service, and a service whose address is not a URL", async () => {
    const start = calculator.indexOf("<wsdl:service");
    const end = calculator.indexOf("</wsdl:service>") + "</wsdl:service>".length;
    await refusal(
      variant("no-service.wsdl", calculator.slice(start, end), ""),
      "WSDL_NO_SOAP_SERVICE",
      /the WSDL defines no service/,
    );
    await refusal(
      variant("bad-address.wsdl", "http://localhost:8000/calculator", "REPLACE_WITH_ACTUAL_URL"),
      "WSDL_BAD_ADDRESS",
      /service 'CalculatorService' port 'CalculatorPort': its address 'REPLACE_WITH_ACTUAL_URL' is not an http\(s\) URL; give the service's URL with --endpoint/,
    );
  });
});

describe("imports", () => {
  test("an import that cannot be read names the importing file, the line and the location", async () => {
    cpSync(join(FIXTURES, "order.wsdl"), join(dir, "order.wsdl"));
    await refusal(
      join(dir, "order.wsdl"),
      "WSDL_UNREADABLE",
      /order\.wsdl:\d+: imports types\/order-types\.xsd, which cannot be read \(.*types\/order-types\.xsd: ENOENT\)/,
    );
  });

  test("an http(s) schemaLocation is refused, not fetched", async () => {
    const order = readFileSync(join(FIXTURES, "order.wsdl"), "utf8");
    const path = join(dir, "remote.wsdl");
    writeFileSync(
      path,
      order.replace(
        'schemaLocation="types/order-types.xsd"',
        'schemaLocation="http://127.0.0.1:9/types.xsd"',
      ),
    );
    await refusal(
      path,
      "WSDL_REMOTE_IMPORT",
      /remote\.wsdl:\d+: imports http:\/\/127\.0\.0\.1:9\/types\.xsd, a URL; Portico reads imports from files only/,
    );
  });

  test("imports that import each other are each read once", async () => {
    writeFileSync(
      join(dir, "a.xsd"),
      `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:example:calculator"><xs:include schemaLocation="b.xsd"/></xs:schema>`,
    );
    writeFileSync(
      join(dir, "b.xsd"),
      `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:example:calculator"><xs:include schemaLocation="a.xsd"/></xs:schema>`,
    );
    const path = variant(
      "circular-imports.wsdl",
      '<xsd:schema targetNamespace="urn:example:calculator" elementFormDefault="qualified">',
      '<xsd:schema targetNamespace="urn:example:calculator" elementFormDefault="qualified"><xsd:include schemaLocation="a.xsd"/>',
    );
    const result = await wsdlToOpenApi(path);
    assert.equal(result.files.length, 3);
  });
});

describe("portico import refuses a bad WSDL and creates nothing", () => {
  let gw: TestGateway;
  let sdk: APIGatewayClient;
  before(async () => {
    gw = await startTestGateway();
    sdk = new APIGatewayClient(adminClientConfig(gw));
  });
  after(async () => {
    sdk.destroy();
    await gw.close();
  });

  const cli = async (file: string) => {
    try {
      const r = await run(process.execPath, [
        join(ROOT, "bin", "portico.js"),
        "import",
        file,
        "--stage",
        "dev",
        "--admin-url",
        `http://127.0.0.1:${gw.adminPort}`,
      ]);
      return { status: 0, stderr: r.stderr };
    } catch (err) {
      const e = err as { code: number; stderr: string };
      return { status: e.code, stderr: e.stderr };
    }
  };

  test("XXE, a missing binding and an unreadable import: exit 1 with the message; no API", async () => {
    const cases: [string, RegExp][] = [
      [join(FIXTURES, "bad", "xxe.wsdl"), /^portico import: .*xxe\.wsdl: has a DOCTYPE \(DTD\)/],
      [
        variant("cli-missing-binding.wsdl", 'binding="tns:CalculatorSoapBinding"', 'binding="tns:Gone"'),
        /^portico import: .*cli-missing-binding\.wsdl:\d+: port 'CalculatorPort' names the binding .*Gone, which is not defined/,
      ],
      [
        join(dir, "order.wsdl"),
        /^portico import: .*order\.wsdl:\d+: imports types\/order-types\.xsd, which cannot be read/,
      ],
    ];
    cpSync(join(FIXTURES, "order.wsdl"), join(dir, "order.wsdl"));
    for (const [file, message] of cases) {
      const r = await cli(file);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, message);
    }
    assert.deepEqual((await sdk.send(new GetRestApisCommand({}))).items ?? [], []);
  });
});
