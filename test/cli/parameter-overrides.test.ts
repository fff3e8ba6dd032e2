import assert from "node:assert/strict";
import { test } from "node:test";
import { parseParameterOverrides } from "../../src/cli/parameter-overrides.ts";

test("sam deploy's Key=Value form, quoted values with spaces", () => {
  assert.deepEqual(parseParameterOverrides(`Stage=prod Greeting="hello world" Empty=`), {
    Stage: "prod",
    Greeting: "hello world",
    Empty: "",
  });
});

test("CloudFormation's ParameterKey=K,ParameterValue=V form, mixed with the short one", () => {
  assert.deepEqual(parseParameterOverrides("ParameterKey=Stage,ParameterValue=dev Table=t1"), {
    Stage: "dev",
    Table: "t1",
  });
  assert.deepEqual(parseParameterOverrides("ParameterKey=Url,ParameterValue='a=b,c'"), { Url: "a=b,c" });
});

test("bad input is refused with the reason", () => {
  assert.match((parseParameterOverrides("Stage") as { problem: string }).problem, /not Key=Value/);
  assert.match((parseParameterOverrides("A=1 A=2") as { problem: string }).problem, /given twice/);
  assert.match((parseParameterOverrides("my-key=1") as { problem: string }).problem, /not alphanumeric/);
  assert.match((parseParameterOverrides(`A="open`) as { problem: string }).problem, /unbalanced/);
  assert.match((parseParameterOverrides("__proto__=x") as { problem: string }).problem, /not alphanumeric/);
});
