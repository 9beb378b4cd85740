/**
 * Who may retire a grant, dry runs, the parent-grant check and ListAliases, through the KmsService as the
 * server calls it. AWS pages:
 * - KMS Developer Guide, "Retiring and revoking grants"
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html): the retiring principal, a
 *   grantee allowed RetireGrant, the issuing account; "To deny permission to retire a grant, you can use a
 *   Deny action with the kms:RetireGrant permission"; the permission "is not effective in a key policy"
 *   but an IAM policy may allow it.
 * - KMS API reference, ListRetirableGrants: "The authorized resource in ListRetirableGrants calls is the
 *   retiring principal".
 * - KMS Developer Guide, "Testing your AWS KMS API calls" (DryRun) and API reference,
 *   DryRunOperationException (HTTP 412).
 * - KMS API reference, ListAliases.
 */
import { expect } from "chai";
import { AwsError } from "../../../sandbox/errors";
import { Authorizer } from "../../../sandbox/iam";
import { KmsService } from "../../../sandbox/kms";
import { GrantStore } from "../../../sandbox/kms/grants";
import { KeyRegistry } from "../../../sandbox/kms/keyRegistry";
import type { PolicyStatement } from "../../../sandbox/iam/types";
import { rejectionOf } from "../../support/errors";
import { ACCOUNT_ID, DEPLOYER, KEY_ARN, KEY_ID, REGION, keyPolicy } from "../../support/seedAuthorizer";

const RETIRER = `arn:aws:iam::${ACCOUNT_ID}:user/retirer`;
const GRANTEE = `arn:aws:iam::${ACCOUNT_ID}:user/grantee`;
const OPERATOR = `arn:aws:iam::${ACCOUNT_ID}:user/operator`;

function setup(policies: { retirer?: PolicyStatement[]; operator?: PolicyStatement[] } = {}) {
  const keys = new KeyRegistry();
  const grants = new GrantStore();
  const authorizer = new Authorizer({ keys, grants });
  authorizer.putPrincipal({
    arn: DEPLOYER,
    managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
  });
  const put = (arn: string, statements: PolicyStatement[] = []) =>
    authorizer.putPrincipal({
      arn,
      inlinePolicies:
        statements.length === 0
          ? []
          : [{ name: "p", document: { Version: "2012-10-17", Statement: statements } }],
    });
  put(RETIRER, policies.retirer);
  put(GRANTEE);
  put(OPERATOR, policies.operator);
  const kms = new KmsService(authorizer, keys, grants);
  kms.putKey({ arn: KEY_ARN, policy: JSON.stringify(keyPolicy([])) });
  kms.putAlias("alias/app-data", KEY_ARN);
  return { kms, grants };
}

const as = (arn: string) => ({ arn, region: REGION });
const failure = (promise: Promise<unknown>): Promise<AwsError> => rejectionOf(promise, AwsError);

async function grantTo(kms: KmsService, extra: Record<string, unknown> = {}): Promise<string> {
  const made = await kms.handle(
    "CreateGrant",
    {
      KeyId: KEY_ID,
      GranteePrincipal: GRANTEE,
      RetiringPrincipal: RETIRER,
      Operations: ["Decrypt"],
      ...extra,
    },
    as(DEPLOYER),
  );
  return made.GrantId as string;
}

describe("sandbox/kms RetireGrant, DryRun, CreateGrant's parent grants, ListAliases", () => {
  it("lets the retiring principal retire, unless an IAM policy denies kms:RetireGrant", async () => {
    const denied = setup({ retirer: [{ Effect: "Deny", Action: "kms:RetireGrant", Resource: "*" }] });
    const grantId = await grantTo(denied.kms);
    const refused = await failure(
      denied.kms.handle("RetireGrant", { KeyId: KEY_ID, GrantId: grantId }, as(RETIRER)),
    );
    expect(refused.code).to.equal("AccessDeniedException");
    expect(denied.grants.get(grantId)).to.not.equal(undefined);
    const allowed = setup();
    const other = await grantTo(allowed.kms);
    await allowed.kms.handle("RetireGrant", { KeyId: KEY_ID, GrantId: other }, as(RETIRER));
    expect(allowed.grants.get(other)).to.equal(undefined);
  });

  it("lets an IAM policy of the key's account allow RetireGrant to a principal the grant does not name", async () => {
    const { kms, grants } = setup({
      operator: [{ Effect: "Allow", Action: "kms:RetireGrant", Resource: KEY_ARN }],
    });
    const grantId = await grantTo(kms);
    await kms.handle("RetireGrant", { KeyId: KEY_ID, GrantId: grantId }, as(OPERATOR));
    expect(grants.get(grantId)).to.equal(undefined);
    const notNamed = setup();
    const kept = await grantTo(notNamed.kms);
    expect(
      (await failure(notNamed.kms.handle("RetireGrant", { KeyId: KEY_ID, GrantId: kept }, as(OPERATOR))))
        .code,
    ).to.equal("AccessDeniedException");
  });

  it("answers DryRun with DryRunOperationException (HTTP 412) after authorizing, and changes nothing", async () => {
    const { kms, grants } = setup();
    const grantId = await grantTo(kms);
    const dry = await failure(
      kms.handle("RevokeGrant", { KeyId: KEY_ID, GrantId: grantId, DryRun: true }, as(DEPLOYER)),
    );
    expect([dry.code, dry.status]).to.deep.equal(["DryRunOperationException", 412]);
    expect(grants.get(grantId)).to.not.equal(undefined);
    const encrypt = await failure(
      kms.handle(
        "Encrypt",
        { KeyId: KEY_ID, Plaintext: Buffer.from("x").toString("base64"), DryRun: true },
        as(DEPLOYER),
      ),
    );
    expect(encrypt.code).to.equal("DryRunOperationException");
    // A caller the key refuses learns that, not that the call would have succeeded.
    const refused = await failure(
      kms.handle(
        "Encrypt",
        { KeyId: KEY_ID, Plaintext: Buffer.from("x").toString("base64"), DryRun: true },
        as(GRANTEE),
      ),
    );
    expect(refused.code).to.equal("AccessDeniedException");
  });

  it("lists retirable grants only for a retiring principal of the caller's account", async () => {
    const { kms } = setup({
      retirer: [{ Effect: "Allow", Action: "kms:ListRetirableGrants", Resource: "*" }],
    });
    await grantTo(kms);
    const own = await kms.handle("ListRetirableGrants", { RetiringPrincipal: RETIRER }, as(RETIRER));
    expect((own.Grants as unknown[]).length).to.equal(1);
    const foreign = await failure(
      kms.handle(
        "ListRetirableGrants",
        { RetiringPrincipal: "arn:aws:iam::444455556666:user/someone" },
        as(RETIRER),
      ),
    );
    expect(foreign.code).to.equal("AccessDeniedException");
  });

  it("checks a grant made under grants against every CreateGrant grant of the caller, not the first found", async () => {
    const { kms } = setup();
    // Two grants let the grantee create grants: one for Encrypt only, one for Decrypt.
    for (const operations of [
      ["CreateGrant", "Encrypt"],
      ["CreateGrant", "Decrypt"],
    ]) {
      await kms.handle(
        "CreateGrant",
        { KeyId: KEY_ID, GranteePrincipal: GRANTEE, Operations: operations },
        as(DEPLOYER),
      );
    }
    const made = await kms.handle(
      "CreateGrant",
      { KeyId: KEY_ID, GranteePrincipal: RETIRER, Operations: ["Decrypt"] },
      as(GRANTEE),
    );
    expect(made.GrantId).to.be.a("string");
  });

  it("lists the account's aliases, with the key each points at", async () => {
    const { kms } = setup({ operator: [{ Effect: "Allow", Action: "kms:ListAliases", Resource: "*" }] });
    const listed = await kms.handle("ListAliases", {}, as(OPERATOR));
    expect(listed).to.deep.equal({
      Aliases: [
        {
          AliasName: "alias/app-data",
          AliasArn: `arn:aws:kms:${REGION}:${ACCOUNT_ID}:alias/app-data`,
          TargetKeyId: KEY_ID,
        },
      ],
      Truncated: false,
    });
    expect((await failure(kms.handle("ListAliases", {}, as(GRANTEE)))).code).to.equal(
      "AccessDeniedException",
    );
  });
});
