import { execFile } from "node:child_process";

export interface AwsCliResult {
  status: number | null;
  /** The parsed JSON output, when it succeeded and printed any. */
  json: unknown;
  stderr: string;
}

/**
 * The real AWS CLI (`aws`; .ci/run installs Debian's awscli) against a Portico admin API, with
 * credentials test/test and no profile of the machine's. Asynchronous: the gateway may live in the
 * calling process.
 */
export async function awsCli(
  adminUrl: string,
  args: string[],
  options: { service?: "apigateway" | "apigatewayv2"; secret?: string } = {},
): Promise<AwsCliResult> {
  const r = await new Promise<{ status: number | null; stdout: string; stderr: string; error?: Error }>(
    (resolve) => {
      execFile(
        "aws",
        [options.service ?? "apigateway", ...args, "--endpoint-url", adminUrl, "--output", "json"],
        {
          encoding: "utf8",
          timeout: 60_000,
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: "test",
            AWS_SECRET_ACCESS_KEY: options.secret ?? "test",
            AWS_DEFAULT_REGION: "us-east-1",
            AWS_PAGER: "",
            AWS_CONFIG_FILE: "/dev/null",
            AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
          },
        },
        (error, stdout, stderr) =>
          resolve({
            status: error ? (typeof error.code === "number" ? error.code : null) : 0,
            stdout,
            stderr,
            error: error && typeof error.code !== "number" ? error : undefined,
          }),
      );
    },
  );
  if (r.error) throw new Error(`the AWS CLI could not run (is awscli installed?): ${r.error.message}`);
  return {
    status: r.status,
    json: r.status === 0 && r.stdout.trim() ? JSON.parse(r.stdout) : undefined,
    stderr: r.stderr,
  };
}
