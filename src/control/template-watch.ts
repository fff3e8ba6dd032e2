import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { SourceWatch } from "../functions/source-watch.ts";
import type { Logger } from "../logger.ts";
import type { TemplateRunner } from "./template-runner.ts";

/** A folder's YAML and JSON files: the template, and the definitions and includes beside it. */
function filesBeside(path: string): string[] {
  const dir = dirname(path);
  try {
    return readdirSync(dir)
      .filter((f) => /\.(ya?ml|json)$/i.test(f))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/**
 * `--watch`: an edit to a template (or a definition file beside it) is read again and applied as at
 * start. A template that no longer reads is logged and changes nothing: the gateway keeps serving
 * what it had. (A cdk.out folder is watched through its stacks' template files.)
 */
export function watchTemplates(runner: TemplateRunner, log: Logger): () => void {
  const watch = new SourceWatch();
  for (const source of runner.sources()) {
    const changed = (files: readonly string[]) => {
      runner.apply(source).then(
        (applied) => log.info({ files, apis: applied.apis.map((a) => a.apiId) }, "template changed: applied"),
        (err: unknown) =>
          log.error(
            { files, err: (err as Error).message },
            "template changed but cannot be run: nothing applied",
          ),
      );
    };
    const paths = [source.template, join(source.template, "x")];
    for (const path of paths) for (const file of filesBeside(path)) watch.add(file, changed);
  }
  return () => watch.close();
}
