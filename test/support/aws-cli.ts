import { execFile } from "node:child_process";

/**
 * `aws apigateway …` — the real AWS CLI — against a gateway's admin port with the development
 * credentials, run asynchronously (the gateway answering it may live in the test's own process).
 * `json` is the parsed output of a successful call.
 */
export function awsCli(
  adminPort: number,
  args: readonly string[],
): Promise<{ status: number; stdout: string; stderr: string; json?: unknown }> {
  return awsCliService("apigateway", adminPort, args);
}

/** The same, for `aws apigatewayv2 …`. */
export function awsCliV2(
  adminPort: number,
  args: readonly string[],
): Promise<{ status: number; stdout: string; stderr: string; json?: unknown }> {
  return awsCliService("apigatewayv2", adminPort, args);
}

function awsCliService(
  service: "apigateway" | "apigatewayv2",
  adminPort: number,
  args: readonly string[],
): Promise<{ status: number; stdout: string; stderr: string; json?: unknown }> {
  return awsCliAs(adminPort, { accessKeyId: "test", secretAccessKey: "test" }, [service, ...args]);
}

/** Any `aws …` command (its service first) against the admin port, signed as `credentials`. */
export function awsCliAs(
  adminPort: number,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  args: readonly string[],
): Promise<{ status: number; stdout: string; stderr: string; json?: unknown }> {
  return new Promise((resolve, reject) => {
    execFile(
      "aws",
      [...args, "--endpoint-url", `http://127.0.0.1:${adminPort}`, "--output", "json"],
      {
        encoding: "utf8",
        timeout: 60_000,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          AWS_SESSION_TOKEN: credentials.sessionToken ?? "",
          AWS_DEFAULT_REGION: "us-east-1",
          AWS_PAGER: "",
          AWS_CONFIG_FILE: "/dev/null",
          AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
        },
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number")
          reject(new Error(`the AWS CLI could not run (is awscli installed?): ${error.message}`));
        else {
          const status = error ? (error.code as number) : 0;
          resolve({
            status,
            stdout,
            stderr,
            json: status === 0 && stdout.trim() ? JSON.parse(stdout) : undefined,
          });
        }
      },
    );
  });
}
