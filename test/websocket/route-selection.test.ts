import assert from "node:assert/strict";
import { test } from "node:test";
import { compileRouteSelection } from "../../src/websocket/route-selection.ts";

// routeSelectionExpression as AWS evaluates it on a message
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-selection-expressions.html).

test("$request.body.action: the property's value; nested paths; numbers and booleans as text", () => {
  const select = compileRouteSelection("$request.body.action");
  assert.equal(select('{"action":"join"}'), "join");
  assert.equal(select('{"action":7}'), "7");
  assert.equal(compileRouteSelection("$request.body.meta.kind")('{"meta":{"kind":"x"}}'), "x");
});

test("a message that is not JSON, lacks the property or holds an object there selects no key", () => {
  const select = compileRouteSelection("$request.body.action");
  for (const body of ["hello", "", "[1]", '{"other":1}', '{"action":{"a":1}}', '{"action":null}'])
    assert.equal(select(body), undefined, body);
  // Inherited names are not properties of the message.
  assert.equal(compileRouteSelection("$request.body.constructor")("{}"), undefined);
});

test("${…} pieces combine with literal text; one missing piece selects nothing", () => {
  const select = compileRouteSelection("${request.body.service}/${request.body.action}");
  assert.equal(select('{"service":"chat","action":"send"}'), "chat/send");
  assert.equal(select('{"service":"chat"}'), undefined);
});

test("\\$ is a literal dollar: \\$default is the constant key $default; plain text is a constant", () => {
  assert.equal(compileRouteSelection("\\$default")('{"action":"x"}'), "$default");
  assert.equal(compileRouteSelection("static")("anything"), "static");
});
