/**
 * The architecture rules CI enforces (docs/architecture.md):
 * - no import cycle among src/ files, type-only imports included (dpdm);
 * - no two folders of src/ importing each other, except the pairs listed below while they last;
 * - no source file over 400 lines.
 * Prints every breach and exits 1 if there is one.
 *
 * usage: node scripts/check-architecture.ts
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { parseCircular, parseDependencyTree } from "dpdm";

const ROOT = join(import.meta.dirname, "..");
const SRC = join(ROOT, "src");
const MAX_LINES = 400;

/** Folder pairs that still import each other; the list only shrinks. */
const KNOWN_FOLDER_PAIRS = new Set<string>([]);

/** Files still over the limit, being split; the list only shrinks. */
const KNOWN_LONG_FILES = new Set<string>([]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** `src/gateway/steps/iam.ts` → `gateway`; files at the top of src/ belong to no folder. */
function folderOf(file: string): string | undefined {
  const parts = relative(SRC, join(ROOT, file)).split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

const files = sourceFiles(SRC);
const problems: string[] = [];

for (const file of files) {
  const lines = readFileSync(file, "utf8").split("\n").length - 1;
  if (lines > MAX_LINES && !KNOWN_LONG_FILES.has(relative(ROOT, file)))
    problems.push(`${relative(ROOT, file)}: ${lines} lines (at most ${MAX_LINES})`);
}

const tree = await parseDependencyTree(
  files.map((f) => relative(ROOT, f)),
  { context: ROOT, transform: false, skipDynamicImports: false },
);
for (const circle of parseCircular(tree))
  problems.push(`import cycle: ${[...circle, circle[0]].join(" → ")}`);

const edges = new Map<string, string>();
for (const [issuer, deps] of Object.entries(tree)) {
  const from = folderOf(issuer);
  for (const dep of deps ?? []) {
    if (dep.id === null || (!dep.id.startsWith(`src${sep}`) && !dep.id.startsWith("src/"))) continue;
    const to = folderOf(dep.id);
    if (from === undefined || to === undefined || from === to) continue;
    if (!edges.has(`${from}>${to}`)) edges.set(`${from}>${to}`, `${issuer} → ${dep.id}`);
  }
}
for (const [edge, example] of edges) {
  const [a, b] = edge.split(">") as [string, string];
  if (a > b || !edges.has(`${b}>${a}`)) continue;
  const pair = `${a}↔${b}`;
  if (KNOWN_FOLDER_PAIRS.has(pair)) continue;
  problems.push(`folders import each other: ${pair} (${example}; ${edges.get(`${b}>${a}`)})`);
}

for (const known of KNOWN_FOLDER_PAIRS) {
  const [a, b] = known.split("↔") as [string, string];
  if (!edges.has(`${a}>${b}`) || !edges.has(`${b}>${a}`))
    problems.push(`${known} no longer import each other: take the pair off KNOWN_FOLDER_PAIRS`);
}

if (problems.length > 0) {
  for (const p of problems) console.error(`check-architecture: ${p}`);
  console.error(`check-architecture: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(
  `check-architecture: ${files.length} files, no import cycle; ${KNOWN_FOLDER_PAIRS.size} folder pairs and ${KNOWN_LONG_FILES.size} long files still listed`,
);
