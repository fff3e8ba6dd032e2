import { deployCommand } from "./deploy-command.ts";
import { exportCommand } from "./export-command.ts";
import type { Command } from "./flags.ts";
import { importCommand } from "./import-command.ts";
import { routesCommand } from "./routes-command.ts";
import { startCommand } from "./start-command.ts";

const COMMANDS: Record<string, Command> = {
  start: startCommand,
  import: importCommand,
  deploy: deployCommand,
  export: exportCommand,
  routes: routesCommand,
};

const HELP = `portico — a self-hosted Amazon API Gateway

Usage: portico <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`)
  .join("\n")}

Run 'portico <command> --help' for a command's options.
Client commands talk to a running gateway's admin API: --admin-url (PORTICO_ADMIN_URL, default
http://127.0.0.1:8081), signed with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (default test/test).
`;

export async function runCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(HELP);
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`portico: unknown command '${name}'\n\n${HELP}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${command.summary}\n\n${command.usage}`);
    return 0;
  }
  try {
    return await command.run(rest, env);
  } catch (err) {
    process.stderr.write(`portico ${name}: ${(err as Error).message}\n`);
    return 1;
  }
}
