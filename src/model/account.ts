/** Account-level resources of `apigateway`: API keys, usage plans, custom domain names. */

export interface ApiKey {
  id: string;
  value: string;
  name?: string;
  description?: string;
  customerId?: string;
  enabled: boolean;
  createdDate: number;
  lastUpdatedDate: number;
  /** `{restApiId}/{stageName}` */
  stageKeys: string[];
  tags?: Record<string, string>;
}

export interface ThrottleSettings {
  burstLimit?: number;
  rateLimit?: number;
}

export interface QuotaSettings {
  limit: number;
  offset?: number;
  period: "DAY" | "WEEK" | "MONTH";
}

export interface UsagePlanApiStage {
  apiId: string;
  stage: string;
  /** `/{resourcePath}/{METHOD}` → throttle. */
  throttle?: Record<string, ThrottleSettings>;
}

export interface UsagePlan {
  id: string;
  name: string;
  description?: string;
  apiStages: UsagePlanApiStage[];
  throttle?: ThrottleSettings;
  quota?: QuotaSettings;
  /** API key ids attached to the plan (UsagePlanKeys). */
  keyIds: string[];
  tags?: Record<string, string>;
}

export interface BasePathMapping {
  /** `(none)` for the root. */
  basePath: string;
  restApiId: string;
  stage?: string;
}

export interface DomainName {
  domainName: string;
  certificateArn?: string;
  regionalCertificateArn?: string;
  endpointConfiguration: { types: string[] };
  securityPolicy: string;
  /** Mutual TLS: here `truststoreUri` is a local PEM bundle (file:// or a path); docs/tls.md. */
  mutualTlsAuthentication?: { truststoreUri: string; truststoreVersion?: string };
  domainNameStatus: "AVAILABLE";
  regionalDomainName?: string;
  distributionDomainName?: string;
  createdDate: number;
  basePathMappings: Record<string, BasePathMapping>;
  tags?: Record<string, string>;
}
