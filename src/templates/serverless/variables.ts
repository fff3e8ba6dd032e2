import { readFileSync } from "node:fs";
import { extname, resolve } from "node:path";
import { parseTemplateText } from "../template-text.ts";
import { isMapping, type Mapping, Place } from "./shape.ts";
import { type Candidate, candidates, pieces } from "./variable-syntax.ts";

/** What the variables of serverless.yml can read besides the file itself. */
export interface VariableInputs {
  file: string;
  baseDir: string;
  /** `--stage` and `--region`, which win over `provider.stage` / `provider.region`. */
  stage?: string;
  region?: string;
  env: NodeJS.ProcessEnv;
  /**
   * The command line's options: `${opt:name}` reads `name`; `${param:name}` reads `param:name`
   * (the framework's `--param="name=value"`) before the file's `params.<stage>` and `params.default`.
   */
  options: Record<string, string>;
  /** A variable whose source Portico cannot read, answered by its fallback instead. */
  onFallback: (at: Place, message: string) => void;
}

/** Sources that read AWS or run code: Portico reads none of them. */
const AWS_SOURCES = new Set(["ssm", "s3", "cf", "sts", "secretsmanager", "aws-ssm", "kms"]);

/** An intrinsic function produced by a variable (`${aws:accountId}`), resolved later with the rest. */
const isIntrinsic = (v: unknown): v is Mapping =>
  isMapping(v) && Object.keys(v).length === 1 && /^(Ref|Fn::)/.test(Object.keys(v)[0]!);

/**
 * Resolves every `${…}` of serverless.yml as the framework does before it builds its template, into
 * a fresh copy (the input is never changed). `self:` references are followed through other
 * variables, a reference that comes back to itself is refused, and an unresolvable variable is
 * refused naming the key that holds it.
 */
export class VariableResolver {
  readonly #root: Mapping;
  readonly #in: VariableInputs;
  readonly #done = new Map<string, unknown>();
  readonly #active = new Set<string>();
  readonly #files = new Map<string, unknown>();
  #stage: string | undefined;
  #region: string | undefined;

  constructor(root: Mapping, inputs: VariableInputs) {
    this.#root = root;
    this.#in = inputs;
  }

  /** The whole file, every variable resolved. */
  all(): Mapping {
    return this.#deep(this.#root, "self:", new Place(this.#in.file, "")) as Mapping;
  }

  /** The value at a dotted path of the file, resolved; undefined when there is none. */
  at(path: string): unknown {
    return this.#walk(this.#root, "self:", new Place(this.#in.file, ""), path);
  }

  /** `--stage`, else `provider.stage`, else `dev`, as the framework chooses the stage. */
  stage(): string {
    this.#stage ??= this.#in.stage ?? this.#in.options.stage ?? this.#stringAt("provider.stage") ?? "dev";
    return this.#stage;
  }

  region(): string {
    this.#region ??=
      this.#in.region ?? this.#in.options.region ?? this.#stringAt("provider.region") ?? "us-east-1";
    return this.#region;
  }

  #stringAt(path: string): string | undefined {
    const value = this.at(path);
    return value === undefined || value === null ? undefined : String(value);
  }

  #walk(node: unknown, key: string, at: Place, path: string): unknown {
    let value = node;
    let k = key;
    let place = at;
    for (const segment of path.split(".").filter((s) => s !== "")) {
      value = typeof value === "string" ? this.#string(value, k, place) : value;
      if (Array.isArray(value) && /^\d+$/.test(segment)) {
        value = value[Number(segment)];
        place = place.index(Number(segment));
      } else if (isMapping(value) && Object.hasOwn(value, segment)) {
        value = value[segment];
        place = place.key(segment);
      } else return undefined;
      k = `${k}\0${segment}`;
    }
    return this.#deep(value, k, place);
  }

  #deep(value: unknown, key: string, at: Place): unknown {
    if (typeof value === "string") return this.#string(value, key, at);
    if (Array.isArray(value)) return value.map((v, i) => this.#deep(v, `${key}\0${i}`, at.index(i)));
    if (!isMapping(value)) return value;
    const out: Mapping = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "__proto__") throw at.key(k).error("a key named __proto__ is not allowed");
      out[k] = this.#deep(v, `${key}\0${k}`, at.key(k));
    }
    return out;
  }

  #string(text: string, key: string, at: Place): unknown {
    if (!text.includes("${")) return text;
    if (this.#done.has(key)) return this.#done.get(key);
    if (this.#active.has(key)) throw at.error(`${text} refers back to itself (a loop of self: references)`);
    this.#active.add(key);
    try {
      const value = this.#interpolate(text, at);
      this.#done.set(key, value);
      return value;
    } finally {
      this.#active.delete(key);
    }
  }

  /** A string with variables: one variable alone keeps its value's type; several make a string. */
  #interpolate(text: string, at: Place): unknown {
    const parts = pieces(text).map((p) => {
      if ("text" in p) return p.text;
      const list = candidates(p.variable);
      return list === undefined ? p.raw : this.#variable(p.raw, list, at);
    });
    if (parts.length === 1) return parts[0];
    if (parts.some(isIntrinsic)) return { "Fn::Join": ["", parts] };
    return parts
      .map((part) => {
        if (isMapping(part) || Array.isArray(part))
          throw at.error(`${text}: a variable in a longer string must give a string, not a mapping or list`);
        return part === null ? "null" : String(part);
      })
      .join("");
  }

  #variable(raw: string, list: Candidate[], at: Place): unknown {
    const unreadable: string[] = [];
    for (const c of list) {
      const value = this.#candidate(c, at, unreadable);
      if (value !== undefined && value !== null) {
        if (unreadable.length > 0)
          this.#in.onFallback(at, `${raw}: ${unreadable.join("; ")}; its fallback used`);
        return value;
      }
    }
    if (unreadable.length > 0) throw at.error(`cannot resolve ${raw}: ${unreadable.join("; ")}`);
    throw at.error(`cannot resolve ${raw}: it has no value and no fallback`);
  }

  #candidate(c: Candidate, at: Place, unreadable: string[]): unknown {
    if (c.kind === "literal") return c.value;
    if (c.kind === "nested") {
      const list = candidates(c.inner);
      return list === undefined ? `\${${c.inner}}` : this.#variable(`\${${c.inner}}`, list, at);
    }
    const address = String(this.#interpolate(c.address, at));
    const params = c.params === undefined ? undefined : String(this.#interpolate(c.params, at));
    switch (c.source) {
      case "self":
        return this.at(address) ?? this.#providerDefault(address);
      case "opt":
        return this.#option(address);
      case "env":
        return this.#in.env[address];
      case "param":
        return this.#param(address);
      case "sls":
        if (address === "stage") return this.stage();
        throw at.error(`\${sls:${address}}: only \${sls:stage} is known`);
      case "aws":
        if (address === "region") return this.region();
        if (address === "accountId") return { Ref: "AWS::AccountId" };
        throw at.error(`\${aws:${address}}: only \${aws:region} and \${aws:accountId} are known`);
      case "file":
        return this.#file(params, address, at);
      case "strToBool":
        return params === undefined ? undefined : /^(true|1)$/i.test(params.trim());
      default:
        if (AWS_SOURCES.has(c.source)) {
          unreadable.push(`the ${c.source} source reads AWS, which Portico does not`);
          return undefined;
        }
        throw at.error(
          `unknown variable source ${c.source}: Portico reads self, opt, env, param, sls, aws (region, accountId) and file(…)`,
        );
    }
  }

  #providerDefault(address: string): string | undefined {
    if (address === "provider.stage") return "dev";
    if (address === "provider.region") return "us-east-1";
    return undefined;
  }

  #option(name: string): string | undefined {
    if (name === "stage" && this.#in.stage !== undefined) return this.#in.stage;
    if (name === "region" && this.#in.region !== undefined) return this.#in.region;
    return Object.hasOwn(this.#in.options, name) ? this.#in.options[name] : undefined;
  }

  #param(name: string): unknown {
    const given = this.#in.options[`param:${name}`];
    if (given !== undefined) return given;
    return this.at(`params.${this.stage()}.${name}`) ?? this.at(`params.default.${name}`);
  }

  /** `${file(./other.yml):a.b}`: YAML or JSON beside serverless.yml; JavaScript files are not run. */
  #file(path: string | undefined, address: string, at: Place): unknown {
    if (path === undefined || path.trim() === "") throw at.error("file() needs a path");
    const full = resolve(this.#in.baseDir, path.trim());
    const ext = extname(full).toLowerCase();
    if (![".yml", ".yaml", ".json"].includes(ext))
      throw at.error(
        `file(${path}): only YAML and JSON files are read (Portico does not run JavaScript here)`,
      );
    if (!this.#files.has(full)) {
      let text: string | undefined;
      try {
        text = readFileSync(full, "utf8");
      } catch {
        text = undefined;
      }
      this.#files.set(full, text === undefined ? undefined : parseTemplateText(text, path.trim()));
    }
    const content = this.#files.get(full);
    if (content === undefined) return undefined;
    return this.#walk(content, `file:${full}`, new Place(path.trim(), ""), address);
  }
}
