import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { take } from "./request-ids.ts";

/** A CloudFront request id: 56 URL-safe base64 characters, from the request ids' random block. */
const cloudFrontId = (): string => take(42).toString("base64url");

/** This process's stand-in for the CloudFront edge server an EDGE request passes through. */
const EDGE_SERVER = randomBytes(16).toString("hex");

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

const VIA = `2.0 ${EDGE_SERVER}.cloudfront.net (CloudFront)`;
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
export function addEdgeHeaders(req: IncomingMessage, protocol: string): void {
  const v = viewer(req.headers["user-agent"]);
  const values = [protocol, v[0], v[1], v[2], v[3], VIA, cloudFrontId()];
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
