/**
 * `iam-no-kms-decrypt-on-every-key`, in process. Security Hub controls KMS.1 and KMS.2; IAM JSON policy
 * element reference (Action, NotAction, Resource, NotResource; wildcards).
 */
import { expect } from "chai";
import { iamNoKmsDecryptOnEveryKey } from "../../../policy-pack/rules";
import { runResourceRule } from "../../support/policyArgs";
import { ACCOUNT_ID } from "../../support/accounts";

const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

function document(statement: Record<string, unknown>): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
}

async function messages(type: string, props: Record<string, unknown>): Promise<string[]> {
  const outcome = await runResourceRule(iamNoKmsDecryptOnEveryKey, { type, name: "app", props });
  expect(outcome.downgraded).to.equal(undefined);
  return outcome.violations.map((v) => v.message);
}

describe("policy rule iam-no-kms-decrypt-on-every-key", () => {
  it("passes Decrypt scoped to a key, and other actions on every resource", async () => {
    expect(
      await messages("aws:iam/userPolicy:UserPolicy", {
        user: "app",
        policy: document({ Effect: "Allow", Action: "kms:Decrypt", Resource: KEY_ARN }),
      }),
    ).to.deep.equal([]);
    expect(
      await messages("aws:iam/policy:Policy", {
        policy: document({ Effect: "Allow", Action: ["kms:DescribeKey", "kms:ListAliases"], Resource: "*" }),
      }),
    ).to.deep.equal([]);
    expect(
      await messages("aws:iam/policy:Policy", {
        policy: document({ Effect: "Deny", Action: "kms:*", Resource: "*" }),
      }),
    ).to.deep.equal([]);
  });

  it('rejects kms:*, kms:Decrypt, kms:ReEncrypt* and wildcards on Resource "*"', async () => {
    const cases: [unknown, string][] = [
      ["kms:*", "kms:Decrypt, kms:ReEncryptFrom, kms:ReEncryptTo"],
      ["kms:Decrypt", "kms:Decrypt"],
      ["kms:ReEncrypt*", "kms:ReEncryptFrom, kms:ReEncryptTo"],
      ["KMS:De*", "kms:Decrypt"],
      ["*", "kms:Decrypt, kms:ReEncryptFrom, kms:ReEncryptTo"],
      [["dynamodb:GetItem", "kms:Decr?pt"], "kms:Decrypt"],
    ];
    for (const [action, granted] of cases) {
      const [message] = await messages("aws:iam/policy:Policy", {
        policy: document({ Effect: "Allow", Action: action, Resource: "*" }),
      });
      expect(message, JSON.stringify(action)).to.contain(
        `has policy Statement[0] allowing ${granted} on Resource "*"`,
      );
    }
  });

  it("rejects NotAction that leaves Decrypt allowed, NotResource, and key/* patterns", async () => {
    const [notAction] = await messages("aws:iam/groupPolicy:GroupPolicy", {
      policy: document({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }),
    });
    expect(notAction).to.contain(
      "(aws:iam/groupPolicy:GroupPolicy) has policy Statement[0] allowing kms:Decrypt",
    );
    const [notResource] = await messages("aws:iam/rolePolicy:RolePolicy", {
      policy: document({ Effect: "Allow", Action: "kms:Decrypt", NotResource: KEY_ARN }),
    });
    expect(notResource).to.contain(`on NotResource ["${KEY_ARN}"] (everything else)`);
    const [pattern] = await messages("aws:iam/policy:Policy", {
      policy: document({
        Sid: "AllKeys",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: `arn:aws:kms:*:${ACCOUNT_ID}:key/*`,
      }),
    });
    expect(pattern).to.contain(
      'Statement[0] (Sid "AllKeys") allowing kms:Decrypt on Resource "arn:aws:kms:*:111122223333:key/*"',
    );
  });

  it("reads role inline policies and aws-native policy documents", async () => {
    const open = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:*", Resource: "*" }] };
    const [role] = await messages("aws:iam/role:Role", {
      assumeRolePolicy: "{}",
      inlinePolicies: [
        { name: "ok", policy: document({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) },
        { name: "bad", policy: JSON.stringify(open) },
      ],
    });
    expect(role).to.contain("has inlinePolicies[1].policy Statement[0]");
    const [managed] = await messages("aws-native:iam:ManagedPolicy", { policyDocument: open });
    expect(managed).to.contain("(aws-native:iam:ManagedPolicy) has policyDocument Statement[0]");
    const [user] = await messages("aws-native:iam:User", {
      policies: [{ policyName: "p", policyDocument: open }],
    });
    expect(user).to.contain("has policies[0].policyDocument Statement[0]");
  });

  it("rejects attaching AWS managed policies that allow kms:Decrypt on every key", async () => {
    const [admin] = await messages("aws:iam/userPolicyAttachment:UserPolicyAttachment", {
      user: "app",
      policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
    });
    expect(admin).to.equal(
      'IAM policy "app" (aws:iam/userPolicyAttachment:UserPolicyAttachment) has policyArn "arn:aws:iam::aws:policy/AdministratorAccess", ' +
        "the AWS managed policy AdministratorAccess, which allows kms:Decrypt on every key. Through the root statement of each " +
        "key policy, that lets its holder decrypt every table of the account, bypassing the keys' key-user lists. " +
        "Attach a policy scoped to the keys and tables it needs instead.",
    );
    const [role] = await messages("aws:iam/role:Role", {
      assumeRolePolicy: "{}",
      managedPolicyArns: [
        "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
        "arn:aws-us-gov:iam::aws:policy/PowerUserAccess",
      ],
    });
    expect(role).to.contain(
      'has managedPolicyArns[1] "arn:aws-us-gov:iam::aws:policy/PowerUserAccess", the AWS managed policy PowerUserAccess',
    );
  });

  it("passes other managed policies, including AmazonDynamoDBFullAccess and customer policies of the same name", async () => {
    for (const policyArn of [
      "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
      `arn:aws:iam::${ACCOUNT_ID}:policy/AdministratorAccess`,
    ]) {
      expect(
        await messages("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r", policyArn }),
        policyArn,
      ).to.deep.equal([]);
    }
  });

  it("names the property of a document that is not JSON", async () => {
    const [message] = await messages("aws:iam/userPolicy:UserPolicy", { policy: "nope" });
    expect(message).to.contain(
      'IAM policy "app" (aws:iam/userPolicy:UserPolicy) has a policy that cannot be checked: it is not valid JSON',
    );
  });
});
