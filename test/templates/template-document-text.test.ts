import assert from "node:assert/strict";
import { test } from "node:test";
import { templateDocumentText } from "../../src/control/declared-templates.ts";
import { parseDocument } from "../../src/openapi/parse-document.ts";

// AWS's SAM example api_swagger_cors writes `swagger: 2.0` unquoted; by the time the template's Body
// is handed to the importer it is the number 2, and the import must still read Swagger 2.0.
test("a template body's numeric swagger/openapi version is handed to the importer as written", () => {
  assert.equal(
    parseDocument(templateDocumentText({ swagger: 2, info: { title: "x" }, paths: {} })).version,
    "2.0",
  );
  assert.equal(JSON.parse(templateDocumentText({ openapi: 3, paths: {} })).openapi, "3.0");
  assert.equal(JSON.parse(templateDocumentText({ openapi: 3.1, paths: {} })).openapi, "3.1");
  assert.equal(JSON.parse(templateDocumentText({ openapi: "3.0.1", paths: {} })).openapi, "3.0.1");
  assert.equal("swagger" in JSON.parse(templateDocumentText({ openapi: "3.0.1" })), false);
});
