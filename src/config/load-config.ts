import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import { type Document, isMap, isPair, isScalar, LineCounter, type Node, parseDocument } from "yaml";
import { ConfigError } from "./config-error.ts";
import type { DeclaredDomain } from "./domain-schema.ts";
import { substituteEnvReferences } from "./env-references.ts";
import { checkNetworks, checkRoles, validCidr } from "./iam-checks.ts";
import { resolveLogTargets } from "./logging-schema.ts";
import { parsePublicUrl } from "./public-url.ts";
import { type ApiConfig, CONFIG_SCHEMA, type PorticoConfig } from "./schema.ts";

export interface LoadedConfig extends PorticoConfig {
  /** Absolute path of the file it came from. */
  file: string;
  /** Each entry with where it is written (`file:line:col: apis[i]`), for refusals at apply time. */
  apis?: (ApiConfig & { declaredAt?: string })[];
  /** Each with its `tls` files made absolute and where it is written. */
  domains?: DeclaredDomain[];
}

const validate = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(CONFIG_SCHEMA);

/** `/apis/0/type` → `apis[0].type`. */
function displayPath(segments: readonly (string | number)[]): string {
  let out = "";
  for (const s of segments) out += typeof s === "number" ? `[${s}]` : out === "" ? s : `.${s}`;
  return out || "(top level)";
}

function segmentsOf(instancePath: string): (string | number)[] {
  if (instancePath === "") return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** The source offset of a value (or of a key inside a map) for error positions. */
function offsetOf(doc: Document, segments: readonly (string | number)[], key?: string): number | undefined {
  const node = segments.length === 0 ? doc.contents : (doc.getIn(segments, true) as Node | undefined);
  if (key !== undefined && isMap(node)) {
    for (const item of node.items) {
      if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) return item.key.range?.[0];
    }
  }
  return (node as Node | undefined)?.range?.[0];
}

function closest(word: string, options: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        d[i]![j] = Math.min(
          d[i - 1]![j]! + 1,
          d[i]![j - 1]! + 1,
          d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
    return d[a.length]![b.length]!;
  };
  const best = options.map((o) => [o, distance(word, o)] as const).sort((x, y) => x[1] - y[1])[0];
  return best !== undefined && best[1] <= 2 ? best[0] : undefined;
}

function describe(error: ErrorObject, value: unknown): { message: string; key?: string } {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(p.additionalProperty);
      const known = Object.keys(
        ((error.parentSchema as { properties?: object } | undefined)?.properties ?? {}) as object,
      );
      const hint = closest(key, known);
      return { message: `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ""}`, key };
    }
    case "enum":
      return {
        message: `must be one of ${(p.allowedValues as unknown[]).join(", ")} (got ${JSON.stringify(value)})`,
      };
    case "required":
      return { message: `missing required key "${String(p.missingProperty)}"` };
    case "propertyNames":
      return { message: `invalid key "${String(p.propertyName)}"`, key: String(p.propertyName) };
    case "pattern":
      return { message: `invalid value ${JSON.stringify(value)}` };
    default:
      return {
        message: `${error.message ?? "is invalid"}${value !== undefined && typeof value !== "object" ? ` (got ${JSON.stringify(value)})` : ""}`,
      };
  }
}

/**
 * Reads, validates and normalises a config file. Every problem is reported at once, each as
 * `file:line:col: path: what is wrong`; relative paths are resolved against the file's folder, and
 * `${env:NAME}` in values is replaced from `env` (env-references.ts).
 */
export function loadConfigFile(
  path: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): LoadedConfig {
  const file = resolve(path);
  const shown = isAbsolute(path) ? path : relative(process.cwd(), file) || path;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError([
      `${shown}: cannot read the config file (${code === "ENOENT" ? "no such file" : code})`,
    ]);
  }
  if (text.trim() === "") throw new ConfigError([`${shown}: the config file is empty`]);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return shown;
    const { line, col } = lines.linePos(offset);
    return `${shown}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => `${at(e.pos[0])}: invalid YAML: ${e.message.split("\n")[0]}`),
    );
  }
  const unset = substituteEnvReferences(doc, env, at);
  if (unset.length > 0) throw new ConfigError(unset);
  const config = doc.toJS() as unknown;
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new ConfigError([
      `${shown}: the config file must be a mapping of keys (region, listen, apis, ...)`,
    ]);
  }
  const problems: string[] = [];
  if (!validate(config)) {
    for (const error of validate.errors ?? []) {
      if (error.keyword === "if") continue;
      const segments = segmentsOf(error.instancePath);
      const value = segments.reduce<unknown>(
        (v, s) => (v as Record<string | number, unknown> | undefined)?.[s],
        config,
      );
      const { message, key } = describe(error, value);
      const where = key !== undefined ? [...segments, key] : segments;
      problems.push(`${at(offsetOf(doc, segments, key))}: ${displayPath(where)}: ${message}`);
    }
  }
  const c = config as PorticoConfig;
  const base = dirname(file);
  if (problems.length === 0) {
    if (c.inMemory === true && c.dataDir !== undefined)
      problems.push(
        `${at(offsetOf(doc, [], "inMemory"))}: inMemory: contradicts dataDir: give one (durable state in a directory, or in memory for a throwaway run)`,
      );
    const ids = new Map<string, number>();
    (c.apis ?? []).forEach((api, i) => {
      if ("template" in api) {
        if (!existsSync(resolve(base, api.template)))
          problems.push(
            `${at(offsetOf(doc, ["apis", i, "template"]))}: apis[${i}].template: no such file ${api.template}`,
          );
        return;
      }
      if (api.id !== undefined) {
        if (ids.has(api.id))
          problems.push(`${at(offsetOf(doc, ["apis", i, "id"]))}: apis[${i}].id: duplicate api id ${api.id}`);
        ids.set(api.id, i);
      }
      if (api.type === "WEBSOCKET") return;
      const [key, source] = "wsdl" in api ? ["wsdl", api.wsdl] : ["openapi", api.openapi];
      if (!existsSync(resolve(base, source))) {
        problems.push(`${at(offsetOf(doc, ["apis", i, key]))}: apis[${i}].${key}: no such file ${source}`);
      }
    });
    const position = (segments: readonly (string | number)[]) => at(offsetOf(doc, segments));
    const scope = { region: c.region ?? "us-east-1", accountId: c.accountId ?? "000000000000" };
    problems.push(...checkNetworks(c.networks ?? {}, scope, position));
    problems.push(...checkRoles(c.roles ?? [], scope.region, position));
    const publicUrl = c.listen?.publicUrl;
    const parsed = publicUrl === undefined ? undefined : parsePublicUrl(publicUrl, c.region ?? "us-east-1");
    if (parsed !== undefined && "problem" in parsed)
      problems.push(`${at(offsetOf(doc, ["listen", "publicUrl"]))}: listen.publicUrl: ${parsed.problem}`);
    (c.domains ?? []).forEach((d, i) => {
      for (const key of ["certificate", "key", "truststore"] as const) {
        const file = d.tls?.[key];
        if (file !== undefined && !existsSync(resolve(base, file)))
          problems.push(
            `${at(offsetOf(doc, ["domains", i, "tls", key]))}: domains[${i}].tls.${key}: no such file ${file}`,
          );
      }
    });
    (c.trustedProxies ?? []).forEach((cidr, i) => {
      if (!validCidr(cidr))
        problems.push(
          `${at(offsetOf(doc, ["trustedProxies", i]))}: trustedProxies[${i}]: invalid CIDR "${cidr}"`,
        );
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...c,
    file,
    dataDir: c.dataDir === undefined ? undefined : resolve(base, c.dataDir),
    ...resolveLogTargets(base, c.accessLogs, c.executionLogs),
    apis: c.apis?.map((a, i) => ({
      ...a,
      ...("template" in a
        ? { template: resolve(base, a.template) }
        : a.type === "WEBSOCKET"
          ? {}
          : "wsdl" in a
            ? { wsdl: resolve(base, a.wsdl) }
            : { openapi: resolve(base, a.openapi) }),
      declaredAt: `${at(offsetOf(doc, ["apis", i]))}: apis[${i}]`,
    })),
    domains: c.domains?.map((d, i) => ({
      ...d,
      ...(d.tls === undefined
        ? {}
        : { tls: Object.fromEntries(Object.entries(d.tls).map(([k, f]) => [k, resolve(base, f)])) }),
      declaredAt: `${at(offsetOf(doc, ["domains", i]))}: domains[${i}]`,
    })),
    functions:
      c.functions === undefined
        ? undefined
        : Object.fromEntries(
            Object.entries(c.functions).map(([n, f]) => [
              n,
              f.handler === undefined ? f : { ...f, handler: resolve(base, f.handler) },
            ]),
          ),
  };
}
