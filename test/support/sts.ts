import { AssumeRoleCommand, type AssumeRoleCommandInput, STSClient } from "@aws-sdk/client-sts";
import { request } from "undici";
import { type AwsCredentials, signRequest } from "../../src/auth/sigv4/sign-request.ts";
import { awsCliAs } from "./aws-cli.ts";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The real AWS CLI (`aws sts …`, `aws apigateway …`) against a gateway's admin port, as `credentials`. */
export function awsAs(
  adminPort: number,
  credentials: Credentials,
  args: readonly string[],
): Promise<{ status: number; stdout: string; stderr: string; json?: unknown }> {
  return awsCliAs(adminPort, credentials, args);
}

/** An STS client of the SDK against the admin port. */
export function stsClient(adminPort: number, credentials: Credentials): STSClient {
  return new STSClient({
    endpoint: `http://127.0.0.1:${adminPort}`,
    region: "us-east-1",
    credentials,
    maxAttempts: 1,
  });
}

/** AssumeRole with the SDK; the temporary credentials it returned. */
export async function assumeRole(
  adminPort: number,
  credentials: Credentials,
  input: AssumeRoleCommandInput,
): Promise<Credentials> {
  const out = await stsClient(adminPort, credentials).send(new AssumeRoleCommand(input));
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

/** What an STS answer says: status, and for errors the Query protocol's Code and Message. */
export interface StsAnswer {
  status: number;
  text: string;
  contentType: string | undefined;
  code?: string;
  message?: string;
}

const tag = (text: string, name: string) =>
  new RegExp(`<${name}>([\\s\\S]*?)</${name}>`)
    .exec(text)?.[1]
    ?.replace(/&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** A raw Query-protocol request, form-encoded and SigV4-signed for `sts` (unsigned without credentials). */
export async function stsQuery(
  adminPort: number,
  params: Record<string, string>,
  credentials?: AwsCredentials,
  options: { now?: Date; body?: string; headers?: Record<string, string> } = {},
): Promise<StsAnswer> {
  const url = `http://127.0.0.1:${adminPort}/`;
  const body = options.body ?? new URLSearchParams(params).toString();
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded; charset=utf-8",
    ...options.headers,
  };
  const signed =
    credentials === undefined
      ? {}
      : signRequest({
          method: "POST",
          url,
          headers,
          body,
          credentials,
          region: "us-east-1",
          service: "sts",
          contentSha256Header: false,
          ...(options.now === undefined ? {} : { now: options.now }),
        });
  const r = await request(url, { method: "POST", headers: { ...headers, ...signed }, body });
  const text = await r.body.text();
  const contentType = r.headers["content-type"] as string | undefined;
  return { status: r.statusCode, text, contentType, code: tag(text, "Code"), message: tag(text, "Message") };
}
