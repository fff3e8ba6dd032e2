import type { QName } from "./namespaces.ts";
import type { XmlElement } from "./xml-tree.ts";

/**
 * A WSDL's services as the import needs them, the same for WSDL 1.1 and 2.0: each SOAP port (1.1:
 * port, 2.0: endpoint) with its address, SOAP version and bound operations, each operation with its
 * style, action and messages' parts.
 */

export type SoapVersion = "1.1" | "1.2";

/** A message part: an element (document style) or a type (rpc style). */
export interface MessagePart {
  readonly name: string;
  readonly element?: QName;
  readonly type?: QName;
  /** Where it is declared, for messages. */
  readonly at: XmlElement;
}

export interface OperationFault {
  readonly name: string;
  readonly part?: MessagePart;
}

export interface BoundOperation {
  readonly name: string;
  readonly style: "document" | "rpc";
  readonly use: "literal" | "encoded";
  /** SOAPAction (1.1) or the action parameter (1.2); undefined when the binding gives none. */
  readonly action: string | undefined;
  /** rpc: the namespace of the wrapper elements (`soap:body namespace`). */
  readonly namespace: string | undefined;
  readonly input: readonly MessagePart[];
  /** Undefined for a one-way operation. */
  readonly output: readonly MessagePart[] | undefined;
  readonly faults: readonly OperationFault[];
  readonly documentation?: string;
}

export interface SoapPort {
  readonly name: string;
  readonly binding: string;
  readonly address: string | undefined;
  readonly version: SoapVersion;
  readonly operations: readonly BoundOperation[];
}

export interface WsdlService {
  readonly name: string;
  readonly ports: readonly SoapPort[];
  readonly documentation?: string;
}

export interface WsdlModel {
  readonly version: "1.1" | "2.0";
  /** `definitions/@name` (1.1); undefined when there is none. */
  readonly name: string | undefined;
  readonly targetNamespace: string;
  readonly services: readonly WsdlService[];
  readonly documentation?: string;
}
