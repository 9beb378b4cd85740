import { expect } from "chai";
import { KEY_ADMIN_ACTIONS, KEY_GRANT_ACTIONS, KEY_USER_ACTIONS } from "../../../infra/policies/actions";
import { buildKeyPolicy, KEY_POLICY_SIDS } from "../../../infra/policies/keyPolicy";
import { accountRoot, keyPolicyPrincipal } from "../../../infra/policies/principals";
import { ACCOUNT_ID, OTHER_ACCOUNT_ID } from "../../support/accounts";

const base = {
  partition: "aws",
  accountId: ACCOUNT_ID,
  region: "us-east-1",
  administrators: [`arn:aws:iam::${ACCOUNT_ID}:user/deployer`],
};
const appUser = `arn:aws:iam::${ACCOUNT_ID}:user/app-user`;
const testUser = `arn:aws:iam::${ACCOUNT_ID}:user/kms-test-user`;
const viaDynamoDb = {
  "kms:ViaService": "dynamodb.us-east-1.amazonaws.com",
  "kms:CallerAccount": ACCOUNT_ID,
};

describe("buildKeyPolicy, strict", () => {
  // The account statement keeps administration only (KMS Developer Guide, "Default key policy", "Allows access
  // to the AWS account and enables IAM policies": no lockout), and key use is denied to all but the key users
  // by aws:PrincipalArn, services acting through their grants aside (IAM User Guide, "AWS global condition
  // context keys": aws:PrincipalArn, aws:PrincipalIsAWSService; "AWS JSON policy elements: NotPrincipal").
  // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
  const strict = buildKeyPolicy({ ...base, keyUsers: [appUser], mode: "strict" });

  it("limits the account root to the administrative actions", () => {
    expect(strict.Statement[0]).to.deep.equal({
      Sid: KEY_POLICY_SIDS.rootAdministration,
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
      Action: KEY_ADMIN_ACTIONS,
      Resource: "*",
    });
    for (const action of ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey"]) {
      const matched = KEY_ADMIN_ACTIONS.filter((pattern) =>
        new RegExp(`^${pattern.replace("*", ".*")}$`).test(action),
      );
      expect(matched, action).to.deep.equal([]);
    }
  });

  it("keeps the default policy's key-user and grant statements", () => {
    const dflt = buildKeyPolicy({ ...base, keyUsers: [appUser] });
    expect(strict.Statement.slice(1, 4)).to.deep.equal(dflt.Statement.slice(1, 4));
  });

  it("denies key use to every principal but the key users, AWS services aside", () => {
    expect(strict.Statement[4]).to.deep.equal({
      Sid: KEY_POLICY_SIDS.denyOthers,
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
      Resource: "*",
      Condition: {
        ArnNotEquals: { "aws:PrincipalArn": [appUser] },
        BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
      },
    });
  });

  it("names a key user that acts through role sessions by its role, as aws:PrincipalArn gives it", () => {
    const session = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/Reader/s1`;
    const policy = buildKeyPolicy({ ...base, keyUsers: [session], mode: "strict" });
    expect(policy.Statement[4].Condition).to.deep.include({
      ArnNotEquals: { "aws:PrincipalArn": [`arn:aws:iam::${ACCOUNT_ID}:role/Reader`] },
    });
  });

  it("denies key use to everyone but the services when there is no key user", () => {
    const policy = buildKeyPolicy({ ...base, keyUsers: [], mode: "strict" });
    expect(policy.Statement.map((statement) => statement.Sid)).to.deep.equal([
      KEY_POLICY_SIDS.rootAdministration,
      KEY_POLICY_SIDS.admins,
      KEY_POLICY_SIDS.denyOthers,
    ]);
    expect(policy.Statement[2].Condition).to.deep.equal({
      BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
    });
  });
});

describe("buildKeyPolicy", () => {
  it("gives the dev stack exactly the root, admin, key-user and grant statements", () => {
    expect(buildKeyPolicy({ ...base, keyUsers: [appUser] })).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: KEY_POLICY_SIDS.root,
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: KEY_POLICY_SIDS.admins,
          Effect: "Allow",
          Principal: { AWS: [`arn:aws:iam::${ACCOUNT_ID}:user/deployer`] },
          Action: KEY_ADMIN_ACTIONS,
          Resource: "*",
        },
        {
          Sid: KEY_POLICY_SIDS.users,
          Effect: "Allow",
          Principal: { AWS: [appUser] },
          Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
          Resource: "*",
          Condition: { StringEquals: viaDynamoDb },
        },
        {
          Sid: KEY_POLICY_SIDS.grants,
          Effect: "Allow",
          Principal: { AWS: [appUser] },
          Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
          Resource: "*",
          Condition: { Bool: { "kms:GrantIsForAWSResource": "true" }, StringEquals: viaDynamoDb },
        },
      ],
    });
  });

  it("adds a granted user to the key-user and grant statements only", () => {
    const before = buildKeyPolicy({ ...base, keyUsers: [appUser] });
    const after = buildKeyPolicy({ ...base, keyUsers: [appUser, testUser] });
    expect(after.Statement.slice(0, 2)).to.deep.equal(before.Statement.slice(0, 2));
    const users = after.Statement.find((s) => s.Sid === KEY_POLICY_SIDS.users);
    const grants = after.Statement.find((s) => s.Sid === KEY_POLICY_SIDS.grants);
    expect(users?.Principal).to.deep.equal({ AWS: [appUser, testUser] });
    expect(grants?.Principal).to.deep.equal({ AWS: [appUser, testUser] });
    expect(users?.Action).to.deep.equal(KEY_USER_ACTIONS);
    expect(grants?.Action).to.deep.equal(KEY_GRANT_ACTIONS);
  });

  it("is the same document whatever the order of the users, without duplicates", () => {
    const a = buildKeyPolicy({ ...base, keyUsers: [testUser, appUser, appUser] });
    const b = buildKeyPolicy({ ...base, keyUsers: [appUser, testUser] });
    expect(JSON.stringify(a)).to.equal(JSON.stringify(b));
  });

  it("has no key-user statements when nobody is a key user", () => {
    const sids = buildKeyPolicy({ ...base, keyUsers: [] }).Statement.map((s) => s.Sid);
    expect(sids).to.deep.equal([KEY_POLICY_SIDS.root, KEY_POLICY_SIDS.admins]);
  });

  it("never lets key administrators use the key", () => {
    const admin = buildKeyPolicy({ ...base, keyUsers: [] }).Statement[1];
    for (const action of ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"]) {
      expect(admin.Action).to.not.include(action);
    }
  });

  it("names the role, not the session, when the deployer is an assumed role", () => {
    const policy = buildKeyPolicy({
      ...base,
      administrators: [`arn:aws:sts::${ACCOUNT_ID}:assumed-role/Deployer/ci-session`],
      keyUsers: [],
    });
    expect(policy.Statement[1].Principal).to.deep.equal({
      AWS: [`arn:aws:iam::${ACCOUNT_ID}:role/Deployer`],
    });
  });

  it("uses the partition and region it is given", () => {
    const policy = buildKeyPolicy({
      partition: "aws-cn",
      accountId: OTHER_ACCOUNT_ID,
      region: "cn-north-1",
      administrators: [`arn:aws-cn:iam::${OTHER_ACCOUNT_ID}:root`],
      keyUsers: [`arn:aws-cn:iam::${OTHER_ACCOUNT_ID}:user/a`],
    });
    expect(policy.Statement[0].Principal).to.deep.equal({ AWS: `arn:aws-cn:iam::${OTHER_ACCOUNT_ID}:root` });
    expect(policy.Statement[2].Condition).to.deep.equal({
      StringEquals: {
        "kms:ViaService": "dynamodb.cn-north-1.amazonaws.com",
        "kms:CallerAccount": OTHER_ACCOUNT_ID,
      },
    });
  });
});

describe("principals", () => {
  it("turns an STS session into its role and leaves other ARNs alone", () => {
    expect(keyPolicyPrincipal(`arn:aws:sts::${ACCOUNT_ID}:assumed-role/Admin/me@example.com`)).to.equal(
      `arn:aws:iam::${ACCOUNT_ID}:role/Admin`,
    );
    expect(keyPolicyPrincipal(appUser)).to.equal(appUser);
    expect(keyPolicyPrincipal(`arn:aws:iam::${ACCOUNT_ID}:role/path/R`)).to.equal(
      `arn:aws:iam::${ACCOUNT_ID}:role/path/R`,
    );
  });

  it("builds the account root ARN", () => {
    expect(accountRoot("aws-us-gov", ACCOUNT_ID)).to.equal(`arn:aws-us-gov:iam::${ACCOUNT_ID}:root`);
  });
});
