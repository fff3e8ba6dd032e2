import { registerHooks } from "node:module";
import { fileURLToPath } from "node:url";

/** A file `--watch` follows: a local source file, not a package's (node_modules) nor a builtin. */
export function isLocalSource(path: string): boolean {
  return !/[\\/]node_modules[\\/]/.test(path);
}

function localPath(url: string): string | undefined {
  if (!url.startsWith("file:")) return undefined;
  try {
    const path = fileURLToPath(url);
    return isLocalSource(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** What `import` and `require` throw for a file that is not there. */
const NOT_FOUND = new Set(["ERR_MODULE_NOT_FOUND", "MODULE_NOT_FOUND"]);

/**
 * Inside a worker, for `--watch`: every local module the function loads — its handler's import graph,
 * `import` and `require` alike, at init or later — is reported to `report`, in batches. A module
 * that failed to resolve because its file does not exist (yet) is reported too, so creating it is
 * seen. Resolution is the thread's own (Node's synchronous hooks act on the thread that registers
 * them), so the gateway's modules are not reported. Returns `flush`, which reports what is pending
 * now (before the worker says it is ready or failed its init).
 */
export function reportLoadedModules(report: (files: string[]) => void): () => void {
  const seen = new Set<string>();
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const files = pending;
    pending = [];
    report(files);
  };
  const note = (url: string) => {
    if (seen.has(url)) return;
    seen.add(url);
    const path = localPath(url);
    if (path === undefined) return;
    pending.push(path);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        const resolved = nextResolve(specifier, context);
        note(resolved.url);
        return resolved;
      } catch (err) {
        // `./lib.ts` deleted mid-edit, or a new import of a file not written yet: watch where it will be.
        if (
          NOT_FOUND.has((err as { code?: string }).code ?? "") &&
          /^\.{0,2}\//.test(specifier) &&
          context.parentURL !== undefined
        ) {
          try {
            note(new URL(specifier, context.parentURL).href);
          } catch {
            // Not a URL either way: nothing to watch.
          }
        }
        throw err;
      }
    },
  });
  return flush;
}
