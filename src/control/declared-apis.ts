import { readFile } from "node:fs/promises";
import { isDeepStrictEqual } from "node:util";
import type { DeclaredApi, WebSocketApiConfig } from "../config/schema.ts";
import type { HttpApiDefinition } from "../model/http-api.ts";
import type { RestApiDefinition } from "../model/rest-api.ts";
import { importHint } from "../openapi/template-placeholders.ts";
import { WsdlError, wsdlToOpenApi } from "../soap/wsdl/import-wsdl.ts";
import type { ControlPlane } from "./control-plane.ts";
import { buildDeclaredWebSocketApi, stableId } from "./declared-websocket.ts";
import { badRequest, ControlError } from "./errors.ts";
import { importHttpApiDocument, importRestApiDocument } from "./import-document.ts";
import { checkNewStage } from "./stage-limits.ts";

/**
 * A stable AWS-shaped id for a declared API without an `id`: the same file declares the same API
 * across restarts, so re-applying the config updates it instead of creating a copy. An OpenAPI entry
 * is known by its document's path, a WebSocket one by its name (the same on every node of a cluster,
 * wherever each keeps its config file).
 */
export function declaredApiId(api: DeclaredApi): string {
  return stableId(api.type === "WEBSOCKET" ? `WEBSOCKET\0${api.name}` : `${api.type}\0${sourceOf(api)}`, 10);
}

type DocumentApi = Exclude<DeclaredApi, { type: "WEBSOCKET" }>;

/** The file a declaration imports (its OpenAPI document or its WSDL). */
const sourceOf = (api: DocumentApi): string => ("wsdl" in api ? api.wsdl : api.openapi);

/**
 * A declaration's OpenAPI text: the file itself, or the document generated from its WSDL (whose
 * refusal names the declaration).
 */
async function documentText(control: ControlPlane, api: DocumentApi, at: string): Promise<string> {
  if (!("wsdl" in api)) return api.documentText ?? readFile(api.openapi, "utf8");
  try {
    const imported = await wsdlToOpenApi(api.wsdl, {
      endpoint: api.endpoint,
      soapVersion: api.soapVersion,
      service: api.service,
    });
    for (const warning of imported.warnings) control.log.warn({ wsdl: api.wsdl }, warning);
    return JSON.stringify(imported.document);
  } catch (err) {
    throw err instanceof WsdlError ? badRequest(`${at}: ${err.message}`) : err;
  }
}

function withoutVolatile(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (k, v) => (k === "createdDate" ? undefined : v)));
}

/** The same refusal, its message prefixed with where it comes from (and a hint, if there is one). */
function from(where: string, err: unknown, hint?: string): unknown {
  if (!(err instanceof ControlError)) return err;
  return new ControlError(err.type, `${where}: ${err.message}${hint === undefined ? "" : ` (${hint})`}`);
}

/**
 * A refused deployment, with the file it came from and — since AWS's "No integration defined for
 * method" names none — the methods that have no integration.
 */
function refusal(file: string, definition: RestApiDefinition, err: ControlError): string {
  const bare = Object.values(definition.resources).flatMap((r) =>
    Object.entries(r.resourceMethods ?? {})
      .filter(([, m]) => m.methodIntegration === undefined)
      .map(([verb]) => `${verb} ${r.path}`),
  );
  return `${file}: ${err.message}${bare.length > 0 ? ` (${bare.sort().join(", ")})` : ""}`;
}

/**
 * A WebSocket declaration's definition, checked as the admin API would check its parts, and against
 * what is stored under its id: nothing is written.
 */
async function buildWebSocketApi(
  control: ControlPlane,
  api: WebSocketApiConfig,
  apiId: string,
  where: string,
): Promise<HttpApiDefinition> {
  try {
    if ((await control.getRestApi(apiId)) !== undefined)
      throw badRequest(`API id ${apiId} is a REST API's; a WEBSOCKET declaration cannot replace it`);
    const stored = await control.getHttpApi(apiId);
    if (stored !== undefined && stored.api.protocolType !== "WEBSOCKET")
      throw badRequest(`API id ${apiId} is an HTTP API's; a WEBSOCKET declaration cannot replace it`);
    const stages = await control.listHttpStages(apiId);
    if (!stages.some((s) => s.stageName === api.stage)) checkNewStage(stages.length);
    return buildDeclaredWebSocketApi(api, apiId, control.region, stored?.api.createdDate);
  } catch (err) {
    throw from(where, err);
  }
}

/** Stores a declared WebSocket API and deploys it to its stage unless that stage already serves it. */
async function applyWebSocketApi(
  control: ControlPlane,
  api: WebSocketApiConfig,
  definition: HttpApiDefinition,
): Promise<void> {
  const apiId = definition.api.apiId;
  // An unchanged definition is not stored again; a changed one redeploys the auto-deploy stages.
  await control.putHttpApi(definition);
  const stage = await control.getHttpStage(apiId, api.stage);
  const deployed = stage?.deploymentId
    ? await control.getHttpDeployment(apiId, stage.deploymentId)
    : undefined;
  const unchanged =
    stage?.autoDeploy === true &&
    deployed !== undefined &&
    isDeepStrictEqual(withoutVolatile(deployed.snapshot), withoutVolatile(definition)) &&
    isDeepStrictEqual(stage.stageVariables ?? {}, api.variables ?? {});
  if (!unchanged)
    await control.deployHttpApi(apiId, {
      stageName: api.stage,
      autoDeploy: true,
      variables: api.variables ?? {},
    });
}

/**
 * Imports and deploys each declared API at start-up. Idempotent: an API whose document (or
 * declaration) and stage are unchanged since the last start is left alone (no new deployment).
 * Every WebSocket declaration is built and checked before anything is stored, so a refused one
 * changes no API.
 */
export async function applyDeclaredApis(control: ControlPlane, apis: readonly DeclaredApi[]): Promise<void> {
  const ids = apis.map((api) => api.id ?? declaredApiId(api));
  const where = (i: number): string => {
    const api = apis[i]!;
    const at = api.declaredAt ?? `apis[${i}]`;
    return api.type === "WEBSOCKET" ? `${at} (${api.name})` : at;
  };
  // Two OpenAPI entries may name one API (one document, two stages); a WebSocket API is declared once.
  ids.forEach((id, i) => {
    const first = ids.indexOf(id);
    if (first < i && (apis[i]!.type === "WEBSOCKET" || apis[first]!.type === "WEBSOCKET"))
      throw badRequest(
        `${where(i)}: API id ${id} is also ${where(first)}'s; give one of them another id or name`,
      );
  });
  const webSockets = new Map<number, HttpApiDefinition>();
  for (const [i, api] of apis.entries()) {
    if (api.type === "WEBSOCKET") webSockets.set(i, await buildWebSocketApi(control, api, ids[i]!, where(i)));
  }
  for (const [i, api] of apis.entries()) {
    const apiId = ids[i]!;
    if (api.type === "WEBSOCKET") {
      await applyWebSocketApi(control, api, webSockets.get(i)!).catch((err: unknown) => {
        throw from(where(i), err);
      });
      continue;
    }
    const text = await documentText(control, api, where(i));
    const undeployed = "undeployed" in api && api.undeployed === true;
    if (api.type === "HTTP") {
      const before = await control.getHttpApi(apiId);
      const { definition } = await importHttpApiDocument(control, text, { apiId }).catch((err: unknown) => {
        throw from(where(i), err, importHint(text));
      });
      if (undeployed) continue;
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
    const { definition } = await importRestApiDocument(control, text, { apiId }).catch((err: unknown) => {
      throw from(where(i), err, importHint(text));
    });
    if (undeployed) continue;
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
          description: `Deployed from ${sourceOf(api)}`,
        })
        .catch((err: unknown) => {
          throw err instanceof ControlError
            ? new ControlError(err.type, refusal(sourceOf(api), definition, err))
            : err;
        });
    }
  }
}
