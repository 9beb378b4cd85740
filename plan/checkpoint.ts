/**
 * A stack's state as the Pulumi engine records it: deployment format versions 1 to 4 (sdk/go/common/apitype
 * DeploymentV3 and ResourceV3; version 4 adds `features`, which the engine refuses unless it supports
 * each, pkg/resource/stack/deployment.go), the format `pulumi stack export` writes and `pulumi stack
 * import` reads:
 *
 *   { "version": 3|4, "features"?: [...], "deployment": { "manifest": { "time", "magic", "version" },
 *                                   "secrets_providers"?: {...}, "resources": [ ResourceV3... ] } }
 *
 * A backend's own checkpoint file (`.pulumi/stacks/<project>/<stack>.json`) wraps the same deployment
 * as `{ "version": 3, "checkpoint": { "stack", "latest": { manifest, resources } } }`; both are read.
 *
 * The sandbox keeps what its last apply recorded as such a file in its data directory (CHECKPOINT_FILE):
 * what `pulumi up` last recorded, kept apart from the emulated cloud's own state. Secrets are written
 * as `pulumi stack export --show-secrets` writes them (`{ SPECIAL_SIG_KEY: SECRET_SIG, "plaintext":
 * "<JSON text>" }`), so the file is mode 0600. A secret exported with a secrets provider (`"ciphertext"`)
 * is read as that provider wrote it where it can be opened offline (plan/stateSecrets.ts: `b64`, and
 * `passphrase` given the passphrase); any other stays a secret whose value is unknown, and is named in
 * `unreadableSecrets`.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { describeJson } from "../common/display";
import { UserError } from "../common/userError";
import { displayPath, readUserJson, UserFileError } from "../common/userFile";
import { declaredStates, type Plan, type PlanResourceState } from "./types";
import { secretOpener, type SecretOpener } from "./stateSecrets";
import { isSecret, SECRET_SIG, SPECIAL_SIG_KEY, UNKNOWN_VALUE } from "./values";

/** The checkpoint's name in a sandbox data directory. */
export const CHECKPOINT_FILE = "checkpoint.json";
/** The engine's deployment format version this module writes. */
export const DEPLOYMENT_VERSION = 3;
/** The versions it reads: the engine's oldest supported and latest (pkg/resource/stack/deployment.go). */
export const OLDEST_DEPLOYMENT_VERSION = 1;
export const LATEST_DEPLOYMENT_VERSION = 4;
/** The deployment features the engine supports (deployment.go `supportedFeatures`); any other is refused. */
export const SUPPORTED_FEATURES: readonly string[] = [
  "refreshBeforeUpdate",
  "views",
  "hooks",
  "taint",
  "replaceWith",
  "snippets-prototype",
  "extensionParameterization",
  "byteString",
];
const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * What `pulumi up` records (deployment v3/v4): the stack's resources in the engine's order, each after
 * what it depends on.
 */
export interface Checkpoint {
  resources: PlanResourceState[];
  /**
   * Secrets the state's secrets provider encrypted and this reader could not open (a cloud KMS or the
   * Pulumi service; a passphrase provider without PULUMI_CONFIG_PASSPHRASE): their values read as
   * unknown. Absent when there are none.
   */
  unreadableSecrets?: UnreadableSecret[];
}

/** A secret whose value is unknown offline: where it is, and what would open it. */
export interface UnreadableSecret {
  urn: string;
  /** `inputs.password`, `outputs.users.app.secret`. */
  property: string;
  /** The secrets provider: `passphrase`, `service`, or a cloud provider's URL (`awskms://…`). */
  provider: string;
}

/** What reading a checkpoint may need besides the file. */
export interface ReadCheckpointOptions {
  /** How the user named the file, for messages: `--state`, `--file`. Default `checkpoint`. */
  flag?: string;
  /** The passphrase of a `passphrase` secrets provider (the CLI's PULUMI_CONFIG_PASSPHRASE). */
  passphrase?: string;
}

/** @deprecated Checkpoint's former name, kept for library users (docs/contracts.md). */
export type StackState = Checkpoint;

export const EMPTY_CHECKPOINT: Checkpoint = { resources: [] };

/**
 * The largest checkpoint file read, in bytes: 20 times a 10,000-resource `pulumi stack export` of this
 * project's shape (about 12 MB), far below what fills a small machine's memory once parsed.
 */
export const MAX_CHECKPOINT_BYTES = 256 * 1024 * 1024;

/**
 * The deepest nesting of arrays and objects read from a checkpoint or a plan: the offline engine walks
 * property values recursively (reading secrets, diffing, marshalling them to the policy pack as
 * google.protobuf.Struct), which overflows the stack near 2,000 levels. Far deeper than any provider's
 * schema nests (AWS WAFv2 rule statements, among the deepest, nest a few dozen levels).
 */
export const MAX_CHECKPOINT_DEPTH = 1_000;

/** What `pulumi up` records once a plan's steps are applied: every resource the program declared. */
export function checkpointAfter(plan: Pick<Plan, "steps">): Checkpoint {
  return { resources: declaredStates(plan) };
}

/**
 * A state as a plan of `same` steps: the stack's resources as they are (what `pulumi policy analyze`
 * analyzes, and what `npm run access -- --compare EXPORT` compares the new plan with).
 */
export function planOfCheckpoint(state: Checkpoint): Plan {
  return {
    steps: state.resources.map((resource) => ({
      op: "same",
      urn: resource.urn,
      oldState: resource,
      newState: resource,
      detailedDiff: null,
    })),
    outputs: stackOutputsOf(state),
    invokes: [],
  };
}

/** Whether a JSON document is a deployment (`pulumi stack export`, a backend checkpoint), not a plan. */
export function isDeploymentDocument(document: unknown): boolean {
  return isRecord(document) && ("deployment" in document || "checkpoint" in document);
}

/** A checkpoint file that is not a deployment this module can read: the user's to fix (exit 2). */
export class CheckpointError extends UserError {}

/**
 * Reads a checkpoint: `fileOrDir` is a `pulumi stack export` file, a backend checkpoint file, or a
 * sandbox data directory (its CHECKPOINT_FILE; a directory nothing was applied to yet has an empty one).
 */
export function readCheckpoint(fileOrDir: string, options: ReadCheckpointOptions = {}): Checkpoint {
  const flag = options.flag ?? "checkpoint";
  let isDir: boolean;
  try {
    isDir = statSync(fileOrDir).isDirectory();
  } catch (err) {
    throw new CheckpointError(`${flag}: ${displayPath(fileOrDir)} ${describeFsError(err)}`);
  }
  const file = isDir ? join(fileOrDir, CHECKPOINT_FILE) : fileOrDir;
  let parsed: unknown;
  try {
    // Bounded, and only a regular file: /dev/zero or a FIFO named as the state is refused unread.
    parsed = readUserJson(file, { flag, maxBytes: MAX_CHECKPOINT_BYTES, maxDepth: MAX_CHECKPOINT_DEPTH });
  } catch (err) {
    if (isDir && err instanceof UserFileError && err.reason === "missing") {
      return EMPTY_CHECKPOINT;
    }
    throw err instanceof UserFileError ? new CheckpointError(err.message) : err;
  }
  return parseDeployment(parsed, file, options);
}

/** @deprecated readCheckpoint's former name, kept for library users (docs/contracts.md). */
export const readState = readCheckpoint;

/** Parses an exported deployment (or a backend checkpoint), naming `source` and the path of a bad field. */
export function parseDeployment(
  document: unknown,
  source: string,
  options: ReadCheckpointOptions = {},
): Checkpoint {
  const fail = (path: string, what: string): never => {
    throw new CheckpointError(`${source}: ${path} ${what}`);
  };
  if (!isRecord(document)) {
    return fail("the document", "is not a JSON object");
  }
  const version = document.version ?? 0;
  if (typeof version !== "number" || !Number.isInteger(version)) {
    return fail(
      "version",
      `is ${describeJson(version)}; expected ${OLDEST_DEPLOYMENT_VERSION} to ${LATEST_DEPLOYMENT_VERSION}`,
    );
  }
  // The engine's own refusals (pkg/resource/stack/deployment.go), in its words.
  if (version < OLDEST_DEPLOYMENT_VERSION) {
    return fail(
      "version",
      `is ${version}: this stack's deployment is too old (the oldest read is ${OLDEST_DEPLOYMENT_VERSION})`,
    );
  }
  if (version > LATEST_DEPLOYMENT_VERSION) {
    return fail(
      "version",
      `is ${version}: this stack's deployment version is too new (the latest read is ${LATEST_DEPLOYMENT_VERSION})`,
    );
  }
  const features = document.features ?? [];
  if (!Array.isArray(features) || !features.every((feature) => typeof feature === "string")) {
    return fail("features", "is not an array of strings");
  }
  const unsupported = features.filter((feature) => !SUPPORTED_FEATURES.includes(feature));
  if (unsupported.length > 0) {
    throw new CheckpointError(
      `${source}: this stack's deployment needs support for the following features: ${unsupported.join(", ")}`,
    );
  }
  const checkpoint = document.checkpoint;
  const [deployment, where] = isRecord(checkpoint)
    ? [checkpoint.latest ?? { resources: [] }, "checkpoint.latest"]
    : [document.deployment, "deployment"];
  if (!isRecord(deployment)) {
    return fail(where, "is missing or not an object");
  }
  const resources = deployment.resources ?? [];
  if (!Array.isArray(resources)) {
    return fail(`${where}.resources`, "is not an array");
  }
  const open = secretOpener(deployment.secrets_providers, options.passphrase, (what) => {
    throw new CheckpointError(`${source}: ${where}.secrets_providers${what}`);
  });
  const unreadableSecrets: UnreadableSecret[] = [];
  const parsed = resources.map((resource: unknown, index) =>
    parseResource(resource, `${where}.resources[${index}]`, fail, open, unreadableSecrets),
  );
  return { resources: parsed, ...(unreadableSecrets.length > 0 ? { unreadableSecrets } : {}) };
}

function parseResource(
  resource: unknown,
  path: string,
  fail: (path: string, what: string) => never,
  open: SecretOpener,
  unreadable: UnreadableSecret[],
): PlanResourceState {
  if (!isRecord(resource)) {
    return fail(path, "is not an object");
  }
  const text = (key: string, required: boolean): string | undefined => {
    const value = resource[key];
    if (value === undefined && !required) {
      return undefined;
    }
    return typeof value === "string" && (value !== "" || !required)
      ? value
      : fail(`${path}.${key}`, `is ${describeJson(value)}, expected a string`);
  };
  const urn = text("urn", true) as string;
  const object = (key: string): Record<string, unknown> => {
    const value = resource[key] ?? {};
    if (!isRecord(value)) {
      return fail(`${path}.${key}`, "is not an object");
    }
    const onUnreadable = (property: string, provider: string): void => {
      unreadable.push({ urn, property: `${key}${property}`, provider });
    };
    return fromWire(value, "", open, onUnreadable, (at, what) => fail(`${path}.${key}${at}`, what)) as Record<
      string,
      unknown
    >;
  };
  // The engine writes `null` for an empty list (Go's nil slice): in v3/v4 checkpoints, propertyDependencies.
  const urns = (value: unknown, at: string): string[] =>
    value === null
      ? []
      : Array.isArray(value) && value.every((item) => typeof item === "string")
        ? value
        : fail(at, "is not an array of URNs");
  const custom = resource.custom ?? false;
  if (typeof custom !== "boolean") {
    return fail(`${path}.custom`, "is not a boolean");
  }
  const propertyDependencies: Record<string, string[]> = {};
  const deps = resource.propertyDependencies ?? {};
  if (!isRecord(deps)) {
    return fail(`${path}.propertyDependencies`, "is not an object");
  }
  for (const [key, value] of Object.entries(deps)) {
    propertyDependencies[key] = urns(value, `${path}.propertyDependencies.${key}`);
  }
  const id = text("id", false);
  const parent = text("parent", false);
  return {
    type: text("type", true) as string,
    urn,
    custom,
    ...(id !== undefined && id !== "" ? { id } : {}),
    ...(parent !== undefined && parent !== "" ? { parent } : {}),
    inputs: object("inputs"),
    outputs: object("outputs"),
    dependencies: urns(resource.dependencies ?? [], `${path}.dependencies`),
    propertyDependencies,
    ...(resource.protect === true ? { protect: true } : {}),
    ...(resource.retainOnDelete === true ? { retainOnDelete: true } : {}),
  };
}

/** The state as a deployment v3 document (what `pulumi stack export --show-secrets` prints). */
export function toDeployment(state: Checkpoint, time: Date): Record<string, unknown> {
  return {
    version: DEPLOYMENT_VERSION,
    deployment: {
      manifest: { time: time.toISOString(), magic: "", version: "kms-dynamodb offline plan" },
      resources: state.resources.map((resource) => ({
        urn: resource.urn,
        custom: resource.custom,
        ...(resource.id !== undefined ? { id: resource.id } : {}),
        type: resource.type,
        inputs: toWire(resource.inputs),
        outputs: toWire(resource.outputs),
        ...(resource.parent !== undefined ? { parent: resource.parent } : {}),
        ...(resource.protect === true ? { protect: true } : {}),
        ...(resource.retainOnDelete === true ? { retainOnDelete: true } : {}),
        dependencies: resource.dependencies,
        propertyDependencies: resource.propertyDependencies,
      })),
    },
  };
}

/** The stack outputs a state recorded (the pulumi:pulumi:Stack resource's outputs), wire form. */
export function stackOutputsOf(state: Checkpoint): Record<string, unknown> {
  return state.resources.find((resource) => resource.type === STACK_TYPE)?.outputs ?? {};
}

/**
 * A checkpoint's values as the plan's wire form: a secret (plaintext, or ciphertext its provider can
 * open here) becomes `{ sig, value }`; one it cannot open, a secret whose value is unknown.
 */
function fromWire(
  value: unknown,
  at: string,
  open: SecretOpener,
  onUnreadable: (property: string, provider: string) => void,
  fail: (at: string, what: string) => never,
): unknown {
  if (Array.isArray(value)) {
    return value.map((item, index) => fromWire(item, `${at}[${index}]`, open, onUnreadable, fail));
  }
  if (!isRecord(value)) {
    return value;
  }
  if (value[SPECIAL_SIG_KEY] === SECRET_SIG) {
    let plaintext: string | undefined;
    if (typeof value.plaintext === "string") {
      plaintext = value.plaintext;
    } else if (typeof value.ciphertext === "string") {
      const opened = open(value.ciphertext);
      if (opened.plaintext === undefined) {
        onUnreadable(at, opened.provider);
        return { [SPECIAL_SIG_KEY]: SECRET_SIG, value: UNKNOWN_VALUE };
      }
      plaintext = opened.plaintext;
    } else if ("value" in value) {
      return { [SPECIAL_SIG_KEY]: SECRET_SIG, value: fromWire(value.value, at, open, onUnreadable, fail) };
    } else {
      return fail(at, "is a secret with neither plaintext nor ciphertext");
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(plaintext);
    } catch {
      return fail(at, "is a secret whose plaintext is not JSON");
    }
    return { [SPECIAL_SIG_KEY]: SECRET_SIG, value: fromWire(parsed, at, open, onUnreadable, fail) };
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      fromWire(item, `${at}.${key}`, open, onUnreadable, fail),
    ]),
  );
}

function toWire(value: unknown): unknown {
  if (isSecret(value)) {
    return { [SPECIAL_SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(toWire(value.value)) };
  }
  if (Array.isArray(value)) {
    return value.map(toWire);
  }
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toWire(item)]));
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? (err as Error).message})`;
}
