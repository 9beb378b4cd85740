/**
 * access/accountData/read.ts: a folder of what the AWS CLI prints is recognized file by file by the shape of
 * each command's output; anything else is one line naming the file (exit 2).
 *
 * Shapes from the AWS CLI Command Reference, each command's Output section and example:
 * - iam get-account-authorization-details:
 *   https://docs.aws.amazon.com/cli/latest/reference/iam/get-account-authorization-details.html
 *   (IAM API reference, GetAccountAuthorizationDetails: "Policies returned by this operation are URL-encoded",
 *   https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html)
 * - kms get-key-policy: https://docs.aws.amazon.com/cli/latest/reference/kms/get-key-policy.html
 * - kms list-grants: https://docs.aws.amazon.com/cli/latest/reference/kms/list-grants.html
 * - organizations list-policies, describe-policy, list-targets-for-policy:
 *   https://docs.aws.amazon.com/cli/latest/reference/organizations/list-policies.html,
 *   https://docs.aws.amazon.com/cli/latest/reference/organizations/describe-policy.html,
 *   https://docs.aws.amazon.com/cli/latest/reference/organizations/list-targets-for-policy.html
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { readAccountData } from "../../../access/accountData/read";
import { isUserError } from "../../../common/userError";
import { accountOfSize, writeAccountData, type AccountDataSpec } from "../../support/accountData";
import { useTempDir } from "../../support/tempDir";

const ACCOUNT = "123456789012";
const KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
const ALLOW_ALL_S3 = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
};
const TRUST_EC2 = {
  Version: "2012-10-17",
  Statement: [
    { Sid: "", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
};
const KEY_POLICY = {
  Version: "2012-10-17",
  Id: "key-default-1",
  Statement: [
    {
      Sid: "Enable IAM User Permissions",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: "kms:*",
      Resource: "*",
    },
  ],
};

/** The CLI reference's example account, in short: two users in groups, a group, an EC2 role, a managed policy. */
const EXAMPLE: AccountDataSpec = {
  accountId: ACCOUNT,
  users: [
    {
      name: "Alice",
      groups: ["Admins"],
      attached: [`arn:aws:iam::${ACCOUNT}:policy/create-update-delete-set-managed-policies`],
    },
    {
      name: "Bob",
      groups: ["Admins"],
      inline: { DenyBillingAndIAMPolicy: ALLOW_ALL_S3 },
      boundary: "arn:aws:iam::aws:policy/ReadOnlyAccess",
    },
  ],
  groups: [{ name: "Admins", attached: ["arn:aws:iam::aws:policy/AdministratorAccess"] }],
  roles: [{ name: "EC2role", trust: TRUST_EC2, attached: ["arn:aws:iam::aws:policy/AmazonS3FullAccess"] }],
  policies: [{ name: "create-update-delete-set-managed-policies", document: ALLOW_ALL_S3 }],
  keys: [
    {
      keyId: KEY_ID,
      region: "us-west-2",
      policy: KEY_POLICY,
      grants: [
        {
          grantId: "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60",
          name: "",
          grantee: `arn:aws:iam::${ACCOUNT}:role/EC2role`,
          operations: ["Decrypt", "Encrypt"],
          encryptionContextSubset: { Department: "IT" },
        },
      ],
    },
  ],
  organizationPolicies: [
    {
      id: "p-examplepolicyid111",
      name: "AllowAllS3Actions",
      type: "SERVICE_CONTROL_POLICY",
      content: ALLOW_ALL_S3,
      targets: [{ id: ACCOUNT, type: "ACCOUNT" }],
    },
  ],
};

function failure(read: () => unknown): string {
  try {
    read();
  } catch (err) {
    expect(isUserError(err), String(err)).to.equal(true);
    const message = (err as Error).message;
    expect(message.split("\n")).to.have.length(1);
    return message;
  }
  throw new Error("expected the read to fail");
}

describe("readAccountData (access/accountData/read.ts)", () => {
  const dir = useTempDir("account-data");

  it("recognizes every command's output by its shape, whatever the file is called", () => {
    writeAccountData(dir(), EXAMPLE);
    const data = readAccountData(dir());
    expect(data.accountId).to.equal(ACCOUNT);
    expect(data.partition).to.equal("aws");
    expect(data.users.map((user) => user.name)).to.deep.equal(["Alice", "Bob"]);
    const bob = data.users[1];
    expect(bob.groups).to.deep.equal(["Admins"]);
    expect(bob.permissionsBoundary).to.equal("arn:aws:iam::aws:policy/ReadOnlyAccess");
    expect(JSON.parse(bob.inlinePolicies[0].document)).to.deep.equal(ALLOW_ALL_S3);
    expect(data.groups[0].attachedPolicies.map((policy) => policy.arn)).to.deep.equal([
      "arn:aws:iam::aws:policy/AdministratorAccess",
    ]);
    expect(JSON.parse(data.roles[0].trustPolicy)).to.deep.equal(TRUST_EC2);
    expect(data.policies.map((policy) => policy.arn)).to.deep.equal([
      `arn:aws:iam::${ACCOUNT}:policy/create-update-delete-set-managed-policies`,
    ]);
    expect(data.keyPolicies.map((key) => key.keyId)).to.deep.equal([KEY_ID]);
    expect(JSON.parse(data.keyPolicies[0].policy)).to.deep.equal(KEY_POLICY);
    expect(data.grants[0]).to.include({
      keyArn: `arn:aws:kms:us-west-2:${ACCOUNT}:key/${KEY_ID}`,
      granteePrincipal: `arn:aws:iam::${ACCOUNT}:role/EC2role`,
    });
    expect(data.grants[0].constraints).to.deep.equal({ encryptionContextSubset: { Department: "IT" } });
    expect(data.organizationPolicies).to.have.length(1);
    expect(data.organizationPolicies[0]).to.include({
      id: "p-examplepolicyid111",
      type: "SERVICE_CONTROL_POLICY",
    });
    expect(JSON.parse(data.organizationPolicies[0].content ?? "")).to.deep.equal(ALLOW_ALL_S3);
    expect(data.organizationPolicies[0].targets?.map((target) => target.targetId)).to.deep.equal([ACCOUNT]);
    // Renamed: the names are free, but for the two outputs that do not name their subject.
    fs.renameSync(path.join(dir(), "iam-authorization-details.json"), path.join(dir(), "whatever.json"));
    expect(readAccountData(dir()).users).to.have.length(2);
  });

  it("decodes IAM's documents when they are URL-encoded, as the API answers them", () => {
    writeAccountData(dir(), { ...EXAMPLE, urlEncoded: true });
    const data = readAccountData(dir());
    expect(JSON.parse(data.roles[0].trustPolicy)).to.deep.equal(TRUST_EC2);
    expect(JSON.parse(data.policies[0].document)).to.deep.equal(ALLOW_ALL_S3);
  });

  it("takes a managed policy's default version, and ignores files that are not *.json and other folders", () => {
    writeAccountData(dir(), { accountId: ACCOUNT });
    const file = path.join(dir(), "iam-authorization-details.json");
    const details = JSON.parse(fs.readFileSync(file, "utf8")) as { Policies: unknown[] };
    details.Policies = [
      {
        PolicyName: "p",
        Arn: `arn:aws:iam::${ACCOUNT}:policy/p`,
        DefaultVersionId: "v2",
        PolicyVersionList: [
          { Document: { Version: "2012-10-17", Statement: [] }, VersionId: "v1", IsDefaultVersion: false },
          { Document: ALLOW_ALL_S3, VersionId: "v2", IsDefaultVersion: true },
        ],
      },
    ];
    fs.writeFileSync(file, JSON.stringify(details));
    fs.writeFileSync(path.join(dir(), "notes.txt"), "not read");
    fs.mkdirSync(path.join(dir(), "old"));
    fs.writeFileSync(path.join(dir(), "old", "junk.json"), "not read either");
    const data = readAccountData(dir());
    expect(JSON.parse(data.policies[0].document)).to.deep.equal(ALLOW_ALL_S3);
    expect(data.files).to.deep.equal(["iam-authorization-details.json"]);
  });

  describe("refuses, in one line naming the file", () => {
    const cases: [string, (root: string) => void, RegExp][] = [
      [
        "a file of no known shape",
        (root) => fs.writeFileSync(path.join(root, "describe-key.json"), JSON.stringify({ KeyMetadata: {} })),
        /"[^"]*describe-key\.json" is not the output of a command the account data is read from \(iam get-account-authorization-details;/,
      ],
      [
        "a file that is not JSON",
        (root) => fs.writeFileSync(path.join(root, "x.json"), "{"),
        /^--account-data: "[^"]*x\.json" is not valid JSON/,
      ],
      [
        "a key policy whose key cannot be told",
        (root) =>
          fs.writeFileSync(
            path.join(root, "policy.json"),
            JSON.stringify({ Policy: "{}", PolicyName: "default" }),
          ),
        /"[^"]*policy\.json" is the output of kms get-key-policy, which does not name its key: save it as key-policies\/<key id>\.json$/,
      ],
      [
        "a key policy named for no key id",
        (root) => {
          fs.mkdirSync(path.join(root, "key-policies"), { recursive: true });
          fs.writeFileSync(path.join(root, "key-policies", "my-key.json"), JSON.stringify({ Policy: "{}" }));
        },
        /is named "my-key", which is not a KMS key id/,
      ],
      [
        "another command's output in key-policies/",
        (root) => {
          fs.mkdirSync(path.join(root, "key-policies"), { recursive: true });
          fs.writeFileSync(
            path.join(root, "key-policies", "1111abcd-12ab-34cd-56ef-1234567890ab.json"),
            JSON.stringify({ Grants: [] }),
          );
        },
        /is in key-policies\/, which holds the output of kms get-key-policy only/,
      ],
      [
        "targets whose policy cannot be told",
        (root) => fs.writeFileSync(path.join(root, "targets.json"), JSON.stringify({ Targets: [] })),
        /does not name its policy: save it as policy-targets\/<policy id>\.json$/,
      ],
      [
        "targets of a policy the folder does not describe",
        (root) => {
          fs.rmSync(path.join(root, "policy-targets"), { recursive: true });
          fs.mkdirSync(path.join(root, "policy-targets"));
          fs.writeFileSync(
            path.join(root, "policy-targets", "p-abcdefgh12.json"),
            JSON.stringify({ Targets: [] }),
          );
        },
        /is about the policy "p-abcdefgh12", which no list-policies or describe-policy output of the folder names/,
      ],
      [
        "one page of the IAM entities (the CLI's NextToken)",
        (root) => {
          const file = path.join(root, "iam-authorization-details.json");
          fs.writeFileSync(
            file,
            JSON.stringify({ ...JSON.parse(fs.readFileSync(file, "utf8")), NextToken: "abc" }),
          );
        },
        /NextToken: it holds one page of the account's IAM entities, not all of them: run the command again without --max-items/,
      ],
      [
        "a field of the wrong type, by its path",
        (root) => {
          const file = path.join(root, "iam-authorization-details.json");
          const value = JSON.parse(fs.readFileSync(file, "utf8")) as {
            RoleDetailList: Record<string, unknown>[];
          };
          value.RoleDetailList[0].AssumeRolePolicyDocument = "%7Bnot json";
          fs.writeFileSync(file, JSON.stringify(value));
        },
        /RoleDetailList\[0\]\.AssumeRolePolicyDocument: expected a policy document \(a JSON object, or its JSON text, URL-encoded or not\), got "%7Bnot json"$/,
      ],
      [
        "two accounts",
        (root) =>
          fs.writeFileSync(
            path.join(root, "zz-grants-other.json"),
            JSON.stringify({
              Grants: [
                {
                  KeyId: `arn:aws:kms:us-west-2:210987654321:key/${KEY_ID}`,
                  GrantId: "g",
                  GranteePrincipal: "x",
                  Operations: [],
                },
              ],
            }),
          ),
        /Grants\[0\]\.KeyId: "arn:aws:kms:us-west-2:210987654321:key\/[^"]+" is in account 210987654321 \(aws\), but "[^"]+" is of account 123456789012 \(aws\): account data describes one account$/,
      ],
      [
        "the same user described two ways",
        (root) =>
          fs.writeFileSync(
            path.join(root, "zz-second.json"),
            JSON.stringify({
              UserDetailList: [
                { UserName: "Alice", UserId: "AIDAOTHER", Arn: `arn:aws:iam::${ACCOUNT}:user/Alice` },
              ],
            }),
          ),
        /zz-second\.json" describes the user "arn:aws:iam::123456789012:user\/Alice" differently from "[^"]*iam-authorization-details\.json": keep one of the two$/,
      ],
      // The policy sources read their part (deploy/policySources/groups.ts, boundaries.ts) with the same
      // one-line errors: IAM API reference, GroupDetail, UserDetail.GroupList, AttachedPermissionsBoundary
      // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html).
      [
        "the same group described two ways",
        (root) =>
          fs.writeFileSync(
            path.join(root, "zz-second.json"),
            JSON.stringify({
              GroupDetailList: [
                { GroupName: "Admins", GroupId: "AGPAOTHER", Arn: `arn:aws:iam::${ACCOUNT}:group/Admins` },
              ],
            }),
          ),
        /zz-second\.json" describes the group "arn:aws:iam::123456789012:group\/Admins" differently from "[^"]*iam-authorization-details\.json": keep one of the two$/,
      ],
      [
        "a group that is not a group's ARN",
        (root) =>
          fs.writeFileSync(
            path.join(root, "zz-second.json"),
            JSON.stringify({
              GroupDetailList: [
                { GroupName: "Ops", GroupId: "AGPAOPS", Arn: `arn:aws:iam::${ACCOUNT}:user/Ops` },
              ],
            }),
          ),
        /zz-second\.json" GroupDetailList\[0\]\.Arn: expected an IAM group ARN, got "arn:aws:iam::123456789012:user\/Ops"$/,
      ],
      [
        "a user's GroupList entry that is not a name",
        (root) =>
          fs.writeFileSync(
            path.join(root, "zz-second.json"),
            JSON.stringify({
              UserDetailList: [
                {
                  UserName: "Carol",
                  UserId: "AIDACAROL",
                  Arn: `arn:aws:iam::${ACCOUNT}:user/Carol`,
                  GroupList: [7],
                },
              ],
            }),
          ),
        /zz-second\.json" UserDetailList\[0\]\.GroupList\[0\]: expected a string$/,
      ],
      [
        "a role's boundary that is not an ARN",
        (root) =>
          fs.writeFileSync(
            path.join(root, "zz-second.json"),
            JSON.stringify({
              RoleDetailList: [
                {
                  RoleName: "Ops",
                  RoleId: "AROAOPS",
                  Arn: `arn:aws:iam::${ACCOUNT}:role/Ops`,
                  AssumeRolePolicyDocument: TRUST_EC2,
                  PermissionsBoundary: { PermissionsBoundaryArn: "ReadOnly" },
                },
              ],
            }),
          ),
        /zz-second\.json" RoleDetailList\[0\]\.PermissionsBoundary\.PermissionsBoundaryArn: expected an IAM policy ARN, got "ReadOnly"$/,
      ],
    ];
    for (const [title, setUp, pattern] of cases) {
      it(title, () => {
        writeAccountData(dir(), EXAMPLE);
        setUp(dir());
        expect(failure(() => readAccountData(dir()))).to.match(pattern);
      });
    }

    it("a folder that names no account, and one that does not exist", () => {
      fs.writeFileSync(path.join(dir(), "scps.json"), JSON.stringify({ Policies: [] }));
      expect(failure(() => readAccountData(dir()))).to.match(
        /names no account: save the output of aws iam get-account-authorization-details in it$/,
      );
      expect(failure(() => readAccountData(path.join(dir(), "nope")))).to.match(
        /^--account-data: "[^"]*nope" does not exist$/,
      );
    });
  });

  it("reads an account of 5,000 users, every one of them (the bench's input, written by test/support)", () => {
    writeAccountData(dir(), accountOfSize({ accountId: ACCOUNT, users: 5000, roles: 100 }));
    const data = readAccountData(dir());
    expect(data.users).to.have.length(5000);
    expect(data.roles).to.have.length(100);
    expect(data.policies).to.have.length(30);
  });
});
