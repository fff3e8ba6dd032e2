import assert from "node:assert/strict";
import { describe, test } from "node:test";
import draft04 from "ajv-draft-04";
import { WsdlError } from "../../src/soap/wsdl/import-wsdl.ts";
import { importTexts, schemasOf, wsdlAround } from "./inline-wsdl.ts";

const Ajv04 = draft04.default;

/** The models of a WSDL whose schema holds `content` (and elements In/Out). */
async function models(content: string, attributes?: string) {
  const result = await importTexts({ "main.wsdl": wsdlAround(content, attributes) });
  return { schemas: schemasOf(result), warnings: result.warnings };
}

const OUT = `<xs:element name="Out"><xs:complexType><xs:sequence/></xs:complexType></xs:element>`;

/** A validator over the API's models as the gateway's request validator sees them (refs by model). */
function validator(schemas: Record<string, Record<string, unknown>>, name: string) {
  const ajv = new Ajv04({ strict: false, logger: false });
  const base = "https://apigateway.amazonaws.com/restapis/x/models";
  const rewrite = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(rewrite)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v).map(([k, x]) => [
              k,
              k === "$ref" && typeof x === "string" ? x.replace("#/components/schemas", base) : rewrite(x),
            ]),
          )
        : v;
  for (const [n, s] of Object.entries(schemas)) ajv.addSchema(rewrite(s) as object, `${base}/${n}`);
  return ajv.getSchema(`${base}/${name}`)!;
}

describe("XSD built-in types become JSON schema types", () => {
  test("integers carry their bounds, decimals and floats are numbers, dateTime has its format", async () => {
    const { schemas } = await models(`
      <xs:element name="In"><xs:complexType><xs:sequence>
        <xs:element name="i" type="xs:int"/>
        <xs:element name="l" type="xs:long"/>
        <xs:element name="ub" type="xs:unsignedByte"/>
        <xs:element name="pos" type="xs:positiveInteger"/>
        <xs:element name="d" type="xs:decimal"/>
        <xs:element name="f" type="xs:double"/>
        <xs:element name="b" type="xs:boolean"/>
        <xs:element name="t" type="xs:dateTime"/>
        <xs:element name="s" type="xs:token"/>
        <xs:element name="x" type="xs:anyType"/>
      </xs:sequence></xs:complexType></xs:element>${OUT}`);
    assert.deepEqual(schemas.OpInput!.properties, {
      i: { type: "integer", minimum: -2147483648, maximum: 2147483647 },
      l: { type: "integer" },
      ub: { type: "integer", minimum: 0, maximum: 255 },
      pos: { type: "integer", minimum: 1 },
      d: { type: "number" },
      f: { type: "number" },
      b: { type: "boolean" },
      t: { type: "string", format: "date-time" },
      s: { type: "string" },
      x: {},
    });
    assert.deepEqual(schemas.OpInput!.required, ["i", "l", "ub", "pos", "d", "f", "b", "t", "s", "x"]);
    assert.equal(schemas.OpInput!.additionalProperties, false);
  });
});

describe("simple types with restrictions", () => {
  test("enumeration, pattern, lengths and numeric bounds carry over; numeric enumerations are numbers", async () => {
    const { schemas } = await models(`
      <xs:simpleType name="Code"><xs:restriction base="xs:string">
        <xs:pattern value="[A-Z]{3}-\\d+"/><xs:minLength value="5"/><xs:maxLength value="12"/>
      </xs:restriction></xs:simpleType>
      <xs:simpleType name="Level"><xs:restriction base="tns:Small">
        <xs:enumeration value="1"/><xs:enumeration value="2"/>
      </xs:restriction></xs:simpleType>
      <xs:simpleType name="Small"><xs:restriction base="xs:int"><xs:minExclusive value="0"/><xs:maxInclusive value="9"/></xs:restriction></xs:simpleType>
      <xs:element name="In"><xs:complexType><xs:sequence>
        <xs:element name="code" type="tns:Code"/>
        <xs:element name="level" type="tns:Level"/>
        <xs:element name="colour"><xs:simpleType><xs:restriction base="xs:string">
          <xs:enumeration value="red"/><xs:enumeration value="green"/>
        </xs:restriction></xs:simpleType></xs:element>
        <xs:element name="exact"><xs:simpleType><xs:restriction base="xs:string"><xs:length value="4"/></xs:restriction></xs:simpleType></xs:element>
      </xs:sequence></xs:complexType></xs:element>${OUT}`);
    const p = schemas.OpInput!.properties as Record<string, unknown>;
    assert.deepEqual(p.code, { type: "string", pattern: "^(?:[A-Z]{3}-\\d+)$", minLength: 5, maxLength: 12 });
    assert.deepEqual(p.level, {
      type: "integer",
      enum: [1, 2],
      minimum: 0,
      maximum: 9,
      exclusiveMinimum: true,
    });
    assert.deepEqual(p.colour, { type: "string", enum: ["red", "green"] });
    assert.deepEqual(p.exact, { type: "string", minLength: 4, maxLength: 4 });
    const validate = validator(schemas, "OpInput");
    assert.equal(validate({ code: "ABC-12", level: 2, colour: "red", exact: "abcd" }), true);
    assert.equal(validate({ code: "abc-12", level: 2, colour: "red", exact: "abcd" }), false);
    assert.equal(validate({ code: "ABC-12", level: 3, colour: "red", exact: "abcd" }), false);
  });

  test("a pattern ECMAScript cannot express is dropped with a warning naming the file and line", async () => {
    const { schemas, warnings } = await models(`
      <xs:element name="In"><xs:complexType><xs:sequence>
        <xs:element name="n"><xs:simpleType><xs:restriction base="xs:string">
          <xs:pattern value="[a-z-[aeiou]]+"/>
        </xs:restriction></xs:simpleType></xs:element>
      </xs:sequence></xs:complexType></xs:element>${OUT}`);
    assert.deepEqual((schemas.OpInput!.properties as Record<string, unknown>).n, { type: "string" });
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]!,
      /^\/virtual\/main\.wsdl:\d+: the pattern "\[a-z-\[aeiou\]\]\+" has no JSON schema equivalent/,
    );
  });

  test("a union of one JSON type keeps it; a list is a string", async () => {
    const { schemas } = await models(`
      <xs:element name="In"><xs:complexType><xs:sequence>
        <xs:element name="u"><xs:simpleType><xs:union memberTypes="xs:int xs:short"/></xs:simpleType></xs:element>
        <xs:element name="mixed"><xs:simpleType><xs:union memberTypes="xs:int xs:date"/></xs:simpleType></xs:element>
        <xs:element name="l"><xs:simpleType><xs:list itemType="xs:int"/></xs:simpleType></xs:element>
      </xs:sequence></xs:complexType></xs:element>${OUT}`);
    const p = schemas.OpInput!.properties as Record<string, unknown>;
    assert.deepEqual(p.u, { type: "integer" });
    assert.deepEqual(p.mixed, { type: "string" });
    assert.deepEqual(p.l, { type: "string" });
  });
});

describe("complex types", () => {
  test("occurrences: repeated elements are arrays with their bounds, optional ones not required, nillable ones take null", async () => {
    const { schemas } = await models(`
      <xs:element name="In"><xs:complexType><xs:sequence>
        <xs:element name="one" type="xs:string"/>
        <xs:element name="maybe" type="xs:string" minOccurs="0"/>
        <xs:element name="many" type="xs:int" minOccurs="2" maxOccurs="unbounded"/>
        <xs:element name="few" type="xs:int" minOccurs="0" maxOccurs="3"/>
        <xs:element name="orNull" type="xs:int" nillable="true"/>
      </xs:sequence></xs:complexType></xs:element>${OUT}`);
    const s = schemas.OpInput!;
    const p = s.properties as Record<string, unknown>;
    // Unbounded is 1,000 at most: a template's #foreach writes no more (API Gateway's limit).
    assert.deepEqual(p.many, {
      type: "array",
      items: { type: "integer", minimum: -2147483648, maximum: 2147483647 },
      minItems: 2,
      maxItems: 1000,
    });
    assert.deepEqual((p.few as Record<string, unknown>).maxItems, 3);
    assert.equal((p.few as Record<string, unknown>).minItems, undefined);
    assert.deepEqual((p.orNull as Record<string, unknown>).type, ["integer", "null"]);
    assert.deepEqual(s.required, ["one", "many", "orNull"]);
  });

  test("sequence, all and choice; a required choice needs one of its branches", async () => {
    const { schemas } = await models(`
      <xs:element name="In"><xs:complexType><xs:sequence>
        <xs:element name="first" type="xs:string"/>
        <xs:choice>
          <xs:element name="card" type="xs:string"/>
          <xs:sequence><xs:element name="iban" type="xs:string"/><xs:element name="bic" type="xs:string"/></xs:sequence>
        </xs:choice>
        <xs:choice minOccurs="0"><xs:element name="x" type="xs:string"/><xs:element name="y" type="xs:string"/></xs:choice>
      </xs:sequence></xs:complexType></xs:element>
      <xs:element name="Out"><xs:complexType><xs:all>
        <xs:element name="b" type="xs:string"/><xs:element name="a" type="xs:string" minOccurs="0"/>
      </xs:all></xs:complexType></xs:element>`);
    const input = schemas.OpInput!;
    assert.deepEqual(Object.keys(input.properties as object), ["first", "card", "iban", "bic", "x", "y"]);
    assert.deepEqual(input.required, ["first"]);
    assert.deepEqual(input.anyOf, [{ required: ["card"] }, { required: ["iban", "bic"] }]);
    assert.deepEqual(schemas.OpOutput!.required, ["b"]);
    const validate = validator(schemas, "OpInput");
    assert.equal(validate({ first: "f", card: "c" }), true);
    assert.equal(validate({ first: "f", iban: "i", bic: "b" }), true);
    assert.equal(validate({ first: "f", iban: "i" }), false);
    assert.equal(validate({ first: "f" }), false);
  });

  test("attributes are @keys, simple content beside them #text; extension puts the base's content first", async () => {
    const { schemas } = await models(`
      <xs:complexType name="Price"><xs:simpleContent><xs:extension base="xs:decimal">
        <xs:attribute name="currency" type="xs:string" use="required"/>
      </xs:extension></xs:simpleContent></xs:complexType>
      <xs:complexType name="Base"><xs:sequence><xs:element name="id" type="xs:int"/></xs:sequence>
        <xs:attribute name="version" type="xs:int"/></xs:complexType>
      <xs:complexType name="Item"><xs:complexContent><xs:extension base="tns:Base">
        <xs:sequence><xs:element name="price" type="tns:Price"/></xs:sequence>
        <xs:attributeGroup ref="tns:Flags"/>
      </xs:extension></xs:complexContent></xs:complexType>
      <xs:attributeGroup name="Flags"><xs:attribute name="hidden" type="xs:boolean"/></xs:attributeGroup>
      <xs:element name="In" type="tns:Item"/>${OUT}`);
    assert.deepEqual(schemas.OpInput!.properties, {
      "@version": { type: "integer", minimum: -2147483648, maximum: 2147483647 },
      "@hidden": { type: "boolean" },
      id: { type: "integer", minimum: -2147483648, maximum: 2147483647 },
      price: { $ref: "#/components/schemas/Price" },
    });
    assert.deepEqual(schemas.Price, {
      title: "Price",
      type: "object",
      properties: { "@currency": { type: "string" }, "#text": { type: "number" } },
      required: ["@currency"],
      additionalProperties: false,
    });
  });

  test("element refs, group refs and nested anonymous types; xsd:any leaves the object open", async () => {
    const { schemas } = await models(`
      <xs:element name="note" type="xs:string"/>
      <xs:group name="Audit"><xs:sequence><xs:element name="by" type="xs:string"/></xs:sequence></xs:group>
      <xs:element name="In"><xs:complexType><xs:sequence>
        <xs:element ref="tns:note" maxOccurs="unbounded"/>
        <xs:group ref="tns:Audit"/>
        <xs:element name="inner"><xs:complexType><xs:sequence>
          <xs:element name="deep"><xs:complexType><xs:sequence><xs:any processContents="lax"/></xs:sequence></xs:complexType></xs:element>
        </xs:sequence></xs:complexType></xs:element>
      </xs:sequence></xs:complexType></xs:element>${OUT}`);
    assert.deepEqual(schemas.OpInput!.properties, {
      note: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 1000 },
      by: { type: "string" },
      inner: {
        type: "object",
        properties: { deep: { type: "object", properties: {} } },
        required: ["deep"],
        additionalProperties: false,
      },
    });
  });

  test("recursive types are models that refer to themselves (and each other), without looping", async () => {
    const { schemas } = await models(`
      <xs:complexType name="Node"><xs:sequence>
        <xs:element name="label" type="xs:string"/>
        <xs:element name="child" type="tns:Node" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element name="link" type="tns:Link" minOccurs="0"/>
      </xs:sequence></xs:complexType>
      <xs:complexType name="Link"><xs:sequence><xs:element name="to" type="tns:Node"/></xs:sequence></xs:complexType>
      <xs:element name="In"><xs:complexType><xs:sequence><xs:element name="root" type="tns:Node"/></xs:sequence></xs:complexType></xs:element>
      <xs:element name="Out"><xs:complexType><xs:sequence><xs:element ref="tns:Out" minOccurs="0"/></xs:sequence></xs:complexType></xs:element>`);
    assert.deepEqual((schemas.Node!.properties as Record<string, unknown>).child, {
      type: "array",
      items: { $ref: "#/components/schemas/Node" },
      maxItems: 1000,
    });
    assert.deepEqual(schemas.Link!.properties, { to: { $ref: "#/components/schemas/Node" } });
    // A global element whose anonymous type contains the element itself.
    assert.deepEqual(schemas.OpOutput!.properties, { Out: { $ref: "#/components/schemas/Out" } });
    assert.deepEqual(schemas.Out!.properties, { Out: { $ref: "#/components/schemas/Out" } });
    const validate = validator(schemas, "OpInput");
    assert.equal(
      validate({ root: { label: "a", child: [{ label: "b", link: { to: { label: "c" } } }] } }),
      true,
    );
    assert.equal(validate({ root: { label: "a", child: [{ link: { to: { label: "c" } } }] } }), false);
  });

  test("a type that derives from itself is refused, naming where", async () => {
    await assert.rejects(
      models(`
        <xs:complexType name="A"><xs:complexContent><xs:extension base="tns:B"/></xs:complexContent></xs:complexType>
        <xs:complexType name="B"><xs:complexContent><xs:extension base="tns:A"/></xs:complexContent></xs:complexType>
        <xs:element name="In" type="tns:A"/>${OUT}`),
      (err: unknown) =>
        err instanceof WsdlError &&
        err.code === "WSDL_CIRCULAR" &&
        /main\.wsdl:\d+: the type \{urn:t\}A derives from itself/.test(err.message),
    );
  });

  test("an unknown type is refused, naming it and where it is used", async () => {
    await assert.rejects(
      models(`<xs:element name="In"><xs:complexType><xs:sequence>
        <xs:element name="x" type="tns:Missing"/></xs:sequence></xs:complexType></xs:element>${OUT}`),
      (err: unknown) =>
        err instanceof WsdlError &&
        err.code === "WSDL_UNKNOWN_TYPE" &&
        /^\/virtual\/main\.wsdl:\d+: the type \{urn:t\}Missing is not defined/.test(err.message),
    );
  });

  test("model names are alphanumeric and unique; Empty and Error stay API Gateway's", async () => {
    const { schemas } = await models(`
      <xs:complexType name="line-item_type"><xs:sequence><xs:element name="a" type="xs:string"/></xs:sequence></xs:complexType>
      <xs:complexType name="Error"><xs:sequence><xs:element name="b" type="xs:string"/></xs:sequence></xs:complexType>
      <xs:element name="In"><xs:complexType><xs:sequence>
        <xs:element name="x" type="tns:line-item_type"/><xs:element name="e" type="tns:Error"/>
      </xs:sequence></xs:complexType></xs:element>${OUT}`);
    assert.deepEqual(Object.keys(schemas).sort(), [
      "Error2",
      "LineItemType",
      "OpInput",
      "OpOutput",
      "SoapFault",
    ]);
    for (const name of Object.keys(schemas)) assert.match(name, /^[A-Za-z0-9]+$/);
  });

  test("unqualified local elements (elementFormDefault unqualified) stay so in the envelope; models are the same", async () => {
    const result = await importTexts({
      "main.wsdl": wsdlAround(
        `<xs:element name="In"><xs:complexType><xs:sequence><xs:element name="x" type="xs:string"/></xs:sequence></xs:complexType></xs:element>${OUT}`,
        "",
      ),
    });
    const paths = result.document.paths as Record<
      string,
      { post: Record<string, { requestTemplates: Record<string, string> }> }
    >;
    const template =
      paths["/S/Op"]!.post["x-amazon-apigateway-integration"]!.requestTemplates["application/json"]!;
    assert.match(template, /<ns0:In>#c0\(\$body\)<\/ns0:In>/);
    assert.match(template, /<x>\$util\.escapeXml\(\$o\.get\('x'\)\)<\/x>/);
  });
});
