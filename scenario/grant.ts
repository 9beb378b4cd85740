/**
 * Granting a user the key the way a person does it: edit the stack file (`keyUser: true`), then run
 * the program again. The edit is made on a copy of the project's stack files, with comments and layout
 * kept, so the next plan comes from exactly the code path of editing Pulumi.<stack>.yaml.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMap, isSeq, parseDocument } from "yaml";
import type { KeyPolicyMode } from "../infra/policies/keyPolicy";
import type { Checkpoint } from "../plan/checkpoint";
import { formatStep } from "../plan/diff";
import { synthesize } from "../plan/synth";
import type { Plan } from "../plan/types";

export interface EditedProject {
  /** A project folder holding Pulumi.yaml and the edited Pulumi.<stack>.yaml. */
  dir: string;
  dispose(): void;
}

/** Copies the project's stack files and sets `keyUser: true` on `userName` in Pulumi.<stack>.yaml. */
export function withKeyUserGranted(projectDir: string, stack: string, userName: string): EditedProject {
  return withKeyUser(projectDir, stack, userName, true);
}

/** The same edit with either value: `keyUser: false` revokes the user (the drills). */
export function withKeyUser(
  projectDir: string,
  stack: string,
  userName: string,
  keyUser: boolean,
  keyPolicy?: KeyPolicyMode,
): EditedProject {
  const stackFile = `Pulumi.${stack}.yaml`;
  const document = parseDocument(readFileSync(join(projectDir, stackFile), "utf8"));
  const users = document.getIn(["config", "kms-dynamodb:users"]);
  if (!isSeq(users)) {
    throw new Error(`${stackFile}: config.kms-dynamodb:users is not a list`);
  }
  const user = users.items.find((item) => isMap(item) && item.get("name") === userName);
  if (!isMap(user)) {
    throw new Error(`${stackFile}: no user named ${JSON.stringify(userName)} in kms-dynamodb:users`);
  }
  user.set("keyUser", keyUser);
  if (keyPolicy !== undefined) {
    document.setIn(["config", "kms-dynamodb:keyPolicy"], keyPolicy);
  }
  const dir = mkdtempSync(join(tmpdir(), "kms-dynamodb-grant-"));
  copyFileSync(join(projectDir, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
  writeFileSync(join(dir, stackFile), document.toString());
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The plan after a keyUser edit, and what its steps say changes. */
export interface KeyUserChange {
  plan: Plan;
  /** The changing steps, as `pulumi preview` prints them. */
  lines: string[];
  /** True when the only change is the key's policy, updated in place (no key or table replaced). */
  onlyKeyPolicy: boolean;
}

/**
 * Sets `keyUser` on `userName` in a copy of Pulumi.<stack>.yaml and plans the program from `previousState`
 * (the sandbox's checkpoint), as `pulumi preview` after the edit: what changes is read from the steps.
 */
export async function planKeyUserChange(
  projectDir: string,
  stack: string,
  userName: string,
  keyUser: boolean,
  previousState: Checkpoint,
): Promise<KeyUserChange> {
  const edited = withKeyUser(projectDir, stack, userName, keyUser);
  let plan: Plan;
  try {
    plan = await synthesize({ stack, projectDir: edited.dir, previousState });
  } finally {
    edited.dispose();
  }
  const changes = plan.steps.filter((step) => step.op !== "same");
  const onlyKeyPolicy =
    changes.length === 1 &&
    changes[0].op === "update" &&
    changes[0].newState?.type === "aws:kms/key:Key" &&
    changes[0].diffReasons?.join() === "policy";
  return { plan, lines: changes.map(formatStep), onlyKeyPolicy };
}

/**
 * The plan of the stack with `userName` a key user, under the key policy `keyPolicy` (`kms-dynamodb:keyPolicy`
 * set in a copy of Pulumi.<stack>.yaml): what the same stack would let in with the other key policy. The
 * static proof deploys a plan into an empty account whatever state it was made from, so a first preview's
 * plan (no `previousState`) serves it.
 */
export async function planWithKeyPolicy(
  projectDir: string,
  stack: string,
  userName: string,
  keyPolicy: KeyPolicyMode,
  previousState?: Checkpoint,
): Promise<Plan> {
  const edited = withKeyUser(projectDir, stack, userName, true, keyPolicy);
  try {
    return await synthesize({ stack, projectDir: edited.dir, previousState });
  } finally {
    edited.dispose();
  }
}
