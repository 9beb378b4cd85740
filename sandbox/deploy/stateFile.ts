/**
 * The sandbox's deployed state on disk (`--data-dir`): what was applied (resources with revealed secrets),
 * the KMS keys (material and live state), the deployer's access key and the simulated clock, in one JSON file. It holds secrets, so the directory is
 * 0700 and the file 0600, and it is replaced atomically (write a temporary file, fsync, rename, fsync the
 * directory): a kill -9 at any moment leaves either the old state or the new one, never half of one.
 * Items live beside it in dynalite's LevelDB (`dynamodb/`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UserError } from "../../common/userError";
import type { Deployment } from "./deployment";
import type { ArchivedTable } from "../dynamodb/tableLifecycle";
import type { ExportedKeyMaterial } from "../kms";
import type { PersistedGrant } from "../kms/grants";
import type { KeyRegistrySnapshot } from "../kms/keyRegistry";
import type { PersistedSession } from "../sts/sessions";
import type { AccessKey } from "./stack";

const STATE_FILE = "state.json";
const FORMAT_VERSION = 1;

export interface PersistedState {
  deployment: Deployment;
  keyMaterial: ExportedKeyMaterial[];
  /** The live state of every key (policy, state, deletion date), from its owner, the KeyRegistry. */
  keys?: KeyRegistrySnapshot;
  /** The deploying identity's access key (a secret: the file is 0600). */
  deployerKey?: AccessKey;
  /** How far the sandbox's clock was advanced, so a restart keeps the simulated time. */
  clockAdvancedMs?: number;
  /** Tables DynamoDB archived (their key unusable for more than 7 days). */
  archivedTables?: ArchivedTable[];
  /**
   * The grants made with CreateGrant (origin "api"), from their owner, the deployed stack's GrantStore:
   * AWS keeps a grant until it is retired or revoked (KMS developer guide, "Retiring and revoking grants").
   */
  apiGrants?: PersistedGrant[];
  /** The STS role sessions issued and not yet expired for a day (secrets: the file is 0600). */
  sessions?: PersistedSession[];
}

/** A `--data-dir` that cannot be used: the user's to fix, one line (exit 2). */
export class DataDirError extends UserError {
  constructor(dataDir: string, problem: string) {
    super(`--data-dir: "${dataDir}" ${problem}`);
  }
}

/**
 * Kernel file systems, by the `f_type` statfs(2) reports (linux/magic.h): they hold no data, and
 * creating directories in them misbehaves (mkdir under /proc fails in ways that made a recursive
 * mkdir spin), so a path on one is refused before anything is created.
 */
const KERNEL_FILE_SYSTEMS: Record<number, string> = {
  0x9fa0: "proc",
  0x62656572: "sysfs",
  0x1cd1: "devpts",
  0x27e0eb: "cgroup",
  0x63677270: "cgroup2",
  0x64626720: "debugfs",
  0x74726163: "tracefs",
  0x73636673: "securityfs",
  0x62656570: "configfs",
  0xcafe4a11: "bpf",
};
/** Paths refused by name too: /dev is a tmpfs (devtmpfs) that statfs cannot tell from /tmp. */
const KERNEL_PATHS = ["/proc", "/sys", "/dev"];

/**
 * Checks that `dataDir` can hold data, creates it if needed, and makes it and everything in it private
 * (0700 directories, 0600 files) whoever created it: it holds secret access keys and key material.
 * Returns where dynalite keeps its LevelDB.
 */
export function prepareDataDir(dataDir: string): string {
  const resolved = path.resolve(dataDir);
  const existing = nearestExisting(dataDir, resolved);
  const kernel = KERNEL_PATHS.find((root) => resolved === root || resolved.startsWith(`${root}/`));
  const type = KERNEL_FILE_SYSTEMS[fs.statfsSync(existing).type];
  if (kernel !== undefined || type !== undefined) {
    throw new DataDirError(dataDir, `is on a kernel file system (${type ?? kernel}), which cannot hold data`);
  }
  try {
    fs.mkdirSync(resolved, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new DataDirError(dataDir, `cannot be used: ${errnoText(err)}`);
  }
  if (!fs.statSync(resolved).isDirectory()) {
    throw new DataDirError(dataDir, "cannot be used: it is a file, not a directory");
  }
  makePrivate(resolved, dataDir);
  return path.join(resolved, "dynamodb");
}

/**
 * The deepest part of `resolved` that exists; a part that is a file is refused here, since nothing can
 * be created under it.
 */
function nearestExisting(dataDir: string, resolved: string): string {
  let candidate = resolved;
  for (;;) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(candidate);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") {
        throw new DataDirError(dataDir, `cannot be used: ${errnoText(err)}`);
      }
    }
    if (stat !== undefined) {
      if (!stat.isDirectory() && candidate !== resolved) {
        throw new DataDirError(dataDir, `cannot be used: ${candidate} is not a directory`);
      }
      return candidate;
    }
    candidate = path.dirname(candidate);
  }
}

/**
 * 0700 on `dir` and every directory under it, 0600 on every file: LevelDB creates its files with the
 * process umask (0644 by default), so this runs when the store opens and closes; the sandbox CLI also
 * sets umask 077 so that files created while it serves are private from the start.
 */
export function makePrivate(dir: string, dataDir: string = dir): void {
  try {
    fs.chmodSync(dir, 0o700);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
      const file = path.join(entry.parentPath, entry.name);
      if (entry.isDirectory()) {
        fs.chmodSync(file, 0o700);
      } else if (entry.isFile()) {
        fs.chmodSync(file, 0o600);
      }
    }
  } catch (err) {
    throw new DataDirError(dataDir, `cannot be made private: ${errnoText(err)}`);
  }
}

/** `EACCES: permission denied, mkdir '/x'`: Node's message, which names the code and the path. */
function errnoText(err: unknown): string {
  return (err as Error).message.split("\n")[0];
}

/** The persisted state, or undefined for a directory nothing was applied to yet. */
export function readStateFile(dataDir: string): PersistedState | undefined {
  const file = path.join(dataDir, STATE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      return undefined;
    }
    throw new DataDirError(dataDir, `cannot be read: ${errnoText(err)}`);
  }
  let parsed: { version?: unknown } & Partial<PersistedState>;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (err) {
    throw new DataDirError(dataDir, `cannot be read: ${file}: not valid JSON (${errnoText(err)})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    parsed = {};
  }
  if (parsed.version !== FORMAT_VERSION || typeof parsed.deployment !== "object") {
    throw new DataDirError(
      dataDir,
      `cannot be read: ${file}: version ${String(parsed.version)} is not state format ${FORMAT_VERSION}`,
    );
  }
  return {
    deployment: parsed.deployment,
    keyMaterial: parsed.keyMaterial ?? [],
    keys: parsed.keys,
    deployerKey: parsed.deployerKey,
    clockAdvancedMs: parsed.clockAdvancedMs,
    archivedTables: parsed.archivedTables,
    apiGrants: parsed.apiGrants,
    sessions: parsed.sessions,
  };
}

export function writeStateFile(dataDir: string, state: PersistedState): void {
  writeFileAtomic(path.join(dataDir, STATE_FILE), JSON.stringify({ version: FORMAT_VERSION, ...state }));
}

/** Forgets the cloud's state (a destroy left nothing); the checkpoint beside it is the plan engine's. */
export function removeStateFile(dataDir: string): void {
  fs.rmSync(path.join(dataDir, STATE_FILE), { force: true });
}

/**
 * Writes `content` to `file` with mode 0600 so that the file is whole before and after a crash. On any
 * failure the temporary file is removed: it holds what `file` would have (secret access keys).
 */
export function writeFileAtomic(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.rmSync(temporary, { force: true });
  try {
    const fd = fs.openSync(temporary, "wx", 0o600);
    try {
      // The process umask cannot widen 0600, but be explicit: the file holds secrets.
      fs.fchmodSync(fd, 0o600);
      fs.writeSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, file);
  } catch (err) {
    fs.rmSync(temporary, { force: true });
    throw err;
  }
  const dir = fs.openSync(path.dirname(file), "r");
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
}
