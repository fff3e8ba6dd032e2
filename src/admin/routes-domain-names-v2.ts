import {
  createMapping,
  deleteMapping,
  type MappingWords,
  mappingById,
  updateMapping,
} from "../control/api-mappings.ts";
import type { ControlPlane } from "../control/control-plane.ts";
import {
  apiFamily,
  apiMappingKey,
  checkV2Manageable,
  findDomain,
  listDomains,
  mappingKeyToBasePath,
} from "../control/domain-documents.ts";
import { checkDomainEnums, checkMutualTls, createDomain, deleteDomain } from "../control/domain-names.ts";
import { normalizeDomain } from "../control/domain-table.ts";
import { badRequest, notFound } from "../control/errors.ts";
import { type DomainName, domainKey } from "../model/domain-name.ts";
import type { AdminRequest, RouteTable } from "./admin-router.ts";
import { route } from "./admin-router.ts";
import { apiMappingWire, domainWireV2 } from "./domain-wire.ts";
import { items } from "./http-api-lookup.ts";
import { jsonBody, optionalString, stringMap } from "./request-body.ts";

/**
 * apigatewayv2's view of the same custom domain names (routes-domain-names.ts is apigateway's): one
 * REGIONAL configuration each, and API mappings to REST, HTTP and WebSocket APIs' stages, multi-level
 * keys included. apigatewayv2 refuses to change an EDGE or TLS 1.0 domain name, as AWS does.
 */

const V2_WORDS: MappingWords = {
  unknownApi: "Invalid API identifier specified",
  families: ["REST", "HTTP", "WEBSOCKET"],
  conflict: "ApiMapping key already exists for this domain name",
};

const nameOf = (r: AdminRequest) => r.params.domainName!;

type Configuration = Record<string, unknown>;

/** The one configuration a create or update carries (absent on an update: nothing to change there). */
function configurationOf(body: Record<string, unknown>, required: boolean): Configuration | undefined {
  const list = body.domainNameConfigurations;
  if (list === undefined && !required) return undefined;
  if (!Array.isArray(list) || list.length !== 1 || typeof list[0] !== "object" || list[0] === null)
    throw badRequest("Invalid input. Expected one domain name configuration");
  return list[0] as Configuration;
}

/** What apigatewayv2 refuses of a configuration: other endpoints than REGIONAL, and TLS 1.0. */
function checkConfiguration(c: Configuration): void {
  const type = optionalString(c, "endpointType");
  if (type !== undefined && type !== "REGIONAL")
    throw badRequest(`${type} endpoint type is not supported for APIGatewayV2 domainName`);
  if (optionalString(c, "securityPolicy") === "TLS_1_0")
    throw badRequest("TLS_1_0 is not supported for APIGatewayV2 domainName.");
}

function mtlsOf(body: Record<string, unknown>) {
  const mtls = body.mutualTlsAuthentication;
  if (mtls === undefined || mtls === null) return undefined;
  if (typeof mtls !== "object") throw badRequest("Invalid value for mutualTlsAuthentication");
  return {
    truststoreUri: optionalString(mtls as Configuration, "truststoreUri"),
    truststoreVersion: optionalString(mtls as Configuration, "truststoreVersion"),
  };
}

/** UpdateDomainName: the configuration's certificate, policy and addresses, mutual TLS, routing. */
function update(d: DomainName, body: Record<string, unknown>, now: number): void {
  const c = configurationOf(body, false);
  if (c !== undefined) {
    checkConfiguration(c);
    const certificateArn = optionalString(c, "certificateArn");
    const certificateName = optionalString(c, "certificateName");
    if (certificateArn !== undefined) d.regionalCertificateArn = certificateArn;
    if (certificateName !== undefined) d.regionalCertificateName = certificateName;
    if (certificateArn !== undefined || certificateName !== undefined) d.certificateUploadDate = now;
    const policy = optionalString(c, "securityPolicy");
    const ipAddressType = optionalString(c, "ipAddressType");
    checkDomainEnums({ securityPolicy: policy, ipAddressType });
    if (policy !== undefined) d.securityPolicy = policy;
    if (ipAddressType !== undefined) d.endpointConfiguration = { ...d.endpointConfiguration, ipAddressType };
    const ownership = optionalString(c, "ownershipVerificationCertificateArn");
    if (ownership !== undefined) d.ownershipVerificationCertificateArn = ownership;
  }
  const mtls = mtlsOf(body);
  if (mtls !== undefined) {
    if (mtls.truststoreUri === undefined || mtls.truststoreUri === "") delete d.mutualTlsAuthentication;
    else
      d.mutualTlsAuthentication = {
        truststoreUri: mtls.truststoreUri,
        ...(mtls.truststoreVersion === undefined ? {} : { truststoreVersion: mtls.truststoreVersion }),
      };
  }
  checkDomainEnums({ routingMode: optionalString(body, "routingMode") });
  checkMutualTls(d);
}

/** A mapping's ApiMappingKey as a base path, for the kind of API it maps. */
async function basePathFor(control: ControlPlane, body: Record<string, unknown>, apiId: string) {
  const key = optionalString(body, "apiMappingKey") ?? "";
  return mappingKeyToBasePath(key, (await apiFamily(control, apiId)) ?? "HTTP");
}

function required(body: Record<string, unknown>, name: string, wire: string): string {
  const value = optionalString(body, name);
  if (value === undefined || value === "") throw badRequest(`${wire} is required`);
  return value;
}

export const domainNameV2Routes: RouteTable = [
  route("CreateDomainName", "POST", "/v2/domainnames", async (r, control) => {
    const body = jsonBody(r);
    const c = configurationOf(body, true)!;
    checkConfiguration(c);
    const d = await createDomain(control, {
      domainName: body.domainName,
      endpointType: "REGIONAL",
      securityPolicy: optionalString(c, "securityPolicy"),
      regionalCertificateArn: optionalString(c, "certificateArn"),
      regionalCertificateName: optionalString(c, "certificateName"),
      ownershipVerificationCertificateArn: optionalString(c, "ownershipVerificationCertificateArn"),
      ipAddressType: optionalString(c, "ipAddressType"),
      mutualTlsAuthentication: mtlsOf(body),
      routingMode: optionalString(body, "routingMode"),
      tags: stringMap(body, "tags"),
    });
    return { status: 201, body: domainWireV2(control, d) };
  }),
  route("GetDomainNames", "GET", "/v2/domainnames", async (_r, control) => ({
    status: 200,
    body: items((await listDomains(control)).map((d) => domainWireV2(control, d))),
  })),
  route("GetDomainName", "GET", "/v2/domainnames/{domainName}", async (r, control) => ({
    status: 200,
    body: domainWireV2(control, await findDomain(control, nameOf(r))),
  })),
  route("UpdateDomainName", "PATCH", "/v2/domainnames/{domainName}", async (r, control) => {
    const body = jsonBody(r);
    checkV2Manageable(await findDomain(control, nameOf(r)));
    const next = await control.changeDocument<DomainName>("domainnames", domainKey(nameOf(r)), (raw) => {
      if (raw === undefined) throw notFound("Invalid domain name identifier specified");
      const draft = normalizeDomain(raw);
      update(draft, body, Date.now());
      return draft;
    });
    return { status: 200, body: domainWireV2(control, next!) };
  }),
  route("DeleteDomainName", "DELETE", "/v2/domainnames/{domainName}", async (r, control) => {
    await deleteDomain(control, nameOf(r));
    return { status: 204 };
  }),
  route("CreateApiMapping", "POST", "/v2/domainnames/{domainName}/apimappings", async (r, control) => {
    const body = jsonBody(r);
    const d = await findDomain(control, nameOf(r));
    checkV2Manageable(d);
    const apiId = required(body, "apiId", "ApiId");
    const stage = required(body, "stage", "Stage");
    const basePath = await basePathFor(control, body, apiId);
    const mapping = await createMapping(control, d, { basePath, apiId, stage }, V2_WORDS);
    return { status: 201, body: apiMappingWire(mapping) };
  }),
  route("GetApiMappings", "GET", "/v2/domainnames/{domainName}/apimappings", async (r, control) => {
    const d = await findDomain(control, nameOf(r));
    return { status: 200, body: items(Object.values(d.basePathMappings).map(apiMappingWire)) };
  }),
  route(
    "GetApiMapping",
    "GET",
    "/v2/domainnames/{domainName}/apimappings/{apiMappingId}",
    async (r, control) => {
      const d = await findDomain(control, nameOf(r));
      return { status: 200, body: apiMappingWire(mappingById(d, r.params.apiMappingId!)) };
    },
  ),
  route(
    "UpdateApiMapping",
    "PATCH",
    "/v2/domainnames/{domainName}/apimappings/{apiMappingId}",
    async (r, control) => {
      const body = jsonBody(r);
      const d = await findDomain(control, nameOf(r));
      checkV2Manageable(d);
      const before = mappingById(d, r.params.apiMappingId!);
      const apiId = required(body, "apiId", "ApiId");
      const key = optionalString(body, "apiMappingKey") ?? apiMappingKey(before);
      const basePath = await basePathFor(control, { apiMappingKey: key }, apiId);
      const stage = optionalString(body, "stage") ?? before.stage;
      if (stage === undefined) throw badRequest("Stage is required");
      const next = await updateMapping(control, d, before, { basePath, apiId, stage }, V2_WORDS);
      return { status: 200, body: apiMappingWire(next) };
    },
  ),
  route(
    "DeleteApiMapping",
    "DELETE",
    "/v2/domainnames/{domainName}/apimappings/{apiMappingId}",
    async (r, control) => {
      const d = await findDomain(control, nameOf(r));
      await deleteMapping(control, d, mappingById(d, r.params.apiMappingId!));
      return { status: 204 };
    },
  ),
];
