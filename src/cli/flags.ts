import { parseArgs } from "node:util";

/** A CLI subcommand: its help text and what it runs. */
export interface Command {
  summary: string;
  usage: string;
  run(args: string[], env: NodeJS.ProcessEnv): Promise<number>;
}

/** parseArgs with the strictness every command wants: unknown flags are errors. */
export function parseFlags(
  args: string[],
  options: Record<string, { type: "string" | "boolean" }>,
  allowPositionals = false,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const parsed = parseArgs({ args, options, allowPositionals, strict: true });
  return {
    values: parsed.values as Record<string, string | boolean | undefined>,
    positionals: parsed.positionals,
  };
}
