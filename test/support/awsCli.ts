/**
 * The AWS CLI (`aws`) against a sandbox, for the slow tests that drive it: one way to find it, skip or
 * fail without it, and run it with only the credentials given (no config file, no retries).
 */
import { execFile, execFileSync } from "node:child_process";

export interface AwsCliCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface AwsCliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function awsCliAvailable(): boolean {
  try {
    execFileSync("aws", ["--version"], { stdio: "ignore", timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * For a `before`/`it` hook: under CI a missing `aws` fails (.ci/run installs it); on a developer's
 * machine without it, the test is skipped and says so.
 */
export function requireAwsCli(context: Mocha.Context): void {
  if (awsCliAvailable()) {
    return;
  }
  if (process.env.CI) {
    throw new Error("the AWS CLI (`aws`) is not installed; .ci/run should have installed it");
  }
  console.warn("      (skipped: no `aws` command on this machine; apt-get install awscli)");
  context.skip();
}

/** Runs `aws ARGS --endpoint-url ENDPOINT --output json` as `credentials`, in `region`. */
export function runAws(
  endpoint: string,
  region: string,
  credentials: AwsCliCredentials,
  args: string[],
): Promise<AwsCliResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ENDPOINT_URL: endpoint,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken !== undefined ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_MAX_ATTEMPTS: "1",
  };
  return new Promise((resolve) => {
    // --endpoint-url as well as AWS_ENDPOINT_URL: Debian's AWS CLI (2.9) predates the variable.
    const cli = [...args, "--endpoint-url", endpoint, "--output", "json"];
    execFile("aws", cli, { env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
