import { type QName, qnameKey, showQName } from "./namespaces.ts";
import { WsdlError, where } from "./wsdl-error.ts";
import type { XmlElement } from "./xml-tree.ts";

/**
 * The definition (message, binding, portType, interface…) a WSDL element names by QName, from the
 * table of its kind; a name that nothing defines is the WSDL's error, with the file and line.
 */
export function lookup(
  table: ReadonlyMap<string, XmlElement>,
  kind: string,
  q: QName | undefined,
  from: XmlElement,
  what: string,
): XmlElement {
  const found = q === undefined ? undefined : table.get(qnameKey(q));
  if (found === undefined)
    throw new WsdlError(
      "WSDL_UNDEFINED",
      `${where(from.file, from.line)}: ${what} names the ${kind} ${q === undefined ? "(none)" : showQName(q)}, which is not defined`,
      from.file,
    );
  return found;
}
