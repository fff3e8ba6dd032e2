import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { importRestApiDocument } from "../../src/control/import-document.ts";
import {
  type ServiceCall,
  type ServiceReply,
  type ServiceServer,
  startServiceServer,
} from "../support/aws-service-server.ts";
import { capturingLog } from "../support/capturing-log.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

// REST `type: AWS` integrations to services other than Lambda: rendered as API Gateway renders
// them, signed with SigV4, sent to the endpoint of `services:`; the loopback services re-sign each
// request with the AWS SDK's signer and refuse it unless the signatures agree.

const SQS_KEY = { accessKeyId: "AKIDSQSEXAMPLE", secretAccessKey: "sqs-secret" };

/** SQS's Query protocol, answered in JSON when asked for it (as API Gateway's Accept asks). */
function sqsAnswer(call: ServiceCall): ServiceReply {
  const form = new URLSearchParams(call.body.toString("utf8"));
  const action = form.get("Action") ?? new URL(call.url, "http://x").searchParams.get("Action");
  if (action !== "SendMessage") return { status: 400, body: `unknown action ${action}` };
  const message = form.get("MessageBody");
  // An empty JSON body reaches a template as {} (AWS: $input.body of no body).
  if (message === null || message === "{}")
    return {
      status: 400,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ Error: { Code: "MissingParameter", Message: "MessageBody is required" } }),
    };
  return {
    status: 200,
    headers: { "content-type": "application/json", "x-amzn-requestid": "sqs-request-1" },
    body: JSON.stringify({
      SendMessageResponse: {
        ResponseMetadata: { RequestId: "sqs-request-1" },
        SendMessageResult: { MessageId: `msg-${message.length}`, MD5OfMessageBody: "x" },
      },
    }),
  };
}

const SQS_API = `
openapi: 3.0.1
info: { title: Orders to SQS, version: "1" }
paths:
  /orders:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:eu-west-1:sqs:path/000000000000/orders
        credentials: arn:aws:iam::000000000000:role/apigw-sqs
        passthroughBehavior: never
        requestParameters:
          integration.request.header.Content-Type: "'application/x-www-form-urlencoded'"
        requestTemplates:
          application/json: Action=SendMessage&MessageBody=$util.urlEncode($input.body)
        responses:
          "4\\\\d\\\\d":
            statusCode: "400"
            responseTemplates:
              application/json: '{"error": "$input.path(''$.Error.Code'')"}'
          default:
            statusCode: "200"
            responseTemplates:
              application/json: '{"messageId": "$input.path(''$.SendMessageResponse.SendMessageResult.MessageId'')"}'
`;

describe("REST AWS integrations: SQS SendMessage by path, a Query-protocol body", () => {
  let gw: TestGateway;
  let sqs: ServiceServer;
  let id: string;
  before(async () => {
    sqs = await startServiceServer({ [SQS_KEY.accessKeyId]: SQS_KEY.secretAccessKey }, sqsAnswer);
    gw = await startTestGateway({ services: { sqs: { endpoint: sqs.url, credentials: SQS_KEY } } });
    id = await gw.deployRest(SQS_API, "prod");
  });
  after(async () => {
    await gw.close();
    await sqs.close();
  });

  test("the template's form body reaches the queue's path, signed for sqs in the ARN's region", async () => {
    const r = await gw.call(id, "/prod/orders", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"item":"tea & cake"}',
    });
    assert.deepEqual(sqs.refused, []);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(JSON.parse(r.text), { messageId: `msg-${'{"item":"tea & cake"}'.length}` });
    const call = sqs.calls.at(-1)!;
    assert.equal(call.method, "POST");
    assert.equal(call.url, "/000000000000/orders");
    assert.equal(call.service, "sqs");
    assert.equal(call.region, "eu-west-1");
    assert.equal(call.accessKeyId, SQS_KEY.accessKeyId);
    assert.equal(call.headers["content-type"], "application/x-www-form-urlencoded");
    assert.equal(call.headers.accept, "application/json");
    assert.equal(call.headers["user-agent"], `AmazonAPIGateway_${id}`);
    // $util.urlEncode is Java's URLEncoder: a space is `+`.
    assert.equal(
      call.body.toString(),
      "Action=SendMessage&MessageBody=%7B%22item%22%3A%22tea+%26+cake%22%7D",
    );
    for (const h of ["host", "x-amz-date", "content-type", "x-amz-content-sha256"])
      assert.ok(call.signedHeaders.includes(h), `${h} is signed: ${call.signedHeaders.join(";")}`);
    assert.ok(!call.signedHeaders.includes("x-amzn-trace-id"), "the trace id is not signed");
  });

  test("the service's 4xx selects the integration response by its status", async () => {
    const r = await gw.call(id, "/prod/orders", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "",
    });
    assert.equal(r.status, 400, r.text);
    assert.deepEqual(JSON.parse(r.text), { error: "MissingParameter" });
  });

  test("passthroughBehavior NEVER refuses a content type without a template, before any call", async () => {
    const before = sqs.calls.length;
    const r = await gw.call(id, "/prod/orders", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "hello",
    });
    assert.equal(r.status, 415);
    assert.equal(sqs.calls.length, before);
  });
});

describe("REST AWS integrations: a wrong signature is what the service refuses", () => {
  test("signing with a secret the service does not hold: its 403 goes through the integration responses", async () => {
    const sqs = await startServiceServer({ [SQS_KEY.accessKeyId]: "another-secret" }, sqsAnswer);
    const gw = await startTestGateway({
      services: { sqs: { endpoint: sqs.url, credentials: SQS_KEY } },
    });
    try {
      const id = await gw.deployRest(SQS_API, "prod");
      const r = await gw.call(id, "/prod/orders", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      assert.match(sqs.refused[0] ?? "", /signature we calculated does not match/);
      // The service's 403 is selected by the 4\d\d pattern, as any 4xx of the service would be.
      assert.equal(r.status, 400);
    } finally {
      await gw.close();
      await sqs.close();
    }
  });
});

// Following the TDR backend checks API (shared/real-inputs/tdr-backend_checks.json.tpl), its
// Terraform placeholders filled in and its Lambda authorizer left out.
const STEP_FUNCTIONS_API = JSON.stringify({
  swagger: "2.0",
  info: { version: "1", title: "TDR backend checks" },
  basePath: "/intg",
  schemes: ["https"],
  paths: {
    "/backend-checks/{consignmentId+}": {
      post: {
        consumes: ["application/json"],
        produces: ["application/json"],
        parameters: [{ name: "consignmentId", in: "path", required: true, type: "string" }],
        responses: { "200": { description: "200 response" } },
        "x-amazon-apigateway-integration": {
          credentials: "arn:aws:iam::000000000000:role/tdr-backend-checks",
          uri: "arn:aws:apigateway:eu-west-2:states:action/StartExecution",
          responses: { default: { statusCode: "200" } },
          requestParameters: {
            "integration.request.header.Accept-Encoding": "'identity'",
            "integration.request.header.Content-Type": "'application/x-amz-json-1.1'",
          },
          requestTemplates: {
            "application/json":
              '{"input": "{\\"consignmentId\\": \\"$input.params(\'consignmentId\')\\"}","stateMachineArn": "arn:aws:states:eu-west-2:000000000000:stateMachine:BackendChecks"}',
          },
          passthroughBehavior: "when_no_templates",
          httpMethod: "POST",
          type: "aws",
        },
      },
    },
  },
});

describe("REST AWS integrations: Step Functions StartExecution by action, with a VTL template", () => {
  let gw: TestGateway;
  let states: ServiceServer;
  const logged = capturingLog("warn");
  before(async () => {
    states = await startServiceServer({ test: "test" }, (call) => ({
      status: 200,
      headers: { "content-type": "application/x-amz-json-1.0" },
      body: JSON.stringify({
        executionArn: `arn:aws:states:eu-west-2:000000000000:execution:BackendChecks:${call.body.length}`,
        startDate: 1.7e9,
      }),
    }));
    // No credentials of its own: the gateway's default (test/test here) signs.
    gw = await startTestGateway({ services: { states: { endpoint: `${states.url}/` } } }, logged.log);
  });
  after(async () => {
    await gw.close();
    await states.close();
  });

  test("POST /?Action=StartExecution with X-Amz-Target, the mapped headers and the rendered input", async () => {
    const id = await gw.deployRest(STEP_FUNCTIONS_API, "intg");
    const r = await gw.call(id, "/intg/backend-checks/c-123", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.deepEqual(states.refused, []);
    assert.equal(r.status, 200, r.text);
    assert.match(JSON.parse(r.text).executionArn, /^arn:aws:states:eu-west-2:000000000000:execution:/);
    const call = states.calls.at(-1)!;
    assert.equal(call.url, "/?Action=StartExecution");
    assert.equal(call.service, "states");
    assert.equal(call.region, "eu-west-2");
    assert.equal(call.headers["x-amz-target"], "AWSStepFunctions.StartExecution");
    assert.equal(call.headers["content-type"], "application/x-amz-json-1.1", "the mapping wins");
    assert.equal(call.headers["accept-encoding"], "identity");
    const sent = JSON.parse(call.body.toString());
    assert.equal(sent.stateMachineArn, "arn:aws:states:eu-west-2:000000000000:stateMachine:BackendChecks");
    assert.deepEqual(JSON.parse(sent.input), { consignmentId: "c-123" });
    assert.ok(call.signedHeaders.includes("x-amz-target"));
    assert.deepEqual(
      logged.lines.filter((l) => l.includes('"level":40')),
      [],
      "a configured service logs no warning",
    );
  });
});

describe("REST AWS integrations: bad input", () => {
  test("a malformed service ARN is refused at import, naming the method", async () => {
    const gw = await startTestGateway();
    try {
      const text = SQS_API.replace(
        "arn:aws:apigateway:eu-west-1:sqs:path/",
        "arn:aws:apigateway:eu-west-1:sqs:queue/",
      );
      await assert.rejects(importRestApiDocument(gw.portico.control, text), (err: Error) => {
        assert.match(err.message, /paths\.\/orders\.post/);
        assert.match(err.message, /AWS ARN for integration must contain path or action/);
        return true;
      });
    } finally {
      await gw.close();
    }
  });

  test("no endpoint for the service: a warning at deploy naming services.sqs.endpoint, then AWS's 500 per call", async () => {
    const logged = capturingLog("warn");
    const gw = await startTestGateway({}, logged.log);
    try {
      const { definition, warnings } = await importRestApiDocument(gw.portico.control, SQS_API);
      assert.ok(
        warnings.some((w) => w.includes("paths./orders.post") && w.includes("services.sqs.endpoint")),
        warnings.join("\n"),
      );
      const id = definition.api.id;
      await gw.portico.control.deployRestApi(id, { stageName: "prod" });
      const warned = () =>
        logged.lines.filter((l) => l.includes('"level":40') && l.includes("services.sqs.endpoint"));
      assert.equal(warned().length, 1, logged.lines.join("\n"));
      assert.match(warned()[0]!, /POST \/orders/);
      for (let i = 0; i < 2; i++) {
        const r = await gw.call(id, "/prod/orders", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        });
        assert.equal(r.status, 500);
        assert.equal(r.text, '{"message": "Internal server error"}');
      }
      assert.equal(warned().length, 1, "the warning is said once per deployment, not per request");
      assert.ok(logged.lines.some((l) => l.includes('"level":50') && l.includes("services.sqs.endpoint")));
    } finally {
      await gw.close();
    }
  });
});
