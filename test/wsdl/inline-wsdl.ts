import { resolve } from "node:path";
import { type OpenApiOptions, type WsdlImport, wsdlToOpenApi } from "../../src/soap/wsdl/import-wsdl.ts";

/** Imports WSDL text (and the files it names) held in memory, as if in a folder `/virtual`. */
export function importTexts(
  files: Record<string, string>,
  main = "main.wsdl",
  options: OpenApiOptions = {},
): Promise<WsdlImport> {
  const byPath = new Map(Object.entries(files).map(([name, text]) => [resolve("/virtual", name), text]));
  return wsdlToOpenApi(resolve("/virtual", main), options, async (path) => {
    const text = byPath.get(path);
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
    return text;
  });
}

/**
 * A document/literal SOAP 1.1 WSDL with one operation `Op` whose input is element `tns:In` and
 * output `tns:Out`, around the given schema content (target namespace `urn:t`).
 */
export function wsdlAround(
  schemaContent: string,
  schemaAttributes = 'elementFormDefault="qualified"',
): string {
  return `<?xml version="1.0"?>
<definitions name="T" targetNamespace="urn:t" xmlns="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tns="urn:t">
  <types>
    <xs:schema targetNamespace="urn:t" ${schemaAttributes}>
${schemaContent}
    </xs:schema>
  </types>
  <message name="InMsg"><part name="p" element="tns:In"/></message>
  <message name="OutMsg"><part name="p" element="tns:Out"/></message>
  <portType name="PT">
    <operation name="Op"><input message="tns:InMsg"/><output message="tns:OutMsg"/></operation>
  </portType>
  <binding name="B" type="tns:PT">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="Op">
      <soap:operation soapAction="urn:t/Op"/>
      <input><soap:body use="literal"/></input>
      <output><soap:body use="literal"/></output>
    </operation>
  </binding>
  <service name="S"><port name="P" binding="tns:B"><soap:address location="http://127.0.0.1:9/s"/></port></service>
</definitions>`;
}

/** The models of an import. */
export function schemasOf(result: WsdlImport): Record<string, Record<string, unknown>> {
  return (result.document.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
}

/** The integration of `POST path`. */
export function integrationOf(
  result: WsdlImport,
  path: string,
): Record<string, unknown> & {
  requestTemplates: Record<string, string>;
  requestParameters: Record<string, string>;
  responses: Record<string, { statusCode: string; responseTemplates: Record<string, string> }>;
} {
  const paths = result.document.paths as Record<string, { post: Record<string, unknown> }>;
  const op = paths[path];
  if (op === undefined) throw new Error(`no path ${path} in ${Object.keys(paths).join(", ")}`);
  return op.post["x-amazon-apigateway-integration"] as never;
}
