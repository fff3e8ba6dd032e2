import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/** The path of an executable on PATH or in /usr/sbin (where Debian puts nginx), or undefined. */
export function findCommand(name: string): string | undefined {
  try {
    return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return existsSync(`/usr/sbin/${name}`) ? `/usr/sbin/${name}` : undefined;
  }
}

/**
 * A Debian package's program, installed with apt-get when it is missing and this process is root
 * (a benchmark machine's own setup step, nothing more); otherwise one line saying how to install it
 * and what happens instead (`otherwise`), and undefined.
 */
export function ensureDebianTool(command: string, pkg: string, otherwise: string): string | undefined {
  const found = findCommand(command);
  if (found !== undefined) return found;
  const root = process.getuid?.() === 0;
  if (root && findCommand("apt-get") !== undefined) {
    process.stderr.write(`${command} is missing: apt-get install -y ${pkg}\n`);
    try {
      execFileSync("apt-get", ["install", "-y", pkg], { stdio: ["ignore", "ignore", "inherit"] });
    } catch {
      // A fresh container has no package lists yet.
      execFileSync("apt-get", ["update"], { stdio: ["ignore", "ignore", "inherit"] });
      execFileSync("apt-get", ["install", "-y", pkg], { stdio: ["ignore", "ignore", "inherit"] });
    }
    const installed = findCommand(command);
    if (installed !== undefined) return installed;
  }
  process.stdout.write(
    `${command} is not installed (install it with: sudo apt-get install -y ${pkg}): ${otherwise}\n`,
  );
  return undefined;
}
