import { randomBytes, randomFillSync } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** Random bytes drawn in blocks: one system call per 97 CloudFront ids instead of one each. */
const pool = Buffer.alloc(42 * 97);
let poolOffset = pool.length;
function cloudFrontId(): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += 42;
  return pool.toString("base64url", poolOffset - 42, poolOffset);
}

/** This process's stand-in for the CloudFront edge server an EDGE request passes through. */
const EDGE_SERVER = randomBytes(16).toString("hex");

function viewer(
  userAgent: string | undefined,
): [desktop: boolean, mobile: boolean, smartTv: boolean, tablet: boolean] {
  const ua = userAgent ?? "";
  if (/SmartTV|SMART-TV|AppleTV|GoogleTV|HbbTV|CrKey/i.test(ua)) return [false, false, true, false];
  if (/iPad|Tablet/i.test(ua)) return [false, false, false, true];
  if (/Mobi|Android|iPhone|iPod/i.test(ua)) return [false, true, false, false];
  return [true, false, false, false];
}

/**
 * EDGE-optimised REST APIs sit behind CloudFront, which adds its own headers to every request before
 * API Gateway sees it: `Via`, `X-Amz-Cf-Id`, `CloudFront-Forwarded-Proto` and the device headers (AWS's
 * sample proxy events show them). They are added to the request itself, so integrations, events and
 * mapping templates all see them, exactly as behind AWS's edge. The viewer's country and ASN are not
 * known here and are left out. REGIONAL and PRIVATE APIs get none of this.
 */
export function addEdgeHeaders(req: IncomingMessage, protocol: string): void {
  const [desktop, mobile, smartTv, tablet] = viewer(req.headers["user-agent"]);
  const added: [string, string][] = [
    ["CloudFront-Forwarded-Proto", protocol],
    ["CloudFront-Is-Desktop-Viewer", String(desktop)],
    ["CloudFront-Is-Mobile-Viewer", String(mobile)],
    ["CloudFront-Is-SmartTV-Viewer", String(smartTv)],
    ["CloudFront-Is-Tablet-Viewer", String(tablet)],
    ["Via", `2.0 ${EDGE_SERVER}.cloudfront.net (CloudFront)`],
    ["X-Amz-Cf-Id", cloudFrontId()],
  ];
  const headers = req.headers;
  for (const [name, value] of added) {
    const lower = name.toLowerCase();
    // A client's own value for these is replaced, as CloudFront does.
    if (headers[lower] !== undefined) {
      for (let i = req.rawHeaders.length - 2; i >= 0; i -= 2)
        if (req.rawHeaders[i]!.toLowerCase() === lower) req.rawHeaders.splice(i, 2);
    }
    headers[lower] = value;
    req.rawHeaders.push(name, value);
  }
}
