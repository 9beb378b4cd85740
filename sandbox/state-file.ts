/**
 * The sandbox's deployed state on disk (`--data-dir`): what was applied (resources with revealed secrets),
 * the KMS keys (material and live state), the deployer's access key and the simulated clock, in one JSON file. It holds secrets, so the directory is
 * 0700 and the file 0600, and it is replaced atomically (write a temporary file, fsync, rename, fsync the
 * directory): a kill -9 at any moment leaves either the old state or the new one, never half of one.
 * Items live beside it in dynalite's LevelDB (`dynamodb/`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Deployment } from "./deployment";
import type { ArchivedTable } from "./dynamodb/table-lifecycle";
import type { ExportedKeyMaterial } from "./kms";
import type { KeyRegistrySnapshot } from "./kms/key-registry";
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
}

/** Creates the data directory (0700) if needed; returns where dynalite keeps its LevelDB. */
export function prepareDataDir(dataDir: string): string {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return path.join(dataDir, "dynamodb");
}

/** The persisted state, or undefined for a directory nothing was applied to yet. */
export function readState(dataDir: string): PersistedState | undefined {
  const file = path.join(dataDir, STATE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      return undefined;
    }
    throw err;
  }
  const parsed = JSON.parse(text) as { version?: unknown } & Partial<PersistedState>;
  if (parsed.version !== FORMAT_VERSION || parsed.deployment === undefined) {
    throw new Error(
      `${file}: version ${JSON.stringify(parsed.version)} is not state format ${FORMAT_VERSION}`,
    );
  }
  return {
    deployment: parsed.deployment,
    keyMaterial: parsed.keyMaterial ?? [],
    keys: parsed.keys,
    deployerKey: parsed.deployerKey,
    clockAdvancedMs: parsed.clockAdvancedMs,
    archivedTables: parsed.archivedTables,
  };
}

export function writeState(dataDir: string, state: PersistedState): void {
  writeFileAtomic(path.join(dataDir, STATE_FILE), JSON.stringify({ version: FORMAT_VERSION, ...state }));
}

/** Writes `content` to `file` with mode 0600 so that the file is whole before and after a crash. */
export function writeFileAtomic(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.rmSync(temporary, { force: true });
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
  const dir = fs.openSync(path.dirname(file), "r");
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
}
