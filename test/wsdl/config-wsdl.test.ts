import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  GetIntegrationCommand,
  GetResourcesCommand,
  GetStagesCommand,
} from "@aws-sdk/client-api-gateway";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadConfigFile } from "../../src/config/load-config.ts";
import { resolveSettings } from "../../src/config/settings.ts";
import { adminClientConfig, startTestGateway } from "../support/gateway.ts";

/** `apis: - wsdl: FILE` in the config file: imported and deployed at start like an OpenAPI entry. */

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "wsdl");

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "portico-config-wsdl-"));
  cpSync(join(FIXTURES, "calculator.wsdl"), join(dir, "calculator.wsdl"));
  mkdirSync(join(dir, "soap"));
  cpSync(join(FIXTURES, "order.wsdl"), join(dir, "soap", "order.wsdl"));
  cpSync(join(FIXTURES, "types"), join(dir, "soap", "types"), { recursive: true });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const settingsOf = (yaml: string) => {
  const file = join(dir, "portico.yaml");
  writeFileSync(file, yaml);
  return resolveSettings({ flags: {}, env: {}, config: loadConfigFile(file) });
};

describe("a WSDL declared in the config file", () => {
  test("is imported (its XSD imports relative to it) and deployed to its stage at start", async () => {
    const settings = settingsOf(`
apis:
  - wsdl: calculator.wsdl
    stage: soap
    endpoint: http://127.0.0.1:9/calculator
  - wsdl: soap/order.wsdl
`);
    const gw = await startTestGateway({ apis: settings.apis });
    const sdk = new APIGatewayClient(adminClientConfig(gw));
    try {
      const apis = (await gw.portico.control.listRestApis()).map((d) => d.api);
      assert.deepEqual(apis.map((a) => a.name).sort(), ["Calculator", "Orders"]);
      const calc = apis.find((a) => a.name === "Calculator")!;
      const resources = (await sdk.send(new GetResourcesCommand({ restApiId: calc.id }))).items ?? [];
      const add = resources.find((r) => r.path === "/CalculatorService/Add");
      assert.ok(add);
      const integration = await sdk.send(
        new GetIntegrationCommand({ restApiId: calc.id, resourceId: add.id, httpMethod: "POST" }),
      );
      assert.equal(integration.uri, "http://127.0.0.1:9/calculator");
      const stages = (await sdk.send(new GetStagesCommand({ restApiId: calc.id }))).item ?? [];
      assert.deepEqual(
        stages.map((s) => s.stageName),
        ["soap"],
      );
    } finally {
      sdk.destroy();
      await gw.close();
    }
  });

  test("a missing file, an unknown key or an HTTP type is a config error naming the line", () => {
    const refused = (yaml: string, message: RegExp) =>
      assert.throws(
        () => settingsOf(yaml),
        (err: unknown) => err instanceof ConfigError && message.test(err.message),
      );
    refused("apis:\n  - wsdl: nope.wsdl\n", /portico\.yaml:2:\d+: apis\[0\]\.wsdl: no such file nope\.wsdl/);
    refused("apis:\n  - wsdl: calculator.wsdl\n    soapAction: x\n", /apis\[0\].*soapAction/);
    refused("apis:\n  - wsdl: calculator.wsdl\n    type: HTTP\n", /apis\[0\]\.type/);
  });

  test("a WSDL the import refuses stops the start, naming the declaration and the problem", async () => {
    writeFileSync(
      join(dir, "broken.wsdl"),
      "<definitions xmlns='http://schemas.xmlsoap.org/wsdl/'><oops></definitions>",
    );
    const settings = settingsOf("apis:\n  - wsdl: broken.wsdl\n");
    await assert.rejects(startTestGateway({ apis: settings.apis }), (err: Error) => {
      assert.match(err.message, /portico\.yaml:2:\d+: apis\[0\]: .*broken\.wsdl:1: not well-formed XML/);
      return true;
    });
  });
});
