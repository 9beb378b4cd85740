/**
 * A stack's state as the Pulumi engine records it: deployment format version 3 (sdk/go/common/apitype
 * DeploymentV3 and ResourceV3), the format `pulumi stack export` writes and `pulumi stack import`
 * reads:
 *
 *   { "version": 3, "deployment": { "manifest": { "time", "magic", "version" },
 *                                   "secrets_providers"?: {...}, "resources": [ ResourceV3... ] } }
 *
 * A backend's own checkpoint file (`.pulumi/stacks/<project>/<stack>.json`) wraps the same deployment
 * as `{ "version": 3, "checkpoint": { "stack", "latest": { manifest, resources } } }`; both are read.
 *
 * The sandbox keeps what its last apply recorded as such a file in its data directory (CHECKPOINT_FILE):
 * what `pulumi up` last recorded, kept apart from the emulated cloud's own state. Secrets are written
 * as `pulumi stack export --show-secrets` writes them (`{ SPECIAL_SIG_KEY: SECRET_SIG, "plaintext":
 * "<JSON text>" }`), so the file is mode 0600; a secret exported with a secrets provider
 * (`"ciphertext"`) cannot be opened offline and reads as "[secret]".
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { declaredStates, type Plan, type PlanResourceState } from "./types";
import { isSecret, REDACTED, SECRET_SIG, SPECIAL_SIG_KEY } from "./values";

/** The checkpoint's name in a sandbox data directory. */
export const CHECKPOINT_FILE = "checkpoint.json";
/** The engine's deployment format version this module reads and writes. */
export const DEPLOYMENT_VERSION = 3;
const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * What `pulumi up` records (deployment v3/v4): the stack's resources in the engine's order, each after
 * what it depends on.
 */
export interface Checkpoint {
  resources: PlanResourceState[];
}

/** @deprecated Checkpoint's former name, kept for library users (docs/contracts.md). */
export type StackState = Checkpoint;

export const EMPTY_CHECKPOINT: Checkpoint = { resources: [] };

/** What `pulumi up` records once a plan's steps are applied: every resource the program declared. */
export function checkpointAfter(plan: Pick<Plan, "steps">): Checkpoint {
  return { resources: declaredStates(plan) };
}

/** A checkpoint file that is not a deployment this module can read: the user's to fix (exit 2). */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckpointError";
  }
}

/**
 * Reads a checkpoint: `fileOrDir` is a `pulumi stack export` file, a backend checkpoint file, or a
 * sandbox data directory (its CHECKPOINT_FILE; a directory nothing was applied to yet has an empty one).
 */
export function readCheckpoint(fileOrDir: string): Checkpoint {
  let isDir: boolean;
  try {
    isDir = statSync(fileOrDir).isDirectory();
  } catch (err) {
    throw new CheckpointError(`${fileOrDir}: ${describeFsError(err)}`);
  }
  const file = isDir ? join(fileOrDir, CHECKPOINT_FILE) : fileOrDir;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if (isDir && (err as NodeJS.ErrnoException).code === "ENOENT") {
      return EMPTY_CHECKPOINT;
    }
    throw new CheckpointError(`${file}: ${describeFsError(err)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CheckpointError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return parseDeployment(parsed, file);
}

/** @deprecated readCheckpoint's former name, kept for library users (docs/contracts.md). */
export const readState = readCheckpoint;

/** Parses an exported deployment (or a backend checkpoint), naming `source` and the path of a bad field. */
export function parseDeployment(document: unknown, source: string): Checkpoint {
  const fail = (path: string, what: string): never => {
    throw new CheckpointError(`${source}: ${path} ${what}`);
  };
  if (!isRecord(document)) {
    return fail("the document", "is not a JSON object");
  }
  if (document.version !== DEPLOYMENT_VERSION) {
    return fail(
      "version",
      `is ${JSON.stringify(document.version)}; expected ${DEPLOYMENT_VERSION} (a \`pulumi stack export\` file)`,
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
  return {
    resources: resources.map((resource: unknown, index) =>
      parseResource(resource, `${where}.resources[${index}]`, fail),
    ),
  };
}

function parseResource(
  resource: unknown,
  path: string,
  fail: (path: string, what: string) => never,
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
      : fail(`${path}.${key}`, `is ${JSON.stringify(value)}, expected a string`);
  };
  const object = (key: string): Record<string, unknown> => {
    const value = resource[key] ?? {};
    return isRecord(value)
      ? (fromWire(value) as Record<string, unknown>)
      : fail(`${path}.${key}`, "is not an object");
  };
  const urns = (value: unknown, at: string): string[] =>
    Array.isArray(value) && value.every((item) => typeof item === "string")
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
    urn: text("urn", true) as string,
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

/** A checkpoint secret (plaintext or ciphertext) as the plan's wire form `{ sig, value }`. */
function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(fromWire);
  }
  if (!isRecord(value)) {
    return value;
  }
  if (value[SPECIAL_SIG_KEY] === SECRET_SIG) {
    if (typeof value.plaintext === "string") {
      return { [SPECIAL_SIG_KEY]: SECRET_SIG, value: fromWire(JSON.parse(value.plaintext)) };
    }
    // Encrypted by the stack's secrets provider, which only the Pulumi CLI can open.
    return { [SPECIAL_SIG_KEY]: SECRET_SIG, value: "value" in value ? fromWire(value.value) : REDACTED };
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fromWire(item)]));
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
