import type { ControlPlane } from "../control/control-plane.ts";
import { badRequest, notFound } from "../control/errors.ts";
import type { ApiKey, UsagePlan } from "../model/account.ts";
import type { AdminRequest, AdminRouter } from "./admin-router.ts";
import { jsonBody, stringMap } from "./request-body.ts";

type Tags = Record<string, string>;

/**
 * TagResource / UntagResource / GetTags for both services, by resource ARN
 * (`arn:aws:apigateway:{region}::/restapis/{id}[/stages/{name}]`, `…::/apikeys/{id}`,
 * `…::/usageplans/{id}`, `…::/apis/{id}` for HTTP APIs).
 */
export function addTagRoutes(router: AdminRouter, control: ControlPlane): void {
  async function edit(arn: string, change: (tags: Tags) => Tags): Promise<Tags> {
    const m = /^arn:aws:apigateway:[^:]*::(\/.+)$/.exec(arn);
    if (m === null) throw badRequest(`Invalid resource ARN: ${arn}`);
    const parts = m[1]!.split("/").slice(1);
    let result: Tags | undefined;
    if (parts[0] === "restapis" && parts.length === 2) {
      await control.mutateRestApi(parts[1]!, (def) => {
        result = def.api.tags = change(def.api.tags ?? {});
      });
    } else if (parts[0] === "restapis" && parts[2] === "stages" && parts.length === 4) {
      await control.changeRestStage(parts[1]!, parts[3]!, (stage) => {
        if (stage === undefined) throw notFound("Invalid stage identifier specified");
        result = stage.tags = change(stage.tags ?? {});
        return stage;
      });
    } else if ((parts[0] === "apikeys" || parts[0] === "usageplans") && parts.length === 2) {
      await control.changeDocument<ApiKey | UsagePlan>(parts[0], parts[1]!, (doc) => {
        if (doc === undefined) throw notFound("Invalid resource identifier specified");
        result = doc.tags = change(doc.tags ?? {});
        return doc;
      });
    } else if (parts[0] === "apis" && parts.length === 2) {
      await control.mutateHttpApi(parts[1]!, (def) => {
        result = def.api.tags = change(def.api.tags ?? {});
      });
    } else {
      throw notFound(`Invalid resource ARN: ${arn}`);
    }
    return result ?? {};
  }
  const arnOf = (r: AdminRequest) => r.params.arn!;
  const tagging = (prefix: string, deleteStatus: number) => {
    router.add("GET", `${prefix}/{arn}`, async (r) => ({
      status: 200,
      body: { tags: await edit(arnOf(r), (t) => t) },
    }));
    router.add("PUT", `${prefix}/{arn}`, async (r) => {
      const tags = stringMap(jsonBody(r), "tags") ?? {};
      await edit(arnOf(r), (t) => ({ ...t, ...tags }));
      return { status: deleteStatus === 204 ? 204 : 201 };
    });
    router.add("POST", `${prefix}/{arn}`, async (r) => {
      const tags = stringMap(jsonBody(r), "tags") ?? {};
      await edit(arnOf(r), (t) => ({ ...t, ...tags }));
      return { status: 201 };
    });
    router.add("DELETE", `${prefix}/{arn}`, async (r) => {
      const keys = new Set(r.query.getAll("tagKeys"));
      await edit(arnOf(r), (t) => Object.fromEntries(Object.entries(t).filter(([k]) => !keys.has(k))));
      return { status: deleteStatus };
    });
  };
  tagging("/tags", 204);
  tagging("/v2/tags", 204);
}
