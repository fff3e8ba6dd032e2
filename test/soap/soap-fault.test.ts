import assert from "node:assert/strict";
import { test } from "node:test";
import { isXmlContentType, soapFaultTexts } from "../../src/soap/soap-fault.ts";

const env11 = (inner: string) =>
  `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${inner}</s:Body></s:Envelope>`;
const env12 = (inner: string) =>
  `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>${inner}</env:Body></env:Envelope>`;
const texts = (type: string | undefined, body: string) => soapFaultTexts(type, Buffer.from(body));

test("SOAP 1.1: faultcode, then faultstring, as written", () => {
  const fault = env11(
    "<s:Fault><faultcode>s:Client</faultcode><faultstring>Bad input</faultstring><detail><x/></detail></s:Fault>",
  );
  assert.deepEqual(texts("text/xml; charset=utf-8", fault), ["s:Client", "Bad input"]);
});

test("SOAP 1.2: Subcode/Value, Code/Value, then the first Reason/Text", () => {
  const fault = env12(
    `<env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value>m:Busy</env:Value></env:Subcode></env:Code>` +
      `<env:Reason><env:Text xml:lang="en">Try later</env:Text><env:Text xml:lang="de">Später</env:Text></env:Reason></env:Fault>`,
  );
  assert.deepEqual(texts('application/soap+xml; action="urn:x"', fault), [
    "m:Busy",
    "env:Sender",
    "Try later",
  ]);
});

test("not a fault: another content type, no Fault in Body, a document that is not SOAP, or a broken one", () => {
  const fault = env11("<s:Fault><faultcode>s:Client</faultcode></s:Fault>");
  assert.equal(texts("application/json", fault), undefined);
  assert.equal(texts(undefined, fault), undefined);
  assert.equal(texts("text/xml", env11("<Result>Fault</Result>")), undefined);
  assert.equal(texts("text/xml", "<Fault><faultcode>x</faultcode></Fault>"), undefined);
  assert.equal(texts("text/xml", env11("<s:Fault><faultcode>x</s:Fault>")), undefined);
  assert.equal(
    texts("text/xml", `<!DOCTYPE x [<!ENTITY e "Fault">]>${env11("<s:Fault>&e;</s:Fault>")}`),
    undefined,
  );
});

test("a body larger than any fault is not parsed", () => {
  const big = env11(
    `<s:Fault><faultcode>s:Client</faultcode><faultstring>${"x".repeat(70_000)}</faultstring></s:Fault>`,
  );
  assert.equal(texts("text/xml", big), undefined);
});

test("XML content types: text/xml, application/xml and +xml, parameters and case aside", () => {
  for (const t of [
    "text/xml",
    "Application/SOAP+XML; charset=utf-8",
    "application/xml",
    "application/problem+xml",
  ])
    assert.equal(isXmlContentType(t), true, t);
  for (const t of ["application/json", "text/plain", "xml", ""]) assert.equal(isXmlContentType(t), false, t);
});
