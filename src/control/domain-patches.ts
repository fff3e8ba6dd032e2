import type { DomainName } from "../model/domain-name.ts";
import { type ApiFamily, checkV2Manageable } from "./domain-documents.ts";
import { checkDomainEnums, checkMutualTls } from "./domain-names.ts";
import { badRequest } from "./errors.ts";
import { invalidPath, type PatchOperation, requireValue } from "./patch-operations.ts";

/**
 * UpdateDomainName (apigateway): the patch paths AWS documents for a domain name. A certificate
 * change is recorded as uploaded now; a new security policy or endpoint type must still suit the
 * domain's mappings (HTTP APIs and multi-level paths want REGIONAL and TLS 1.2), and mutual TLS its
 * endpoint (REGIONAL, TLS 1.2).
 */

const CERTIFICATES = new Set([
  "certificateName",
  "certificateArn",
  "regionalCertificateName",
  "regionalCertificateArn",
  "ownershipVerificationCertificateArn",
]);

/** The value an add or replace sets; undefined for a remove. */
const setting = (op: PatchOperation): string | undefined =>
  op.op === "remove" ? undefined : requireValue(op);

/** One operation on a draft. */
function apply(d: DomainName, op: PatchOperation, now: number): void {
  if (op.op !== "replace" && op.op !== "add" && op.op !== "remove")
    throw badRequest(`Invalid patch operation ${op.op} for path ${op.path}`);
  const field = op.path.slice(1);
  if (CERTIFICATES.has(field)) {
    const value = setting(op);
    const key = field as "certificateName";
    if (value === undefined) delete d[key];
    else d[key] = value;
    d.certificateUploadDate = now;
    return;
  }
  switch (op.path) {
    case "/securityPolicy": {
      const value = requireValue(op);
      checkDomainEnums({ securityPolicy: value });
      d.securityPolicy = value;
      return;
    }
    case "/endpointConfiguration/types/0":
    case "/endpointConfiguration/types": {
      const value = requireValue(op);
      const from = d.endpointConfiguration.types[0];
      // A domain name migrates between EDGE and REGIONAL; a private one is known by its id and stays.
      if ((value !== "EDGE" && value !== "REGIONAL") || from === "PRIVATE")
        throw badRequest("Invalid endpoint configuration type");
      d.endpointConfiguration = { ...d.endpointConfiguration, types: [value] };
      return;
    }
    case "/endpointConfiguration/ipAddressType": {
      const value = requireValue(op);
      checkDomainEnums({ ipAddressType: value });
      d.endpointConfiguration = { ...d.endpointConfiguration, ipAddressType: value };
      return;
    }
    case "/mutualTlsAuthentication/truststoreUri": {
      // An empty truststore (or a remove) turns mutual TLS off, as AWS documents it.
      const value = op.op === "remove" ? "" : (op.value ?? "");
      if (value === "") delete d.mutualTlsAuthentication;
      else d.mutualTlsAuthentication = { ...d.mutualTlsAuthentication, truststoreUri: value };
      return;
    }
    case "/mutualTlsAuthentication/truststoreVersion": {
      const value = setting(op);
      if (d.mutualTlsAuthentication === undefined) throw invalidPath(op);
      if (value === undefined) delete d.mutualTlsAuthentication.truststoreVersion;
      else d.mutualTlsAuthentication.truststoreVersion = value;
      return;
    }
    case "/policy": {
      if (d.domainNameId === undefined)
        throw badRequest("A policy is supported only for PRIVATE domain names");
      const value = setting(op);
      if (value === undefined) delete d.policy;
      else d.policy = value;
      return;
    }
    case "/endpointAccessMode": {
      const value = setting(op);
      checkDomainEnums({ endpointAccessMode: value });
      if (value === undefined) delete d.endpointAccessMode;
      else d.endpointAccessMode = value;
      return;
    }
    case "/routingMode": {
      const value = requireValue(op);
      checkDomainEnums({ routingMode: value });
      d.routingMode = "BASE_PATH_MAPPING_ONLY";
      return;
    }
    default:
      throw invalidPath(op);
  }
}

/**
 * Applies every operation to `d` (a draft) or throws on the first that AWS would refuse; then checks
 * the result still suits the domain's mappings.
 */
export function applyDomainPatches(
  d: DomainName,
  ops: readonly PatchOperation[],
  families: ReadonlySet<ApiFamily>,
  now = Date.now(),
): void {
  for (const op of ops) apply(d, op, now);
  const multiLevel = Object.keys(d.basePathMappings).some((path) => path.includes("/"));
  if (families.has("HTTP") || multiLevel) checkV2Manageable(d);
  checkMutualTls(d);
}
