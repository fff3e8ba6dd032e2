import { createMapping, deleteMapping, type MappingWords, updateMapping } from "../control/api-mappings.ts";
import type { ControlPlane } from "../control/control-plane.ts";
import { familiesOf, findDomain, listDomains, MIXING_REFUSAL } from "../control/domain-documents.ts";
import { createDomain, type DomainInput, deleteDomain } from "../control/domain-names.ts";
import { applyDomainPatches } from "../control/domain-patches.ts";
import { normalizeDomain } from "../control/domain-table.ts";
import { badRequest, notFound } from "../control/errors.ts";
import { invalidPath, readPatchOperations, requireValue } from "../control/patch-operations.ts";
import { type ApiMapping, type DomainName, domainKey, ROOT_BASE_PATH } from "../model/domain-name.ts";
import type { AdminRequest, RouteTable } from "./admin-router.ts";
import { route } from "./admin-router.ts";
import { basePathMappingWire, domainWire } from "./domain-wire.ts";
import { jsonBody, optionalString, page, stringMap } from "./request-body.ts";

/**
 * apigateway's custom domain names and their base path mappings. A PRIVATE domain name is named by
 * its name and `?domainNameId=`. Base path mappings are one level deep here (AWS: multi-level paths
 * through apigatewayv2's CreateApiMapping, routes-domain-names-v2.ts), and REST APIs only.
 */

const V1_WORDS: MappingWords = {
  unknownApi: "Invalid REST API identifier specified",
  families: ["REST"],
  conflict: "Base path already exists for this domain name",
};
const MAPPING_NOT_FOUND = "Invalid base path mapping identifier specified";
const BASE_PATH = /^[A-Za-z0-9$\-_.+!*'()]{1,300}$/;

const idOf = (r: AdminRequest): string | undefined => r.query.get("domainNameId") ?? undefined;

/** The REST wire body of CreateDomainName, read into the shared input. */
function domainInput(body: Record<string, unknown>): DomainInput {
  const endpoint = body.endpointConfiguration as { types?: unknown; ipAddressType?: unknown } | undefined;
  const types = endpoint?.types;
  if (types !== undefined && (!Array.isArray(types) || types.length !== 1))
    throw badRequest("Invalid endpoint configuration type");
  const mtls = body.mutualTlsAuthentication as Record<string, unknown> | undefined;
  const input: DomainInput = { domainName: body.domainName };
  if (Array.isArray(types)) input.endpointType = String(types[0]);
  if (typeof endpoint?.ipAddressType === "string") input.ipAddressType = endpoint.ipAddressType;
  for (const key of [
    "securityPolicy",
    "certificateName",
    "certificateArn",
    "regionalCertificateName",
    "regionalCertificateArn",
    "ownershipVerificationCertificateArn",
    "endpointAccessMode",
    "policy",
    "routingMode",
  ] as const) {
    const value = optionalString(body, key);
    if (value !== undefined) input[key] = value;
  }
  if (mtls !== undefined && mtls !== null) {
    if (typeof mtls !== "object") throw badRequest("Invalid value for mutualTlsAuthentication");
    input.mutualTlsAuthentication = {
      truststoreUri: optionalString(mtls, "truststoreUri"),
      truststoreVersion: optionalString(mtls, "truststoreVersion"),
    };
  }
  const tags = stringMap(body, "tags");
  if (tags !== undefined) input.tags = tags;
  return input;
}

/** A v1 base path: `(none)` (or empty) for the root, else one segment. */
function basePathOf(value: unknown): string {
  if (value === undefined || value === null || value === "" || value === ROOT_BASE_PATH)
    return ROOT_BASE_PATH;
  if (typeof value !== "string") throw badRequest("Invalid base path specified");
  if (value.includes("/"))
    throw badRequest(
      "API Gateway V1 doesn't support the slash character (/) in base path mappings. To create a multi-level base path mapping, use API Gateway V2.",
    );
  if (!BASE_PATH.test(value)) throw badRequest("Invalid base path specified");
  return value;
}

/** `(none)` as a stage asks callers to name the stage in the path. */
const stageOf = (value: unknown): string | undefined =>
  value === undefined || value === null || value === "" || value === ROOT_BASE_PATH
    ? undefined
    : String(value);

function mappingOf(d: DomainName, basePath: string): ApiMapping {
  const m = d.basePathMappings[basePath === "" ? ROOT_BASE_PATH : basePath];
  if (m === undefined) throw notFound(MAPPING_NOT_FOUND);
  return m;
}

/** A v1 mapping change is refused beside HTTP or WebSocket APIs: mixing is apigatewayv2's. */
async function checkRestOnly(control: ControlPlane, d: DomainName, except?: string): Promise<void> {
  const families = await familiesOf(control, d, except);
  if ([...families].some((f) => f !== "REST")) throw badRequest(MIXING_REFUSAL);
}

export const domainNameRoutes: RouteTable = [
  route("CreateDomainName", "POST", "/domainnames", async (r, control) => {
    const d = await createDomain(control, domainInput(jsonBody(r)));
    return { status: 201, body: domainWire(control, d) };
  }),
  route("GetDomainNames", "GET", "/domainnames", async (r, control) => {
    // One account: no other account's domain names to offer.
    const domains = r.query.get("resourceOwner") === "OTHER_ACCOUNTS" ? [] : await listDomains(control);
    return {
      status: 200,
      body: page(
        r,
        domains.map((d) => domainWire(control, d)),
      ),
    };
  }),
  route("GetDomainName", "GET", "/domainnames/{domainName}", async (r, control) => ({
    status: 200,
    body: domainWire(control, await findDomain(control, r.params.domainName!, idOf(r))),
  })),
  route("UpdateDomainName", "PATCH", "/domainnames/{domainName}", async (r, control) => {
    const ops = readPatchOperations(jsonBody(r));
    const d = await findDomain(control, r.params.domainName!, idOf(r));
    const families = await familiesOf(control, d);
    const next = await control.changeDocument<DomainName>(
      "domainnames",
      domainKey(d.domainName, d.domainNameId),
      (raw) => {
        if (raw === undefined) throw notFound("Invalid domain name identifier specified");
        const draft = normalizeDomain(raw);
        applyDomainPatches(draft, ops, families);
        return draft;
      },
    );
    return { status: 200, body: domainWire(control, next!) };
  }),
  route("DeleteDomainName", "DELETE", "/domainnames/{domainName}", async (r, control) => {
    await deleteDomain(control, r.params.domainName!, idOf(r));
    return { status: 202 };
  }),
  route("CreateBasePathMapping", "POST", "/domainnames/{domainName}/basepathmappings", async (r, control) => {
    const body = jsonBody(r);
    const d = await findDomain(control, r.params.domainName!, idOf(r));
    const basePath = basePathOf(body.basePath);
    if (typeof body.restApiId !== "string") throw badRequest(V1_WORDS.unknownApi);
    await checkRestOnly(control, d);
    const mapping = await createMapping(
      control,
      d,
      { basePath, apiId: body.restApiId, stage: stageOf(body.stage) },
      V1_WORDS,
    );
    return { status: 201, body: basePathMappingWire(mapping) };
  }),
  route("GetBasePathMappings", "GET", "/domainnames/{domainName}/basepathmappings", async (r, control) => {
    const d = await findDomain(control, r.params.domainName!, idOf(r));
    return { status: 200, body: page(r, Object.values(d.basePathMappings).map(basePathMappingWire)) };
  }),
  route(
    "GetBasePathMapping",
    "GET",
    "/domainnames/{domainName}/basepathmappings/{basePath}",
    async (r, control) => {
      const d = await findDomain(control, r.params.domainName!, idOf(r));
      return { status: 200, body: basePathMappingWire(mappingOf(d, r.params.basePath!)) };
    },
  ),
  route(
    "UpdateBasePathMapping",
    "PATCH",
    "/domainnames/{domainName}/basepathmappings/{basePath}",
    async (r, control) => {
      const ops = readPatchOperations(jsonBody(r));
      const d = await findDomain(control, r.params.domainName!, idOf(r));
      const before = mappingOf(d, r.params.basePath!);
      const change = { basePath: before.basePath, apiId: before.apiId, stage: before.stage };
      for (const op of ops) {
        if (op.op !== "replace") throw badRequest(`Invalid patch operation ${op.op} for path ${op.path}`);
        if (op.path === "/basePath") change.basePath = basePathOf(op.value ?? "");
        else if (op.path === "/restapiId" || op.path === "/restApiId") change.apiId = requireValue(op);
        else if (op.path === "/stage") change.stage = stageOf(op.value);
        else throw invalidPath(op);
      }
      await checkRestOnly(control, d, before.apiMappingId);
      const next = await updateMapping(control, d, before, change, V1_WORDS);
      return { status: 200, body: basePathMappingWire(next) };
    },
  ),
  route(
    "DeleteBasePathMapping",
    "DELETE",
    "/domainnames/{domainName}/basepathmappings/{basePath}",
    async (r, control) => {
      const d = await findDomain(control, r.params.domainName!, idOf(r));
      await deleteMapping(control, d, mappingOf(d, r.params.basePath!));
      return { status: 202 };
    },
  ),
];
