/**
 * `--data-dir`: the deployed stack (users, keys with their material, policies, tables) and the items
 * survive a restart and a kill -9, and a restart serves them without applying again. Secrets on disk are
 * mode 0600.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { GetItemCommand, PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import {
  CreateGrantCommand,
  DecryptCommand,
  EncryptCommand,
  ListGrantsCommand,
  RevokeGrantCommand,
} from "@aws-sdk/client-kms";
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { expect } from "chai";
import type { StackOutputs } from "../../infra/outputs";
import { Sandbox } from "../../sandbox";
import { accessModelOutputs, synthesizeAccessModel } from "../support/accessModelProgram";
import { startCli } from "../support/sandboxProcess";
import { credentialsOf, deployDev, failureOf, testProgramOutputs, useClientPool } from "../support/sandbox";
import { synthesizeDirectKey } from "../support/programs";
import { useTempDir } from "../support/tempDir";

describe("sandbox persistence (--data-dir)", function () {
  this.timeout(120_000);
  const pool = useClientPool();
  const dataDir = useTempDir("sandbox-data");

  it("serves the same users, policies and items after a restart, without applying again", async () => {
    const first = await deployDev({}, { dataDir: dataDir() });
    const { outputs } = first;
    const appUser = credentialsOf(outputs, "app-user");
    const before = pool.open(first.sandbox.endpoint, appUser, outputs.region);
    for (let i = 0; i < 10; i++) {
      await before.dynamodb.send(
        new PutItemCommand({
          TableName: outputs.tableName,
          Item: { pk: { S: `item-${i}` }, n: { N: String(i) } },
        }),
      );
    }
    await first.sandbox.stop();

    expect(fs.statSync(dataDir()).mode & 0o777).to.equal(0o700);
    expect(fs.statSync(path.join(dataDir(), "state.json")).mode & 0o777).to.equal(0o600);

    const second = await Sandbox.start({ dataDir: dataDir() });
    try {
      expect(second.outputs()).to.deep.equal(outputs);
      const after = pool.open(second.endpoint, appUser, outputs.region);
      const scan = await after.dynamodb.send(new ScanCommand({ TableName: outputs.tableName }));
      expect(scan.Count).to.equal(10);
      const identity = await after.sts.send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).to.equal(outputs.users["app-user"].arn);
      const testUser = pool.open(second.endpoint, credentialsOf(outputs, "kms-test-user"), outputs.region);
      const denied = await failureOf(
        testUser.dynamodb.send(
          new GetItemCommand({ TableName: outputs.tableName, Key: { pk: { S: "item-1" } } }),
        ),
      );
      expect(denied.name).to.equal("AccessDeniedException");
    } finally {
      await second.stop();
    }
  });

  it("keeps each key's material, so ciphertexts made before a restart decrypt after it", async () => {
    const first = await Sandbox.start({ dataDir: dataDir() });
    await first.apply(await synthesizeDirectKey());
    const outputs = testProgramOutputs(first);
    const user = outputs.users["crypto-user"];
    const sealed = await pool
      .open(first.endpoint, user, outputs.region)
      .kms.send(
        new EncryptCommand({ KeyId: outputs.keyArn, Plaintext: Buffer.from("kept across restarts") }),
      );
    await first.stop();

    const second = await Sandbox.start({ dataDir: dataDir() });
    try {
      const opened = await pool
        .open(second.endpoint, user, outputs.region)
        .kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }));
      expect(Buffer.from(opened.Plaintext ?? []).toString()).to.equal("kept across restarts");
    } finally {
      await second.stop();
    }
  });

  it("keeps every acknowledged write when the process is killed with SIGKILL", async () => {
    const outputsFile = path.join(dataDir(), "outputs.json");
    const cli = await startCli([
      "--stack",
      "dev",
      "--data-dir",
      path.join(dataDir(), "stack"),
      "--outputs",
      outputsFile,
    ]);
    let outputs: StackOutputs;
    const written: string[] = [];
    try {
      expect(fs.statSync(outputsFile).mode & 0o777).to.equal(0o600);
      outputs = JSON.parse(fs.readFileSync(outputsFile, "utf8")) as StackOutputs;
      const { dynamodb } = pool.open(cli.endpoint, credentialsOf(outputs, "app-user"), outputs.region);
      for (let i = 0; i < 50; i++) {
        await dynamodb.send(
          new PutItemCommand({ TableName: outputs.tableName, Item: { pk: { S: `ack-${i}` } } }),
        );
        written.push(`ack-${i}`);
      }
    } finally {
      cli.child.kill("SIGKILL");
    }
    const exit = await cli.exited;
    expect(exit.signal).to.equal("SIGKILL");

    const restarted = await Sandbox.start({ dataDir: path.join(dataDir(), "stack") });
    try {
      expect(restarted.outputs()).to.deep.equal(outputs);
      const { dynamodb } = pool.open(restarted.endpoint, credentialsOf(outputs, "app-user"), outputs.region);
      for (const pk of written) {
        const read = await dynamodb.send(
          new GetItemCommand({ TableName: outputs.tableName, Key: { pk: { S: pk } } }),
        );
        expect(read.Item, pk).to.deep.equal({ pk: { S: pk } });
      }
    } finally {
      await restarted.stop();
    }
  });
  it("keeps the grants made with CreateGrant across restarts, until they are revoked", async () => {
    // A grant lasts until it is retired or revoked (KMS developer guide, "Retiring and revoking grants"):
    // the cloud keeps it, so a restart of the emulated cloud must too, with its id and its effect.
    const first = await Sandbox.start({ dataDir: dataDir() });
    await first.apply(await synthesizeAccessModel());
    const outputs = accessModelOutputs(first);
    const kmsOf = (sandbox: Sandbox, name: string) =>
      pool.open(sandbox.endpoint, outputs.users[name], outputs.region).kms;
    // carol is no key user (access-model-program.ts): only a grant lets her use the key.
    const { GrantId } = await kmsOf(first, "grant-admin").send(
      new CreateGrantCommand({
        KeyId: outputs.keyArn,
        GranteePrincipal: outputs.users.carol.arn,
        Operations: ["Encrypt", "Decrypt"],
        Name: "kept-across-restarts",
      }),
    );
    const sealed = await kmsOf(first, "carol").send(
      new EncryptCommand({ KeyId: outputs.keyArn, Plaintext: Buffer.from("granted") }),
    );
    await first.stop();

    const second = await Sandbox.start({ dataDir: dataDir() });
    try {
      const { Grants } = await kmsOf(second, "grant-admin").send(
        new ListGrantsCommand({ KeyId: outputs.keyArn }),
      );
      const kept = Grants?.find((grant) => grant.GrantId === GrantId);
      // KMS API reference, GrantListEntry: the grant as created, its grantee and operations.
      expect(kept).to.include({ GranteePrincipal: outputs.users.carol.arn, Name: "kept-across-restarts" });
      expect(kept?.Operations).to.have.members(["Encrypt", "Decrypt"]);
      const opened = await kmsOf(second, "carol").send(
        new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }),
      );
      expect(Buffer.from(opened.Plaintext ?? []).toString()).to.equal("granted");
      await kmsOf(second, "grant-admin").send(new RevokeGrantCommand({ KeyId: outputs.keyArn, GrantId }));
    } finally {
      await second.stop();
    }

    // A revoked grant is gone for good: the restart after the revoke does not bring it back.
    const third = await Sandbox.start({ dataDir: dataDir() });
    try {
      const { Grants } = await kmsOf(third, "grant-admin").send(
        new ListGrantsCommand({ KeyId: outputs.keyArn }),
      );
      expect(Grants?.map((grant) => grant.GrantId)).to.not.include(GrantId);
      const denied = await failureOf(
        kmsOf(third, "carol").send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob })),
      );
      expect(denied.name).to.equal("AccessDeniedException");
    } finally {
      await third.stop();
    }
  });

  it("keeps the role sessions STS issued across restarts, until they expire", async () => {
    // AssumeRole's credentials are valid until their Expiration (STS API reference, AssumeRole,
    // Credentials): nothing on the issuing side revokes them, so a restart of the emulated cloud must
    // not either. The state file holds their secrets: it stays 0600.
    const first = await Sandbox.start({ dataDir: dataDir() });
    await first.apply(await synthesizeAccessModel());
    const outputs = accessModelOutputs(first);
    const assumed = await pool.open(first.endpoint, outputs.users.alice, outputs.region).sts.send(
      new AssumeRoleCommand({
        RoleArn: outputs.roles["reader-role"],
        RoleSessionName: "kept",
        DurationSeconds: 900,
      }),
    );
    const session = {
      accessKeyId: assumed.Credentials?.AccessKeyId ?? "",
      secretAccessKey: assumed.Credentials?.SecretAccessKey ?? "",
      sessionToken: assumed.Credentials?.SessionToken ?? "",
    };
    await first.stop();
    expect(fs.statSync(path.join(dataDir(), "state.json")).mode & 0o777).to.equal(0o600);

    const second = await Sandbox.start({ dataDir: dataDir() });
    try {
      const identity = await pool
        .open(second.endpoint, session, outputs.region)
        .sts.send(new GetCallerIdentityCommand({}));
      // STS API reference, GetCallerIdentity: a session answers as its assumed-role ARN.
      expect(identity.Arn).to.equal(`arn:aws:sts::${outputs.accountId}:assumed-role/reader-role/kept`);
      // Past its 900 s, the restored session is refused as an expired token (IAM User Guide, "Request
      // temporary security credentials": the credentials cannot be used after they expire); STS's query
      // protocol names that error ExpiredToken (STS API reference, Common Errors).
      await second.advanceClock(901_000);
      const expired = await failureOf(
        pool.open(second.endpoint, session, outputs.region).sts.send(new GetCallerIdentityCommand({})),
      );
      expect(expired.name).to.equal("ExpiredToken");
    } finally {
      await second.stop();
    }
  });

  it("refuses a state file whose role session is not one, in one line that prints no secret", async () => {
    const first = await Sandbox.start({ dataDir: dataDir() });
    await first.apply(await synthesizeAccessModel());
    await first.stop();
    const file = path.join(dataDir(), "state.json");
    const state = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    fs.writeFileSync(
      file,
      JSON.stringify({ ...state, sessions: [{ accessKeyId: "ASIAEXAMPLE", secretAccessKey: 7 }] }),
      { mode: 0o600 },
    );
    const refused = await Sandbox.start({ dataDir: dataDir() }).then(
      async (sandbox) => {
        await sandbox.stop();
        return undefined;
      },
      (err: Error) => err,
    );
    expect(refused?.message).to.equal(
      `--data-dir: "${dataDir()}" cannot be read: state.json: sessions[0].secretAccessKey: is not a non-empty string`,
    );
  });
});
