/** The namespaces a WSDL import reads (and the SOAP envelopes it writes). */
export const NS = {
  wsdl11: "http://schemas.xmlsoap.org/wsdl/",
  wsdl20: "http://www.w3.org/ns/wsdl",
  soap11Binding: "http://schemas.xmlsoap.org/wsdl/soap/",
  soap12Binding: "http://schemas.xmlsoap.org/wsdl/soap12/",
  wsdl20Soap: "http://www.w3.org/ns/wsdl/soap",
  xsd: "http://www.w3.org/2001/XMLSchema",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
  soapEncoding: "http://schemas.xmlsoap.org/soap/encoding/",
  soap11Envelope: "http://schemas.xmlsoap.org/soap/envelope/",
  soap12Envelope: "http://www.w3.org/2003/05/soap-envelope",
  xml: "http://www.w3.org/XML/1998/namespace",
} as const;

/** A qualified name: a namespace URI ("" for none) and a local name. */
export interface QName {
  readonly ns: string;
  readonly local: string;
}

/** `{ns}local`, the key of a global component. */
export const qnameKey = (q: QName): string => `{${q.ns}}${q.local}`;

/** How a name reads in a message: `local` or `{ns}local`. */
export const showQName = (q: QName): string => (q.ns === "" ? q.local : `{${q.ns}}${q.local}`);
