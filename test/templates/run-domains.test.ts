import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { request } from "undici";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

// A CloudFormation template's custom domain names (AWS::ApiGateway::DomainName + BasePathMapping for
// a REST API, AWS::ApiGatewayV2::DomainName + ApiMapping for an HTTP API) serve their APIs at the
// domain's base paths, as the config file's domains: would.

const MOCK = (body: string) =>
  `{ type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: "200", responseTemplates: { application/json: '${body}' } } } }`;

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Rest:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: rest
      Body:
        openapi: 3.0.1
        info: { title: rest, version: "1" }
        paths:
          /ping:
            get:
              x-amazon-apigateway-integration: ${MOCK('{"from": "rest"}')}
  RestDeployment:
    Type: AWS::ApiGateway::Deployment
    Properties: { RestApiId: !Ref Rest, StageName: prod }
  Domain:
    Type: AWS::ApiGateway::DomainName
    Properties:
      DomainName: api.example.com
      RegionalCertificateArn: arn:aws:acm:us-east-1:000000000000:certificate/abc
      EndpointConfiguration: { Types: [REGIONAL] }
      SecurityPolicy: TLS_1_2
  Mapping:
    Type: AWS::ApiGateway::BasePathMapping
    DependsOn: RestDeployment
    Properties: { DomainName: !Ref Domain, RestApiId: !Ref Rest, Stage: prod, BasePath: v1 }
  Http:
    Type: AWS::ApiGatewayV2::Api
    Properties: { Name: http, ProtocolType: HTTP, Target: "http://127.0.0.1:1/never", RouteKey: "GET /never" }
  HttpDomain:
    Type: AWS::ApiGatewayV2::DomainName
    Properties:
      DomainName: http.example.com
      DomainNameConfigurations: [{ EndpointType: REGIONAL, CertificateArn: arn:aws:acm:us-east-1:000000000000:certificate/def }]
  HttpMapping:
    Type: AWS::ApiGatewayV2::ApiMapping
    Properties: { DomainName: !Ref HttpDomain, ApiId: !Ref Http, Stage: $default, ApiMappingKey: orders }
`;

describe("custom domain names declared in a CloudFormation template", () => {
  let dir: string;
  let gw: TestGateway;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "portico-cfn-domains-"));
    writeFileSync(join(dir, "template.yaml"), TEMPLATE);
    gw = await startTestGateway({ templates: [{ template: join(dir, "template.yaml") }] });
  });
  after(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const byHost = async (host: string, path: string) => {
    const r = await request(`http://127.0.0.1:${gw.port}${path}`, { headers: { host } });
    return { status: r.statusCode, text: await r.body.text() };
  };

  test("the REST API answers at its base path on the domain", async () => {
    const r = await byHost("api.example.com", "/v1/ping");
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(JSON.parse(r.text), { from: "rest" });
    assert.equal((await byHost("api.example.com", "/v2/ping")).status, 403, "no mapping at /v2");
  });

  test("the domains are stored as CreateDomainName would, with their mappings", async () => {
    const names = (
      await gw.portico.control.listDocuments<{
        domainName: string;
        securityPolicy?: string;
        regionalCertificateArn?: string;
      }>("domainnames")
    )
      .map((d) => d.domainName)
      .sort();
    assert.deepEqual(names, ["api.example.com", "http.example.com"]);
    // The HTTP API's mapping routes http.example.com/orders/… to it: its integration is unreachable, so 5xx, not 403/404.
    const r = await byHost("http.example.com", "/orders/never");
    assert.ok(r.status >= 500, `${r.status} ${r.text}`);
    const unmapped = await byHost("http.example.com", "/other/never");
    assert.ok(unmapped.status >= 400 && unmapped.status < 500, "no mapping at /other: the domain's refusal");
  });
});
