import type { LoadedWsdl } from "./load-files.ts";
import { lookup } from "./lookup.ts";
import { NS, qnameKey, showQName } from "./namespaces.ts";
import type {
  BoundOperation,
  MessagePart,
  OperationFault,
  SoapPort,
  WsdlModel,
  WsdlService,
} from "./service-model.ts";
import { WsdlError, where } from "./wsdl-error.ts";
import {
  attr,
  childrenOf,
  documentationOf,
  nsAttr,
  qnameAttr,
  resolveQName,
  type XmlElement,
} from "./xml-tree.ts";

/**
 * WSDL 2.0 (https://www.w3.org/TR/wsdl20/) → the service model: each service's endpoints with a
 * SOAP binding (https://www.w3.org/TR/wsdl20-adjuncts/#soap-binding; `wsoap:version`, default 1.2),
 * their interface's operations (extended interfaces included), each message one element. WSDL 2.0
 * messages are always document/literal; `#any` is any content, `#none` an empty body.
 */

type Table = Map<string, XmlElement>;

function tables(loaded: LoadedWsdl): Record<"interface" | "binding" | "service", Table> {
  const out = { interface: new Map(), binding: new Map(), service: new Map() };
  for (const doc of loaded.wsdls) {
    const tns = attr(doc, "targetNamespace") ?? "";
    for (const kind of ["interface", "binding", "service"] as const)
      for (const el of childrenOf(doc, NS.wsdl20, kind)) {
        const key = qnameKey({ ns: tns, local: attr(el, "name") ?? "" });
        if (!out[kind].has(key)) out[kind].set(key, el);
      }
  }
  return out;
}

/** An interface and those it extends, each once. */
function interfaceChain(t: ReturnType<typeof tables>, first: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const queue = [first];
  for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
    if (out.includes(i)) continue;
    out.push(i);
    for (const name of (attr(i, "extends") ?? "").split(/\s+/).filter((n) => n !== ""))
      queue.push(
        lookup(t.interface, "interface", resolveQName(i, name), i, `interface '${attr(i, "name")}'`),
      );
  }
  return out;
}

function messageParts(io: XmlElement | undefined, operation: string, warnings: string[]): MessagePart[] {
  if (io === undefined) return [];
  const element = attr(io, "element") ?? "#any";
  if (element === "#none") return [];
  if (element === "#any" || element === "#other") {
    warnings.push(
      `${where(io.file, io.line)}: the ${io.local} of operation '${operation}' is ${element} (no element named): its JSON is a "body" text, not mapped to any element; edit the mapping templates to suit the service`,
    );
    return [{ name: "body", type: { ns: NS.xsd, local: "anyType" }, at: io }];
  }
  return [{ name: "body", element: resolveQName(io, element), at: io }];
}

function operations(
  binding: XmlElement,
  chain: readonly { el: XmlElement; tns: string }[],
  warnings: string[],
): BoundOperation[] {
  const faults = new Map<string, XmlElement>();
  const ops = new Map<string, XmlElement>();
  for (const { el: i, tns } of chain) {
    for (const f of childrenOf(i, NS.wsdl20, "fault"))
      faults.set(qnameKey({ ns: tns, local: attr(f, "name") ?? "" }), f);
    for (const o of childrenOf(i, NS.wsdl20, "operation"))
      ops.set(qnameKey({ ns: tns, local: attr(o, "name") ?? "" }), o);
  }
  const actions = new Map<string, string>();
  for (const bop of childrenOf(binding, NS.wsdl20, "operation")) {
    const ref = qnameAttr(bop, "ref");
    const action = nsAttr(bop, NS.wsdl20Soap, "action");
    if (ref !== undefined && action !== undefined) actions.set(qnameKey(ref), action);
  }
  const out: BoundOperation[] = [];
  for (const [key, op] of ops) {
    const name = attr(op, "name") ?? "";
    const input = childrenOf(op, NS.wsdl20, "input")[0];
    if (input === undefined) {
      warnings.push(`${where(op.file, op.line)}: operation '${name}' has no input (out-only); not imported`);
      continue;
    }
    const output = childrenOf(op, NS.wsdl20, "output")[0];
    const opFaults: OperationFault[] = [
      ...childrenOf(op, NS.wsdl20, "outfault"),
      ...childrenOf(op, NS.wsdl20, "infault"),
    ]
      .map((f) => {
        const ref = qnameAttr(f, "ref");
        const decl = ref === undefined ? undefined : faults.get(qnameKey(ref));
        if (ref === undefined || decl === undefined)
          throw new WsdlError(
            "WSDL_UNDEFINED",
            `${where(f.file, f.line)}: operation '${name}' names the fault ${ref === undefined ? "(none)" : showQName(ref)}, which its interface does not declare`,
            f.file,
          );
        const element = attr(decl, "element");
        return {
          name: ref.local,
          ...(element === undefined || element.startsWith("#")
            ? {}
            : { part: { name: ref.local, element: resolveQName(decl, element), at: decl } }),
        };
      })
      .filter((f, i, all) => all.findIndex((g) => g.name === f.name) === i);
    const documentation = documentationOf(op);
    out.push({
      name,
      style: "document",
      use: "literal",
      action: actions.get(key),
      namespace: undefined,
      input: messageParts(input, name, warnings),
      output: output === undefined ? undefined : messageParts(output, name, warnings),
      faults: opFaults,
      ...(documentation === undefined ? {} : { documentation }),
    });
  }
  return out;
}

export function readWsdl20(loaded: LoadedWsdl, warnings: string[]): WsdlModel {
  const root = loaded.wsdls[0]!;
  const t = tables(loaded);
  const tnsOf = new Map<XmlElement, string>();
  for (const doc of loaded.wsdls)
    for (const i of childrenOf(doc, NS.wsdl20, "interface")) tnsOf.set(i, attr(doc, "targetNamespace") ?? "");
  const services: WsdlService[] = [];
  for (const el of t.service.values()) {
    const name = attr(el, "name") ?? "";
    const ports: SoapPort[] = [];
    for (const endpoint of childrenOf(el, NS.wsdl20, "endpoint")) {
      const endpointName = attr(endpoint, "name") ?? "";
      const binding = lookup(
        t.binding,
        "binding",
        qnameAttr(endpoint, "binding"),
        endpoint,
        `endpoint '${endpointName}'`,
      );
      if (attr(binding, "type") !== NS.wsdl20Soap) {
        warnings.push(
          `${where(binding.file, binding.line)}: binding '${attr(binding, "name")}' is not a SOAP binding (type ${attr(binding, "type")}); endpoint '${endpointName}' skipped`,
        );
        continue;
      }
      const iface = lookup(
        t.interface,
        "interface",
        qnameAttr(binding, "interface") ?? qnameAttr(el, "interface"),
        binding,
        `binding '${attr(binding, "name")}'`,
      );
      // Operation and fault names live in the targetNamespace of the description declaring them.
      const chain = interfaceChain(t, iface).map((i) => ({ el: i, tns: tnsOf.get(i) ?? "" }));
      ports.push({
        name: endpointName,
        binding: attr(binding, "name") ?? "",
        address: attr(endpoint, "address"),
        version: nsAttr(binding, NS.wsdl20Soap, "version") === "1.1" ? "1.1" : "1.2",
        operations: operations(binding, chain, warnings),
      });
    }
    const documentation = documentationOf(el);
    services.push({ name, ports, ...(documentation === undefined ? {} : { documentation }) });
  }
  return {
    version: "2.0",
    name: undefined,
    targetNamespace: attr(root, "targetNamespace") ?? "",
    services,
  };
}
