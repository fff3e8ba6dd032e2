import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import { isWsdl, WsdlError } from "../../src/soap/wsdl/import-wsdl.ts";
import { ROOT } from "../support/process.ts";
import { importTexts, integrationOf, schemasOf } from "./inline-wsdl.ts";
import { render } from "./render.ts";

/** The OpenAPI document a WSDL becomes: which ports, paths, names and warnings. */

const run = promisify(execFile);

/** A WSDL 1.1 with the given services (and what else `extra` adds), over one portType `PT` with `Ping` and `Log`. */
function wsdl(services: string, extra = "", tns = "urn:t"): string {
  return `<?xml version="1.0"?>
<definitions name="Multi" targetNamespace="${tns}" xmlns="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/"
    xmlns:http="http://schemas.xmlsoap.org/wsdl/http/" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="${tns}">
  <types><xs:schema targetNamespace="${tns}" elementFormDefault="qualified">
    <xs:element name="Ping"><xs:complexType><xs:sequence><xs:element name="text" type="xs:string"/></xs:sequence></xs:complexType></xs:element>
    <xs:element name="PingResponse"><xs:complexType><xs:sequence><xs:element name="echo" type="xs:string"/></xs:sequence></xs:complexType></xs:element>
    <xs:element name="Log"><xs:complexType><xs:sequence><xs:element name="line" type="xs:string"/></xs:sequence></xs:complexType></xs:element>
    <xs:element name="Auth" type="xs:string"/>
  </xs:schema></types>
  <message name="PingIn"><part name="p" element="tns:Ping"/></message>
  <message name="PingOut"><part name="p" element="tns:PingResponse"/></message>
  <message name="LogIn"><part name="p" element="tns:Log"/></message>
  <message name="AuthHeader"><part name="h" element="tns:Auth"/></message>
  <portType name="PT">
    <operation name="Ping"><input message="tns:PingIn"/><output message="tns:PingOut"/></operation>
    <operation name="Log"><input message="tns:LogIn"/></operation>
    <operation name="Tick"><output message="tns:PingOut"/></operation>
  </portType>
  <binding name="B11" type="tns:PT">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="Ping"><soap:operation soapAction=""/>
      <input><soap:body use="literal"/><soap:header message="tns:AuthHeader" part="h" use="literal"/></input>
      <output><soap:body use="literal"/></output></operation>
    <operation name="Log"><input><soap:body use="literal"/></input></operation>
    <operation name="Tick"><output><soap:body use="literal"/></output></operation>
  </binding>
  <binding name="B12" type="tns:PT">
    <soap12:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="Ping"><soap12:operation soapAction="urn:t/Ping"/>
      <input><soap12:body use="literal"/></input><output><soap12:body use="literal"/></output></operation>
  </binding>
  <binding name="BHttp" type="tns:PT"><http:binding verb="POST"/></binding>
  ${services}
  ${extra}
</definitions>`;
}

const BOTH = `<service name="Echo">
    <port name="EchoHttp" binding="tns:BHttp"><http:address location="http://127.0.0.1:9/http"/></port>
    <port name="Echo12" binding="tns:B12"><soap12:address location="http://127.0.0.1:9/soap12"/></port>
    <port name="Echo11" binding="tns:B11"><soap:address location="http://127.0.0.1:9/soap11"/></port>
  </service>`;

describe("ports, services and operations", () => {
  test("a service with SOAP 1.1 and 1.2 ports imports the 1.1 one; the others are named in warnings", async () => {
    const result = await importTexts({ "main.wsdl": wsdl(BOTH) });
    assert.deepEqual(
      result.operations.map((o) => [o.path, o.port, o.soapVersion, o.uri]),
      [
        ["/Echo/Ping", "Echo11", "1.1", "http://127.0.0.1:9/soap11"],
        ["/Echo/Log", "Echo11", "1.1", "http://127.0.0.1:9/soap11"],
      ],
    );
    const warnings = result.warnings.join("\n");
    assert.match(
      warnings,
      /port 'EchoHttp' of service 'Echo' has no soap:address \(not a SOAP port\); skipped/,
    );
    assert.match(
      warnings,
      /service 'Echo': port 'Echo12' \(SOAP 1\.2\) not imported; port 'Echo11' \(SOAP 1\.1\) is/,
    );
    assert.match(warnings, /operation 'Ping' has SOAP headers; they are not mapped/);
    assert.match(warnings, /operation 'Tick' has no input \(a notification\); not imported/);
    // An empty soapAction is sent as the empty quoted string SOAP 1.1 asks for.
    assert.equal(
      integrationOf(result, "/Echo/Ping").requestParameters["integration.request.header.SOAPAction"],
      `'""'`,
    );
  });

  test("soapVersion 1.2 picks the 1.2 port; endpoint replaces every address", async () => {
    const result = await importTexts({ "main.wsdl": wsdl(BOTH) }, "main.wsdl", {
      soapVersion: "1.2",
      endpoint: "https://soap.example.com/svc",
    });
    assert.deepEqual(
      result.operations.map((o) => [o.path, o.port, o.uri]),
      [["/Echo/Ping", "Echo12", "https://soap.example.com/svc"]],
    );
    assert.equal(
      integrationOf(result, "/Echo/Ping").requestParameters["integration.request.header.Content-Type"],
      `'application/soap+xml; charset=utf-8; action="urn:t/Ping"'`,
    );
  });

  test("a one-way operation answers {} (a fault still comes back as one)", async () => {
    const result = await importTexts({ "main.wsdl": wsdl(BOTH) });
    assert.deepEqual(schemasOf(result).LogOutput, {
      title: "LogOutput",
      type: "object",
      properties: {},
      additionalProperties: false,
      description: "The output of Echo.Log",
    });
    const template = integrationOf(result, "/Echo/Log").responses.default!.responseTemplates[
      "application/json"
    ]!;
    assert.equal(render(template, "").output.trim(), "{}");
  });

  test("two services: model names and operation ids carry the service; only one with service", async () => {
    const two = `<service name="First"><port name="P" binding="tns:B11"><soap:address location="http://127.0.0.1:9/1"/></port></service>
      <service name="Second.v2"><port name="P" binding="tns:B11"><soap:address location="http://127.0.0.1:9/2"/></port></service>`;
    const result = await importTexts({ "main.wsdl": wsdl(two) });
    assert.deepEqual(
      result.operations.map((o) => o.path),
      ["/First/Ping", "/First/Log", "/Second.v2/Ping", "/Second.v2/Log"],
    );
    for (const name of ["FirstPingInput", "FirstPingOutput", "SecondV2PingInput", "SecondV2LogOutput"])
      assert.ok(schemasOf(result)[name], name);
    const paths = result.document.paths as Record<string, { post: { operationId: string } }>;
    assert.equal(paths["/Second.v2/Ping"]!.post.operationId, "Second.v2_Ping");
    const only = await importTexts({ "main.wsdl": wsdl(two) }, "main.wsdl", { service: "Second.v2" });
    assert.deepEqual(
      only.operations.map((o) => o.path),
      ["/Second.v2/Ping", "/Second.v2/Log"],
    );
    await assert.rejects(
      importTexts({ "main.wsdl": wsdl(two) }, "main.wsdl", { service: "Third" }),
      (err: unknown) =>
        err instanceof WsdlError &&
        err.message === "there is no service 'Third' (the WSDL has 'First', 'Second.v2')",
    );
  });

  test("a service with no SOAP port at all is refused", async () => {
    const httpOnly = `<service name="Echo"><port name="H" binding="tns:BHttp"><http:address location="http://127.0.0.1:9/h"/></port></service>`;
    await assert.rejects(
      importTexts({ "main.wsdl": wsdl(httpOnly) }),
      (err: unknown) => err instanceof WsdlError && err.code === "WSDL_NO_SOAP_SERVICE",
    );
  });

  test("a namespace with $ and # in it is written as it is, not run as Velocity", async () => {
    const result = await importTexts({ "main.wsdl": wsdl(BOTH, "", "urn:odd#$x&y") });
    const template = integrationOf(result, "/Echo/Ping").requestTemplates["application/json"]!;
    const { output } = render(template, '{"text": "hi"}');
    assert.match(output, /xmlns:ns0="urn:odd#\$x&amp;y"/);
    assert.match(output, /<ns0:Ping><ns0:text>hi<\/ns0:text><\/ns0:Ping>/);
  });

  test("the API's name and description come from the WSDL", async () => {
    const result = await importTexts({ "main.wsdl": wsdl(BOTH) });
    assert.deepEqual(result.document.info, {
      title: "Multi",
      description: "Imported from main.wsdl (WSDL 1.1).",
      version: "1.0",
    });
  });
});

describe("recognising a WSDL", () => {
  test("by its extension, or by a WSDL root element whatever the file is called", () => {
    assert.equal(isWsdl("svc.WSDL", ""), true);
    assert.equal(
      isWsdl(
        "svc.xml",
        `<?xml version="1.0"?>\n<!-- c --><wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">`,
      ),
      true,
    );
    assert.equal(
      isWsdl("svc.xml", `<description xmlns="http://www.w3.org/ns/wsdl" targetNamespace="urn:x">`),
      true,
    );
    assert.equal(isWsdl("api.yaml", "openapi: 3.0.1\ninfo: {title: x}\n"), false);
    assert.equal(isWsdl("other.xml", `<definitions xmlns="urn:not-wsdl">`), false);
  });

  test("portico import --print-openapi prints the document; WSDL options on an OpenAPI file are refused", async () => {
    const cli = join(ROOT, "bin", "portico.js");
    const { stdout } = await run(process.execPath, [
      cli,
      "import",
      join(ROOT, "test", "fixtures", "wsdl", "calculator.wsdl"),
      "--print-openapi",
      "--endpoint",
      "http://127.0.0.1:9/calc",
    ]);
    const doc = JSON.parse(stdout);
    assert.deepEqual(Object.keys(doc.paths), [
      "/CalculatorService/Add",
      "/CalculatorService/Subtract",
      "/CalculatorService/Divide",
    ]);
    assert.equal(
      doc.paths["/CalculatorService/Add"].post["x-amazon-apigateway-integration"].uri,
      "http://127.0.0.1:9/calc",
    );
    await assert.rejects(
      run(process.execPath, [
        cli,
        "import",
        join(ROOT, "test", "fixtures", "openapi", "petstore-aws.yaml"),
        "--endpoint",
        "http://x",
      ]),
      (err: { code: number; stderr: string }) =>
        err.code === 1 &&
        /--endpoint is for WSDL files, and .*petstore-aws\.yaml is not one/.test(err.stderr),
    );
  });
});
