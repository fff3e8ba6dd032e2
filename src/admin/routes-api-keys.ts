import { newApiKey, patchApiKey } from "../control/api-keys.ts";
import type { ControlPlane } from "../control/control-plane.ts";
import { badRequest, ControlError, notFound } from "../control/errors.ts";
import { importOptions, planImport } from "../control/import-api-keys.ts";
import { readPatchOperations } from "../control/patch-operations.ts";
import { newUsagePlan, patchUsagePlan } from "../control/usage-plans.ts";
import type { ApiKey, UsagePlan } from "../model/account.ts";
import { mustChange } from "./account-documents.ts";
import { type RouteTable, route } from "./admin-router.ts";
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

async function key(control: ControlPlane, id: string): Promise<ApiKey> {
  const k = await control.getDocument<ApiKey>("apikeys", id);
  if (k === undefined) throw notFound("Invalid API Key identifier specified");
  return k;
}

async function plan(control: ControlPlane, id: string): Promise<UsagePlan> {
  const p = await control.getDocument<UsagePlan>("usageplans", id);
  if (p === undefined) throw notFound("Invalid Usage Plan ID specified");
  return p;
}

/** A plan's stages must exist: REST API stages, or WebSocket API stages (HTTP APIs have no usage plans). */
async function checkStages(control: ControlPlane, p: UsagePlan): Promise<void> {
  for (const s of p.apiStages) {
    if ((await control.getRestStage(s.apiId, s.stage)) !== undefined) continue;
    const ws = (await control.getHttpApi(s.apiId))?.api.protocolType === "WEBSOCKET";
    if (!ws || (await control.getHttpStage(s.apiId, s.stage)) === undefined)
      throw badRequest(`Invalid stage identifier specified: ${s.apiId}:${s.stage}`);
  }
}

// The wire name of Usage.items is "values".
const usageWire = ({ items, ...rest }: { items: unknown }) => ({
  status: 200,
  body: { ...rest, values: items },
});

const planKeyWire = (k: ApiKey) => ({ id: k.id, type: "API_KEY", value: k.value, name: k.name });

/** API keys, usage plans, their usage and their keys. */
export const apiKeyRoutes: RouteTable = [
  // API keys. ImportApiKeys shares CreateApiKey's method and path: its `mode=import` comes first.
  route("ImportApiKeys", "POST", "/apikeys?mode=import", async (r, control) => {
    const options = importOptions(r.query);
    const { ids, warnings } = await control.putDocuments(async () => {
      const plan = planImport(
        r.body.toString("utf8"),
        {
          keys: await control.listDocuments<ApiKey>("apikeys"),
          plans: await control.listDocuments<UsagePlan>("usageplans"),
        },
        options,
      );
      return {
        puts: [
          ...plan.keys.map((k) => ({ collection: "apikeys" as const, key: k.id, value: k })),
          ...plan.plans.map((p) => ({ collection: "usageplans" as const, key: p.id, value: p })),
        ],
        result: plan,
      };
    });
    return { status: 201, body: { ids, warnings } };
  }),
  route("CreateApiKey", "POST", "/apikeys", async (r, control) => {
    const created = newApiKey(jsonBody(r));
    const existing = await control.listDocuments<ApiKey>("apikeys");
    if (existing.some((k) => k.value === created.value))
      throw new ControlError("ConflictException", "API Key already exists");
    await control.changeDocument<ApiKey>("apikeys", created.id, () => created);
    return { status: 201, body: apiKeyWire(created, true) };
  }),
  route("GetApiKeys", "GET", "/apikeys", async (r, control) => {
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
  }),
  route("GetApiKey", "GET", "/apikeys/{keyId}", async (r, control) => ({
    status: 200,
    body: apiKeyWire(await key(control, r.params.keyId!), r.query.get("includeValue") === "true"),
  })),
  route("UpdateApiKey", "PATCH", "/apikeys/{keyId}", async (r, control) => {
    const ops = readPatchOperations(jsonBody(r));
    const updated = await mustChange<ApiKey>(
      control,
      "apikeys",
      r.params.keyId!,
      "Invalid API Key identifier specified",
      (k) => patchApiKey(k, ops),
    );
    return { status: 200, body: apiKeyWire(updated!, false) };
  }),
  route("DeleteApiKey", "DELETE", "/apikeys/{keyId}", async (r, control) => {
    await key(control, r.params.keyId!);
    await control.changeDocument<ApiKey>("apikeys", r.params.keyId!, () => undefined);
    return { status: 202 };
  }),

  // Usage plans
  route("CreateUsagePlan", "POST", "/usageplans", async (r, control) => {
    const created = newUsagePlan(jsonBody(r));
    await checkStages(control, created);
    await control.changeDocument<UsagePlan>("usageplans", created.id, () => created);
    return { status: 201, body: usagePlanWire(created) };
  }),
  route("GetUsagePlans", "GET", "/usageplans", async (r, control) => {
    const keyId = r.query.get("keyId");
    const plans = (await control.listDocuments<UsagePlan>("usageplans")).filter(
      (p) => !keyId || p.keyIds.includes(keyId),
    );
    return { status: 200, body: page(r, plans.map(usagePlanWire)) };
  }),
  route("GetUsagePlan", "GET", "/usageplans/{planId}", async (r, control) => ({
    status: 200,
    body: usagePlanWire(await plan(control, r.params.planId!)),
  })),
  route("UpdateUsagePlan", "PATCH", "/usageplans/{planId}", async (r, control) => {
    const ops = readPatchOperations(jsonBody(r));
    const draft = await plan(control, r.params.planId!);
    patchUsagePlan(draft, ops);
    await checkStages(control, draft);
    const updated = await mustChange<UsagePlan>(
      control,
      "usageplans",
      r.params.planId!,
      "Invalid Usage Plan ID specified",
      (p) => patchUsagePlan(p, ops),
    );
    return { status: 200, body: usagePlanWire(updated!) };
  }),
  route("DeleteUsagePlan", "DELETE", "/usageplans/{planId}", async (r, control) => {
    await plan(control, r.params.planId!);
    await control.changeDocument<UsagePlan>("usageplans", r.params.planId!, () => undefined);
    return { status: 202 };
  }),

  route("GetUsage", "GET", "/usageplans/{planId}/usage", async (r, control) =>
    usageWire(
      await control.usage(
        await plan(control, r.params.planId!),
        r.query.get("startDate"),
        r.query.get("endDate"),
        r.query.get("keyId"),
      ),
    ),
  ),
  route("UpdateUsage", "PATCH", "/usageplans/{planId}/keys/{keyId}/usage", async (r, control) =>
    usageWire(
      await control.setUsage(
        await plan(control, r.params.planId!),
        r.params.keyId!,
        readPatchOperations(jsonBody(r)),
      ),
    ),
  ),

  // Usage plan keys
  route("CreateUsagePlanKey", "POST", "/usageplans/{planId}/keys", async (r, control) => {
    const body = jsonBody(r);
    if (body.keyType !== "API_KEY") throw badRequest("Invalid key type specified: only API_KEY is supported");
    const k = await key(control, String(body.keyId));
    await mustChange<UsagePlan>(
      control,
      "usageplans",
      r.params.planId!,
      "Invalid Usage Plan ID specified",
      (p) => {
        if (p.keyIds.includes(k.id))
          throw new ControlError("ConflictException", "Usage Plan already contains specified API Key");
        p.keyIds.push(k.id);
      },
    );
    return { status: 201, body: planKeyWire(k) };
  }),
  route("GetUsagePlanKeys", "GET", "/usageplans/{planId}/keys", async (r, control) => {
    const p = await plan(control, r.params.planId!);
    const keys = await Promise.all(p.keyIds.map((id) => control.getDocument<ApiKey>("apikeys", id)));
    return {
      status: 200,
      body: page(
        r,
        keys.flatMap((k) => (k ? [planKeyWire(k)] : [])),
      ),
    };
  }),
  route("GetUsagePlanKey", "GET", "/usageplans/{planId}/keys/{keyId}", async (r, control) => {
    const p = await plan(control, r.params.planId!);
    if (!p.keyIds.includes(r.params.keyId!)) throw notFound("Invalid API Key identifier specified");
    return { status: 200, body: planKeyWire(await key(control, r.params.keyId!)) };
  }),
  route("DeleteUsagePlanKey", "DELETE", "/usageplans/{planId}/keys/{keyId}", async (r, control) => {
    await mustChange<UsagePlan>(
      control,
      "usageplans",
      r.params.planId!,
      "Invalid Usage Plan ID specified",
      (p) => {
        if (!p.keyIds.includes(r.params.keyId!)) throw notFound("Invalid API Key identifier specified");
        p.keyIds = p.keyIds.filter((id) => id !== r.params.keyId);
      },
    );
    return { status: 202 };
  }),
];
