import type { IncomingMessage } from "node:http";
import { take } from "../http/request-ids.ts";

/** A CloudFront request id: 56 URL-safe base64 characters, from the request ids' random block. */
const cloudFrontId = (): string => take(42).toString("base64url");

/**
 * CloudFront's `Via`: the viewer's HTTP version and the edge server that took the request, which
 * differs from one request to the next (recorded: no two events of a run share a `Via`).
 */
const via = (httpVersion: string): string =>
  `${httpVersion === "2.0" ? "2.0" : "1.1"} ${take(16).toString("hex")}.cloudfront.net (CloudFront)`;

/**
 * The protocol the viewer used to reach CloudFront. An edge-optimised endpoint answers HTTPS only,
 * so on AWS this is always `https`, and a function ported from there may rely on it; the protocol
 * of Portico's own listener is in `X-Forwarded-Proto`.
 */
const VIEWER_PROTOCOL = "https";

type Viewer = readonly [desktop: string, mobile: string, smartTv: string, tablet: string];
const DESKTOP: Viewer = ["true", "false", "false", "false"];
const MOBILE: Viewer = ["false", "true", "false", "false"];
const SMART_TV: Viewer = ["false", "false", "true", "false"];
const TABLET: Viewer = ["false", "false", "false", "true"];

/** Clients repeat their User-Agent: its classification is kept (bounded) instead of re-matched. */
const viewers = new Map<string, Viewer>();

function viewer(userAgent: string | undefined): Viewer {
  if (userAgent === undefined) return DESKTOP;
  let v = viewers.get(userAgent);
  if (v !== undefined) return v;
  if (/SmartTV|SMART-TV|AppleTV|GoogleTV|HbbTV|CrKey/i.test(userAgent)) v = SMART_TV;
  else if (/iPad|Tablet/i.test(userAgent)) v = TABLET;
  else if (/Mobi|Android|iPhone|iPod/i.test(userAgent)) v = MOBILE;
  else v = DESKTOP;
  if (viewers.size >= 1000) viewers.clear();
  viewers.set(userAgent, v);
  return v;
}

const NAMES = [
  "CloudFront-Forwarded-Proto",
  "CloudFront-Is-Desktop-Viewer",
  "CloudFront-Is-Mobile-Viewer",
  "CloudFront-Is-SmartTV-Viewer",
  "CloudFront-Is-Tablet-Viewer",
  "Via",
  "X-Amz-Cf-Id",
] as const;
const LOWER = NAMES.map((n) => n.toLowerCase());

/**
 * EDGE-optimised REST APIs sit behind CloudFront, which adds its own headers to every request before
 * API Gateway sees it: `Via`, `X-Amz-Cf-Id`, `CloudFront-Forwarded-Proto` and the device headers (AWS's
 * sample proxy events show them). They are added to the request itself, so integrations, events and
 * mapping templates all see them, exactly as behind AWS's edge. The viewer's country and ASN are not
 * known here and are left out. REGIONAL and PRIVATE APIs get none of this.
 */
export function addEdgeHeaders(req: IncomingMessage): void {
  const v = viewer(req.headers["user-agent"]);
  const values = [VIEWER_PROTOCOL, v[0], v[1], v[2], v[3], via(req.httpVersion), cloudFrontId()];
  const headers = req.headers;
  const raw = req.rawHeaders;
  for (let i = 0; i < 7; i++) {
    const lower = LOWER[i]!;
    // A client's own value for these is replaced, as CloudFront does.
    if (headers[lower] !== undefined) {
      for (let j = raw.length - 2; j >= 0; j -= 2) if (raw[j]!.toLowerCase() === lower) raw.splice(j, 2);
    }
    headers[lower] = values[i]!;
    raw.push(NAMES[i]!, values[i]!);
  }
}
