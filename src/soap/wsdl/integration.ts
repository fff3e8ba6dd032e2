import type { OperationShapes } from "./message-shapes.ts";
import { requestTemplate } from "./request-template.ts";
import { faultTemplate, successTemplate } from "./response-templates.ts";
import type { BoundOperation, SoapPort } from "./service-model.ts";
import type { NamedShape } from "./shapes.ts";
import { WsdlError } from "./wsdl-error.ts";

/**
 * An operation's `x-amazon-apigateway-integration`: HTTP (non-proxy) POST to the port's address,
 * the SOAP headers as static request parameters (SOAP 1.1: `text/xml` and `SOAPAction`; SOAP 1.2:
 * `application/soap+xml` with the `action` parameter), no passthrough (a body that is not JSON is
 * refused with 415 rather than forwarded as if it were a SOAP message), and the templates.
 */

/** API Gateway's limit on one mapping template. */
const MAX_TEMPLATE_BYTES = 300 * 1024;

/** A header value as an API Gateway static mapping value: single-quoted. */
const literal = (v: string) => `'${v}'`;

/** An action as header text: printable ASCII only (anything else could not be sent). */
function actionText(op: BoundOperation, warnings: string[]): string | undefined {
  if (op.action === undefined || op.action === "") return op.action;
  if (/^[\x20-\x7e]*$/.test(op.action)) return op.action.replace(/["\\]/g, "\\$&");
  warnings.push(
    `operation '${op.name}': its action ${JSON.stringify(op.action)} is not printable ASCII; not sent`,
  );
  return undefined;
}

function checkSize(template: string, op: string, which: string): string {
  const bytes = Buffer.byteLength(template);
  if (bytes > MAX_TEMPLATE_BYTES)
    throw new WsdlError(
      "WSDL_UNSUPPORTED",
      `operation '${op}': its ${which} mapping template would be ${Math.ceil(bytes / 1024)} KB, over API Gateway's 300 KB limit`,
    );
  return template;
}

const JSON_HEADER = { "method.response.header.Content-Type": "'application/json'" };

export function soapIntegration(
  port: SoapPort,
  uri: string,
  op: BoundOperation,
  shapes: OperationShapes,
  named: ReadonlyMap<string, NamedShape>,
  warnings: string[],
): Record<string, unknown> {
  const action = actionText(op, warnings);
  const requestParameters: Record<string, string> =
    port.version === "1.1"
      ? {
          "integration.request.header.Content-Type": literal("text/xml; charset=utf-8"),
          "integration.request.header.SOAPAction": literal(`"${action ?? ""}"`),
          "integration.request.header.Accept": literal("text/xml"),
        }
      : {
          "integration.request.header.Content-Type": literal(
            `application/soap+xml; charset=utf-8${action ? `; action="${action}"` : ""}`,
          ),
          "integration.request.header.Accept": literal("application/soap+xml"),
        };
  const request = requestTemplate(shapes.input, named, {
    version: port.version,
    encoded: op.use === "encoded",
  });
  return {
    type: "http",
    httpMethod: "POST",
    uri,
    passthroughBehavior: "NEVER",
    requestParameters,
    requestTemplates: { "application/json": checkSize(request, op.name, "request") },
    responses: {
      default: {
        statusCode: "200",
        responseParameters: JSON_HEADER,
        responseTemplates: {
          "application/json": checkSize(
            successTemplate(shapes.output, shapes.faults, named),
            op.name,
            "response",
          ),
        },
      },
      "4\\d{2}": {
        statusCode: "400",
        responseParameters: JSON_HEADER,
        responseTemplates: {
          "application/json": checkSize(faultTemplate(400, shapes.faults, named), op.name, "fault"),
        },
      },
      "5\\d{2}": {
        statusCode: "500",
        responseParameters: JSON_HEADER,
        responseTemplates: {
          "application/json": checkSize(faultTemplate(500, shapes.faults, named), op.name, "fault"),
        },
      },
    },
  };
}
