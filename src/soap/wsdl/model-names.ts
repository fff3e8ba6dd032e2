/**
 * Model names: API Gateway's are alphanumeric and unique within an API, and `Empty` and `Error` are
 * its defaults. XSD names (`line-item`, `Order_Type`) are turned into PascalCase and numbered when
 * two would meet.
 */
export class ModelNames {
  private readonly taken = new Set(["Empty", "Error"].map((n) => n.toLowerCase()));

  /** A new unique name from `hint`. */
  allocate(hint: string): string {
    const base = pascal(hint) || "Model";
    let name = base;
    for (let i = 2; this.taken.has(name.toLowerCase()); i++) name = `${base}${i}`;
    this.taken.add(name.toLowerCase());
    return name;
  }
}

/** `line-item_type` → `LineItemType`; characters outside A-Z, a-z, 0-9 separate words. */
export function pascal(s: string): string {
  const words = s.split(/[^A-Za-z0-9]+/).filter((w) => w !== "");
  const out = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
  return /^[0-9]/.test(out) ? `M${out}` : out;
}
