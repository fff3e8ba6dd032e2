import type { ControlPlane } from "../control/control-plane.ts";
import { badRequest, notFound } from "../control/errors.ts";
import type { ApiKey, UsagePlan } from "../model/account.ts";
import type { DomainName } from "../model/domain-name.ts";
import { type AdminHandler, type AdminRequest, type RouteTable, route } from "./admin-router.ts";
import { jsonBody, stringMap } from "./request-body.ts";

type Tags = Record<string, string>;

async function edit(control: ControlPlane, arn: string, change: (tags: Tags) => Tags): Promise<Tags> {
  // Private custom domain names' ARNs name the account (`…:123456789012:/domainnames/{name}+{id}`).
  const m = /^arn:aws:apigateway:[^:]*:(\d{12})?:(\/.+)$/.exec(arn);
  if (m === null) throw badRequest(`Invalid resource ARN: ${arn}`);
  const parts = m[2]!.split("/").slice(1);
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
  } else if (parts[0] === "domainnames" && parts.length === 2) {
    await control.changeDocument<DomainName>("domainnames", parts[1]!, (doc) => {
      if (doc === undefined) throw notFound("Invalid domain name identifier specified");
      result = doc.tags = change(doc.tags ?? {});
      if (Object.keys(doc.tags).length === 0) delete doc.tags;
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

const getTags: AdminHandler = async (r, control) => ({
  status: 200,
  body: { tags: await edit(control, arnOf(r), (t) => t) },
});
const addTags =
  (status: number): AdminHandler =>
  async (r, control) => {
    const tags = stringMap(jsonBody(r), "tags") ?? {};
    await edit(control, arnOf(r), (t) => ({ ...t, ...tags }));
    return { status };
  };
const untag: AdminHandler = async (r, control) => {
  const keys = new Set(r.query.getAll("tagKeys"));
  await edit(control, arnOf(r), (t) => Object.fromEntries(Object.entries(t).filter(([k]) => !keys.has(k))));
  return { status: 204 };
};

/**
 * TagResource / UntagResource / GetTags for both services, by resource ARN
 * (`arn:aws:apigateway:{region}::/restapis/{id}[/stages/{name}]`, `…::/apikeys/{id}`,
 * `…::/usageplans/{id}`, `…::/apis/{id}` for HTTP APIs, `…::/domainnames/{name}` for custom domain
 * names, a private one's `…:{account}:/domainnames/{name}+{id}`).
 */
export const restTagRoutes: RouteTable = [
  route("GetTags", "GET", "/tags/{arn}", getTags),
  route("TagResource", "PUT", "/tags/{arn}", addTags(204)),
  // AWS tags REST resources with PUT and HTTP APIs with POST; each service takes both here.
  route("TagResource", "POST", "/tags/{arn}", addTags(201)),
  route("UntagResource", "DELETE", "/tags/{arn}", untag),
];

export const httpTagRoutes: RouteTable = [
  route("GetTags", "GET", "/v2/tags/{arn}", getTags),
  route("TagResource", "PUT", "/v2/tags/{arn}", addTags(204)),
  route("TagResource", "POST", "/v2/tags/{arn}", addTags(201)),
  route("UntagResource", "DELETE", "/v2/tags/{arn}", untag),
];
