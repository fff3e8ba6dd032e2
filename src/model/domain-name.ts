/**
 * Custom domain names, one resource of both services: `apigateway` calls it a DomainName with
 * BasePathMappings, `apigatewayv2` the same DomainName with ApiMappings. Stored as `domainnames`
 * documents with AWS's `apigateway` field names (the HTTPS listener reads `securityPolicy` and
 * `mutualTlsAuthentication.truststoreUri` from them, and the config file's `domains:` certificate
 * files sit beside them in `tls`).
 */

/** One mapping of a path below the domain to an API's stage (REST, HTTP or WebSocket). */
export interface ApiMapping {
  /** apigatewayv2's ApiMappingId; mappings made by CreateBasePathMapping get one too. */
  apiMappingId: string;
  /** `(none)` for the root, else the path without its slashes at either end (`v1`, `orders/v1`). */
  basePath: string;
  apiId: string;
  /** Absent (REST base path mappings only): the path's first segment below the base path names the stage. */
  stage?: string;
}

export interface MutualTlsAuthentication {
  truststoreUri: string;
  truststoreVersion?: string;
  truststoreWarnings?: string[];
}

/**
 * Certificate files for the HTTPS listener, from the config file's `domains[].tls` (absolute paths).
 * The admin API never shows them: AWS's domain names name their certificates by ACM ARN only.
 */
export interface DomainTlsFiles {
  certificate?: string;
  key?: string;
  truststore?: string;
}

export interface DomainName {
  domainName: string;
  /** PRIVATE domain names only: they are known by name and id (`{name}+{id}` in their ARN). */
  domainNameId?: string;
  certificateName?: string;
  certificateArn?: string;
  /** Epoch ms (the wire says seconds). */
  certificateUploadDate?: number;
  regionalCertificateName?: string;
  regionalCertificateArn?: string;
  endpointConfiguration: { types: string[]; ipAddressType?: string };
  domainNameStatus: "AVAILABLE";
  /** `TLS_1_0` or `TLS_1_2` (or one of AWS's `SecurityPolicy_*` names). */
  securityPolicy: string;
  endpointAccessMode?: string;
  mutualTlsAuthentication?: MutualTlsAuthentication;
  ownershipVerificationCertificateArn?: string;
  /** PRIVATE domain names: the `execute-api` policy, stored as given (not enforced). */
  policy?: string;
  routingMode?: string;
  createdDate: number;
  /** Keyed by base path (`(none)` for the root). */
  basePathMappings: Record<string, ApiMapping>;
  tags?: Record<string, string>;
  /** Declared in the config file (`domains:`): its certificate files. */
  tls?: DomainTlsFiles;
  /** PRIVATE domain names: their access associations, by VPC endpoint id. */
  accessAssociations?: Record<string, DomainNameAccessAssociation>;
}

/** A private custom domain's access association with a VPC endpoint (CreateDomainNameAccessAssociation). */
export interface DomainNameAccessAssociation {
  domainNameAccessAssociationArn: string;
  domainNameArn: string;
  accessAssociationSourceType: "VPCE";
  accessAssociationSource: string;
  tags?: Record<string, string>;
}

/** The root mapping's base path, as `apigateway` spells it (apigatewayv2: an empty ApiMappingKey). */
export const ROOT_BASE_PATH = "(none)";

/** The `domainnames` key: the name, and for a PRIVATE domain name its id too (`name+id`). */
export const domainKey = (domainName: string, domainNameId?: string): string =>
  domainNameId === undefined ? domainName : `${domainName}+${domainNameId}`;
