/**
 * The data dir's state (sandbox/deploy/stateFile.ts): a format 1 state.json (every change rewrote it
 * whole) is migrated once to format 2 (a snapshot and its journal); a state.json or journal edited by hand
 * is refused at start with one line naming the field, never a secret's value (exit 2 from the CLI).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CreateGrantCommand, ListGrantsCommand } from "@aws-sdk/client-kms";
import { expect } from "chai";
import { main as sandboxMain } from "../../../cli/sandbox";
import { isUserError } from "../../../common/userError";
import { Sandbox } from "../../../sandbox";
import { loadStateFile } from "../../../sandbox/deploy/stateFile";
import { accessModelOutputs, synthesizeAccessModel } from "../../support/accessModelProgram";
import { runMainInProcess } from "../../support/inProcessCli";
import { useClientPool } from "../../support/sandbox";
import { useTempDir } from "../../support/tempDir";

type Json = Record<string, unknown>;

describe("sandbox data dir state (state.json and its journal)", function () {
  this.timeout(60_000);
  const pool = useClientPool();
  const dataDir = useTempDir("sandbox-state");
  const stateFile = () => path.join(dataDir(), "state.json");
  const journals = () => fs.readdirSync(dataDir()).filter((name) => name.startsWith("journal-"));

  /** A data dir with the access model deployed and one grant made through the API; its grant id. */
  async function deployedWithGrant(): Promise<string> {
    const sandbox = await Sandbox.start({ dataDir: dataDir() });
    try {
      await sandbox.apply(await synthesizeAccessModel());
      const outputs = accessModelOutputs(sandbox);
      const { GrantId } = await pool
        .open(sandbox.endpoint, outputs.users["grant-admin"], outputs.region)
        .kms.send(
          new CreateGrantCommand({
            KeyId: outputs.keyArn,
            GranteePrincipal: outputs.users.carol.arn,
            Operations: ["Decrypt"],
          }),
        );
      return GrantId as string;
    } finally {
      await sandbox.stop();
    }
  }

  it("journals a change as one line instead of rewriting state.json, and folds it in at the next start", async () => {
    const grantId = await deployedWithGrant();
    const snapshot = JSON.parse(fs.readFileSync(stateFile(), "utf8")) as Json;
    expect(snapshot.version).to.equal(2);
    // The grant is in the journal the snapshot names, not in the snapshot.
    expect((snapshot.apiGrants as Json[]).map((grant) => grant.grantId)).to.not.include(grantId);
    const journal = path.join(dataDir(), `journal-${String(snapshot.journal)}.log`);
    expect(fs.readFileSync(journal, "utf8").split("\n").filter(Boolean)).to.have.length(1);
    expect(fs.statSync(journal).mode & 0o777).to.equal(0o600);
    expect(loadStateFile(dataDir())?.state.apiGrants?.map((grant) => grant.grantId)).to.deep.equal([grantId]);
  });

  it("migrates a format 1 state.json once: served as it was, then written as format 2", async () => {
    const grantId = await deployedWithGrant();
    // A format 1 data dir, as the previous version wrote it: the whole state in state.json, no journal.
    const state = loadStateFile(dataDir())?.state;
    fs.writeFileSync(stateFile(), JSON.stringify({ version: 1, ...state }), { mode: 0o600 });
    for (const name of journals()) {
      fs.rmSync(path.join(dataDir(), name));
    }
    const sandbox = await Sandbox.start({ dataDir: dataDir() });
    try {
      const outputs = accessModelOutputs(sandbox);
      const { Grants } = await pool
        .open(sandbox.endpoint, outputs.users["grant-admin"], outputs.region)
        .kms.send(new ListGrantsCommand({ KeyId: outputs.keyArn }));
      expect(Grants?.map((grant) => grant.GrantId)).to.include(grantId);
      const migrated = JSON.parse(fs.readFileSync(stateFile(), "utf8")) as Json;
      expect(migrated.version).to.equal(2);
      expect(journals()).to.deep.equal([`journal-${String(migrated.journal)}.log`]);
    } finally {
      await sandbox.stop();
    }
  });

  it("refuses a hand-edited state.json at start, in one line naming the field and never a secret", async () => {
    await deployedWithGrant();
    const original = JSON.parse(fs.readFileSync(stateFile(), "utf8")) as Json;
    const keys = original.keys as { keys: Json[] };
    const material = (original.keyMaterial as Json[])[0];
    const secret = String(material.material);
    const cases: [Json, string][] = [
      // KMS has no key state "Bogus" ("Key states of AWS KMS keys").
      [
        { keys: { ...keys, keys: [{ ...keys.keys[0], state: "Bogus" }] } },
        'keys.keys[0].state: "Bogus" is not one of Enabled, Disabled, PendingDeletion',
      ],
      [{ clockAdvancedMs: -5 }, "clockAdvancedMs: -5 is not a whole number from 0 to 8640000000000000"],
      [{ clockAdvancedMs: "soon" }, 'clockAdvancedMs: "soon" is not a whole number'],
      [
        { keyMaterial: [{ ...material, material: secret.slice(0, 20) }] },
        "keyMaterial[0].material: is not 32 bytes of base64 key material",
      ],
      [
        { apiGrants: [{ grantId: "g", operations: "Decrypt" }] },
        'apiGrants[0].operations: expected a list, found the string "Decrypt"',
      ],
      [
        { deployment: { ...(original.deployment as Json), resources: "all" } },
        "deployment.resources: expected a list",
      ],
      // A key policy must be a JSON object ("Key policies in AWS KMS", https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
      [{ keys: { ...keys, keys: [{ ...keys.keys[0], policy: "[]" }] } }, "keys: key arn:aws:kms:"],
      [
        { deployerKey: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: 5 } },
        "deployerKey.secretAccessKey: is not a non-empty string",
      ],
    ];
    for (const [change, expected] of cases) {
      fs.writeFileSync(stateFile(), JSON.stringify({ ...original, ...change }), { mode: 0o600 });
      const refused = await startError();
      expect(isUserError(refused), refused.stack).to.equal(true);
      expect(refused.message).to.contain(
        `--data-dir: "${dataDir()}" cannot be read: state.json: ${expected}`,
      );
      expect(refused.message.split("\n")).to.have.length(1);
      expect(refused.message).to.not.contain(secret);
    }
    // From the command: one line on stderr, exit 2.
    const run = await runMainInProcess(
      sandboxMain,
      ["--stack", "dev", "--data-dir", dataDir()],
      process.cwd(),
    );
    expect(run.code).to.equal(2);
    expect(run.stderr.trim().split("\n")).to.have.length(1);
    expect(run.stderr).to.contain("state.json: deployerKey.secretAccessKey: is not a non-empty string");
  });

  it("refuses a journal with a corrupt line before good ones, and drops a torn last line", async () => {
    const grantId = await deployedWithGrant();
    const snapshot = JSON.parse(fs.readFileSync(stateFile(), "utf8")) as Json;
    const journal = path.join(dataDir(), `journal-${String(snapshot.journal)}.log`);
    const good = fs.readFileSync(journal, "utf8");
    fs.writeFileSync(journal, `${good}0000\t{"change":"cl`);
    expect(loadStateFile(dataDir())?.state.apiGrants?.map((grant) => grant.grantId)).to.deep.equal([grantId]);
    fs.writeFileSync(journal, `00000000\t{"change":"clock","advancedMs":1}\n${good}`);
    const refused = await startError();
    expect(refused.message).to.equal(
      `--data-dir: "${dataDir()}" cannot be read: ${path.basename(journal)}: line 1 is corrupt (its checksum does not match) and later lines are not`,
    );
  });

  async function startError(): Promise<Error> {
    return Sandbox.start({ dataDir: dataDir() }).then(
      async (sandbox) => {
        await sandbox.stop();
        throw new Error("the sandbox started");
      },
      (err: Error) => err,
    );
  }
});
