import type { LoadedWsdl } from "./load-files.ts";
import { lookup } from "./lookup.ts";
import { NS, qnameKey } from "./namespaces.ts";
import type {
  BoundOperation,
  MessagePart,
  OperationFault,
  SoapPort,
  WsdlModel,
  WsdlService,
} from "./service-model.ts";
import { WsdlError, where } from "./wsdl-error.ts";
import { attr, childrenOf, documentationOf, firstChild, qnameAttr, type XmlElement } from "./xml-tree.ts";

/**
 * WSDL 1.1 (https://www.w3.org/TR/2001/NOTE-wsdl-20010315) → the service model: services' SOAP
 * ports (SOAP 1.1 and 1.2 bindings), each bound operation with its portType operation's messages.
 * Ports with another binding (HTTP GET/POST, say) are skipped with a warning.
 */

type Table = Map<string, XmlElement>;

function tables(loaded: LoadedWsdl): Record<"message" | "portType" | "binding" | "service", Table> {
  const out = { message: new Map(), portType: new Map(), binding: new Map(), service: new Map() };
  for (const doc of loaded.wsdls) {
    const tns = attr(doc, "targetNamespace") ?? "";
    for (const kind of ["message", "portType", "binding", "service"] as const)
      for (const el of childrenOf(doc, NS.wsdl11, kind)) {
        const name = attr(el, "name");
        if (name !== undefined && !out[kind].has(qnameKey({ ns: tns, local: name })))
          out[kind].set(qnameKey({ ns: tns, local: name }), el);
      }
  }
  return out;
}

/** The SOAP extension element of a binding part (`soap:body`, `soap12:operation`, ...). */
function soapChild(el: XmlElement | undefined, local: string): XmlElement | undefined {
  if (el === undefined) return undefined;
  return firstChild(el, NS.soap11Binding, local) ?? firstChild(el, NS.soap12Binding, local);
}

function parts(
  t: ReturnType<typeof tables>,
  io: XmlElement | undefined,
  body: XmlElement | undefined,
  what: string,
): MessagePart[] {
  if (io === undefined) return [];
  const message = lookup(t.message, "message", qnameAttr(io, "message"), io, what);
  let list: MessagePart[] = childrenOf(message, NS.wsdl11, "part").map((p) => ({
    name: attr(p, "name") ?? "",
    element: qnameAttr(p, "element"),
    type: qnameAttr(p, "type"),
    at: p,
  }));
  const only = body === undefined ? undefined : attr(body, "parts");
  if (only !== undefined) {
    const names = new Set(only.split(/\s+/).filter((n) => n !== ""));
    list = list.filter((p) => names.has(p.name));
  }
  for (const p of list)
    if (p.element === undefined && p.type === undefined)
      throw new WsdlError(
        "WSDL_UNDEFINED",
        `${where(p.at.file, p.at.line)}: part '${p.name}' has neither element nor type`,
        p.at.file,
      );
  return list;
}

function operation(
  t: ReturnType<typeof tables>,
  bop: XmlElement,
  portType: XmlElement,
  bindingStyle: string,
  warnings: string[],
): BoundOperation | undefined {
  const name = attr(bop, "name") ?? "";
  const pop = childrenOf(portType, NS.wsdl11, "operation").find((o) => attr(o, "name") === name);
  if (pop === undefined)
    throw new WsdlError(
      "WSDL_UNDEFINED",
      `${where(bop.file, bop.line)}: the binding has operation '${name}', which its portType '${attr(portType, "name")}' does not declare`,
      bop.file,
    );
  const soapOp = soapChild(bop, "operation");
  const style = ((soapOp && attr(soapOp, "style")) ?? bindingStyle) === "rpc" ? "rpc" : "document";
  const bin = firstChild(bop, NS.wsdl11, "input");
  const bout = firstChild(bop, NS.wsdl11, "output");
  const inBody = soapChild(bin, "body");
  const outBody = soapChild(bout, "body");
  for (const io of [bin, bout])
    if (soapChild(io, "header") !== undefined)
      warnings.push(
        `${where(io!.file, io!.line)}: operation '${name}' has SOAP headers; they are not mapped (the JSON body maps the SOAP Body only)`,
      );
  const pin = firstChild(pop, NS.wsdl11, "input");
  const pout = firstChild(pop, NS.wsdl11, "output");
  if (pin === undefined) {
    warnings.push(
      `${where(pop.file, pop.line)}: operation '${name}' has no input (a notification); not imported`,
    );
    return undefined;
  }
  const faults: OperationFault[] = childrenOf(pop, NS.wsdl11, "fault").map((f) => {
    const list = parts(t, f, undefined, `fault '${attr(f, "name")}' of operation '${name}'`);
    return { name: attr(f, "name") ?? "", part: list[0] };
  });
  const action = soapOp === undefined ? undefined : attr(soapOp, "soapAction");
  const documentation = documentationOf(pop) ?? documentationOf(bop);
  return {
    name,
    style,
    use: inBody !== undefined && attr(inBody, "use") === "encoded" ? "encoded" : "literal",
    action,
    namespace: inBody === undefined ? undefined : attr(inBody, "namespace"),
    input: parts(t, pin, inBody, `the input of operation '${name}'`),
    output: pout === undefined ? undefined : parts(t, pout, outBody, `the output of operation '${name}'`),
    faults,
    ...(documentation === undefined ? {} : { documentation }),
  };
}

function port(
  t: ReturnType<typeof tables>,
  el: XmlElement,
  service: string,
  warnings: string[],
): SoapPort | undefined {
  const name = attr(el, "name") ?? "";
  const address = soapChild(el, "address");
  if (address === undefined) {
    warnings.push(
      `${where(el.file, el.line)}: port '${name}' of service '${service}' has no soap:address (not a SOAP port); skipped`,
    );
    return undefined;
  }
  const binding = lookup(t.binding, "binding", qnameAttr(el, "binding"), el, `port '${name}'`);
  const soapBinding = soapChild(binding, "binding");
  if (soapBinding === undefined)
    throw new WsdlError(
      "WSDL_UNDEFINED",
      `${where(binding.file, binding.line)}: binding '${attr(binding, "name")}' (of port '${name}') has no soap:binding or soap12:binding`,
      binding.file,
    );
  const portType = lookup(
    t.portType,
    "portType",
    qnameAttr(binding, "type"),
    binding,
    `binding '${attr(binding, "name")}'`,
  );
  const style = attr(soapBinding, "style") ?? "document";
  const operations = childrenOf(binding, NS.wsdl11, "operation")
    .map((op) => operation(t, op, portType, style, warnings))
    .filter((op): op is BoundOperation => op !== undefined);
  return {
    name,
    binding: attr(binding, "name") ?? "",
    address: attr(address, "location"),
    version: soapBinding.ns === NS.soap12Binding ? "1.2" : "1.1",
    operations,
  };
}

export function readWsdl11(loaded: LoadedWsdl, warnings: string[]): WsdlModel {
  const root = loaded.wsdls[0]!;
  const t = tables(loaded);
  const services: WsdlService[] = [];
  for (const el of t.service.values()) {
    const name = attr(el, "name") ?? "";
    const ports = childrenOf(el, NS.wsdl11, "port")
      .map((p) => port(t, p, name, warnings))
      .filter((p): p is SoapPort => p !== undefined);
    const documentation = documentationOf(el);
    services.push({ name, ports, ...(documentation === undefined ? {} : { documentation }) });
  }
  const documentation = documentationOf(root);
  return {
    version: "1.1",
    name: attr(root, "name"),
    targetNamespace: attr(root, "targetNamespace") ?? "",
    services,
    ...(documentation === undefined ? {} : { documentation }),
  };
}
