import { isMapping, listOf, type Mapping, optionalMapping, type Place, type ReadContext } from "./shape.ts";

/** Plugins that change nothing Portico needs: it runs TypeScript handlers itself and is the offline gateway. */
const SILENT_PLUGINS = new Set(["serverless-offline", "serverless-plugin-typescript"]);

const SECTIONS = ["Resources", "Outputs", "Conditions", "Mappings", "Parameters"] as const;

/** Properties merged key by key, as the framework merges `resources` over what it generates. */
function merge(target: Mapping, source: Mapping): Mapping {
  const out: Mapping = { ...target };
  for (const [k, v] of Object.entries(source)) {
    const current = out[k];
    out[k] = isMapping(current) && isMapping(v) ? merge(current, v) : v;
  }
  return out;
}

/**
 * `resources` — raw CloudFormation, one mapping or a list of them (`${file(...)}` includes) — into
 * the template: its Resources beside the generated ones (one with a generated logical id is merged
 * into it, with a notice), its Outputs, Conditions, Mappings and Parameters kept, and `extensions`
 * merged into the generated resources they name.
 */
export function mergeResources(ctx: ReadContext, template: Mapping, value: unknown, at: Place): void {
  const parts = listOf(value);
  parts.forEach((part, i) => {
    const partAt = Array.isArray(value) ? at.index(i) : at;
    const resources = optionalMapping(part, partAt) ?? {};
    for (const section of SECTIONS) {
      const entries = optionalMapping(resources[section], partAt.key(section));
      if (entries === undefined) continue;
      template[section] ??= {};
      const into = template[section] as Mapping;
      for (const [id, entry] of Object.entries(entries)) {
        if (section === "Resources" && Object.hasOwn(into, id) && isMapping(into[id]) && isMapping(entry)) {
          ctx.notices.push(
            partAt
              .key(section)
              .key(id)
              .notice(id, "merged into the resource the service generates under this id"),
          );
          into[id] = merge(into[id] as Mapping, entry);
        } else into[id] = entry;
      }
    }
    const extensions = optionalMapping(resources.extensions, partAt.key("extensions")) ?? {};
    template.Resources ??= {};
    const generated = template.Resources as Mapping;
    for (const [id, extension] of Object.entries(extensions)) {
      const target = generated[id];
      if (!isMapping(target) || !isMapping(extension))
        throw partAt.key("extensions").key(id).error(`no generated resource ${id} to extend`);
      generated[id] = merge(target, extension);
    }
    if (typeof resources.Description === "string") template.Description = resources.Description;
    for (const key of Object.keys(resources)) {
      if (![...SECTIONS, "extensions", "Description", "AWSTemplateFormatVersion", "Transform"].includes(key))
        ctx.notices.push(partAt.key(key).notice(key, `resources.${key} is not a template section; ignored`));
    }
    if (resources.Transform !== undefined)
      ctx.notices.push(
        partAt.key("Transform").notice("Transform", "resources.Transform is not applied; ignored"),
      );
  });
}

/** `plugins` (a list, or `{ modules: [...] }`): each named in a notice unless Portico needs no stand-in. */
export function pluginNotices(ctx: ReadContext, value: unknown, at: Place): void {
  const modules = isMapping(value) ? listOf(value.modules) : listOf(value);
  const modulesAt = isMapping(value) ? at.key("modules") : at;
  modules.forEach((plugin, i) => {
    const name = String(plugin);
    if (SILENT_PLUGINS.has(name)) return;
    const why =
      name === "serverless-esbuild" || name === "serverless-webpack"
        ? "not run; Portico loads the handlers' source (.ts included) as they are"
        : "plugins are not run by Portico; what it adds to the template is missing";
    ctx.notices.push(modulesAt.index(i).notice(name, `${name}: ${why}`));
  });
}
