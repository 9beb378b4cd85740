/**
 * The sandbox as a library: a local AWS endpoint (DynamoDB, KMS, STS) on 127.0.0.1 that a plan from
 * `synthesize()` is deployed into, enforcing SigV4, IAM identity policies and KMS key policies as AWS does.
 *
 *   const sandbox = await Sandbox.start({ dataDir });   // port 0: ephemeral
 *   await sandbox.apply(await synthesize({ stack: "dev" }));
 *   const outputs = sandbox.outputs();                   // contracts.md section 2, secrets revealed
 *   // ... AWS SDK clients with { endpoint: sandbox.endpoint, credentials: outputs.users[...] }
 *   await sandbox.stop();
 */
import type { StackOutputs } from "../infra/outputs";
import type { Plan } from "../plan/types";
import { reconcile, type Deployment } from "./deployment";
import { DynaliteEngine } from "./dynamodb/engine";
import { DynamoDbService } from "./dynamodb/service";
import type { KeyState } from "./iam";
import type { ExportedKeyMaterial } from "./kms";
import { deriveModel, type SandboxModel } from "./model";
import { SandboxServer } from "./server";
import { SessionStore } from "./sessions";
import { DeployedStack } from "./stack";
import { prepareDataDir, readState, writeState, type KeyStateChange } from "./state-file";

export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Keep the applied stack and the items here (LevelDB); in memory without it. */
  dataDir?: string;
  /** Receives one line per request and per deployment step. Secrets are never logged. */
  log?: (line: string) => void;
  /** Time allowed to receive a whole request. Default 30 s. */
  requestTimeoutMs?: number;
  /** Largest request body accepted. Default 16 MiB, DynamoDB's own limit. */
  maxBodyBytes?: number;
  /**
   * The time STS issues and checks role-session credentials at. Default the system clock; tests pass their
   * own to see a session expire (ExpiredTokenException) without waiting.
   */
  clock?: () => Date;
}

export class Sandbox {
  private deployed: DeployedStack | undefined;
  private deployment: Deployment | undefined;
  private keyStates: Record<string, KeyStateChange> = {};
  /** Deployments run one at a time, as `pulumi up` holds a lock on its stack. */
  private pending: Promise<unknown> = Promise.resolve();
  private server: SandboxServer | undefined;
  /** Role sessions outlive deployments, as issued AWS credentials do. */
  private readonly sessions: SessionStore;

  private constructor(
    private readonly engine: DynaliteEngine,
    private readonly dataDir: string | undefined,
    private readonly log: (line: string) => void,
    clock: (() => Date) | undefined,
  ) {
    this.sessions = new SessionStore(clock);
  }

  /**
   * Starts the endpoint. With a `dataDir` that a plan was applied to before, serves that stack (users,
   * keys, policies, tables, items) at once, without applying again.
   */
  static async start(options: SandboxOptions = {}): Promise<Sandbox> {
    const log = options.log ?? (() => undefined);
    const engine = await DynaliteEngine.open(
      options.dataDir === undefined ? undefined : prepareDataDir(options.dataDir),
    );
    const sandbox = new Sandbox(engine, options.dataDir, log, options.clock);
    try {
      const saved = options.dataDir === undefined ? undefined : readState(options.dataDir);
      if (saved !== undefined) {
        sandbox.keyStates = saved.keyStates;
        await sandbox.install(saved.deployment, saved.keyMaterial);
        log(`restored the stack deployed in ${options.dataDir}`);
      }
      sandbox.server = await SandboxServer.listen(
        { stack: () => sandbox.deployed, dynamodb: new DynamoDbService(engine) },
        {
          port: options.port,
          log: options.log,
          requestTimeoutMs: options.requestTimeoutMs,
          maxBodyBytes: options.maxBodyBytes,
        },
      );
    } catch (err) {
      await engine.close();
      throw err;
    }
    return sandbox;
  }

  /** `http://127.0.0.1:PORT`: the endpoint for every service (AWS_ENDPOINT_URL). */
  get endpoint(): string {
    if (this.server === undefined) {
      throw new Error("the sandbox is not started");
    }
    return this.server.endpoint;
  }

  /**
   * Deploys a plan, or updates the deployed stack in place as `pulumi up` would: resources already
   * deployed keep their ids, ARNs and access keys; a key-policy change takes effect for the next request;
   * tables and their items stay. Fails, changing nothing, on what AWS would refuse at deploy time
   * (MalformedPolicyDocumentException for a key policy naming an unknown principal or locking the
   * deployer out, an unknown managed policy, deleting a table with deletion protection).
   */
  apply(plan: Plan): Promise<void> {
    const run = this.pending.then(() => this.install(reconcile(this.deployment, plan), this.keyMaterial()));
    this.pending = run.catch(() => undefined);
    return run;
  }

  /** The stack outputs (contracts.md section 2) of the deployed stack, secrets revealed. */
  outputs(): StackOutputs {
    if (this.deployment === undefined) {
      throw new Error("no plan has been applied to the sandbox");
    }
    return this.deployment.outputs as unknown as StackOutputs;
  }

  /**
   * Changes a key's state after deployment, as DisableKey, EnableKey or ScheduleKeyDeletion would in the
   * console: the policies stay, but a key that is not Enabled makes its tables' items inaccessible.
   * `key` is a key ARN or key id. Lasts until the key leaves the deployment.
   */
  setKeyState(key: string, state: KeyState): Promise<void> {
    const run = this.pending.then(async () => {
      const deployment = this.deployment;
      const target = this.deployed?.model.keys.find(
        (candidate) => candidate.arn === key || candidate.keyId === key,
      );
      if (deployment === undefined || target === undefined) {
        throw new Error(`key: "${key}" is not a KMS key of the deployed stack`);
      }
      const unchanged = this.keyStates[target.arn]?.state === state;
      // ScheduleKeyDeletion fixes the deletion date once; setting the same state again must not move it.
      const changedAt = unchanged ? this.keyStates[target.arn].changedAt : new Date().toISOString();
      this.keyStates = { ...this.keyStates, [target.arn]: { state, changedAt } };
      await this.install(deployment, this.keyMaterial());
    });
    this.pending = run.catch(() => undefined);
    return run;
  }

  /** Stops serving (requests in flight finish), then closes the store. */
  async stop(): Promise<void> {
    await this.pending;
    await this.server?.close();
    this.server = undefined;
    await this.engine.close();
  }

  private keyMaterial(): ExportedKeyMaterial[] {
    return this.deployed?.kms.exportKeyMaterial() ?? [];
  }

  /** Builds and validates the new stack, brings the tables in line, persists, then swaps it in. */
  private async install(deployment: Deployment, keyMaterial: readonly ExportedKeyMaterial[]): Promise<void> {
    const model = withKeyStates(deriveModel(deployment), this.keyStates);
    const stack = await DeployedStack.build(model, keyMaterial, {
      sessions: this.sessions,
      apiGrants: this.deployed?.authorizer.grants.all().filter((grant) => grant.origin === "api"),
    });
    const previous = this.deployed?.model;
    for (const removed of previous?.tables ?? []) {
      if (removed.deletionProtection && !model.tables.some((table) => table.name === removed.name)) {
        throw new Error(
          `deleting table ${removed.name}: ValidationException: Resource cannot be deleted as it is currently ` +
            "protected against deletion. Disable deletion protection first.",
        );
      }
    }
    this.engine.setAccount(model.accountId, model.region);
    await this.syncTables(model, previous);
    this.keyStates = Object.fromEntries(
      Object.entries(this.keyStates).filter(([arn]) => model.keys.some((key) => key.arn === arn)),
    );
    if (this.dataDir !== undefined) {
      writeState(this.dataDir, {
        deployment,
        keyMaterial: stack.kms.exportKeyMaterial(),
        keyStates: this.keyStates,
      });
    }
    this.deployed = stack;
    this.deployment = deployment;
    this.log(
      `deployed: ${model.users.length} users, ${model.keys.length} keys, ${model.tables.length} tables ` +
        `in ${model.accountId} ${model.region}`,
    );
  }

  /** Creates new tables, replaces those whose key schema changed, deletes those no longer deployed. */
  private async syncTables(model: SandboxModel, previous: SandboxModel | undefined): Promise<void> {
    for (const table of model.tables) {
      const existing = await this.engine.describeTable(table.name);
      if (existing !== undefined && sameKeySchema(existing, table.createRequest)) {
        continue;
      }
      if (existing !== undefined) {
        this.log(`replacing table ${table.name}: its key schema changed`);
        await this.engine.deleteTable(table.name);
      }
      await this.engine.createTable(table.createRequest);
      this.log(`created table ${table.name}`);
    }
    for (const old of previous?.tables ?? []) {
      if (!model.tables.some((table) => table.name === old.name)) {
        await this.engine.deleteTable(old.name);
        this.log(`deleted table ${old.name}`);
      }
    }
  }
}

const DAY_MS = 86_400_000;

function withKeyStates(model: SandboxModel, keyStates: Record<string, KeyStateChange>): SandboxModel {
  return {
    ...model,
    keys: model.keys.map((key) => {
      const change = keyStates[key.arn];
      if (change === undefined) {
        return key;
      }
      const deletionDate =
        change.state === "PendingDeletion"
          ? new Date(Date.parse(change.changedAt) + (key.pendingWindowInDays ?? 30) * DAY_MS).toISOString()
          : undefined;
      return { ...key, state: change.state, deletionDate };
    }),
  };
}

function sameKeySchema(existing: Record<string, unknown>, request: Record<string, unknown>): boolean {
  return JSON.stringify(existing.KeySchema) === JSON.stringify(request.KeySchema);
}
