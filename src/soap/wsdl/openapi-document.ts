import { soapIntegration } from "./integration.ts";
import { type JsonSchema, SchemaWriter } from "./json-schema.ts";
import { operationShapes } from "./message-shapes.ts";
import { pascal } from "./model-names.ts";
import type { SoapPort, SoapVersion, WsdlModel, WsdlService } from "./service-model.ts";
import type { Shape } from "./shapes.ts";
import { WsdlError } from "./wsdl-error.ts";
import type { ShapeBuilder } from "./xsd-complex.ts";

/**
 * The service model → an OpenAPI 3.0 document with API Gateway's extensions, the kind
 * `portico import` and ImportRestApi already take: `POST /{service}/{operation}` for each operation
 * of each service's SOAP port, a model for each input and output (and each named XSD type they use),
 * a body validator on every method, and the SOAP integration.
 */

export interface OpenApiOptions {
  /** Every operation calls this URL instead of the WSDL's address. */
  readonly endpoint?: string;
  /** The port to use where a service has both a SOAP 1.1 and a SOAP 1.2 one (default 1.1). */
  readonly soapVersion?: SoapVersion;
  /** Import only this service. */
  readonly service?: string;
  /** The API's name (default: the WSDL's name, else its first service's). */
  readonly title?: string;
  /** The file, for the API's description. */
  readonly source?: string;
}

export interface ImportedOperation {
  readonly service: string;
  readonly port: string;
  readonly operation: string;
  readonly path: string;
  readonly soapVersion: SoapVersion;
  readonly uri: string;
}

const VALIDATOR = "Validate body";
const FAULT_MODEL = "SoapFault";

/** A path segment API Gateway accepts (a-z, A-Z, 0-9, `.`, `_`, `-`). */
const segment = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, "_") || "_";

function choosePort(service: WsdlService, version: SoapVersion | undefined): SoapPort | undefined {
  const candidates =
    version === undefined ? service.ports : service.ports.filter((p) => p.version === version);
  return candidates.find((p) => p.version === "1.1") ?? candidates[0];
}

function addressOf(service: WsdlService, port: SoapPort, endpoint: string | undefined): string {
  const uri = endpoint ?? port.address;
  let ok = false;
  try {
    const url = new URL(uri ?? "");
    ok = (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    ok = false;
  }
  if (!ok)
    throw new WsdlError(
      "WSDL_BAD_ADDRESS",
      endpoint !== undefined
        ? `the endpoint ${endpoint} is not an http(s) URL`
        : `service '${service.name}' port '${port.name}': its address ${uri === undefined ? "is missing" : `'${uri}' is not an http(s) URL`}; give the service's URL with --endpoint`,
    );
  return uri!;
}

const FAULT_SCHEMA: JsonSchema = {
  title: FAULT_MODEL,
  type: "object",
  properties: {
    fault: {
      type: "object",
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        name: { type: "string", description: "The WSDL fault, when the detail holds a declared one." },
        detail: {},
      },
      required: ["code", "message"],
    },
  },
  required: ["fault"],
};

const jsonContent = (model: string) => ({
  "application/json": { schema: { $ref: `#/components/schemas/${model}` } },
});
const CONTENT_TYPE_HEADER = { "Content-Type": { schema: { type: "string" } } };

export function buildOpenApi(
  model: WsdlModel,
  builder: ShapeBuilder,
  options: OpenApiOptions,
  warnings: string[],
): { document: Record<string, unknown>; operations: ImportedOperation[] } {
  let services = model.services;
  if (options.service !== undefined) {
    services = services.filter((s) => s.name === options.service);
    if (services.length === 0)
      throw new WsdlError(
        "WSDL_NO_SOAP_SERVICE",
        `there is no service '${options.service}' (the WSDL has ${model.services.map((s) => `'${s.name}'`).join(", ") || "none"})`,
      );
  }
  const chosen: { service: WsdlService; port: SoapPort }[] = [];
  for (const service of services) {
    const port = choosePort(service, options.soapVersion);
    if (port === undefined) {
      warnings.push(
        `service '${service.name}' has no ${options.soapVersion === undefined ? "" : `SOAP ${options.soapVersion} `}SOAP port; skipped`,
      );
      continue;
    }
    for (const other of service.ports)
      if (other !== port)
        warnings.push(
          `service '${service.name}': port '${other.name}' (SOAP ${other.version}) not imported; port '${port.name}' (SOAP ${port.version}) is`,
        );
    chosen.push({ service, port });
  }
  if (chosen.length === 0)
    throw new WsdlError(
      "WSDL_NO_SOAP_SERVICE",
      model.services.length === 0
        ? "the WSDL defines no service (a <service> with a SOAP address is what the API calls)"
        : `no service has a ${options.soapVersion === undefined ? "" : `SOAP ${options.soapVersion} `}SOAP port`,
    );
  const writer = new SchemaWriter(builder.named);
  writer.names.allocate(FAULT_MODEL);
  const prefixModels = chosen.length > 1;
  const paths: Record<string, unknown> = {};
  const operations: ImportedOperation[] = [];
  const bodyShape = (shape: Shape): Shape =>
    shape.kind === "ref" ? builder.named.get(shape.key)!.shape : shape;
  for (const { service, port } of chosen) {
    const uri = addressOf(service, port, options.endpoint);
    for (const op of port.operations) {
      const path = `/${segment(service.name)}/${segment(op.name)}`;
      if (paths[path] !== undefined) {
        warnings.push(
          `service '${service.name}': a second operation named '${op.name}' (overloaded); only the first is imported`,
        );
        continue;
      }
      const shapes = operationShapes(op, builder, model.targetNamespace);
      const stem = pascal(prefixModels ? `${service.name} ${op.name}` : op.name);
      const input = writer.names.allocate(`${stem}Input`);
      const output = writer.names.allocate(`${stem}Output`);
      writer.addModel(input, bodyShape(shapes.input.body), `The input of ${service.name}.${op.name}`);
      writer.addModel(
        output,
        shapes.output === undefined
          ? { kind: "complex", fields: [], attributes: [], choices: [], open: false }
          : bodyShape(shapes.output.body),
        `The output of ${service.name}.${op.name}`,
      );
      const operation: Record<string, unknown> = {
        operationId: prefixModels ? `${segment(service.name)}_${op.name}` : op.name,
        summary: `${op.name} (SOAP ${port.version}, ${op.style}/${op.use})`,
        requestBody: { required: true, content: jsonContent(input) },
        responses: {
          "200": {
            description: "The operation's output",
            headers: CONTENT_TYPE_HEADER,
            content: jsonContent(output),
          },
          "400": {
            description: `A fault about the request: ${shapes.faults.length > 0 ? `a declared fault (${shapes.faults.map((f) => f.name).join(", ")}), or ` : ""}a Client/Sender fault`,
            headers: CONTENT_TYPE_HEADER,
            content: jsonContent(FAULT_MODEL),
          },
          "500": {
            description: "Any other SOAP fault",
            headers: CONTENT_TYPE_HEADER,
            content: jsonContent(FAULT_MODEL),
          },
        },
        "x-amazon-apigateway-request-validator": VALIDATOR,
        "x-amazon-apigateway-integration": soapIntegration(port, uri, op, shapes, builder.named, warnings),
      };
      if (op.documentation !== undefined) operation.description = op.documentation;
      paths[path] = { post: operation };
      operations.push({
        service: service.name,
        port: port.name,
        operation: op.name,
        path,
        soapVersion: port.version,
        uri,
      });
    }
  }
  const title = options.title ?? model.name ?? chosen[0]!.service.name;
  const description = [
    `Imported from ${options.source ?? "a WSDL"} (WSDL ${model.version}).`,
    model.documentation ?? chosen[0]!.service.documentation,
  ]
    .filter((d) => d !== undefined)
    .join("\n\n");
  const document = {
    openapi: "3.0.1",
    info: { title, description, version: "1.0" },
    paths,
    components: { schemas: { ...writer.components(), [FAULT_MODEL]: FAULT_SCHEMA } },
    "x-amazon-apigateway-request-validators": {
      [VALIDATOR]: { validateRequestBody: true, validateRequestParameters: false },
    },
  };
  return { document, operations };
}
