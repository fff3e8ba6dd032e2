import type { SamApi, SamContext } from "./context.ts";
import { at, isMap, type Json, ref } from "./values.ts";

/**
 * `Auth.UsagePlan` as SAM builds it: PER_API makes `<Api>UsagePlan`, `<Api>ApiKey` and
 * `<Api>UsagePlanKey` for that API's stage; SHARED makes one `ServerlessUsagePlan`,
 * `ServerlessApiKey` and `ServerlessUsagePlanKey` covering every API that asks for it; NONE makes
 * nothing. The key has no value: API Gateway (and Portico) generates one.
 */
const KEYS = new Set(["CreateUsagePlan", "Description", "Quota", "Tags", "Throttle", "UsagePlanName"]);
const CHOICES = ["SHARED", "PER_API", "NONE"];

export class UsagePlans {
  private readonly shared = { apiStages: [] as Json[], stageKeys: [] as Json[], dependsOn: [] as string[] };

  /** The usage plan resources for one API and its stage resource. */
  add(ctx: SamContext, api: SamApi, stageLogicalId: string, attributes: Json): void {
    const auth = api.properties.Auth;
    if (!isMap(auth) || auth.UsagePlan === undefined) return;
    const base = at("Resources", api.logicalId, "Properties", "Auth", "UsagePlan");
    const plan = auth.UsagePlan;
    if (!isMap(plan)) ctx.fail(base, "'UsagePlan' must be a dictionary");
    for (const key of Object.keys(plan))
      if (!KEYS.has(key)) ctx.fail(at(base, key), `Invalid property for 'UsagePlan': ${key}`);
    const create = plan.CreateUsagePlan;
    if (create === undefined)
      ctx.fail(at(base, "CreateUsagePlan"), "'CreateUsagePlan' is a required field for UsagePlan.");
    if (typeof create !== "string" || !CHOICES.includes(create))
      ctx.fail(
        at(base, "CreateUsagePlan"),
        `'CreateUsagePlan' accepts one of ${CHOICES.join(", ")} (SINGLE is not one).`,
      );
    if (create === "NONE") return;
    const apiStage = { ApiId: ref(api.logicalId), Stage: ref(stageLogicalId) };
    const stageKey = { RestApiId: ref(api.logicalId), StageName: ref(stageLogicalId) };
    let names: { plan: string; key: string; planKey: string };
    let planProps: Json;
    let keyProps: Json;
    let dependsOn: string[];
    if (create === "PER_API") {
      names = {
        plan: `${api.logicalId}UsagePlan`,
        key: `${api.logicalId}ApiKey`,
        planKey: `${api.logicalId}UsagePlanKey`,
      };
      planProps = { ApiStages: [apiStage] };
      keyProps = { Enabled: true, StageKeys: [stageKey] };
      dependsOn = [api.logicalId];
    } else {
      names = { plan: "ServerlessUsagePlan", key: "ServerlessApiKey", planKey: "ServerlessUsagePlanKey" };
      if (!this.shared.dependsOn.includes(api.logicalId)) this.shared.dependsOn.push(api.logicalId);
      this.shared.apiStages.push(apiStage);
      this.shared.stageKeys.push(stageKey);
      planProps = { ApiStages: this.shared.apiStages };
      keyProps = { Enabled: true, StageKeys: this.shared.stageKeys };
      dependsOn = this.shared.dependsOn;
    }
    for (const name of ["UsagePlanName", "Description", "Quota", "Tags", "Throttle"])
      if (plan[name]) planProps[name] = plan[name];
    const passthrough = create === "PER_API" ? attributes : {};
    ctx.add(names.plan, {
      Type: "AWS::ApiGateway::UsagePlan",
      DependsOn: [...dependsOn],
      Properties: planProps,
      ...passthrough,
    });
    ctx.add(names.key, {
      Type: "AWS::ApiGateway::ApiKey",
      DependsOn: [names.plan],
      Properties: keyProps,
      ...passthrough,
    });
    ctx.add(names.planKey, {
      Type: "AWS::ApiGateway::UsagePlanKey",
      DependsOn: [names.key],
      Properties: { KeyId: ref(names.key), KeyType: "API_KEY", UsagePlanId: ref(names.plan) },
      ...passthrough,
    });
  }
}
