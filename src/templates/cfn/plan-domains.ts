import type { PlannedDomain } from "../template-plan.ts";
import { checkProperties, type PlanContext } from "./plan-context.ts";
import { isRecord, list, str } from "./plan-values.ts";
import type { ResolvedResource } from "./resolve-template.ts";

const TAGS = (v: unknown): Record<string, string> | undefined => {
  // REST's DomainName takes [{Key, Value}]; apigatewayv2's a map.
  if (Array.isArray(v))
    return Object.fromEntries(
      v.filter(isRecord).map((t) => [String(t.Key ?? ""), String(t.Value ?? "")] as [string, string]),
    );
  return isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : undefined;
};

function restDomain(ctx: PlanContext, r: ResolvedResource): PlannedDomain {
  checkProperties(
    ctx,
    r,
    [
      "DomainName",
      "EndpointConfiguration",
      "SecurityPolicy",
      "CertificateArn",
      "RegionalCertificateArn",
      "Tags",
    ],
    ["OwnershipVerificationCertificateArn"],
  );
  const p = r.properties;
  const name = str(p.DomainName);
  if (name === undefined) throw ctx.error(r, "Properties.DomainName", "DomainName is required");
  const types = isRecord(p.EndpointConfiguration) ? list(p.EndpointConfiguration.Types) : [];
  const domain: PlannedDomain = { logicalId: r.logicalId, name, mappings: [] };
  const type = str(types[0])?.toUpperCase();
  if (type === "REGIONAL" || type === "EDGE") domain.endpointType = type;
  else if (type !== undefined)
    throw ctx.error(r, "Properties.EndpointConfiguration.Types", `endpoint type ${type} is EDGE or REGIONAL`);
  const policy = str(p.SecurityPolicy);
  if (policy === "TLS_1_0" || policy === "TLS_1_2") domain.securityPolicy = policy;
  const certificate = str(p.RegionalCertificateArn) ?? str(p.CertificateArn);
  if (certificate !== undefined) domain.certificateArn = certificate;
  const tags = TAGS(p.Tags);
  if (tags !== undefined) domain.tags = tags;
  return domain;
}

function v2Domain(ctx: PlanContext, r: ResolvedResource): PlannedDomain {
  checkProperties(ctx, r, ["DomainName", "DomainNameConfigurations", "Tags"], ["MutualTlsAuthentication"]);
  const p = r.properties;
  const name = str(p.DomainName);
  if (name === undefined) throw ctx.error(r, "Properties.DomainName", "DomainName is required");
  const domain: PlannedDomain = { logicalId: r.logicalId, name, mappings: [] };
  const config = list(p.DomainNameConfigurations).find(isRecord);
  if (config !== undefined) {
    const type = str(config.EndpointType)?.toUpperCase();
    if (type === "REGIONAL" || type === "EDGE") domain.endpointType = type;
    const policy = str(config.SecurityPolicy);
    if (policy === "TLS_1_0" || policy === "TLS_1_2") domain.securityPolicy = policy;
    const certificate = str(config.CertificateArn);
    if (certificate !== undefined) domain.certificateArn = certificate;
  }
  const tags = TAGS(p.Tags);
  if (tags !== undefined) domain.tags = tags;
  return domain;
}

/**
 * Custom domain names (AWS::ApiGateway::DomainName, AWS::ApiGatewayV2::DomainName) with their
 * mappings (BasePathMapping, ApiMapping), as the config file's `domains:` declares them. A mapping
 * names its domain by name (Ref gives the name) and its API by id.
 */
export function planDomains(ctx: PlanContext): PlannedDomain[] {
  const domains = new Map<string, PlannedDomain>();
  for (const r of ctx.ofType("AWS::ApiGateway::DomainName")) {
    const d = restDomain(ctx, r);
    domains.set(d.name.toLowerCase(), d);
  }
  for (const r of ctx.ofType("AWS::ApiGatewayV2::DomainName")) {
    const d = v2Domain(ctx, r);
    domains.set(d.name.toLowerCase(), d);
  }
  const domainOf = (r: ResolvedResource): PlannedDomain => {
    const d = domains.get(String(r.properties.DomainName ?? "").toLowerCase());
    if (d === undefined)
      throw ctx.error(
        r,
        "Properties.DomainName",
        `names ${JSON.stringify(r.properties.DomainName)}, no domain name of this template`,
      );
    return d;
  };
  for (const r of ctx.ofType("AWS::ApiGateway::BasePathMapping")) {
    checkProperties(ctx, r, ["DomainName", "RestApiId", "Stage", "BasePath"], ["Id"]);
    const api = ctx.target(r, "RestApiId", "AWS::ApiGateway::RestApi");
    const basePath = str(r.properties.BasePath);
    const stage = str(r.properties.Stage);
    domainOf(r).mappings.push({
      apiLogicalId: api.logicalId,
      ...(basePath === undefined ? {} : { basePath }),
      ...(stage === undefined ? {} : { stage }),
    });
  }
  for (const r of ctx.ofType("AWS::ApiGatewayV2::ApiMapping")) {
    checkProperties(ctx, r, ["DomainName", "ApiId", "Stage", "ApiMappingKey"]);
    const api = ctx.target(r, "ApiId", "AWS::ApiGatewayV2::Api");
    const stage = str(r.properties.Stage);
    if (stage === undefined) throw ctx.error(r, "Properties.Stage", "Stage is required");
    const key = str(r.properties.ApiMappingKey);
    domainOf(r).mappings.push({
      apiLogicalId: api.logicalId,
      stage,
      ...(key === undefined ? {} : { basePath: key }),
    });
  }
  return [...domains.values()];
}
