import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { NS } from "./namespaces.ts";
import { WsdlError, where } from "./wsdl-error.ts";
import { attr, childrenOf, parseXmlTree, type XmlElement } from "./xml-tree.ts";

/**
 * Reads a WSDL file and everything it pulls in — `wsdl:import`/`wsdl:include` and the schemas'
 * `xsd:import`/`xsd:include`/`xsd:redefine` — from files, each location relative to the file that
 * names it. A location that is a URL is refused rather than fetched: an import that reaches out to
 * the network at start-up (or on a CI machine) is neither reproducible nor safe to do implicitly, and
 * the fix — save the schema beside the WSDL and point at the file — is one command away.
 */

export const LOAD_LIMITS = { maxFiles: 200, maxTotalBytes: 50 * 1024 * 1024 } as const;

export type ReadText = (path: string) => Promise<string>;

/** A schema with the target namespace its components belong to (an included schema takes its includer's). */
export interface SchemaDoc {
  readonly el: XmlElement;
  readonly targetNamespace: string;
}

export interface LoadedWsdl {
  readonly version: "1.1" | "2.0";
  /** The WSDL documents: the file named first, then those it imports or includes. */
  readonly wsdls: readonly XmlElement[];
  readonly schemas: readonly SchemaDoc[];
  /** Every file read, as shown in messages. */
  readonly files: readonly string[];
}

const shown = (abs: string): string => {
  const rel = relative(process.cwd(), abs);
  return rel === "" || rel.startsWith("..") ? abs : rel;
};

/** A location written in a document → an absolute file path, or a WsdlError for a URL. */
function locate(location: string, from: XmlElement, fromAbs: string): string {
  const at = where(from.file, from.line);
  if (location.trim() === "")
    throw new WsdlError("WSDL_UNREADABLE", `${at}: an import with an empty location`, from.file);
  // A one-letter "scheme" is a Windows drive (C:\...), not a URL.
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]+):/.exec(location)?.[1]?.toLowerCase();
  if (scheme === "file") return fileURLToPath(location);
  if (scheme === "http" || scheme === "https")
    throw new WsdlError(
      "WSDL_REMOTE_IMPORT",
      `${at}: imports ${location}, a URL; Portico reads imports from files only (no network access during an import): save it beside the WSDL and point the location at the file`,
      from.file,
    );
  if (scheme !== undefined)
    throw new WsdlError(
      "WSDL_REMOTE_IMPORT",
      `${at}: imports ${location}: only file locations are read (got a ${scheme}: URL)`,
      from.file,
    );
  const decoded = location.includes("%") ? safeDecode(location) : location;
  return isAbsolute(decoded) ? decoded : resolve(dirname(fromAbs), decoded);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

class Loader {
  private readonly read: ReadText;
  private readonly texts = new Map<string, XmlElement>();
  private totalBytes = 0;
  readonly wsdls: XmlElement[] = [];
  readonly schemas: SchemaDoc[] = [];
  private readonly seenWsdl = new Set<string>();
  private readonly seenSchema = new Set<string>();
  private readonly absOf = new Map<XmlElement, string>();

  constructor(read: ReadText) {
    this.read = read;
  }

  get files(): string[] {
    return [...this.texts.keys()].map(shown);
  }

  async parse(abs: string, referrer?: { el: XmlElement; location: string }): Promise<XmlElement> {
    const cached = this.texts.get(abs);
    if (cached !== undefined) return cached;
    if (this.texts.size >= LOAD_LIMITS.maxFiles)
      throw new WsdlError(
        "WSDL_TOO_MANY_FILES",
        `more than ${LOAD_LIMITS.maxFiles} files are imported; refused`,
        shown(abs),
      );
    let text: string;
    try {
      text = await this.read(abs);
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      const message =
        referrer === undefined
          ? `cannot read ${shown(abs)} (${why})`
          : `${where(referrer.el.file, referrer.el.line)}: imports ${referrer.location}, which cannot be read (${shown(abs)}: ${why})`;
      throw new WsdlError("WSDL_UNREADABLE", message, referrer?.el.file ?? shown(abs));
    }
    this.totalBytes += Buffer.byteLength(text);
    if (this.totalBytes > LOAD_LIMITS.maxTotalBytes)
      throw new WsdlError(
        "WSDL_TOO_LARGE",
        `the WSDL and its imports are larger than ${LOAD_LIMITS.maxTotalBytes / 1024 / 1024} MB together; refused`,
        shown(abs),
      );
    const root = parseXmlTree(text, shown(abs));
    this.texts.set(abs, root);
    this.absOf.set(root, abs);
    return root;
  }

  async wsdl(root: XmlElement, abs: string): Promise<void> {
    if (this.seenWsdl.has(abs)) return;
    this.seenWsdl.add(abs);
    this.wsdls.push(root);
    const wsdlNs = root.ns;
    for (const types of childrenOf(root, wsdlNs, "types"))
      for (const schema of childrenOf(types, NS.xsd, "schema"))
        await this.schema(
          schema,
          abs,
          attr(schema, "targetNamespace") ?? "",
          `inline#${this.schemas.length}`,
        );
    for (const imp of root.children.filter(
      (c) => c.ns === wsdlNs && (c.local === "import" || c.local === "include"),
    )) {
      const location = attr(imp, "location");
      if (location === undefined) continue;
      const target = locate(location, imp, abs);
      const doc = await this.parse(target, { el: imp, location });
      // WSDL 1.1 files often wsdl:import a schema instead of xsd:import-ing it.
      if (doc.ns === NS.xsd && doc.local === "schema")
        await this.schema(doc, target, attr(doc, "targetNamespace") ?? "", target);
      else if (doc.ns === wsdlNs && (doc.local === "definitions" || doc.local === "description"))
        await this.wsdl(doc, target);
      else
        throw new WsdlError(
          "WSDL_NOT_WSDL",
          `${where(imp.file, imp.line)}: imports ${location}, whose root is <${doc.local}>, neither a WSDL document nor an XML schema`,
          imp.file,
        );
    }
  }

  async schema(el: XmlElement, abs: string, tns: string, key: string): Promise<void> {
    const id = `${key}\0${tns}`;
    if (this.seenSchema.has(id)) return;
    this.seenSchema.add(id);
    this.schemas.push({ el, targetNamespace: tns });
    for (const ref of el.children.filter(
      (c) => c.ns === NS.xsd && (c.local === "import" || c.local === "include" || c.local === "redefine"),
    )) {
      const location = attr(ref, "schemaLocation");
      // An import without a location names a namespace defined elsewhere (another inline schema, or
      // a well-known one such as SOAP encoding's).
      if (location === undefined) continue;
      const target = locate(location, ref, this.absOf.get(el) ?? abs);
      const doc = await this.parse(target, { el: ref, location });
      if (doc.ns !== NS.xsd || doc.local !== "schema")
        throw new WsdlError(
          "WSDL_NOT_WSDL",
          `${where(ref.file, ref.line)}: ${ref.local}s ${location}, whose root is <${doc.local}>, not an XML schema`,
          ref.file,
        );
      const own = attr(doc, "targetNamespace");
      // Include and redefine bring components into the includer's namespace ("chameleon" schemas).
      const docTns = ref.local === "import" ? (own ?? "") : (own ?? tns);
      await this.schema(doc, target, docTns, target);
    }
  }
}

/** Reads `path` and its imports; throws WsdlError for what cannot be read or is not a WSDL. */
export async function loadWsdlFiles(
  path: string,
  read: ReadText = (p) => readFile(p, "utf8"),
): Promise<LoadedWsdl> {
  const loader = new Loader(read);
  const abs = resolve(path);
  const root = await loader.parse(abs);
  const version =
    root.ns === NS.wsdl11 && root.local === "definitions"
      ? "1.1"
      : root.ns === NS.wsdl20 && root.local === "description"
        ? "2.0"
        : undefined;
  if (version === undefined)
    throw new WsdlError(
      "WSDL_NOT_WSDL",
      `${root.file}: the root element is <${root.local}>${root.ns === "" ? "" : ` in ${root.ns}`}; a WSDL 1.1 file starts with <definitions xmlns="${NS.wsdl11}">, a WSDL 2.0 file with <description xmlns="${NS.wsdl20}">`,
      root.file,
    );
  await loader.wsdl(root, abs);
  return { version, wsdls: loader.wsdls, schemas: loader.schemas, files: loader.files };
}
