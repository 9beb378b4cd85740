/**
 * The sandbox's deployed state on disk (`--data-dir`): what was applied (resources with revealed secrets),
 * the KMS key material and key-state changes, in one JSON file. It holds secrets, so the directory is
 * 0700 and the file 0600, and it is replaced atomically (write a temporary file, fsync, rename, fsync the
 * directory): a kill -9 at any moment leaves either the old state or the new one, never half of one.
 * Items live beside it in dynalite's LevelDB (`dynamodb/`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Deployment } from "./deployment";
import type { KeyState } from "./iam";

/** A key state set after deployment (Sandbox.setKeyState), and when, so a scheduled deletion keeps its date. */
export interface KeyStateChange {
  state: KeyState;
  /** ISO 8601. */
  changedAt: string;
}
import type { ExportedKeyMaterial } from "./kms";

const STATE_FILE = "state.json";
const FORMAT_VERSION = 1;

export interface PersistedState {
  deployment: Deployment;
  keyMaterial: ExportedKeyMaterial[];
  /** Key states changed after deployment (Sandbox.setKeyState), by key ARN. */
  keyStates: Record<string, KeyStateChange>;
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
    keyStates: parsed.keyStates ?? {},
  };
}

export function writeState(dataDir: string, state: PersistedState): void {
  writeFileAtomic(path.join(dataDir, STATE_FILE), JSON.stringify({ version: FORMAT_VERSION, ...state }));
}

/** Forgets the cloud's state (a destroy left nothing); the checkpoint beside it is the plan engine's. */
export function removeState(dataDir: string): void {
  fs.rmSync(path.join(dataDir, STATE_FILE), { force: true });
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
