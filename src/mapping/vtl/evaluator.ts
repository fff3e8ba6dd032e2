import { ENTRY_BYTES, OBJECT_BYTES, type RenderBudget, SLOT_BYTES } from "./budget.ts";
import { TemplateError } from "./errors.ts";
import { ForeachState, foreachItems } from "./foreach.ts";
import { callMethod, elementAt, propertyOf } from "./member-access.ts";
import { binaryOperation, negate } from "./operators.ts";
import { type VtlNode as Node, parseInterpolated } from "./parse.ts";
import { sourceText } from "./source-text.ts";
import { isNumber, JDouble, JMap, numeric, toJavaString, truthy } from "./values.ts";

/**
 * A Velocity evaluator with Java Velocity 1.7 semantics over velocityjs's parse tree: integer
 * arithmetic, Java String/Map/List methods, `#set` ignoring a null right-hand side, `$foreach`/
 * `$velocityCount` — and API Gateway's empty output for null and unresolved references — with hard
 * limits (1,000 iterations per `#foreach`, an output cap, a step and a data budget: budget.ts) so no
 * template can run away.
 */

const MAX_MACRO_DEPTH = 20;

class BreakSignal {}
class StopSignal {}

export class Renderer {
  private readonly vars: Map<string, unknown>;
  private readonly macros = new Map<string, { args: string[]; body: Node[] }>();
  private readonly lines: string[];
  private readonly budget: RenderBudget;
  private out = "";
  private macroDepth = 0;

  constructor(source: string, vars: Map<string, unknown>, budget: RenderBudget) {
    this.lines = source.split("\n");
    this.vars = vars;
    this.budget = budget;
  }

  render(nodes: Node[]): string {
    try {
      this.renderNodes(nodes);
    } catch (err) {
      if (!(err instanceof StopSignal) && !(err instanceof BreakSignal)) throw err;
    }
    return this.out;
  }

  private emit(text: string): void {
    if (this.out.length + text.length > this.budget.limits.maxOutputChars) {
      throw new TemplateError("TEMPLATE_OUTPUT_TOO_LARGE", "Mapping template output exceeds the size limit");
    }
    this.budget.hold(text.length);
    this.out += text;
  }

  private step(): void {
    this.budget.step();
  }

  private renderNodes(nodes: Node[]): void {
    for (const node of nodes) this.renderNode(node);
  }

  private renderNode(node: Node): void {
    this.step();
    if (typeof node === "string") {
      this.emit(node);
      return;
    }
    if (Array.isArray(node)) {
      this.renderBlock(node);
      return;
    }
    switch (node.type) {
      case "references": {
        // API Gateway prints a null or unresolved reference as nothing, quiet (`$!x`) or not, where
        // Velocity would print its source text (AWS-BEHAVIOUR.md §12.5, recorded).
        const value = this.reference(node);
        if (value !== null && value !== undefined) this.emit(toJavaString(value, this.budget));
        return;
      }
      case "set":
        this.set(node);
        return;
      case "raw":
        this.emit(node.value);
        return;
      case "comment":
        return;
      case "break":
        throw new BreakSignal();
      case "macro_call":
        this.callMacro(node);
        return;
      default:
        if (typeof node.value === "string" && node.type === "content") this.emit(node.value);
    }
  }

  private renderBlock(block: Node[]): void {
    const head = block[0];
    if (head?.type === "if") {
      let branchStart = 1;
      let taken = truthy(this.expr(head.condition));
      for (let i = 1; i <= block.length; i++) {
        const n = block[i];
        const marker =
          n !== undefined &&
          !Array.isArray(n) &&
          typeof n === "object" &&
          (n.type === "elseif" || n.type === "else");
        if (i === block.length || marker) {
          if (taken) {
            this.renderNodes(block.slice(branchStart, i));
            return;
          }
          if (i === block.length) return;
          taken = n.type === "else" ? true : truthy(this.expr(n.condition));
          branchStart = i + 1;
        }
      }
      return;
    }
    if (head?.type === "foreach") {
      this.foreach(head, block.slice(1));
      return;
    }
    if (head?.type === "macro") {
      this.macros.set(head.id, { args: (head.args ?? []).map((a: Node) => a.id), body: block.slice(1) });
      return;
    }
    this.renderNodes(block);
  }

  private foreach(head: Node, body: Node[]): void {
    const source = this.expr(head.from);
    const max = this.budget.limits.maxForeach;
    const items = foreachItems(source, max);
    const state = new ForeachState(Math.min(items.length, max));
    const savedVar = this.vars.get(head.to);
    const savedState = this.vars.get("foreach");
    const savedCount = this.vars.get("velocityCount");
    this.vars.set("foreach", state);
    try {
      for (let i = 0; i < items.length && i < max; i++) {
        // An iteration is work even when its body is empty: nested empty loops must run out too.
        this.step();
        state.index = i;
        this.vars.set(head.to, items[i]);
        this.vars.set("velocityCount", i + 1);
        try {
          this.renderNodes(body);
        } catch (err) {
          if (err instanceof BreakSignal) break;
          throw err;
        }
      }
    } finally {
      this.restore(head.to, savedVar);
      this.restore("foreach", savedState);
      this.restore("velocityCount", savedCount);
    }
  }

  private restore(name: string, value: unknown): void {
    if (value === undefined) this.vars.delete(name);
    else this.vars.set(name, value);
  }

  private callMacro(node: Node): void {
    const macro = this.macros.get(node.id);
    if (macro === undefined) {
      this.emit(sourceText(this.lines, node));
      return;
    }
    // Velocity's velocimacro.max.depth: a macro that calls itself fails the template at 20 deep.
    if (this.macroDepth >= MAX_MACRO_DEPTH)
      throw new TemplateError(
        "TEMPLATE_RUNTIME",
        `Mapping template macros nest deeper than ${MAX_MACRO_DEPTH}`,
      );
    const args = (node.args ?? []).map((a: Node) => this.expr(a));
    const saved = macro.args.map((name) => this.vars.get(name));
    macro.args.forEach((name, i) => {
      this.vars.set(name, args[i] ?? null);
    });
    this.macroDepth++;
    try {
      this.renderNodes(macro.body);
    } finally {
      this.macroDepth--;
      macro.args.forEach((name, i) => {
        this.restore(name, saved[i]);
      });
    }
  }

  private set(node: Node): void {
    const [target, valueNode] = node.equal;
    const value = this.expr(valueNode);
    // Velocity 1.7: a null right-hand side leaves the variable as it was.
    if (value === null || value === undefined) return;
    const path: Node[] = target.path ?? [];
    if (path.length === 0) {
      this.vars.set(target.id, value);
      return;
    }
    const owner = this.walk(this.vars.get(target.id) ?? null, path.slice(0, -1));
    const last = path[path.length - 1];
    const key = last.type === "index" ? toJavaString(this.expr(last.id), this.budget) : last.id;
    if (owner instanceof JMap) {
      this.budget.hold(ENTRY_BYTES + key.length);
      owner.set(key, value);
    } else if (Array.isArray(owner) && last.type === "index") {
      // Java's List.set: only an existing index (a far one would make a sparse list of any length).
      const i = Number(key);
      if (Number.isInteger(i) && i >= 0 && i < owner.length) owner[i] = value;
    }
  }

  private reference(node: Node): unknown {
    let value: unknown = this.vars.has(node.id) ? this.vars.get(node.id) : null;
    if (node.path) value = this.walk(value, node.path);
    return value;
  }

  private walk(start: unknown, path: Node[]): unknown {
    let value = start;
    for (const part of path) {
      if (value === null || value === undefined) return null;
      this.step();
      if (part.type === "property") value = propertyOf(value, part.id, this.budget);
      else if (part.type === "index") value = elementAt(value, this.expr(part.id), this.budget);
      else if (part.type === "method") {
        const args = part.args ? part.args.map((a: Node) => this.expr(a)) : [];
        value = callMethod(value, part.id, args, this.budget);
      }
    }
    return value ?? null;
  }

  private expr(node: Node): unknown {
    this.step();
    switch (node?.type) {
      case "references":
        return this.reference(node);
      case "string":
        return node.isEval
          ? new Renderer(String(node.value), this.vars, this.budget).render(
              parseInterpolated(String(node.value)),
            )
          : node.value;
      case "integer":
        return Number(node.value);
      case "decimal":
        return new JDouble(Number(node.value));
      case "bool":
        return node.value === true || node.value === "true";
      case "array": {
        if (node.isRange) {
          const [from, to] = (node.value as Node[]).map((v) => {
            const x = typeof v === "object" ? this.expr(v) : Number(v);
            return isNumber(x) ? Math.trunc(numeric(x)) : Number.NaN;
          });
          if (!Number.isFinite(from) || !Number.isFinite(to)) return null;
          const out: number[] = [];
          const stepDir = from! <= to! ? 1 : -1;
          const length = Math.min(Math.abs(to! - from!) + 1, this.budget.limits.maxForeach * 10 + 1);
          this.budget.elements(length);
          this.budget.hold(OBJECT_BYTES + SLOT_BYTES * length);
          for (let i = 0; i < length; i++) out.push(from! + i * stepDir);
          return out;
        }
        const items = (node.value ?? []) as Node[];
        this.budget.hold(OBJECT_BYTES + SLOT_BYTES * items.length);
        return items.map((v) => this.expr(v));
      }
      case "map": {
        const entries = Object.entries((node.value ?? {}) as Record<string, Node>);
        this.budget.hold(OBJECT_BYTES + ENTRY_BYTES * entries.length);
        const m = new JMap();
        for (const [k, v] of entries) m.set(k, this.expr(v));
        return m;
      }
      case "math":
        return this.math(node);
      default:
        return null;
    }
  }

  private math(node: Node): unknown {
    const [l, r] = node.expression as Node[];
    const op: string = node.operator;
    if (op === "&&") return truthy(this.expr(l)) && truthy(this.expr(r));
    if (op === "||") return truthy(this.expr(l)) || truthy(this.expr(r));
    if (op === "not" || op === "!") return !truthy(this.expr(l));
    if (op === "minus" && r === undefined) return negate(this.expr(l));
    return binaryOperation(op, this.expr(l), this.expr(r), this.budget);
  }
}
