import { type DomainName, type DomainNameAccessAssociation, domainKey } from "../model/domain-name.ts";
import type { ControlPlane } from "./control-plane.ts";
import { DOMAIN_NOT_FOUND, domainArn, endpointType, listDomains } from "./domain-documents.ts";
import { normalizeDomain } from "./domain-table.ts";
import { badRequest, ControlError, notFound, notInEnum, validationError } from "./errors.ts";

/**
 * Domain name access associations: a VPC endpoint allowed to reach a PRIVATE custom domain name
 * (CreateDomainNameAccessAssociation, GetDomainNameAccessAssociations, Delete…, Reject…). They are
 * kept inside their domain name's document, so they go with it. Portico stores them as AWS shows
 * them; what reaches a private domain on the data plane is its Host, as for any domain.
 */

const ASSOCIATION_NOT_FOUND = "Invalid domain name access association identifier specified";
const DOMAIN_ARN = /^arn:aws:apigateway:[a-z0-9-]+:(\d{12})?:\/domainnames\/([^/]+)$/;
const ASSOCIATION_ARN =
  /^arn:aws:apigateway:[a-z0-9-]+:\d{12}:\/domainnameaccessassociations\/domainname\/([^/]+)\/vpcesource\/([^/]+)$/;

/** The stored key a domain name ARN names (`name` or `name+id`). */
function keyOfArn(arn: unknown): string {
  const m = typeof arn === "string" ? DOMAIN_ARN.exec(arn) : null;
  if (m === null) throw notFound(DOMAIN_NOT_FOUND);
  return m[2]!;
}

function change(
  control: ControlPlane,
  key: string,
  edit: (d: DomainName) => void,
  missing = DOMAIN_NOT_FOUND,
): Promise<DomainName | undefined> {
  return control.changeDocument<DomainName>("domainnames", key, (raw) => {
    if (raw === undefined) throw notFound(missing);
    const d = normalizeDomain(raw);
    edit(d);
    return d;
  });
}

export async function createAccessAssociation(
  control: ControlPlane,
  body: Record<string, unknown>,
): Promise<DomainNameAccessAssociation> {
  const key = keyOfArn(body.domainNameArn);
  const type = body.accessAssociationSourceType;
  if (type !== "VPCE")
    throw validationError([notInEnum(String(type), "accessAssociationSourceType", ["VPCE"])]);
  const source = body.accessAssociationSource;
  if (typeof source !== "string" || !/^vpce-[0-9a-z]{1,32}$/.test(source))
    throw badRequest("Invalid VPC endpoint identifier specified");
  const tags = body.tags as Record<string, string> | undefined;
  let created: DomainNameAccessAssociation | undefined;
  await change(control, key, (d) => {
    if (endpointType(d) !== "PRIVATE")
      throw badRequest("Domain name access associations can be created only for PRIVATE domain names");
    if (d.accessAssociations?.[source] !== undefined)
      throw new ControlError(
        "ConflictException",
        "A domain name access association already exists for this domain name and VPC endpoint",
      );
    created = {
      domainNameAccessAssociationArn: `arn:aws:apigateway:${control.region}:${control.accountId}:/domainnameaccessassociations/domainname/${domainKey(d.domainName, d.domainNameId)}/vpcesource/${source}`,
      domainNameArn: domainArn(control, d),
      accessAssociationSourceType: "VPCE",
      accessAssociationSource: source,
      ...(tags !== undefined && typeof tags === "object" && Object.keys(tags).length > 0
        ? { tags: { ...tags } }
        : {}),
    };
    d.accessAssociations = { ...d.accessAssociations, [source]: created };
  });
  return created!;
}

/** Every association of this account's domain names (`resourceOwner=OTHER_ACCOUNTS`: none). */
export async function listAccessAssociations(control: ControlPlane): Promise<DomainNameAccessAssociation[]> {
  return (await listDomains(control)).flatMap((d) => Object.values(d.accessAssociations ?? {}));
}

/** Delete (by the association's ARN) or Reject (the domain owner's, naming both ARNs). */
export async function removeAccessAssociation(
  control: ControlPlane,
  associationArn: unknown,
  domainNameArn?: unknown,
): Promise<void> {
  const m = typeof associationArn === "string" ? ASSOCIATION_ARN.exec(associationArn) : null;
  if (m === null) throw notFound(ASSOCIATION_NOT_FOUND);
  const [key, source] = [decodeURIComponent(m[1]!), m[2]!];
  if (domainNameArn !== undefined && keyOfArn(domainNameArn) !== key) throw notFound(ASSOCIATION_NOT_FOUND);
  await change(
    control,
    key,
    (d) => {
      if (d.accessAssociations?.[source] === undefined) throw notFound(ASSOCIATION_NOT_FOUND);
      const { [source]: _gone, ...rest } = d.accessAssociations;
      if (Object.keys(rest).length === 0) delete d.accessAssociations;
      else d.accessAssociations = rest;
    },
    ASSOCIATION_NOT_FOUND,
  );
}
