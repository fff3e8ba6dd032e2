import type { RestApiDefinition } from "../model/rest-api.ts";

/**
 * PutRestApi mode=merge: the incoming document's methods replace same-verb methods on the same path;
 * every other existing resource and method is kept (AWS's merge semantics). API-level fields come from
 * the document, as on overwrite.
 */
export function mergeRestApi(existing: RestApiDefinition, incoming: RestApiDefinition): RestApiDefinition {
  const merged = structuredClone(existing);
  merged.api = { ...incoming.api, id: existing.api.id, rootResourceId: existing.api.rootResourceId };
  const byPath = new Map(Object.values(merged.resources).map((r) => [r.path, r]));
  const incomingByPath = [...Object.values(incoming.resources)].sort((a, b) => a.path.length - b.path.length);
  for (const resource of incomingByPath) {
    const target = byPath.get(resource.path);
    if (target === undefined) {
      const parentPath = resource.path.slice(0, resource.path.lastIndexOf("/")) || "/";
      const parent = byPath.get(parentPath)!;
      const added = { ...structuredClone(resource), parentId: parent.id };
      merged.resources[added.id] = added;
      byPath.set(added.path, added);
      continue;
    }
    if (resource.resourceMethods !== undefined) {
      target.resourceMethods = {
        ...(target.resourceMethods ?? {}),
        ...structuredClone(resource.resourceMethods),
      };
    }
  }
  const modelNames = new Set(Object.values(merged.models).map((m) => m.name));
  for (const model of Object.values(incoming.models)) {
    if (!modelNames.has(model.name)) merged.models[model.id] = model;
  }
  return merged;
}
