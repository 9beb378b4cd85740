/**
 * The sandbox's deployed state on disk (`--data-dir`): what was applied (resources with revealed secrets),
 * the KMS keys (material and live state), the grants made with CreateGrant, the role sessions STS issued,
 * the deployer's access key and the simulated clock. Two files: `state.json`, a snapshot replaced
 * atomically (write a temporary file, fsync, rename, fsync the directory: a kill -9 at any moment leaves
 * either the old snapshot or the new one), and `journal-<generation>.log`, the changes made since, one
 * synced line each (journal.ts; dataDirStore.ts owns both). They hold secrets, so the directory is 0700
 * and the files 0600. Items live beside them in dynalite's LevelDB (`dynamodb/`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UserError } from "../../common/userError";
import { readUserBytes, UserFileError } from "../../common/userFile";
import type { Deployment } from "./deployment";
import type { ArchivedTable } from "../dynamodb/tableLifecycle";
import type { ExportedKeyMaterial } from "../kms";
import type { PersistedGrant } from "../kms/grants";
import type { KeyRegistrySnapshot, PersistedKeyState } from "../kms/keyRegistry";
import type { PersistedSession } from "../sts/sessions";
import type { AccessKey } from "./stack";
import {
  JournalCorruptError,
  NODE_FILE_LAYER,
  parseJournal,
  writeAll,
  type FileLayer,
  type JournalContents,
} from "./journal";
import * as validate from "./stateValidation";
import { validTableSettings, type PersistedTableSettings } from "./tableSettings";

const STATE_FILE = "state.json";
/**
 * 2: state.json is a snapshot naming its journal generation, and changes since are appended to
 * journal-<generation>.log (journal.ts). 1 (every change rewrote state.json whole) is read, and migrated
 * by the first snapshot after it, at start.
 */
const FORMAT_VERSION = 2;
/** The largest data dir file read: a snapshot of some hundred thousand grants and sessions. */
const MAX_DATA_FILE_BYTES = 256 * 1024 * 1024;

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
  /**
   * Tables whose settings changed since the deployment (UpdateTable, UpdateContinuousBackups,
   * Put/DeleteResourcePolicy): each table's whole settings, applied over the deployment's at start
   * (tableSettings.ts). The next deployment clears them.
   */
  tableSettings?: PersistedTableSettings[];
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

/**
 * The cloud's state as the data dir holds it (the snapshot with its journal folded in), or undefined for
 * a directory nothing was applied to yet: what `synth --refresh` reads (deploy/refresh.ts).
 */
export function readStateFile(dataDir: string): PersistedState | undefined {
  return loadStateFile(dataDir)?.state;
}

/** A data dir's state as read at start: the state, and where its journal is. */
export interface LoadedState {
  readonly state: PersistedState;
  /** The journal generation the snapshot names (0 for a format 1 state file, which has none). */
  readonly generation: number;
  /** The format state.json was written in: 1 is migrated to FORMAT_VERSION by the next snapshot. */
  readonly version: number;
}

/**
 * Reads state.json (bounded: a FIFO, a device or a file over MAX_DATA_FILE_BYTES is refused), checks
 * every field (stateValidation.ts), then folds in the records of its journal generation. Every problem is
 * a DataDirError: one line naming the file and the field, never a secret's value.
 */
export function loadStateFile(dataDir: string): LoadedState | undefined {
  const file = path.join(dataDir, STATE_FILE);
  const bytes = readDataFile(file);
  if (bytes === undefined) {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch (err) {
    const position = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new DataDirError(
      dataDir,
      `cannot be read: ${file}: not valid JSON (${position === undefined ? "malformed" : `at position ${position}`})`,
    );
  }
  const fields = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? parsed : {};
  const version = (fields as { version?: unknown }).version;
  if (version !== FORMAT_VERSION && version !== 1) {
    throw new DataDirError(
      dataDir,
      `cannot be read: ${file}: version ${shownVersion(version)} is not state format ${FORMAT_VERSION} (or 1, which is migrated)`,
    );
  }
  let loaded: LoadedState;
  try {
    loaded = persistedState(fields as Record<string, unknown>, version);
  } catch (err) {
    throw unreadable(dataDir, STATE_FILE, err);
  }
  if (loaded.version === 1) {
    return loaded;
  }
  const journal = journalFile(dataDir, loaded.generation);
  const journalBytes = readDataFile(journal);
  if (journalBytes === undefined) {
    return loaded;
  }
  try {
    return { ...loaded, state: foldJournal(loaded.state, parseJournal(journalBytes)) };
  } catch (err) {
    throw unreadable(dataDir, path.basename(journal), err);
  }
}

/** The journal of changes since the snapshot of generation `generation` (journal.ts). */
export function journalFile(dataDir: string, generation: number): string {
  return path.join(dataDir, `journal-${generation}.log`);
}

/** The state file's path in a data dir. */
export function stateFilePath(dataDir: string): string {
  return path.join(dataDir, STATE_FILE);
}

/** The snapshot as written: format 2, naming the journal generation its changes go to. */
export function stateFileText(state: PersistedState, generation: number): string {
  return JSON.stringify({ version: FORMAT_VERSION, journal: generation, ...state });
}

function persistedState(fields: Record<string, unknown>, version: 1 | 2): LoadedState {
  const optional = <T>(name: string, read: (value: unknown, where: string) => T): T | undefined =>
    fields[name] === undefined ? undefined : read(fields[name], name);
  const state: PersistedState = {
    deployment: validate.deployment(fields.deployment, "deployment"),
    keyMaterial: optional("keyMaterial", validate.keyMaterial) ?? [],
    keys: optional("keys", validate.keyRegistry),
    deployerKey: optional("deployerKey", validate.accessKey),
    clockAdvancedMs: optional("clockAdvancedMs", validate.clockAdvance),
    archivedTables: optional("archivedTables", validate.archivedTables),
    apiGrants: optional("apiGrants", (value, where) =>
      validate.array(value, where).map((grant, index) => validate.apiGrant(grant, `${where}[${index}]`)),
    ),
    sessions: optional("sessions", (value, where) =>
      validate.array(value, where).map((entry, index) => validate.session(entry, `${where}[${index}]`)),
    ),
    tableSettings: optional("tableSettings", (value, where) =>
      validate.array(value, where).map((entry, index) => validTableSettings(entry, `${where}[${index}]`)),
    ),
  };
  const generation =
    version === 1 ? 0 : validate.wholeNumber(fields.journal, "journal", 0, Number.MAX_SAFE_INTEGER);
  return { state, generation, version };
}

/** The changes a journal records, each applied to the state as it was made (sandbox.ts records them). */
export type JournalRecord =
  | { readonly change: "grant"; readonly grant: PersistedGrant }
  | { readonly change: "revoke"; readonly grantId: string }
  | { readonly change: "key"; readonly key: PersistedKeyState }
  | { readonly change: "session"; readonly session: PersistedSession }
  | { readonly change: "clock"; readonly advancedMs: number }
  | { readonly change: "archived"; readonly tables: readonly ArchivedTable[] }
  | { readonly change: "table"; readonly table: PersistedTableSettings };

const JOURNAL_CHANGES = ["grant", "revoke", "key", "session", "clock", "archived", "table"] as const;

/** The snapshot with a journal's records applied in order; a record that is not one is named by its line. */
function foldJournal(state: PersistedState, journal: JournalContents): PersistedState {
  const grants = new Map((state.apiGrants ?? []).map((grant) => [grant.grantId, grant]));
  const sessions = new Map((state.sessions ?? []).map((session) => [session.accessKeyId, session]));
  const keys = new Map((state.keys?.keys ?? []).map((key) => [key.keyArn, key]));
  let clockAdvancedMs = state.clockAdvancedMs;
  let archivedTables = state.archivedTables;
  const tables = new Map((state.tableSettings ?? []).map((table) => [table.name, table]));
  for (const { line, value } of journal.records) {
    const where = `line ${line}`;
    const record = validate.object(value, where);
    const change = JOURNAL_CHANGES.find((name) => name === record.change);
    switch (change) {
      case "grant": {
        const grant = validate.apiGrant(record.grant, `${where}: grant`);
        grants.set(grant.grantId, grant);
        break;
      }
      case "revoke":
        grants.delete(validate.text(record.grantId, `${where}: grantId`));
        break;
      case "key": {
        const key = validate.keyState(record.key, `${where}: key`);
        keys.set(key.keyArn, key);
        break;
      }
      case "session": {
        const entry = validate.session(record.session, `${where}: session`);
        sessions.set(entry.accessKeyId, entry);
        break;
      }
      case "clock":
        clockAdvancedMs = validate.clockAdvance(record.advancedMs, `${where}: advancedMs`);
        break;
      case "archived":
        archivedTables = validate.archivedTables(record.tables, `${where}: tables`);
        break;
      case "table": {
        const table = validTableSettings(record.table, `${where}: table`);
        tables.set(table.name, table);
        break;
      }
      default:
        throw new validate.StateFieldError(`${where}: change`, `is not one of ${JOURNAL_CHANGES.join(", ")}`);
    }
  }
  return {
    ...state,
    apiGrants: [...grants.values()],
    sessions: [...sessions.values()],
    keys:
      state.keys === undefined && keys.size === 0
        ? undefined
        : { aliases: [], deleted: [], ...state.keys, keys: [...keys.values()] },
    clockAdvancedMs,
    archivedTables,
    ...(tables.size === 0 ? {} : { tableSettings: [...tables.values()] }),
  };
}

/** A data dir file's bytes (bounded), or undefined when it does not exist. */
function readDataFile(file: string): Buffer | undefined {
  try {
    return readUserBytes(file, { flag: "--data-dir", maxBytes: MAX_DATA_FILE_BYTES });
  } catch (err) {
    if (err instanceof UserFileError && err.reason === "missing") {
      return undefined;
    }
    throw err;
  }
}

function unreadable(dataDir: string, file: string, err: unknown): DataDirError {
  if (err instanceof validate.StateFieldError || err instanceof JournalCorruptError) {
    return new DataDirError(dataDir, `cannot be read: ${file}: ${err.message}`);
  }
  throw err;
}

function shownVersion(version: unknown): string {
  return typeof version === "number"
    ? String(version)
    : version === undefined
      ? "undefined"
      : "(not a number)";
}

/** Forgets the cloud's state (a destroy left nothing); the checkpoint beside it is the plan engine's. */
export function removeStateFile(dataDir: string): void {
  fs.rmSync(path.join(dataDir, STATE_FILE), { force: true });
}

/**
 * Writes `content` to `file` with mode 0600 so that the file is whole before and after a crash. On any
 * failure the temporary file is removed: it holds what `file` would have (secret access keys). `files`:
 * the file layer (node:fs; a test's that fails on purpose).
 */
export function writeFileAtomic(file: string, content: string, files: FileLayer = NODE_FILE_LAYER): void {
  const temporary = `${file}.${process.pid}.tmp`;
  files.rmSync(temporary, { force: true });
  try {
    const fd = files.openSync(temporary, "wx", 0o600);
    try {
      // The process umask cannot widen 0600, but be explicit: the file holds secrets.
      files.fchmodSync(fd, 0o600);
      writeAll(files, fd, Buffer.from(content, "utf8"));
      files.fsyncSync(fd);
    } finally {
      files.closeSync(fd);
    }
    files.renameSync(temporary, file);
  } catch (err) {
    files.rmSync(temporary, { force: true });
    throw err;
  }
  syncDirectory(path.dirname(file), files);
}

/** Makes a directory's entries (a file created, renamed or removed in it) durable. */
export function syncDirectory(dir: string, files: FileLayer = NODE_FILE_LAYER): void {
  const fd = files.openSync(dir, "r");
  try {
    files.fsyncSync(fd);
  } finally {
    files.closeSync(fd);
  }
}
