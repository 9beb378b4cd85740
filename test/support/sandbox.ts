/**
 * Shared pieces of the sandbox tests: a sandbox deployed from a synthesized plan, real AWS SDK v3
 * clients for one of its users, raw HTTP for what an SDK would never send, and error capture.
 */
import * as http from "node:http";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KMSClient } from "@aws-sdk/client-kms";
import {
  AssumeRoleCommand,
  STSClient,
  type AssumeRoleCommandInput,
  type AssumeRoleCommandOutput,
} from "@aws-sdk/client-sts";
import * as aws4 from "aws4";
import { expect } from "chai";
import type { StackOutputs } from "../../infra/outputs";
import { synthesize } from "../../plan/synth";
import type { Plan } from "../../plan/types";
import { Sandbox, type ApplyResult, type SandboxOptions } from "../../sandbox";
import { REGION } from "./accounts";
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
/** What a test may change in the SDK clients' config: a skewed clock, retries. */
export interface ClientExtras {
  systemClockOffset?: number;
  maxAttempts?: number;
}

export function clientsFor(
  endpoint: string,
  region: string,
  credentials: Credentials,
  extra: ClientExtras = {},
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

/**
 * The SDK clients a test opened, destroyed together by the hook that ends the test or the suite: an
 * undestroyed client keeps its sockets (and so the test process) alive.
 */
export class ClientPool {
  private readonly opened: { destroy(): void }[] = [];

  /** Clients signed with `credentials`, as `clientsFor` (`extra`: its clock offset, retries), destroyed with the pool. */
  open(
    endpoint: string,
    credentials: Credentials,
    region: string = REGION,
    extra: ClientExtras = {},
  ): Clients {
    const clients = clientsFor(endpoint, region, credentials, extra);
    this.opened.push(clients.dynamodb, clients.kms, clients.sts);
    return clients;
  }

  /** Clients signed as the dev stack's user `name` (as `userClients`), destroyed with the pool. */
  user(deployed: Pick<Deployed, "sandbox" | "outputs">, name: string): Clients {
    return this.open(
      deployed.sandbox.endpoint,
      credentialsOf(deployed.outputs, name),
      deployed.outputs.region,
    );
  }

  /** A client the test built itself (custom middleware, user agent), destroyed with the pool. */
  track<C extends { destroy(): void }>(client: C): C {
    this.opened.push(client);
    return client;
  }

  destroy(): void {
    for (const client of this.opened.splice(0)) {
      client.destroy();
    }
  }
}

/** The access key of user `name` in the outputs of the program deployed in `sandbox` (`users.NAME`). */
export function programUser(sandbox: Sandbox, name: string): Credentials & { arn: string } {
  const users = (sandbox.programOutputs().users ?? {}) as Record<string, Record<string, unknown>>;
  const user = users[name];
  if (
    user === undefined ||
    typeof user.accessKeyId !== "string" ||
    typeof user.secretAccessKey !== "string"
  ) {
    throw new Error(`no user ${name} with an access key in the program's outputs`);
  }
  return { arn: String(user.arn), accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey };
}

/** The region the program deployed in `sandbox` exports, or REGION when it exports none. */
function programRegion(sandbox: Sandbox): string {
  const region = sandbox.programOutputs().region;
  return typeof region === "string" ? region : REGION;
}

/**
 * Registers, in the calling `describe`, a ClientPool destroyed after each test: the clients of tests that
 * start and restart sandboxes themselves.
 */
export function useClientPool(): ClientPool {
  const pool = new ClientPool();
  afterEach(() => {
    pool.destroy();
  });
  return pool;
}

/** The clients of a role session, with AssumeRole's answer (SourceIdentity, AssumedRoleUser). */
export type SessionClients = Clients & { readonly answer: AssumeRoleCommandOutput };

/** A sandbox a test suite applies one plan to, and the clients its tests sign with. */
export interface PlanSandbox {
  /** The running sandbox: set by the suite's `before` hook. */
  readonly sandbox: Sandbox;
  /** What applying the plan did not deploy. */
  readonly applied: ApplyResult;
  /**
   * SDK v3 clients signed with `credentials` (in `region`, with `extra` config), destroyed by the suite's
   * `after` hook.
   */
  as(credentials: Credentials, region?: string, extra?: ClientExtras): Clients;
  /** Clients signed as the identity that deployed the plan (`Sandbox.deployerCredentials()`). */
  admin(): Clients;
  /**
   * Clients signed as user `name` of the deployed program's outputs (`users.NAME`, `programUser`), in
   * the outputs' region (REGION when they name none).
   */
  user(name: string): Clients;
  /** A client the test built itself (its own user agent, middleware), destroyed by the `after` hook. */
  track<C extends { destroy(): void }>(client: C): C;
  /**
   * A session through STS AssumeRole (RoleSessionName "s" unless given) signed by `from`, and clients
   * signed with its credentials (IAM User Guide, "Switch to an IAM role (AWS API)").
   */
  session(
    from: Credentials | Clients,
    input: Omit<AssumeRoleCommandInput, "RoleSessionName"> & { RoleSessionName?: string },
  ): Promise<SessionClients>;
}

/**
 * How long a fixture's sandbox lives: the calling describe's tests (`before`/`after` hooks), or each
 * test (`beforeEach`/`afterEach`: a fresh deployment for a test that changes it for good).
 */
export interface FixtureOptions {
  per?: "suite" | "test";
}

/** The hooks that set up and tear down a fixture for `per`. */
function fixtureHooks(fixture: FixtureOptions): { setUp: Mocha.HookFunction; tearDown: Mocha.HookFunction } {
  return fixture.per === "test"
    ? { setUp: beforeEach, tearDown: afterEach }
    : { setUp: before, tearDown: after };
}

/**
 * Registers, in the calling `describe`, a `before` hook that starts a sandbox and applies `plan` to it,
 * and an `after` hook that destroys every client opened through the handle and stops the sandbox (with
 * `per: "test"`, before and after each test).
 */
export function sandboxWithPlan(
  plan: Plan | (() => Plan | Promise<Plan>),
  options: SandboxOptions = {},
  fixture: FixtureOptions = {},
): PlanSandbox {
  let sandbox: Sandbox | undefined;
  let applied: ApplyResult | undefined;
  const pool = new ClientPool();
  const { setUp, tearDown } = fixtureHooks(fixture);
  setUp(async () => {
    sandbox = await Sandbox.start(options);
    applied = await sandbox.apply(typeof plan === "function" ? await plan() : plan);
  });
  tearDown(async () => {
    pool.destroy();
    await sandbox?.stop();
    sandbox = undefined;
  });
  const running = (): Sandbox => {
    if (sandbox === undefined) {
      throw new Error("the sandbox is used outside the tests of the describe that made it");
    }
    return sandbox;
  };
  const handle: PlanSandbox = {
    get sandbox() {
      return running();
    },
    get applied() {
      running();
      return applied as ApplyResult;
    },
    as: (credentials, region, extra) => pool.open(running().endpoint, credentials, region, extra),
    admin: () => pool.open(running().endpoint, running().deployerCredentials()),
    user: (name) => pool.open(running().endpoint, programUser(running(), name), programRegion(running())),
    track: (client) => pool.track(client),
    async session(from, input) {
      const signer = "sts" in from ? from : handle.as(from);
      const answer = await signer.sts.send(new AssumeRoleCommand({ RoleSessionName: "s", ...input }));
      const issued = answer.Credentials;
      if (!issued?.AccessKeyId || !issued.SecretAccessKey || !issued.SessionToken) {
        throw new Error(`AssumeRole ${String(input.RoleArn)} returned no credentials`);
      }
      const clients = handle.as({
        accessKeyId: issued.AccessKeyId,
        secretAccessKey: issued.SecretAccessKey,
        sessionToken: issued.SessionToken,
      });
      return { ...clients, answer };
    },
  };
  return handle;
}

/** The dev stack deployed in a sandbox for a test suite (`sandboxWithDev`). */
export interface DevSandbox extends PlanSandbox {
  /** The plan the `before` hook applied. */
  readonly plan: Plan;
  /** The stack outputs after the `before` hook's deployment (docs/contracts.md section 2). */
  readonly outputs: StackOutputs;
  readonly endpoint: string;
  /** Re-deploys with other config changes, as `pulumi up` after editing the stack file. */
  update(config: Record<string, unknown>): Promise<void>;
}

/**
 * `sandboxWithPlan` for the dev stack: registers, in the calling `describe`, a `before` hook that starts
 * a sandbox and applies the dev stack with `config` changes (as `deployDev`), and an `after` hook that
 * destroys the clients opened through the handle and stops the sandbox.
 */
export function sandboxWithDev(
  config: Record<string, unknown> = {},
  options: SandboxOptions = {},
  fixture: FixtureOptions = {},
): DevSandbox {
  let plan: Plan | undefined;
  let outputs: StackOutputs | undefined;
  const base = sandboxWithPlan(
    async () => {
      plan = await synthesize({ stack: "dev", config: devConfig(config) });
      return plan;
    },
    options,
    fixture,
  );
  fixtureHooks(fixture).setUp(() => {
    outputs = base.sandbox.outputs();
  });
  const deployed = <T>(value: T | undefined): T => {
    if (value === undefined) {
      throw new Error("the dev stack is used outside the tests of the describe that deployed it");
    }
    return value;
  };
  return extendSandbox<Omit<DevSandbox, keyof PlanSandbox>>(base, {
    get plan() {
      return deployed(plan);
    },
    get outputs() {
      return deployed(outputs);
    },
    get endpoint() {
      return base.sandbox.endpoint;
    },
    async update(next) {
      // From the sandbox's checkpoint, as `pulumi up` previews from the stack's last state.
      const sandbox = base.sandbox;
      plan = await synthesize({ stack: "dev", config: devConfig(next), previousState: sandbox.state() });
      await sandbox.apply(plan);
      outputs = sandbox.outputs();
    },
  });
}

/**
 * `base` with the members of a fixture built on `sandboxWithPlan` (a program's outputs, its plan): the
 * handle's own members stay live, the members' getters are kept as getters.
 */
export function extendSandbox<T extends object>(base: PlanSandbox, members: T): PlanSandbox & T {
  const extended = Object.create(base) as PlanSandbox;
  return Object.defineProperties(extended, Object.getOwnPropertyDescriptors(members)) as PlanSandbox & T;
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
  deployed: Pick<Deployed, "sandbox" | "outputs">,
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
