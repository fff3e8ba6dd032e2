import { type DomainName, type DomainTlsFiles, domainKey } from "../model/domain-name.ts";
import { newDomainNameId } from "../model/ids.ts";
import type { ControlPlane } from "./control-plane.ts";
import { DOMAIN_NOT_FOUND, listDomains } from "./domain-documents.ts";
import { badRequest, notFound, notInEnum, validationError } from "./errors.ts";

/**
 * CreateDomainName (both services, and the config file's `domains:`) and DeleteDomainName. Nothing
 * is provisioned behind a domain name: it is AVAILABLE at once, and its certificates are names (ACM
 * ARNs) kept as given; the HTTPS listener takes its certificate files from the config file.
 */

const ENDPOINT_TYPES = ["EDGE", "REGIONAL", "PRIVATE"] as const;
/** The SDK's SecurityPolicy values. */
export const SECURITY_POLICIES = [
  "TLS_1_0",
  "TLS_1_2",
  "SecurityPolicy_TLS12_2018_EDGE",
  "SecurityPolicy_TLS12_PFS_2025_EDGE",
  "SecurityPolicy_TLS13_1_2_2021_06",
  "SecurityPolicy_TLS13_1_2_Ext2_FIPS_PQ_2025_09",
  "SecurityPolicy_TLS13_1_2_Ext2_PQ_2025_09",
  "SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09",
  "SecurityPolicy_TLS13_1_2_FIPS_PQ_2025_09",
  "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09",
  "SecurityPolicy_TLS13_1_2_PQ_2025_09",
  "SecurityPolicy_TLS13_1_3_2025_09",
  "SecurityPolicy_TLS13_1_3_FIPS_2025_09",
  "SecurityPolicy_TLS13_2025_EDGE",
] as const;
const ENDPOINT_ACCESS_MODES = ["BASIC", "STRICT"] as const;
const IP_ADDRESS_TYPES = ["ipv4", "dualstack"] as const;
/** Routing rules are not served: only mappings route (the two services spell it differently). */
const ROUTING_MODES = ["BASE_PATH_MAPPING_ONLY", "API_MAPPING_ONLY"] as const;

/** A DNS name of two labels or more; a wildcard only as the whole first label (`*.example.com`). */
const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

export interface DomainInput {
  domainName: unknown;
  endpointType?: string;
  securityPolicy?: string;
  certificateName?: string;
  certificateArn?: string;
  regionalCertificateName?: string;
  regionalCertificateArn?: string;
  mutualTlsAuthentication?: { truststoreUri?: string; truststoreVersion?: string };
  ownershipVerificationCertificateArn?: string;
  endpointAccessMode?: string;
  ipAddressType?: string;
  policy?: string;
  routingMode?: string;
  tags?: Record<string, string>;
  tls?: DomainTlsFiles;
}

function oneOf(value: string | undefined, member: string, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value))
    throw validationError([notInEnum(value, member, allowed)]);
}

/** Mutual TLS (AWS): REGIONAL domain names with a TLS 1.2 policy only. */
export function checkMutualTls(d: DomainName): void {
  if (d.mutualTlsAuthentication === undefined) return;
  if (d.endpointConfiguration.types[0] !== "REGIONAL" || d.securityPolicy === "TLS_1_0")
    throw badRequest(
      "Mutual TLS authentication is only supported for REGIONAL domain names with a TLS_1_2 security policy",
    );
}

export function checkDomainEnums(input: {
  securityPolicy?: string;
  endpointAccessMode?: string;
  ipAddressType?: string;
  routingMode?: string;
}): void {
  oneOf(input.securityPolicy, "securityPolicy", SECURITY_POLICIES);
  oneOf(input.endpointAccessMode, "endpointAccessMode", ENDPOINT_ACCESS_MODES);
  oneOf(input.ipAddressType, "endpointConfiguration.ipAddressType", IP_ADDRESS_TYPES);
  if (input.routingMode !== undefined && !(ROUTING_MODES as readonly string[]).includes(input.routingMode))
    throw badRequest(
      `Routing mode ${input.routingMode} is not supported: Portico routes custom domain names by their API mappings only`,
    );
}

/** The document a CreateDomainName makes (not yet stored). */
export function newDomain(input: DomainInput, now = Date.now()): DomainName {
  const name = input.domainName;
  if (typeof name !== "string" || name.length > 253 || !DOMAIN.test(name))
    throw badRequest("Invalid domain name specified");
  const type = input.endpointType ?? "EDGE";
  if (!(ENDPOINT_TYPES as readonly string[]).includes(type))
    throw badRequest("Invalid endpoint configuration type");
  checkDomainEnums(input);
  const certificate =
    input.certificateArn ??
    input.regionalCertificateArn ??
    input.certificateName ??
    input.regionalCertificateName;
  const d: DomainName = {
    domainName: name,
    ...(type === "PRIVATE" ? { domainNameId: newDomainNameId() } : {}),
    endpointConfiguration: {
      types: [type],
      ...(input.ipAddressType === undefined ? {} : { ipAddressType: input.ipAddressType }),
    },
    domainNameStatus: "AVAILABLE",
    securityPolicy: input.securityPolicy ?? "TLS_1_2",
    routingMode: "BASE_PATH_MAPPING_ONLY",
    createdDate: now,
    basePathMappings: {},
  };
  const optional = [
    "certificateName",
    "certificateArn",
    "regionalCertificateName",
    "regionalCertificateArn",
    "ownershipVerificationCertificateArn",
    "endpointAccessMode",
  ] as const;
  for (const key of optional) if (input[key] !== undefined) d[key] = input[key];
  if (certificate !== undefined) d.certificateUploadDate = now;
  if (input.policy !== undefined) {
    if (type !== "PRIVATE") throw badRequest("A policy is supported only for PRIVATE domain names");
    d.policy = input.policy;
  }
  const mtls = input.mutualTlsAuthentication;
  if (mtls?.truststoreUri !== undefined && mtls.truststoreUri !== "")
    d.mutualTlsAuthentication = {
      truststoreUri: mtls.truststoreUri,
      ...(mtls.truststoreVersion === undefined ? {} : { truststoreVersion: mtls.truststoreVersion }),
    };
  checkMutualTls(d);
  if (input.tags !== undefined && Object.keys(input.tags).length > 0) d.tags = { ...input.tags };
  if (input.tls !== undefined) d.tls = input.tls;
  return d;
}

/**
 * Stores a new domain name. A public one's name is taken once, in any case (DNS names ignore it);
 * private ones are told apart by their ids.
 */
export async function createDomain(control: ControlPlane, input: DomainInput): Promise<DomainName> {
  const d = newDomain(input);
  const lower = d.domainName.toLowerCase();
  const taken = (await listDomains(control)).some(
    (other) => other.domainNameId === undefined && other.domainName.toLowerCase() === lower,
  );
  const key = domainKey(d.domainName, d.domainNameId);
  await control.changeDocument<DomainName>("domainnames", key, (current) => {
    if (d.domainNameId === undefined && (current !== undefined || taken))
      throw badRequest("The domain name you provided already exists.");
    return d;
  });
  return d;
}

/** DeleteDomainName: its mappings and access associations go with it. */
export async function deleteDomain(control: ControlPlane, name: string, id?: string): Promise<void> {
  await control.changeDocument<DomainName>("domainnames", domainKey(name, id), (current) => {
    if (current === undefined) throw notFound(DOMAIN_NOT_FOUND);
    return undefined;
  });
}
