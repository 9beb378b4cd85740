/**
 * The sandbox as a library: a local AWS endpoint (DynamoDB, KMS, STS) on 127.0.0.1 that a plan from
 * `synthesize()` is deployed into, enforcing SigV4, IAM identity policies and KMS key policies as AWS does.
 *
 *   const sandbox = await Sandbox.start({ dataDir });   // port 0: ephemeral
 *   await sandbox.apply(await synthesize({ stack: "dev", previousState: sandbox.state() }));
 *   const outputs = sandbox.outputs();                   // contracts.md section 2, secrets revealed
 *   // ... AWS SDK clients with { endpoint: sandbox.endpoint, credentials: outputs.users[...] }
 *   await sandbox.stop();
 */
import * as path from "node:path";
import type { StackOutputs } from "../infra/outputs";
import {
  CHECKPOINT_FILE,
  EMPTY_STATE,
  readState as readCheckpoint,
  toDeployment,
  type StackState,
} from "../plan/checkpoint";
import type { Plan } from "../plan/types";
import { applySteps, type Deployment } from "./deployment";
import { DynaliteEngine } from "./dynamodb/engine";
import { DynamoDbService } from "./dynamodb/service";
import type { KeyState } from "./iam";
import type { ExportedKeyMaterial } from "./kms";
import { deriveModel, type SandboxModel } from "./model";
import { UserError } from "../cli/userError";
import { SandboxServer } from "./server";
import { DeployedStack } from "./stack";
import {
  DataDirError,
  makePrivate,
  prepareDataDir,
  readState,
  removeState,
  writeFileAtomic,
  writeState,
  type KeyStateChange,
} from "./state-file";

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
  /** How long stop() lets requests in flight finish before closing their connections. Default 2 s. */
  shutdownGraceMs?: number;
}

export class Sandbox {
  private deployed: DeployedStack | undefined;
  private deployment: Deployment | undefined;
  /** What the last apply recorded, as `pulumi up` records a checkpoint; apart from the cloud's state. */
  private checkpoint: StackState = EMPTY_STATE;
  private keyStates: Record<string, KeyStateChange> = {};
  /** Deployments run one at a time, as `pulumi up` holds a lock on its stack. */
  private pending: Promise<unknown> = Promise.resolve();
  private server: SandboxServer | undefined;

  private constructor(
    private readonly engine: DynaliteEngine,
    private readonly dataDir: string | undefined,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Starts the endpoint. With a `dataDir` that a plan was applied to before, serves that stack (users,
   * keys, policies, tables, items) at once, without applying again.
   */
  static async start(options: SandboxOptions = {}): Promise<Sandbox> {
    const log = options.log ?? (() => undefined);
    const engine = await openEngine(options.dataDir);
    const sandbox = new Sandbox(engine, options.dataDir, log);
    try {
      const saved = options.dataDir === undefined ? undefined : readState(options.dataDir);
      if (options.dataDir !== undefined) {
        // LevelDB has created its files with the process umask: make them private now.
        makePrivate(options.dataDir);
        sandbox.checkpoint = readCheckpoint(options.dataDir);
      }
      if (saved !== undefined) {
        sandbox.keyStates = saved.keyStates;
        await sandbox.install(saved.deployment, saved.keyMaterial, sandbox.checkpoint);
        log(`restored the stack deployed in ${options.dataDir}`);
      }
      sandbox.server = await SandboxServer.listen(
        { stack: () => sandbox.deployed, dynamodb: new DynamoDbService(engine) },
        {
          port: options.port,
          log: options.log,
          requestTimeoutMs: options.requestTimeoutMs,
          maxBodyBytes: options.maxBodyBytes,
          shutdownGraceMs: options.shutdownGraceMs,
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
   * What the last apply recorded (the checkpoint): the `previousState` to synthesize the next plan
   * from, as `pulumi up` previews from the stack's last checkpoint.
   */
  state(): StackState {
    return this.checkpoint;
  }

  /**
   * Applies a plan's steps as `pulumi up` would (sandbox/deployment.ts): the plan must have been
   * synthesized from `state()`. Unchanged and updated resources keep their ids, ARNs and access keys; a
   * key-policy change takes effect for the next request; tables and their items stay unless replaced or
   * deleted; a deleted user's access key is refused from the next request. Fails, changing nothing, on
   * a step the engine refuses (a protected resource) and on what AWS would refuse at deploy time
   * (MalformedPolicyDocumentException for a key policy naming an unknown principal or locking the
   * deployer out, an unknown managed policy, deleting a table with deletion protection).
   */
  apply(plan: Plan): Promise<void> {
    const run = this.pending.then(async () => {
      this.refuseRegionChange(plan);
      const applied = applySteps(this.deployment, this.checkpoint, plan);
      if (applied.deployment.resources.length === 0) {
        await this.clear(applied.checkpoint);
      } else {
        await this.install(applied.deployment, this.keyMaterial(), applied.checkpoint);
      }
    });
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
      await this.install(deployment, this.keyMaterial(), this.checkpoint);
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
    if (this.dataDir !== undefined) {
      makePrivate(this.dataDir);
    }
  }

  /**
   * A deployed stack stays in its region: its keys' and tables' ARNs name it, and a stack moved to
   * another region would be new resources (`pulumi up` with a new aws:region replaces them all). Serving
   * the old resources under outputs that name the new region would be a wrong answer, so it is refused.
   */
  private refuseRegionChange(plan: Plan): void {
    const deployed = this.deployed?.model.region;
    const planned = plan.outputs.region;
    if (deployed === undefined || planned === undefined || planned === deployed) {
      return;
    }
    const problem = `holds a stack deployed in ${deployed}; this plan is for ${String(planned)}`;
    if (this.dataDir !== undefined) {
      throw new DataDirError(this.dataDir, `${problem}: use another data dir`);
    }
    throw new UserError(`the sandbox ${problem}: start another sandbox`);
  }

  private keyMaterial(): ExportedKeyMaterial[] {
    return this.deployed?.kms.exportKeyMaterial() ?? [];
  }

  /** A destroy left nothing in the cloud: no stack is served; the checkpoint records what remains. */
  private async clear(checkpoint: StackState): Promise<void> {
    for (const table of this.deployed?.model.tables ?? []) {
      if (table.deletionProtection) {
        throw new Error(
          `deleting table ${table.name}: ValidationException: Resource cannot be deleted as it is currently ` +
            "protected against deletion. Disable deletion protection first.",
        );
      }
    }
    for (const table of this.deployed?.model.tables ?? []) {
      await this.engine.deleteTable(table.name);
      this.log(`deleted table ${table.name}`);
    }
    this.keyStates = {};
    if (this.dataDir !== undefined) {
      removeState(this.dataDir);
      this.writeCheckpoint(checkpoint);
    }
    this.deployed = undefined;
    this.deployment = undefined;
    this.checkpoint = checkpoint;
    this.log("destroyed: the stack has no resources left");
  }

  private writeCheckpoint(checkpoint: StackState): void {
    if (this.dataDir !== undefined) {
      writeFileAtomic(
        path.join(this.dataDir, CHECKPOINT_FILE),
        `${JSON.stringify(toDeployment(checkpoint, new Date()), null, 2)}\n`,
      );
    }
  }

  /** Builds and validates the new stack, brings the tables in line, persists, then swaps it in. */
  private async install(
    deployment: Deployment,
    keyMaterial: readonly ExportedKeyMaterial[],
    checkpoint: StackState,
  ): Promise<void> {
    const model = withKeyStates(deriveModel(deployment), this.keyStates);
    const stack = await DeployedStack.build(model, keyMaterial);
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
      this.writeCheckpoint(checkpoint);
    }
    this.deployed = stack;
    this.deployment = deployment;
    this.checkpoint = checkpoint;
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

/**
 * Opens the item store; with a data dir, checks and prepares it first, and tells a directory another
 * sandbox holds (LevelDB's lock: LEVEL_DATABASE_NOT_OPEN caused by LEVEL_LOCKED) from one that cannot
 * be opened for another reason.
 */
async function openEngine(dataDir: string | undefined): Promise<DynaliteEngine> {
  if (dataDir === undefined) {
    return DynaliteEngine.open();
  }
  const location = prepareDataDir(dataDir);
  try {
    return await DynaliteEngine.open(location);
  } catch (err) {
    const { code, cause } = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
    if (code !== "LEVEL_DATABASE_NOT_OPEN") {
      throw err;
    }
    if (cause?.code === "LEVEL_LOCKED") {
      throw new DataDirError(dataDir, "is in use by another sandbox");
    }
    const reason = (cause ?? (err as Error)).message.split("\n")[0];
    throw new DataDirError(dataDir, `cannot be opened: ${reason}`);
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
