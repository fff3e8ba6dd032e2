import type { ControlPlane } from "../control/control-plane.ts";
import { apiMappingKey, domainArn, endpointType } from "../control/domain-documents.ts";
import type { ApiMapping, DomainName } from "../model/domain-name.ts";

/**
 * Custom domain names as each service shows them. Portico has no CloudFront distribution or regional
 * endpoint of its own: `distributionDomainName` (EDGE) and `regionalDomainName` (REGIONAL) name the
 * domain itself, the name whose DNS points at Portico's data plane (docs/domains.md). The config
 * file's certificate files are never shown: AWS names certificates by ARN only.
 */

/** CloudFront's hosted zone, the same in every region (AWS documents it for edge-optimized names). */
const CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2";

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : Math.floor(ms / 1000));

/** apigateway's DomainName. */
export function domainWire(control: ControlPlane, d: DomainName): Record<string, unknown> {
  const type = endpointType(d);
  return {
    domainName: d.domainName,
    ...(d.domainNameId === undefined ? {} : { domainNameId: d.domainNameId }),
    domainNameArn: domainArn(control, d),
    certificateName: d.certificateName,
    certificateArn: d.certificateArn,
    certificateUploadDate: seconds(d.certificateUploadDate),
    ...(type === "REGIONAL" ? { regionalDomainName: d.domainName } : {}),
    regionalCertificateName: d.regionalCertificateName,
    regionalCertificateArn: d.regionalCertificateArn,
    ...(type === "EDGE"
      ? { distributionDomainName: d.domainName, distributionHostedZoneId: CLOUDFRONT_ZONE }
      : {}),
    endpointConfiguration: d.endpointConfiguration,
    domainNameStatus: d.domainNameStatus,
    securityPolicy: d.securityPolicy,
    endpointAccessMode: d.endpointAccessMode,
    tags: d.tags,
    mutualTlsAuthentication: d.mutualTlsAuthentication,
    ownershipVerificationCertificateArn: d.ownershipVerificationCertificateArn,
    policy: d.policy,
    routingMode: d.routingMode ?? "BASE_PATH_MAPPING_ONLY",
  };
}

/** apigatewayv2's DomainName: one configuration, the domain's endpoint. */
export function domainWireV2(control: ControlPlane, d: DomainName): Record<string, unknown> {
  const type = endpointType(d);
  const regional = type === "REGIONAL";
  return {
    apiMappingSelectionExpression: "$request.basepath",
    domainName: d.domainName,
    domainNameArn: domainArn(control, d),
    domainNameConfigurations: [
      {
        apiGatewayDomainName: d.domainName,
        certificateArn: regional ? d.regionalCertificateArn : d.certificateArn,
        certificateName: regional ? d.regionalCertificateName : d.certificateName,
        certificateUploadDate:
          d.certificateUploadDate === undefined ? undefined : new Date(d.certificateUploadDate).toISOString(),
        domainNameStatus: d.domainNameStatus,
        endpointType: type,
        ...(type === "EDGE" ? { hostedZoneId: CLOUDFRONT_ZONE } : {}),
        ipAddressType: d.endpointConfiguration.ipAddressType ?? "ipv4",
        securityPolicy: d.securityPolicy,
        ownershipVerificationCertificateArn: d.ownershipVerificationCertificateArn,
      },
    ],
    mutualTlsAuthentication: d.mutualTlsAuthentication,
    routingMode: "API_MAPPING_ONLY",
    tags: d.tags ?? {},
  };
}

/** apigateway's BasePathMapping (`stage` absent: the caller names it in the path). */
export function basePathMappingWire(m: ApiMapping): Record<string, unknown> {
  return { basePath: m.basePath, restApiId: m.apiId, ...(m.stage === undefined ? {} : { stage: m.stage }) };
}

/** apigatewayv2's ApiMapping. */
export function apiMappingWire(m: ApiMapping): Record<string, unknown> {
  return {
    apiId: m.apiId,
    apiMappingId: m.apiMappingId,
    apiMappingKey: apiMappingKey(m),
    ...(m.stage === undefined ? {} : { stage: m.stage }),
  };
}
