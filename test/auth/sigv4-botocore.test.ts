/**
 * Interop with botocore, the signer inside the AWS CLI. Runs only where `python3 -c "import botocore"`
 * works; elsewhere it is skipped, since Python is not a project dependency.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { sha256Hex, verifySigV4 } from "../../src/auth/sigv4/index.ts";
import { CREDS } from "./sigv4-helpers.ts";

const hasBotocore = spawnSync("python3", ["-c", "import botocore"], { stdio: "ignore" }).status === 0;

// Signs each case with SigV4Auth (header form) or SigV4QueryAuth (presigned) and prints JSON.
const SIGNER = `
import json, sys
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
creds = Credentials(sys.argv[1], sys.argv[2], sys.argv[3] or None)
out = []
for c in json.loads(sys.stdin.read()):
    req = AWSRequest(method=c["method"], url=c["url"], data=c.get("body"), headers=c.get("headers", {}))
    if c.get("presign"):
        SigV4QueryAuth(creds, c["service"], "us-east-1", expires=60).add_auth(req)
    else:
        SigV4Auth(creds, c["service"], "us-east-1").add_auth(req)
    p = req.prepare()
    out.append({"url": p.url, "headers": dict(p.headers)})
print(json.dumps(out))
`;

interface Case {
  method: string;
  url: string;
  service: string;
  body?: string;
  headers?: Record<string, string>;
  presign?: boolean;
}

const CASES: Case[] = [
  {
    method: "GET",
    url: "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/a%2Fb/c%20d/%C3%BC?q=a%20b&p=1%2B1&r=2&r=1&e=",
    service: "execute-api",
  },
  {
    method: "POST",
    url: "http://127.0.0.1:8081/restapis/abc/resources/xyz",
    service: "apigateway",
    body: '{"pathPart":"pets"}',
    headers: { "Content-Type": "application/json" },
  },
  {
    method: "GET",
    url: "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod?x=1%202",
    service: "execute-api",
    presign: true,
  },
];

test("requests signed by botocore (AWS CLI) verify", {
  skip: !hasBotocore && "botocore not installed",
}, (t) => {
  for (const sessionToken of ["", "IQoJb3JpZ2luX2VjEXAMPLE/+="]) {
    const run = spawnSync("python3", ["-c", SIGNER, CREDS.accessKeyId, CREDS.secretAccessKey, sessionToken], {
      input: JSON.stringify(CASES),
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    const signed = JSON.parse(run.stdout) as Array<{ url: string; headers: Record<string, string> }>;
    signed.forEach((s, i) => {
      const c = CASES[i]!;
      const url = new URL(s.url);
      const headers: Record<string, string> = { host: url.host };
      for (const [name, value] of Object.entries(s.headers)) headers[name.toLowerCase()] = value;
      const result = verifySigV4(
        {
          method: c.method,
          rawPath: `${url.pathname}${url.search}`,
          headers,
          ...(c.body !== undefined ? { bodySha256Hex: sha256Hex(c.body) } : {}),
        },
        {
          service: c.service,
          region: "us-east-1",
          lookup: () => ({ secretAccessKey: CREDS.secretAccessKey }),
        },
      );
      t.diagnostic(
        `${c.method} ${c.url} token=${sessionToken !== ""}: ${result.ok ? "ok" : result.error.message}`,
      );
      assert.equal(result.ok, true);
      if (result.ok && sessionToken !== "") assert.equal(result.sessionToken, sessionToken);
    });
  }
});
