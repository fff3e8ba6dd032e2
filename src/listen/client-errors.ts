import type { Socket } from "node:net";
import { AWS_QUOTAS } from "../model/aws-quotas.ts";

/**
 * What to answer when Node's HTTP parser refuses a request before any handler sees it. Each answer
 * closes the connection: after a parse error the byte stream cannot be trusted to hold another request.
 */
function answerFor(err: NodeJS.ErrnoException & { rawPacket?: Buffer }): string {
  switch (err.code) {
    case "HPE_HEADER_OVERFLOW":
      return requestLineTooLong(err.rawPacket)
        ? answer(414, "Request-URI Too Long")
        : answer(431, "Request Header Fields Too Large");
    case "ERR_HTTP_REQUEST_TIMEOUT":
    case "HPE_HEADERS_TIMEOUT":
      return answer(408, "Request Timeout");
    default:
      return answer(400, "Bad Request");
  }
}

/** The head overflowed within its request line: the URL, not the headers, is what is too long. */
function requestLineTooLong(packet: Buffer | undefined): boolean {
  if (packet === undefined) return false;
  const end = packet.indexOf("\r\n");
  return end === -1 ? packet.length > AWS_QUOTAS.urlCharsRegional : end > AWS_QUOTAS.urlCharsRegional;
}

function answer(status: number, message: string): string {
  const body = `{"message":"${message}"}`;
  return (
    `HTTP/1.1 ${status} ${message}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`
  );
}

/** An error of Node's HTTP parser or its timers, as opposed to the TLS layer's. */
const fromHttp = (code: string | undefined): boolean =>
  code !== undefined && (code.startsWith("HPE_") || code.startsWith("ERR_HTTP_"));

/** The listeners' `clientError` handler: an answer where the socket can still take one. */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection, or one whose answer was already started, has no one left to tell.
  const started = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  // An HTTPS listener's failed handshakes come here too (Node forwards tlsClientError): no HTTP was spoken.
  const handshake = (socket as { encrypted?: boolean }).encrypted === true && !fromHttp(err.code);
  if (err.code === "ECONNRESET" || !socket.writable || started || handshake) {
    socket.destroy();
    return;
  }
  socket.end(answerFor(err));
}
