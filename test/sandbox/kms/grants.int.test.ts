/**
 * KMS grants in the sandbox, over real HTTP with AWS SDK v3 clients: the grant DynamoDB makes for a table,
 * a grant deployed from a plan (aws:kms/grant:Grant), the grant API with its authorization and errors, and
 * grants honoured for direct KMS calls and for DynamoDB's decrypt of the table key. Also, over the same
 * stack, NotPrincipal and kms:EncryptionContext:<key> in a key policy, and explicit deny over a grant.
 */
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import {
  CreateGrantCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  ListGrantsCommand,
  ListRetirableGrantsCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
} from "@aws-sdk/client-kms";
import { expect } from "chai";
import {
  ACCESS_MODEL_REGION,
  ACCESS_MODEL_TABLE,
  accessModelSandbox,
  type AccessModelOutputs,
} from "../../support/accessModelProgram";
import { failureOf, type Clients } from "../../support/sandbox";

describe("sandbox: KMS grants", function () {
  this.timeout(60_000);
  const deployed = accessModelSandbox();
  let outputs: AccessModelOutputs;

  before(() => {
    outputs = deployed.outputs;
  });

  const user = (name: string): Clients => deployed.user(name);
  const getItem = (name: string) =>
    user(name).dynamodb.send(new GetItemCommand({ TableName: ACCESS_MODEL_TABLE, Key: { pk: { S: "g" } } }));

  it("lists the grant DynamoDB made for the table and the plan's grant", async () => {
    const { Grants, Truncated } = await user("grant-admin").kms.send(
      new ListGrantsCommand({ KeyId: outputs.keyArn }),
    );
    expect(Truncated).to.equal(false);
    const service = `dynamodb.${ACCESS_MODEL_REGION}.amazonaws.com`;
    const table = Grants?.find((grant) => grant.GranteePrincipal === service);
    // KMS developer guide, "How Amazon DynamoDB uses AWS KMS", Using grants: one grant per table, to and
    // retirable by the DynamoDB service principal, constrained to the table's encryption context.
    expect(table).to.include({ KeyId: outputs.keyArn, RetiringPrincipal: service });
    expect(table?.IssuingAccount).to.equal(`arn:aws:iam::${outputs.accountId}:root`);
    expect(table?.Operations).to.have.members([
      "Decrypt",
      "Encrypt",
      "GenerateDataKey",
      "ReEncryptFrom",
      "ReEncryptTo",
      "RetireGrant",
      "DescribeKey",
    ]);
    expect(table?.Constraints).to.deep.equal({
      EncryptionContextSubset: {
        "aws:dynamodb:tableName": ACCESS_MODEL_TABLE,
        "aws:dynamodb:subscriberId": outputs.accountId,
      },
    });
    const planned = Grants?.find((grant) => grant.GrantId === outputs.grantId);
    expect(planned).to.include({ Name: "bob-test-context", GranteePrincipal: outputs.users.bob.arn });
    expect(planned?.Operations).to.have.members(["Encrypt", "Decrypt", "GenerateDataKey"]);
  });

  it("lets a grantee use exactly the grant's operations, within its EncryptionContextSubset", async () => {
    const bob = user("bob");
    // KMS API reference, GrantConstraints: EncryptionContextSubset allows the operation when the request's
    // context includes the constraint's pairs (more pairs are fine).
    const sealed = await bob.kms.send(
      new EncryptCommand({
        KeyId: outputs.keyArn,
        Plaintext: Buffer.from("granted"),
        EncryptionContext: { purpose: "test", extra: "ok" },
      }),
    );
    const opened = await bob.kms.send(
      new DecryptCommand({
        CiphertextBlob: sealed.CiphertextBlob,
        EncryptionContext: { purpose: "test", extra: "ok" },
      }),
    );
    expect(Buffer.from(opened.Plaintext as Uint8Array).toString()).to.equal("granted");
    const noContext = await failureOf(
      bob.kms.send(new EncryptCommand({ KeyId: outputs.keyArn, Plaintext: Buffer.from("x") })),
    );
    expect(noContext.name).to.equal("AccessDeniedException");
    // DescribeKey is not among the grant's operations.
    const describe = await failureOf(bob.kms.send(new DescribeKeyCommand({ KeyId: outputs.keyArn })));
    expect(describe.name).to.equal("AccessDeniedException");
  });

  it("lets an explicit deny with NotPrincipal and kms:EncryptionContext:<key> win over a grant", async () => {
    // IAM User Guide, "AWS JSON policy elements: NotPrincipal" (Deny applies to every principal not
    // listed: bob is not) and "Policy evaluation logic" (an explicit deny overrides any allow, a grant's
    // too); KMS developer guide, "AWS KMS condition keys", kms:EncryptionContext:context-key.
    const restricted = await failureOf(
      user("bob").kms.send(
        new EncryptCommand({
          KeyId: outputs.keyArn,
          Plaintext: Buffer.from("x"),
          EncryptionContext: { purpose: "test", classification: "restricted" },
        }),
      ),
    );
    expect(restricted.name).to.equal("AccessDeniedException");
    expect(restricted.message).to.contain("with an explicit deny in a resource-based policy");
    // alice is listed in NotPrincipal, so the deny spares her; her own statement allows her.
    await user("alice").kms.send(
      new EncryptCommand({
        KeyId: outputs.keyArn,
        Plaintext: Buffer.from("x"),
        EncryptionContext: { classification: "restricted" },
      }),
    );
  });

  it("opens the table to a user once granted Decrypt for its context, and closes it on RevokeGrant", async () => {
    await user("alice").dynamodb.send(
      new PutItemCommand({ TableName: ACCESS_MODEL_TABLE, Item: { pk: { S: "g" } } }),
    );
    const before = await failureOf(getItem("carol"));
    expect(before.name).to.equal("AccessDeniedException");
    expect(before.message).to.contain("KMS key access denied");
    // DynamoDB calls KMS with the encryption context aws:dynamodb:tableName and aws:dynamodb:subscriberId
    // (DynamoDB developer guide, "How Amazon DynamoDB uses AWS KMS"); a grant constrained to the table's
    // name admits it.
    const { GrantId } = await user("grant-admin").kms.send(
      new CreateGrantCommand({
        KeyId: outputs.keyArn,
        GranteePrincipal: outputs.users.carol.arn,
        Operations: ["Decrypt"],
        Constraints: { EncryptionContextSubset: { "aws:dynamodb:tableName": ACCESS_MODEL_TABLE } },
      }),
    );
    expect(GrantId).to.match(/^[0-9a-f]{64}$/);
    expect((await getItem("carol")).Item).to.deep.equal({ pk: { S: "g" } });
    await user("grant-admin").kms.send(new RevokeGrantCommand({ KeyId: outputs.keyArn, GrantId }));
    expect((await failureOf(getItem("carol"))).name).to.equal("AccessDeniedException");
  });

  it("authorizes CreateGrant with kms:GrantOperations, and checks its input as KMS does", async () => {
    const admin = user("grant-admin").kms;
    // KMS developer guide, "AWS KMS condition keys", kms:GrantOperations: the identity policy allows only
    // grants for Decrypt, Encrypt, GenerateDataKey, DescribeKey and RetireGrant.
    const tooMuch = await failureOf(
      admin.send(
        new CreateGrantCommand({
          KeyId: outputs.keyArn,
          GranteePrincipal: outputs.users.carol.arn,
          Operations: ["Decrypt", "CreateGrant"],
        }),
      ),
    );
    expect(tooMuch.name).to.equal("AccessDeniedException");
    // KMS API reference, CreateGrant: Operations is an enum list.
    const badOperation = await failureOf(
      admin.send(
        new CreateGrantCommand({
          KeyId: outputs.keyArn,
          GranteePrincipal: outputs.users.carol.arn,
          Operations: ["Fly" as "Decrypt"],
        }),
      ),
    );
    expect(badOperation.name).to.equal("ValidationException");
    const badPrincipal = await failureOf(
      admin.send(
        new CreateGrantCommand({
          KeyId: outputs.keyArn,
          GranteePrincipal: `arn:aws:iam::${outputs.accountId}:user/nobody-here`,
          Operations: ["Decrypt"],
        }),
      ),
    );
    expect(badPrincipal.name).to.equal("InvalidArnException");
    // KMS API reference, RevokeGrant: NotFoundException for a grant that does not exist.
    const unknown = await failureOf(
      admin.send(new RevokeGrantCommand({ KeyId: outputs.keyArn, GrantId: "0".repeat(64) })),
    );
    expect(unknown.name).to.equal("NotFoundException");
    // A user without kms:ListGrants is refused.
    expect(
      (await failureOf(user("carol").kms.send(new ListGrantsCommand({ KeyId: outputs.keyArn })))).name,
    ).to.equal("AccessDeniedException");
  });

  it("lets the retiring principal retire a grant with its token, and lists it as retirable before", async () => {
    const admin = user("grant-admin").kms;
    const { GrantId, GrantToken } = await admin.send(
      new CreateGrantCommand({
        KeyId: outputs.keyArn,
        GranteePrincipal: outputs.users.carol.arn,
        RetiringPrincipal: outputs.users.bob.arn,
        Operations: ["DescribeKey"],
        Name: "retire-me",
      }),
    );
    const retirable = await admin.send(
      new ListRetirableGrantsCommand({ RetiringPrincipal: outputs.users.bob.arn }),
    );
    expect(retirable.Grants?.map((grant) => grant.GrantId)).to.include(GrantId);
    await user("carol").kms.send(new DescribeKeyCommand({ KeyId: outputs.keyArn }));
    // KMS developer guide, "Retiring and revoking grants": the grantee may retire only with RetireGrant
    // among the grant's operations; the retiring principal may.
    const byGrantee = await failureOf(user("carol").kms.send(new RetireGrantCommand({ GrantToken })));
    expect(byGrantee.name).to.equal("AccessDeniedException");
    await user("bob").kms.send(new RetireGrantCommand({ GrantToken }));
    expect(
      (await failureOf(user("carol").kms.send(new DescribeKeyCommand({ KeyId: outputs.keyArn })))).name,
    ).to.equal("AccessDeniedException");
  });
});
