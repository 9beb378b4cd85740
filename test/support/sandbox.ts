/**
 * Shared pieces of the sandbox tests: a sandbox deployed from a synthesized plan, real AWS SDK v3
 * clients for one of its users, raw HTTP for what an SDK would never send, and error capture.
 */
import * as http from "node:http";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KMSClient } from "@aws-sdk/client-kms";
import { STSClient } from "@aws-sdk/client-sts";
import * as aws4 from "aws4";
import { expect } from "chai";
import type { StackOutputs } from "../../infra/outputs";
import { synthesize } from "../../plan/synth";
import type { Plan } from "../../plan/types";
import { Sandbox, type SandboxOptions } from "../../sandbox";
import { devConfig } from "./plan";

export { devConfig };

export interface Deployed {
  sandbox: Sandbox;
  plan: Plan;
  outputs: StackOutputs;
  endpoint: string;
  /** Re-deploys with other config changes, as `pulumi up` after editing the stack file. */
  update(config: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a sandbox and applies the dev stack, with `config` changes as in Pulumi.dev.yaml. */
export async function deployDev(
  config: Record<string, unknown> = {},
  options: SandboxOptions = {},
): Promise<Deployed> {
  const plan = await synthesize({ stack: "dev", config: devConfig(config) });
  const sandbox = await Sandbox.start(options);
  try {
    await sandbox.apply(plan);
  } catch (err) {
    await sandbox.stop();
    throw err;
  }
  return {
    sandbox,
    plan,
    outputs: sandbox.outputs(),
    endpoint: sandbox.endpoint,
    async update(next) {
      // From the sandbox's checkpoint, as `pulumi up` previews from the stack's last state.
      await sandbox.apply(
        await synthesize({ stack: "dev", config: devConfig(next), previousState: sandbox.state() }),
      );
    },
    stop: () => sandbox.stop(),
  };
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function credentialsOf(outputs: StackOutputs, user: string): Credentials {
  const entry = outputs.users[user];
  if (entry === undefined) {
    throw new Error(`no user ${user} in the stack outputs`);
  }
  return { accessKeyId: entry.accessKeyId, secretAccessKey: entry.secretAccessKey };
}

export interface Clients {
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  sts: STSClient;
}

/** Unmodified SDK v3 clients pointed at the sandbox; `maxAttempts` 1 so an error is seen as sent. */
export function clientsFor(
  endpoint: string,
  region: string,
  credentials: Credentials,
  extra: { systemClockOffset?: number; maxAttempts?: number } = {},
): Clients {
  const config = { endpoint, region, credentials, maxAttempts: extra.maxAttempts ?? 1, ...extra };
  return { dynamodb: new DynamoDBClient(config), kms: new KMSClient(config), sts: new STSClient(config) };
}

export function userClients(deployed: Deployed, user: string): Clients {
  return clientsFor(
    deployed.sandbox.endpoint,
    deployed.outputs.region,
    credentialsOf(deployed.outputs, user),
  );
}

export { failureOf, type SdkFailure } from "./errors";

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  headers?: Record<string, string>;
  body?: string | Buffer;
  method?: string;
  path?: string;
}

/** One HTTP request to the sandbox, exactly as given (no signing, no retries). */
export function rawRequest(endpoint: string, request: RawRequest): Promise<RawResponse> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method ?? "POST",
        path: request.path ?? "/",
        headers: request.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(request.body);
  });
}

/** A JSON request signed by the `aws4` package, a signer independent of the AWS SDK. */
export function aws4Signed(
  endpoint: string,
  options: { service: string; region: string; target?: string; body: string; contentType: string },
  credentials: Credentials,
): RawRequest {
  const url = new URL(endpoint);
  const headers: Record<string, string> = { "Content-Type": options.contentType };
  if (options.target !== undefined) {
    headers["X-Amz-Target"] = options.target;
  }
  const signed = aws4.sign(
    {
      host: url.host,
      method: "POST",
      path: "/",
      service: options.service,
      region: options.region,
      headers,
      body: options.body,
    },
    credentials,
  );
  return { headers: signed.headers as Record<string, string>, body: options.body };
}

/** A DynamoDB JSON 1.0 request signed with aws4. */
export function aws4DynamoDb(
  deployed: Deployed,
  user: string | Credentials,
  operation: string,
  body: string,
): RawRequest {
  const credentials = typeof user === "string" ? credentialsOf(deployed.outputs, user) : user;
  return aws4Signed(
    deployed.sandbox.endpoint,
    {
      service: "dynamodb",
      region: deployed.outputs.region,
      target: `DynamoDB_20120810.${operation}`,
      body,
      contentType: "application/x-amz-json-1.0",
    },
    credentials,
  );
}

/** The AWS error name in a JSON error body (`__type` after `#`). */
export function errorType(response: RawResponse): string {
  const type = String((JSON.parse(response.body) as { __type?: string }).__type ?? "");
  return type.slice(type.indexOf("#") + 1);
}

/**
 * The outputs of a test program other than the project's (test/support/programs.ts): a region, users
 * with keys, and whichever of keyArn/tableArn it exports. Checked field by field rather than cast, as
 * `Sandbox.outputs()` checks the project's outputs (infra/outputs.ts).
 */
export interface TestProgramOutputs {
  region: string;
  keyArn: string;
  tableArn: string;
  users: Record<string, { arn: string; accessKeyId: string; secretAccessKey: string }>;
}

export function testProgramOutputs(sandbox: Sandbox): TestProgramOutputs {
  const raw = sandbox.programOutputs();
  const text = (name: string, value: unknown): string => {
    expect(value, name).to.be.a("string");
    return value as string;
  };
  const users: TestProgramOutputs["users"] = {};
  for (const [name, user] of Object.entries((raw.users ?? {}) as Record<string, Record<string, unknown>>)) {
    users[name] = {
      arn: text(`users.${name}.arn`, user.arn),
      accessKeyId: text(`users.${name}.accessKeyId`, user.accessKeyId),
      secretAccessKey: text(`users.${name}.secretAccessKey`, user.secretAccessKey),
    };
  }
  return {
    region: text("region", raw.region),
    // Absent when the program makes no key or no table: reading it is then the test's mistake.
    keyArn: typeof raw.keyArn === "string" ? raw.keyArn : "",
    tableArn: typeof raw.tableArn === "string" ? raw.tableArn : "",
    users,
  };
}
