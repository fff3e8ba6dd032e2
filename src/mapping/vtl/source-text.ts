import type { VtlNode } from "./parse.ts";

/**
 * A node's text as written in the template's `lines`, for what Velocity prints literally (an
 * undefined macro's call).
 */
export function sourceText(lines: readonly string[], node: VtlNode): string {
  const pos = node.pos;
  if (pos === undefined) return `$${node.id ?? ""}`;
  if (pos.first_line === pos.last_line)
    return lines[pos.first_line - 1]?.slice(pos.first_column, pos.last_column) ?? "";
  const first = lines[pos.first_line - 1]?.slice(pos.first_column) ?? "";
  const middle = lines.slice(pos.first_line, pos.last_line - 1);
  const last = lines[pos.last_line - 1]?.slice(0, pos.last_column) ?? "";
  return [first, ...middle, last].join("\n");
}
