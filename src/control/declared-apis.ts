import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isDeepStrictEqual } from "node:util";
import type { DeclaredApi } from "../config/schema.ts";
import type { RestApiDefinition } from "../model/rest-api.ts";
import type { ControlPlane } from "./control-plane.ts";
import { ControlError } from "./errors.ts";
import { importHttpApiDocument, importRestApiDocument } from "./import-document.ts";

/** An API declared in the config file (`apis:`), paths already resolved. */
/**
 * A stable AWS-shaped id for a declared API without an `id`: the same file declares the same API
 * across restarts, so re-applying the config updates it instead of creating a copy.
 */
export function declaredApiId(api: DeclaredApi): string {
  const digest = createHash("sha256").update(`${api.type}\0${api.openapi}`).digest();
  let id = "";
  for (let i = 0; id.length < 10; i++) id += "abcdefghijklmnopqrstuvwxyz0123456789"[digest[i]! % 36];
  return id;
}

function withoutVolatile(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (k, v) => (k === "createdDate" ? undefined : v)));
}

/**
 * A refused deployment, with the file it came from and — since AWS's "No integration defined for
 * method" names none — the methods that have no integration.
 */
function refusal(api: DeclaredApi, definition: RestApiDefinition, err: ControlError): string {
  const bare = Object.values(definition.resources).flatMap((r) =>
    Object.entries(r.resourceMethods ?? {})
      .filter(([, m]) => m.methodIntegration === undefined)
      .map(([verb]) => `${verb} ${r.path}`),
  );
  return `${api.openapi}: ${err.message}${bare.length > 0 ? ` (${bare.sort().join(", ")})` : ""}`;
}

/**
 * Imports and deploys each declared API at start-up. Idempotent: an API whose document and stage
 * are unchanged since the last start is left alone (no new deployment).
 */
export async function applyDeclaredApis(control: ControlPlane, apis: readonly DeclaredApi[]): Promise<void> {
  for (const api of apis) {
    const apiId = api.id ?? declaredApiId(api);
    const text = await readFile(api.openapi, "utf8");
    if (api.type === "HTTP") {
      const before = await control.getHttpApi(apiId);
      const { definition } = await importHttpApiDocument(control, text, { apiId });
      const stageName = api.stage ?? "$default";
      const stage = await control.getHttpStage(apiId, stageName);
      const deployed = stage?.deploymentId
        ? await control.getHttpDeployment(apiId, stage.deploymentId)
        : undefined;
      const unchanged =
        before !== undefined &&
        deployed !== undefined &&
        isDeepStrictEqual(withoutVolatile(deployed.snapshot), withoutVolatile(definition)) &&
        isDeepStrictEqual(stage?.stageVariables ?? {}, api.variables ?? {});
      if (!unchanged)
        await control.deployHttpApi(apiId, { stageName, autoDeploy: true, variables: api.variables ?? {} });
      continue;
    }
    const { definition } = await importRestApiDocument(control, text, { apiId });
    const stageName = api.stage ?? "dev";
    const stage = await control.getRestStage(apiId, stageName);
    const deployed = stage ? await control.getDeployment(apiId, stage.deploymentId) : undefined;
    const unchanged =
      deployed !== undefined &&
      isDeepStrictEqual(withoutVolatile(deployed.snapshot), withoutVolatile(definition)) &&
      isDeepStrictEqual(stage?.variables ?? {}, api.variables ?? {});
    if (!unchanged) {
      await control
        .deployRestApi(apiId, {
          stageName,
          variables: api.variables ?? {},
          description: `Deployed from ${api.openapi}`,
        })
        .catch((err: unknown) => {
          throw err instanceof ControlError ? new ControlError(err.type, refusal(api, definition, err)) : err;
        });
    }
  }
}
