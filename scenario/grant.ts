/**
 * Granting a user the key the way a person does it: edit the stack file (`keyUser: true`), then run
 * the program again. The edit is made on a copy of the project's stack files, with comments and layout
 * kept, so the next plan comes from exactly the code path of editing Pulumi.<stack>.yaml.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMap, isSeq, parseDocument } from "yaml";

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
  const dir = mkdtempSync(join(tmpdir(), "kms-dynamodb-grant-"));
  copyFileSync(join(projectDir, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
  writeFileSync(join(dir, stackFile), document.toString());
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
