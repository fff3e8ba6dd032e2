import { apiId, stageVariables } from "./schema-parts.ts";

/** An `apis:` entry importing a WSDL: a REST API whose JSON resources call the SOAP service. */
export const WSDL_API_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["wsdl"],
  properties: {
    wsdl: {
      type: "string",
      description:
        "WSDL 1.1 or 2.0 file, relative to this file (its XSD imports relative to it): a REST API with POST /{service}/{operation} taking and answering JSON.",
    },
    type: { const: "REST", description: "REST, the only type a WSDL imports as." },
    stage: {
      type: "string",
      pattern: "^[A-Za-z0-9_-]{1,128}$",
      description: "Stage to deploy to (default dev).",
    },
    variables: stageVariables,
    id: apiId,
    description: { type: "string", description: "Deployment description." },
    endpoint: {
      type: "string",
      description: "The SOAP service's URL, instead of the WSDL's soap:address.",
    },
    soapVersion: {
      enum: ["1.1", "1.2"],
      description: "The port to use where a service has both a SOAP 1.1 and a SOAP 1.2 one (default 1.1).",
    },
    service: { type: "string", description: "Import only this service of the WSDL." },
  },
} as const;

export interface WsdlApiConfig {
  wsdl: string;
  type?: "REST";
  stage?: string;
  variables?: Record<string, string>;
  id?: string;
  description?: string;
  endpoint?: string;
  soapVersion?: "1.1" | "1.2";
  service?: string;
}
