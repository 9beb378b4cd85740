/**
 * The sandbox as a library: a local AWS endpoint (DynamoDB, KMS, STS) on 127.0.0.1 that a plan from
 * `synthesize()` is deployed into, enforcing SigV4, IAM identity policies and KMS key policies as AWS does.
 *
 *   const sandbox = await Sandbox.start({ dataDir });   // port 0: ephemeral
 *   await sandbox.apply(await synthesize({ stack: "dev", previousState: sandbox.state() }));
 *   const outputs = sandbox.outputs();                   // contracts.md section 2, secrets revealed
 *   // ... AWS SDK clients with { endpoint: sandbox.endpoint, credentials: outputs.users[...] }
 *   await sandbox.stop();
 *
 * Key lifecycle (docs/runbook.md): the KMS key-state API (DisableKey, EnableKey, ScheduleKeyDeletion,
 * CancelKeyDeletion, PutKeyPolicy) as the deployer (`deployerCredentials()`), DynamoDB's table status and
 * 5-minute table-key cache, all on a simulated clock (`advanceClock`, or the admin call of admin/service.ts).
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { UserError } from "../common/userError";
import { parseStackOutputs, type StackOutputs } from "../infra/outputs";
import {
  CHECKPOINT_FILE,
  EMPTY_CHECKPOINT,
  readCheckpoint,
  toDeployment,
  type Checkpoint,
} from "../plan/checkpoint";
import { declaredStates, type Plan } from "../plan/types";
import { SandboxClock } from "./admin/clock";
import { applySteps, type Deployment } from "./deploy/deployment";
import { DynaliteEngine } from "./dynamodb/engine";
import { DynamoDbService } from "./dynamodb/service";
import { DEFAULT_TABLE_KEY_CACHE_MS, TableKeyCache } from "./dynamodb/tableKeyCache";
import { TableLifecycle, type TableAccess } from "./dynamodb/tableLifecycle";
import type { KeyState } from "./iam";
import { applyDeployedKeys } from "./deploy/deployKeys";
import { restoreGrants, type Grant } from "./kms/grants";
import { DEFAULT_PENDING_WINDOW_DAYS, KeyRegistry, type KeyView } from "./kms/keyRegistry";
import {
  deriveCloudModel,
  remoteComponents,
  type CloudModel,
  type CloudTable,
  type NotDeployed,
  type UnknownResource,
} from "./deploy/model";
import { SandboxServer } from "./http/server";
import { SessionStore } from "./sts/sessions";
import type { AccessKey, LiveStack } from "./deploy/stack";
import { startEngine } from "./engine";
import { isUserError } from "../common/userError";
import { DataDirStore } from "./deploy/dataDirStore";
import { DurabilityError, NODE_FILE_LAYER, type FileLayer } from "./deploy/journal";
import { applyTableSettings, type PersistedTableSettings } from "./deploy/tableSettings";
import { AwsError } from "./errors";
import {
  DataDirError,
  loadStateFile,
  makePrivate,
  prepareDataDir,
  writeFileAtomic,
  type JournalRecord,
  type LoadedState,
} from "./deploy/stateFile";

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
  /** How long a connection with no request in progress stays open. Default 60 s (http/server.ts). */
  idleTimeoutMs?: number;
  /** The most connections open at once (http/server.ts). Default 1,024, or half the open-file limit. */
  maxConnections?: number;
  /** The simulated clock (injectable for tests). Default: the system time, advanced by `advanceClock`. */
  clock?: SandboxClock;
  /** How long DynamoDB keeps a connection's table key without a request. Default AWS's 5 minutes. */
  tableKeyCacheMs?: number;
  /** How long a table stays ARCHIVING before ARCHIVED (AWS gives no figure). Default 1 hour. */
  archivingMs?: number;
  /**
   * The file layer the data dir's state is written through (node:fs). Tests pass one whose writes or
   * syncs fail, as a full disk or a failing device would.
   */
  files?: FileLayer;
}

/**
 * What applying a plan did not deploy: the resources the sandbox does not serve (Lambda, API Gateway, a
 * replica in another region...), each with why, and the principals whose identity-based policies it takes
 * at worst because some of their documents are unknown (an AWS managed policy it holds no copy of).
 */
export interface ApplyResult {
  readonly notDeployed: readonly NotDeployed[];
  /** Resources set aside because a value they need is not known offline (never guessed). */
  readonly unknowns: readonly UnknownResource[];
  readonly unknownPolicies: readonly { readonly principal: string; readonly policies: readonly string[] }[];
}

/** The deploying identity's credentials, for administering the key in drills (a secret: write 0600). */
export interface DeployerCredentials extends AccessKey {
  readonly arn: string;
}

export class Sandbox {
  private live: LiveStack | undefined;
  private deployment: Deployment | undefined;
  /** What the last apply recorded, as `pulumi up` records a checkpoint; apart from the cloud's state. */
  private checkpoint: Checkpoint = EMPTY_CHECKPOINT;
  /** Deployments run one at a time, as `pulumi up` holds a lock on its stack. */
  private pending: Promise<unknown> = Promise.resolve();
  private server: SandboxServer | undefined;
  /** Tables whose items were dropped because their key was deleted. */
  private readonly shredded = new Set<string>();
  private deployerKey: AccessKey = newAccessKey();
  /** Role sessions outlive deployments, as issued AWS credentials do; they expire on the sandbox's clock. */
  private readonly sessions: SessionStore;
  /** The data dir's snapshot and journal; undefined in memory. */
  private store: DataDirStore | undefined;
  /** A compaction of the journal is queued (it runs after the change that made it due is applied). */
  private compactionQueued = false;
  /** The archived tables last journaled, as JSON, to journal an archival once. */
  private archivedJournaled = "[]";
  /** Tables' settings changed at run time since the deployment, by table name (deploy/tableSettings.ts). */
  private tableSettings = new Map<string, PersistedTableSettings>();
  private stopped = false;

  private constructor(
    private readonly engine: DynaliteEngine,
    private readonly dataDir: string | undefined,
    private readonly log: (line: string) => void,
    readonly clock: SandboxClock,
    /** The one owner of every KMS key's state. */
    private readonly keys: KeyRegistry,
    private readonly lifecycle: TableLifecycle,
  ) {
    this.sessions = new SessionStore(() => new Date(clock.now()));
    this.sessions.journal = (session) =>
      this.record({ change: "session", session }, `AssumeRole session of ${session.roleArn}`);
    keys.journal = (key) => {
      // An archival is sticky: journal it before a key change could make it unobservable.
      this.recordArchivals();
      this.record({ change: "key", key }, `key ${key.keyArn}`);
    };
  }

  /**
   * Starts the endpoint. With a `dataDir` that a plan was applied to before, serves that stack (users,
   * keys and their live states, policies, tables, items, the simulated time) at once, without applying again.
   */
  static async start(options: SandboxOptions = {}): Promise<Sandbox> {
    const log = options.log ?? (() => undefined);
    const engine = await openEngine(options.dataDir);
    const clock = options.clock ?? new SandboxClock();
    const keys = new KeyRegistry(clock);
    const lifecycle = new TableLifecycle(clock, options.archivingMs);
    const cache = new TableKeyCache(clock, options.tableKeyCacheMs ?? DEFAULT_TABLE_KEY_CACHE_MS);
    const sandbox = new Sandbox(engine, options.dataDir, log, clock, keys, lifecycle);
    try {
      const loaded = options.dataDir === undefined ? undefined : loadStateFile(options.dataDir);
      const saved = loaded?.state;
      if (options.dataDir !== undefined) {
        // LevelDB has created its files with the process umask: make them private now.
        makePrivate(options.dataDir);
        sandbox.checkpoint = readCheckpoint(options.dataDir);
        sandbox.store = new DataDirStore(
          options.dataDir,
          loaded?.generation ?? 0,
          options.files ?? NODE_FILE_LAYER,
        );
      }
      if (saved !== undefined) {
        clock.advance(Math.max(0, (saved.clockAdvancedMs ?? 0) - clock.advancedMs));
        try {
          keys.importMaterial(saved.keyMaterial);
          if (saved.keys !== undefined) {
            // A key policy edited by hand into one KMS refuses is a corrupt data dir, not a crash.
            keys.restore(saved.keys);
          }
        } catch (err) {
          throw new DataDirError(
            options.dataDir as string,
            `cannot be read: state.json: keys: ${(err as Error).message}`,
          );
        }
        lifecycle.restore(saved.archivedTables ?? []);
        sandbox.deployerKey = saved.deployerKey ?? sandbox.deployerKey;
        try {
          sandbox.sessions.restore(saved.sessions ?? []);
        } catch (err) {
          throw new DataDirError(options.dataDir as string, `cannot be read: ${(err as Error).message}`);
        }
        sandbox.archivedJournaled = JSON.stringify(lifecycle.snapshot());
        await restore(options.dataDir as string, loaded as LoadedState, () =>
          sandbox.install(
            saved.deployment,
            {
              keysRestored: saved.keys !== undefined,
              apiGrants: restoreGrants(saved.apiGrants ?? []),
              tableSettings: saved.tableSettings ?? [],
            },
            sandbox.checkpoint,
          ),
        );
        log(`restored the stack deployed in ${options.dataDir}`);
      }
      sandbox.server = await SandboxServer.listen(
        {
          stack: () => sandbox.live,
          dynamodb: new DynamoDbService(engine, { cache, lifecycle, clock }),
          settle: () => sandbox.settleNow(),
          connectionClosed: (connection) => cache.forgetConnection(connection),
          admin: {
            deployerArn: () => sandbox.live?.model.deployer.arn,
            now: () => clock.now(),
            advancedMs: () => clock.advancedMs,
            advanceClock: (ms) => sandbox.advanceClock(ms),
          },
        },
        {
          port: options.port,
          log: options.log,
          requestTimeoutMs: options.requestTimeoutMs,
          maxBodyBytes: options.maxBodyBytes,
          shutdownGraceMs: options.shutdownGraceMs,
          idleTimeoutMs: options.idleTimeoutMs,
          maxConnections: options.maxConnections,
        },
      );
    } catch (err) {
      sandbox.store?.close();
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
  state(): Checkpoint {
    return this.checkpoint;
  }

  /**
   * Applies a plan's steps as `pulumi up` would (sandbox/deploy/deployment.ts): the plan must have been
   * synthesized from `state()`. Unchanged and updated resources keep their ids, ARNs and access keys; a
   * key-policy change takes effect for the next request; tables and their items stay unless replaced or
   * deleted; a deleted user's access key is refused from the next request; a key that left the program is
   * scheduled for deletion with its window. Fails, changing nothing, on
   * a step the engine refuses (a protected resource) and on what AWS would refuse at deploy time
   * (MalformedPolicyDocumentException for a key policy naming an unknown principal or locking the
   * deployer out, deleting a table with deletion protection, two tables of one name:
   * ResourceInUseException). What it does not serve is not deployed and returned (and logged), never
   * dropped silently.
   */
  apply(plan: Plan): Promise<ApplyResult> {
    const run = this.pending.then(async (): Promise<ApplyResult> => {
      this.refuseRegionChange(plan);
      const applied = applySteps(this.deployment, this.checkpoint, plan);
      if (applied.deployment.resources.length === 0) {
        await this.clear(applied.checkpoint);
        return { notDeployed: [], unknowns: [], unknownPolicies: [] };
      }
      const model = await this.install(
        applied.deployment,
        { keysRestored: false, base: applied.base },
        applied.checkpoint,
      );
      const remote = remoteComponents(declaredStates(plan));
      for (const entry of remote) {
        this.log(`not deployed: ${entry.urn}: ${entry.reason}`);
      }
      return {
        notDeployed: [...model.notDeployed, ...remote],
        unknowns: model.unknowns,
        unknownPolicies: model.principals
          .filter((principal) => principal.unknownPolicies.length > 0)
          .map((principal) => ({ principal: principal.arn, policies: principal.unknownPolicies })),
      };
    });
    this.pending = run.catch(() => undefined);
    return run;
  }

  /**
   * The stack outputs (contracts.md section 2) of the deployed stack, secrets revealed, validated by the
   * one outputs parser (a program whose outputs lack a field fails here, naming the field).
   */
  outputs(): StackOutputs {
    if (this.deployment === undefined) {
      throw new Error("no plan has been applied to the sandbox");
    }
    return parseStackOutputs(this.deployment.outputs, "the sandbox's stack outputs");
  }

  /**
   * The deployed program's outputs as it declared them, secrets revealed, unvalidated: for a program other
   * than this project's (the tests' access-model program), whose outputs are not contracts.md section 2's.
   */
  programOutputs(): Record<string, unknown> {
    if (this.deployment === undefined) {
      throw new Error("no plan has been applied to the sandbox");
    }
    return structuredClone(this.deployment.outputs);
  }

  /** The deploying identity and its access key: it may administer the keys (default key policy). */
  deployerCredentials(): DeployerCredentials {
    if (this.live === undefined) {
      throw new Error("no plan has been applied to the sandbox");
    }
    return { arn: this.live.model.deployer.arn, ...this.deployerKey };
  }

  /**
   * A key as the cloud holds it now (state, deletion date, policy), from the key's one owner: what the
   * plan engine compares with its checkpoint to find drift (changes made through the API).
   */
  describeKey(keyArn: string): KeyView {
    return this.keys.describe(keyArn);
  }

  /** A table's status as DynamoDB reports it (undefined for a table not on a customer managed key). */
  tableAccess(tableName: string): TableAccess | undefined {
    return this.live === undefined
      ? undefined
      : this.live.model.tables
          .filter((table) => table.name === tableName && table.keyArn !== undefined)
          .map((table) => this.lifecycle.observe(table, this.keys.describe(table.keyArn as string)))[0];
  }

  /**
   * How many items a table holds in storage, read without authorization: what the drills show after a
   * key deletion (nothing left to decrypt), never a path for clients.
   */
  async itemCount(tableName: string): Promise<number> {
    const result = await this.engine.execute(
      "Scan",
      this.engine.validate("Scan", { TableName: tableName, Select: "COUNT" }),
    );
    return typeof result.Count === "number" ? result.Count : 0;
  }

  /**
   * Moves the simulated clock forward, then applies what time does (key deletions, table archival). With
   * a data dir the new time is journaled first: if that fails, the clock stays where it was.
   */
  async advanceClock(ms: number): Promise<void> {
    if (!Number.isSafeInteger(ms) || ms < 0) {
      throw new RangeError(`advance: ${ms} is not a whole, non-negative number of milliseconds`);
    }
    this.record({ change: "clock", advancedMs: this.clock.advancedMs + ms }, "AdvanceClock");
    this.clock.advance(ms);
    await this.settle();
    this.recordArchivals();
  }

  /**
   * Sets a key's state in the key registry (the one owner of key state, which persists the change):
   * "Disabled" and "Enabled" as DisableKey and EnableKey do, "PendingDeletion" as ScheduleKeyDeletion
   * with the key's deletion window. A test shortcut, not the KMS API: it does not check the transition,
   * so a key pending deletion can go straight to Enabled (AWS needs CancelKeyDeletion, which leaves it
   * Disabled, then EnableKey). The KMS API itself is served on the endpoint. `key` is a key ARN or id.
   */
  setKeyState(key: string, state: KeyState): Promise<void> {
    const run = this.pending.then(() => {
      const target = this.live?.model.keys.find(
        (candidate) => candidate.arn === key || candidate.keyId === key,
      );
      const live = target === undefined ? undefined : this.keys.get(target.arn);
      if (target === undefined || live === undefined) {
        throw new Error(`key: "${key}" is not a KMS key of the deployed stack`);
      }
      if (live.state === state) {
        return;
      }
      if (state === "PendingDeletion") {
        this.keys.scheduleDeletion(target.arn, target.deletionWindowInDays ?? DEFAULT_PENDING_WINDOW_DAYS);
      } else {
        this.keys.setState(target.arn, state);
      }
    });
    this.pending = run.catch(() => undefined);
    return run;
  }

  /** Stops serving (requests in flight finish), then closes the store. */
  async stop(): Promise<void> {
    await this.pending;
    await this.server?.close();
    this.server = undefined;
    this.stopped = true;
    this.store?.close();
    await this.engine.close();
    // A data dir removed while the sandbox served has nothing left to protect.
    if (this.dataDir !== undefined && existsSync(this.dataDir)) {
      makePrivate(this.dataDir);
    }
  }

  /**
   * A deployed stack stays in its region: its keys' and tables' ARNs name it, and a stack moved to
   * another region would be new resources (`pulumi up` with a new aws:region replaces them all). Serving
   * the old resources under outputs that name the new region would be a wrong answer, so it is refused.
   */
  private refuseRegionChange(plan: Plan): void {
    const deployed = this.live?.model.region;
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

  /** A destroy left nothing in the cloud: no stack is served; the checkpoint records what remains. */
  private async clear(checkpoint: Checkpoint): Promise<void> {
    for (const table of this.live?.model.tables ?? []) {
      if (table.deletionProtection) {
        throw new Error(
          `deleting table ${table.name}: ValidationException: Resource cannot be deleted as it is currently ` +
            "protected against deletion. Disable deletion protection first.",
        );
      }
    }
    for (const table of this.live?.model.tables ?? []) {
      await this.engine.deleteTable(table.name);
      this.log(`deleted table ${table.name}`);
    }
    // The keys left with their resources: each is scheduled for deletion with its window, as AWS does.
    applyDeployedKeys(this.keys, [], this.live?.model.keys);
    if (this.dataDir !== undefined) {
      this.store?.remove();
      this.writeCheckpoint(checkpoint);
    }
    this.live = undefined;
    this.deployment = undefined;
    this.checkpoint = checkpoint;
    this.log("destroyed: the stack has no resources left");
  }

  private writeCheckpoint(checkpoint: Checkpoint): void {
    if (this.dataDir !== undefined) {
      writeFileAtomic(
        path.join(this.dataDir, CHECKPOINT_FILE),
        `${JSON.stringify(toDeployment(checkpoint, new Date()), null, 2)}\n`,
      );
    }
  }

  /**
   * What time does: a key whose window ended is deleted by its owner, and the items of every table it
   * encrypted become unrecoverable; the sandbox, which stores items in clear, drops them to say so.
   * Tables are observed so an archival is recorded when it happens.
   */
  private async settle(): Promise<void> {
    await this.settleNow();
  }

  /**
   * settle()'s work, synchronous while time changed nothing that needs the item store: it runs before
   * every request, and a promise per request for the rare key deletion cost the hot path more than the
   * check. Returns a promise only when a key is found deleted: its table's shredding, then the rest.
   */
  private settleNow(): Promise<void> | undefined {
    const model = this.live?.model;
    for (const table of model?.tables ?? []) {
      if (table.keyArn === undefined) {
        continue;
      }
      const key = this.keys.describe(table.keyArn);
      this.lifecycle.observe(table, key);
      if (!key.exists && !this.shredded.has(table.name)) {
        this.shredded.add(table.name);
        return this.shred(table, table.keyArn).then(() => this.settleNow());
      }
    }
    return undefined;
  }

  private async shred(table: CloudTable, keyArn: string): Promise<void> {
    await this.engine.deleteTable(table.name);
    await this.engine.createTable(table.createRequest);
    this.log(`key ${keyArn} deleted: the items of table ${table.name} can never be decrypted`);
  }

  /** Builds and validates the new stack, brings tables and keys in line, persists, then swaps it in. */
  private async install(
    deployment: Deployment,
    how: {
      keysRestored: boolean;
      apiGrants?: readonly Grant[];
      base?: Deployment;
      /** Restored: the tables' settings changed at run time, applied over the deployment's. */
      tableSettings?: readonly PersistedTableSettings[];
    },
    checkpoint: Checkpoint,
  ): Promise<CloudModel> {
    const model = deriveCloudModel(deployment);
    const previous = this.live?.model;
    // The keys as the plan's steps saw them (their old states): each key gets the change from that to
    // the program's inputs, so a refreshed plan's `update [isEnabled]` enables a key disabled by hand.
    const keysBefore = how.base === undefined ? previous?.keys : deriveCloudModel(how.base).keys;
    for (const removed of previous?.tables ?? []) {
      if (removed.deletionProtection && !model.tables.some((table) => table.name === removed.name)) {
        throw new Error(
          `deleting table ${removed.name}: ValidationException: Resource cannot be deleted as it is currently ` +
            "protected against deletion. Disable deletion protection first.",
        );
      }
    }
    // Durable before effect: the keys change as the stack is built, so the new state is stored before any
    // request can see it or a table is touched; when it cannot be stored, the keys are put back and the
    // stack served stays the one before (tables are brought in line with the stored deployment on restart).
    // The snapshot holds the keys whole, so the build's key changes are not journaled one by one: when the
    // snapshot fails, nothing of the deployment is in the data dir, and the keys put back match it.
    const undoKeys = this.keys.capture();
    const keyJournal = this.keys.journal;
    this.keys.journal = undefined;
    let stack: LiveStack;
    let tableSettings: Map<string, PersistedTableSettings>;
    try {
      stack = await startEngine(model, {
        keys: this.keys,
        keysBefore: how.keysRestored ? "restored" : keysBefore,
        deployerKey: this.deployerKey,
        sessions: this.sessions,
        // The grants made with CreateGrant live on across deployments (and, restored, across restarts).
        apiGrants: how.apiGrants ?? this.live?.grants.all().filter((grant) => grant.origin === "api"),
      });
      // A deployment puts every table back as its plan declares it; a restore keeps what was changed since.
      for (const settings of how.tableSettings ?? []) {
        const table = stack.table(settings.name);
        if (table !== undefined) {
          applyTableSettings(stack, table, settings);
        }
      }
      tableSettings = new Map((how.tableSettings ?? []).map((settings) => [settings.name, settings]));
      this.persist(deployment, stack, tableSettings);
    } catch (err) {
      undoKeys();
      throw err;
    } finally {
      this.keys.journal = keyJournal;
    }
    this.engine.setAccount(model.accountId, model.region);
    await this.syncTables(model, previous);
    this.live = stack;
    this.deployment = deployment;
    this.checkpoint = checkpoint;
    stack.grants.journal = {
      granted: (grant) => this.record({ change: "grant", grant }, `CreateGrant on ${grant.keyArn}`),
      removed: (grantId) => this.record({ change: "revoke", grantId }, `removing grant ${grantId}`),
    };
    this.tableSettings = tableSettings;
    stack.tableJournal = (settings) => {
      this.record({ change: "table", table: settings }, `settings of table ${settings.name}`);
      this.tableSettings.set(settings.name, settings);
    };
    this.writeCheckpoint(checkpoint);
    this.log(
      `deployed: ${model.principals.length} principals, ${model.keys.length} keys, ${model.tables.length} tables ` +
        `in ${model.accountId} ${model.region}`,
    );
    for (const entry of model.notDeployed) {
      this.log(`not deployed: ${entry.urn}: ${entry.reason}`);
    }
    for (const entry of model.unknowns) {
      this.log(`not known offline: ${entry.urn}: ${entry.path}: ${entry.consequence}`);
    }
    for (const principal of model.principals.filter((candidate) => candidate.unknownPolicies.length > 0)) {
      this.log(
        `${principal.arn}: no document for ${principal.unknownPolicies.join(", ")}: its identity-based policies are ` +
          "taken at worst, and a request they might allow is denied",
      );
    }
    return model;
  }

  /**
   * Writes the whole deployed state as a new snapshot (secrets: the file is 0600) when the sandbox has a
   * data dir: for a deployment (before it is served), and when the journal has grown as large as the
   * state (compaction).
   */
  private persist(deployment = this.deployment, stack = this.live, tableSettings = this.tableSettings): void {
    if (this.store === undefined || deployment === undefined) {
      return;
    }
    const archivedTables = this.lifecycle.snapshot();
    this.store.snapshot({
      deployment,
      keyMaterial: this.keys.exportMaterial(),
      keys: this.keys.snapshot(),
      deployerKey: this.deployerKey,
      clockAdvancedMs: this.clock.advancedMs,
      archivedTables,
      apiGrants: stack?.grants.persisted(),
      sessions: this.sessions.persisted(),
      ...(tableSettings.size === 0 ? {} : { tableSettings: [...tableSettings.values()] }),
    });
    this.archivedJournaled = JSON.stringify(archivedTables);
  }

  /**
   * Journals one change before it is made (dataDirStore.ts): throws DurabilityError when it cannot be
   * made durable, and the caller then does not make it. Queues a compaction once the journal is due one:
   * it runs after this change is applied, so the snapshot holds it.
   */
  private record(change: JournalRecord, what: string): void {
    const store = this.store;
    if (store === undefined || !store.active || this.deployment === undefined) {
      return;
    }
    store.record(change, what);
    if (store.compactionDue && !this.compactionQueued) {
      this.compactionQueued = true;
      setImmediate(() => {
        this.compactionQueued = false;
        if (this.stopped) {
          return;
        }
        try {
          this.persist();
        } catch (err) {
          // Every change is in the journal still; the next attempt comes after as many bytes again.
          this.log(`compacting the data dir's journal failed: ${(err as Error).message}`);
        }
      });
    }
  }

  /** Journals the tables archived since the last time, if any: an archival outlives its key's return. */
  private recordArchivals(): void {
    const archived = this.lifecycle.snapshot();
    const text = JSON.stringify(archived);
    if (text !== this.archivedJournaled) {
      this.record({ change: "archived", tables: archived }, "table archival");
      this.archivedJournaled = text;
    }
  }

  /** Creates new tables, replaces those whose key schema changed, deletes those no longer deployed. */
  private async syncTables(model: CloudModel, previous: CloudModel | undefined): Promise<void> {
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
      this.lifecycle.forget(table.name);
      this.log(`created table ${table.name}`);
    }
    for (const old of previous?.tables ?? []) {
      if (!model.tables.some((table) => table.name === old.name)) {
        await this.engine.deleteTable(old.name);
        this.lifecycle.forget(old.name);
        this.log(`deleted table ${old.name}`);
      }
    }
  }
}

/**
 * Serves a data dir's stack again. What the data dir holds passed its field checks (stateFile.ts); a
 * deployment the cloud model cannot read (edited by hand) is the data dir's problem, in one line, not an
 * internal error. What AWS would refuse (an AwsError) and user errors pass as they are.
 */
async function restore(dataDir: string, loaded: LoadedState, install: () => Promise<unknown>): Promise<void> {
  try {
    await install();
  } catch (err) {
    if (isUserError(err) || err instanceof AwsError || err instanceof DurabilityError) {
      throw err;
    }
    const reason = (err as Error).message.split("\n")[0];
    const shown = reason.length <= 200 ? reason : `${reason.slice(0, 199)}…`;
    throw new DataDirError(
      dataDir,
      `holds a deployment (state.json, format ${loaded.version}) the sandbox cannot serve: ${shown}`,
    );
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

/** An access key in IAM's shape: AKIA and 16 of [A-Z2-7], a 40-character secret. */
function newAccessKey(): AccessKey {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const id = [...randomBytes(16)].map((byte) => alphabet[byte % 32]).join("");
  return { accessKeyId: `AKIA${id}`, secretAccessKey: randomBytes(30).toString("base64") };
}

function sameKeySchema(existing: Record<string, unknown>, request: Record<string, unknown>): boolean {
  return JSON.stringify(existing.KeySchema) === JSON.stringify(request.KeySchema);
}
