import { newApiKey, newUsagePlan, patchApiKey, patchUsagePlan } from "../control/api-keys.ts";
import type { ControlPlane } from "../control/control-plane.ts";
import { badRequest, ControlError, notFound } from "../control/errors.ts";
import { readPatchOperations } from "../control/patch-operations.ts";
import type { ApiKey, BasePathMapping, DomainName, UsagePlan } from "../model/account.ts";
import type { AdminRequest, AdminRouter } from "./admin-router.ts";
import { jsonBody, page } from "./request-body.ts";

const seconds = (ms: number) => Math.floor(ms / 1000);

function apiKeyWire(key: ApiKey, includeValue: boolean): Record<string, unknown> {
  const { value, ...rest } = key;
  return {
    ...rest,
    createdDate: seconds(key.createdDate),
    lastUpdatedDate: seconds(key.lastUpdatedDate),
    ...(includeValue ? { value } : {}),
  };
}

function usagePlanWire(plan: UsagePlan): Record<string, unknown> {
  const { keyIds: _keys, ...rest } = plan;
  return rest;
}

function domainWire(d: DomainName): Record<string, unknown> {
  const { basePathMappings: _m, ...rest } = d;
  return { ...rest, createdDate: seconds(d.createdDate) };
}

/** API keys, usage plans (and their keys), custom domain names (and base path mappings). */
export function addAccountRoutes(router: AdminRouter, control: ControlPlane): void {
  const key = async (id: string) => {
    const k = await control.getDocument<ApiKey>("apikeys", id);
    if (k === undefined) throw notFound("Invalid API Key identifier specified");
    return k;
  };
  const plan = async (id: string) => {
    const p = await control.getDocument<UsagePlan>("usageplans", id);
    if (p === undefined) throw notFound("Invalid Usage Plan ID specified");
    return p;
  };
  const mustChange = <T>(
    collection: "apikeys" | "usageplans" | "domainnames" | "account",
    id: string,
    message: string,
    edit: (t: T) => void,
  ) =>
    control.changeDocument<T>(collection, id, (current) => {
      if (current === undefined) throw notFound(message);
      edit(current);
      return current;
    });

  // API keys
  router.add("POST", "/apikeys", async (r) => {
    const created = newApiKey(jsonBody(r));
    const existing = await control.listDocuments<ApiKey>("apikeys");
    if (existing.some((k) => k.value === created.value))
      throw new ControlError("ConflictException", "API Key already exists");
    await control.changeDocument<ApiKey>("apikeys", created.id, () => created);
    return { status: 201, body: apiKeyWire(created, true) };
  });
  router.add("GET", "/apikeys", async (r) => {
    const nameQuery = r.query.get("name");
    const includeValues = r.query.get("includeValues") === "true";
    const keys = (await control.listDocuments<ApiKey>("apikeys")).filter(
      (k) => !nameQuery || k.name?.startsWith(nameQuery),
    );
    return {
      status: 200,
      body: page(
        r,
        keys.map((k) => apiKeyWire(k, includeValues)),
      ),
    };
  });
  router.add("GET", "/apikeys/{keyId}", async (r) => ({
    status: 200,
    body: apiKeyWire(await key(r.params.keyId!), r.query.get("includeValue") === "true"),
  }));
  router.add("PATCH", "/apikeys/{keyId}", async (r) => {
    const ops = readPatchOperations(jsonBody(r));
    const updated = await mustChange<ApiKey>(
      "apikeys",
      r.params.keyId!,
      "Invalid API Key identifier specified",
      (k) => patchApiKey(k, ops),
    );
    return { status: 200, body: apiKeyWire(updated!, false) };
  });
  router.add("DELETE", "/apikeys/{keyId}", async (r) => {
    await key(r.params.keyId!);
    await control.changeDocument<ApiKey>("apikeys", r.params.keyId!, () => undefined);
    return { status: 202 };
  });

  // Usage plans
  const checkStages = async (p: UsagePlan) => {
    for (const s of p.apiStages) {
      if ((await control.getRestStage(s.apiId, s.stage)) === undefined) {
        throw badRequest(`Invalid stage identifier specified: ${s.apiId}:${s.stage}`);
      }
    }
  };
  router.add("POST", "/usageplans", async (r) => {
    const created = newUsagePlan(jsonBody(r));
    await checkStages(created);
    await control.changeDocument<UsagePlan>("usageplans", created.id, () => created);
    return { status: 201, body: usagePlanWire(created) };
  });
  router.add("GET", "/usageplans", async (r) => {
    const keyId = r.query.get("keyId");
    const plans = (await control.listDocuments<UsagePlan>("usageplans")).filter(
      (p) => !keyId || p.keyIds.includes(keyId),
    );
    return { status: 200, body: page(r, plans.map(usagePlanWire)) };
  });
  router.add("GET", "/usageplans/{planId}", async (r) => ({
    status: 200,
    body: usagePlanWire(await plan(r.params.planId!)),
  }));
  router.add("PATCH", "/usageplans/{planId}", async (r) => {
    const ops = readPatchOperations(jsonBody(r));
    const draft = await plan(r.params.planId!);
    patchUsagePlan(draft, ops);
    await checkStages(draft);
    const updated = await mustChange<UsagePlan>(
      "usageplans",
      r.params.planId!,
      "Invalid Usage Plan ID specified",
      (p) => patchUsagePlan(p, ops),
    );
    return { status: 200, body: usagePlanWire(updated!) };
  });
  router.add("DELETE", "/usageplans/{planId}", async (r) => {
    await plan(r.params.planId!);
    await control.changeDocument<UsagePlan>("usageplans", r.params.planId!, () => undefined);
    return { status: 202 };
  });

  // The wire name of Usage.items is "values".
  const usageWire = ({ items, ...rest }: { items: unknown }) => ({
    status: 200,
    body: { ...rest, values: items },
  });
  router.add("GET", "/usageplans/{planId}/usage", async (r) =>
    usageWire(
      await control.usage(
        await plan(r.params.planId!),
        r.query.get("startDate"),
        r.query.get("endDate"),
        r.query.get("keyId"),
      ),
    ),
  );
  router.add("PATCH", "/usageplans/{planId}/keys/{keyId}/usage", async (r) =>
    usageWire(
      await control.setUsage(await plan(r.params.planId!), r.params.keyId!, readPatchOperations(jsonBody(r))),
    ),
  );

  // Usage plan keys
  const planKeyWire = (k: ApiKey) => ({ id: k.id, type: "API_KEY", value: k.value, name: k.name });
  router.add("POST", "/usageplans/{planId}/keys", async (r) => {
    const body = jsonBody(r);
    if (body.keyType !== "API_KEY") throw badRequest("Invalid key type specified: only API_KEY is supported");
    const k = await key(String(body.keyId));
    await mustChange<UsagePlan>("usageplans", r.params.planId!, "Invalid Usage Plan ID specified", (p) => {
      if (p.keyIds.includes(k.id))
        throw new ControlError("ConflictException", "Usage Plan already contains specified API Key");
      p.keyIds.push(k.id);
    });
    return { status: 201, body: planKeyWire(k) };
  });
  router.add("GET", "/usageplans/{planId}/keys", async (r) => {
    const p = await plan(r.params.planId!);
    const keys = await Promise.all(p.keyIds.map((id) => control.getDocument<ApiKey>("apikeys", id)));
    return {
      status: 200,
      body: page(
        r,
        keys.flatMap((k) => (k ? [planKeyWire(k)] : [])),
      ),
    };
  });
  router.add("GET", "/usageplans/{planId}/keys/{keyId}", async (r) => {
    const p = await plan(r.params.planId!);
    if (!p.keyIds.includes(r.params.keyId!)) throw notFound("Invalid API Key identifier specified");
    return { status: 200, body: planKeyWire(await key(r.params.keyId!)) };
  });
  router.add("DELETE", "/usageplans/{planId}/keys/{keyId}", async (r) => {
    await mustChange<UsagePlan>("usageplans", r.params.planId!, "Invalid Usage Plan ID specified", (p) => {
      if (!p.keyIds.includes(r.params.keyId!)) throw notFound("Invalid API Key identifier specified");
      p.keyIds = p.keyIds.filter((id) => id !== r.params.keyId);
    });
    return { status: 202 };
  });

  // Domain names and base path mappings
  const domain = async (name: string) => {
    const d = await control.getDocument<DomainName>("domainnames", name);
    if (d === undefined) throw notFound("Invalid domain name identifier specified");
    return d;
  };
  router.add("POST", "/domainnames", async (r) => {
    const body = jsonBody(r);
    const name = body.domainName;
    if (
      typeof name !== "string" ||
      !/^[A-Za-z0-9*]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(name)
    ) {
      throw badRequest("Invalid domain name specified");
    }
    const types = ((body.endpointConfiguration as { types?: string[] } | undefined)?.types ?? ["EDGE"]).map(
      String,
    );
    const created: DomainName = {
      domainName: name,
      endpointConfiguration: { types },
      securityPolicy: typeof body.securityPolicy === "string" ? body.securityPolicy : "TLS_1_2",
      domainNameStatus: "AVAILABLE",
      createdDate: Date.now(),
      basePathMappings: {},
      ...(types.includes("REGIONAL")
        ? {
            regionalDomainName: `d-${name.length.toString(36)}abcdef.execute-api.${control.region}.amazonaws.com`,
          }
        : { distributionDomainName: `d${name.length.toString(36)}abcdef.cloudfront.net` }),
    };
    if (typeof body.certificateArn === "string") created.certificateArn = body.certificateArn;
    if (typeof body.regionalCertificateArn === "string")
      created.regionalCertificateArn = body.regionalCertificateArn;
    await control.changeDocument<DomainName>("domainnames", name, (current) => {
      if (current !== undefined)
        throw new ControlError("ConflictException", "The domain name you provided already exists.");
      return created;
    });
    return { status: 201, body: domainWire(created) };
  });
  router.add("GET", "/domainnames", async (r) => ({
    status: 200,
    body: page(r, (await control.listDocuments<DomainName>("domainnames")).map(domainWire)),
  }));
  router.add("GET", "/domainnames/{domainName}", async (r) => ({
    status: 200,
    body: domainWire(await domain(r.params.domainName!)),
  }));
  router.add("DELETE", "/domainnames/{domainName}", async (r) => {
    await domain(r.params.domainName!);
    await control.changeDocument<DomainName>("domainnames", r.params.domainName!, () => undefined);
    return { status: 202 };
  });
  router.add("POST", "/domainnames/{domainName}/basepathmappings", async (r) => {
    const body = jsonBody(r);
    const basePath = typeof body.basePath === "string" && body.basePath !== "" ? body.basePath : "(none)";
    if (basePath !== "(none)" && !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(basePath))
      throw badRequest("Invalid base path specified");
    if (typeof body.restApiId !== "string" || (await control.getRestApi(body.restApiId)) === undefined) {
      throw badRequest("Invalid REST API identifier specified");
    }
    const mapping: BasePathMapping = { basePath, restApiId: body.restApiId };
    if (typeof body.stage === "string") {
      if ((await control.getRestStage(body.restApiId, body.stage)) === undefined)
        throw badRequest("Invalid stage identifier specified");
      mapping.stage = body.stage;
    }
    await mustChange<DomainName>(
      "domainnames",
      r.params.domainName!,
      "Invalid domain name identifier specified",
      (d) => {
        if (d.basePathMappings[basePath])
          throw new ControlError("ConflictException", "Base path already exists for this domain name");
        d.basePathMappings[basePath] = mapping;
      },
    );
    return { status: 201, body: mapping };
  });
  router.add("GET", "/domainnames/{domainName}/basepathmappings", async (r) => ({
    status: 200,
    body: page(r, Object.values((await domain(r.params.domainName!)).basePathMappings)),
  }));
  router.add("GET", "/domainnames/{domainName}/basepathmappings/{basePath}", async (r) => {
    const m = (await domain(r.params.domainName!)).basePathMappings[r.params.basePath!];
    if (m === undefined) throw notFound("Invalid base path mapping identifier specified");
    return { status: 200, body: m };
  });
  router.add("DELETE", "/domainnames/{domainName}/basepathmappings/{basePath}", async (r: AdminRequest) => {
    await mustChange<DomainName>(
      "domainnames",
      r.params.domainName!,
      "Invalid domain name identifier specified",
      (d) => {
        if (d.basePathMappings[r.params.basePath!] === undefined)
          throw notFound("Invalid base path mapping identifier specified");
        delete d.basePathMappings[r.params.basePath!];
      },
    );
    return { status: 202 };
  });
}

interface Account {
  cloudwatchRoleArn?: string;
  throttleSettings: { burstLimit: number; rateLimit: number };
  features: string[];
  apiKeyVersion: string;
}

/** GetAccount / UpdateAccount: AWS's account-level throttle defaults (10,000 rps, 5,000 burst). */
export function addAccountSettingsRoutes(router: AdminRouter, control: ControlPlane): void {
  const defaults = (): Account => ({
    throttleSettings: control.accountThrottle(),
    features: [],
    apiKeyVersion: "4",
  });
  // Portico's own: traffic counters for Prometheus (signed like every admin call).
  router.add("GET", "/metrics", async () => ({
    status: 200,
    raw: { contentType: "text/plain; version=0.0.4", data: control.metricsText() },
  }));
  router.add("GET", "/account", async () => ({
    status: 200,
    body: {
      ...((await control.getDocument<Account>("account", "account")) ?? defaults()),
      throttleSettings: control.accountThrottle(),
    },
  }));
  router.add("PATCH", "/account", async (r) => {
    const ops = readPatchOperations(jsonBody(r));
    const next = await control.changeDocument<Account>("account", "account", (current) => {
      const account = current ?? defaults();
      for (const op of ops) {
        if (op.path !== "/cloudwatchRoleArn") throw badRequest(`Invalid patch path ${op.path}`);
        if (op.op === "remove" || !op.value) delete account.cloudwatchRoleArn;
        else if (!/^arn:aws:iam::\d{12}:role\/.+$/.test(op.value))
          throw badRequest("The role ARN is not well formed");
        else account.cloudwatchRoleArn = op.value;
      }
      return account;
    });
    return { status: 200, body: next };
  });
}
