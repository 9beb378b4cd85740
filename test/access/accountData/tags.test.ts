/**
 * Tags in account data: a role's and user's IAM tags from `aws iam get-account-authorization-details`
 * (IAM API reference, GetAccountAuthorizationDetails: RoleDetail.Tags and UserDetail.Tags, lists of Key and
 * Value, https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleDetail.html), and a key's from
 * `aws kms list-resource-tags` saved as key-tags/<key id>.json (KMS API reference, ListResourceTags: Tags
 * of TagKey and TagValue, https://docs.aws.amazon.com/kms/latest/APIReference/API_ListResourceTags.html),
 * which become aws:PrincipalTag / aws:ResourceTag (IAM User Guide, "Controlling access to AWS resources
 * using tags"). A key of the data without its tags has unknown tags.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { mergeAccountData } from "../../../access/accountData/merge";
import { readAccountData } from "../../../access/accountData/read";
import type { CloudModel } from "../../../sandbox/engine";
import { writeAccountData } from "../../support/accountData";
import { useTempDir } from "../../support/tempDir";

const ACCOUNT = "123456789012";
const TAGGED_KEY = "1234abcd-12ab-34cd-56ef-1234567890ab";
const UNTAGGED_KEY = "0987dcba-09fe-87dc-65ba-ab0987654321";
const KEY_POLICY = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
  ],
};

describe("access account data: tags of roles, users and keys", () => {
  const dir = useTempDir("account-data-tags");

  function write(): void {
    writeAccountData(dir(), {
      accountId: ACCOUNT,
      users: [{ name: "alice" }],
      roles: [{ name: "ops", trust: KEY_POLICY }],
      keys: [
        { keyId: TAGGED_KEY, region: "us-east-1", policy: KEY_POLICY },
        { keyId: UNTAGGED_KEY, region: "us-east-1", policy: KEY_POLICY },
      ],
    });
    const iamFile = path.join(dir(), "iam-authorization-details.json");
    const iam = JSON.parse(fs.readFileSync(iamFile, "utf8")) as Record<string, Record<string, unknown>[]>;
    iam.RoleDetailList[0].Tags = [{ Key: "team", Value: "blue" }];
    iam.UserDetailList[0].Tags = [{ Key: "team", Value: "red" }];
    fs.writeFileSync(iamFile, JSON.stringify(iam));
    fs.mkdirSync(path.join(dir(), "key-tags"));
    fs.writeFileSync(
      path.join(dir(), "key-tags", `${TAGGED_KEY}.json`),
      JSON.stringify({ Tags: [{ TagKey: "env", TagValue: "prod" }], Truncated: false }),
    );
  }

  it("reads roles', users' and keys' tags", () => {
    write();
    const data = readAccountData(dir());
    expect(data.roles[0].tags).to.deep.equal({ team: "blue" });
    expect(data.users[0].tags).to.deep.equal({ team: "red" });
    expect(data.keyTags.map((entry) => [entry.keyId, entry.tags])).to.deep.equal([
      [TAGGED_KEY, { env: "prod" }],
    ]);
  });

  it("gives the model's principals and keys those tags, and a key without its tags unknown ones", () => {
    write();
    const model: CloudModel = {
      accountId: ACCOUNT,
      region: "us-east-1",
      partition: "aws",
      deployer: { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/deployer`, userId: "AIDADEPLOYER" },
      deployerSource: "given",
      principals: [],
      policies: [],
      keys: [],
      grants: [],
      tables: [],
      notDeployed: [],
      unknowns: [],
    };
    mergeAccountData(model, readAccountData(dir()));
    const tagsOf = (name: string) => model.principals.find((principal) => principal.name === name)?.tags;
    expect(tagsOf("ops")).to.deep.equal({ team: "blue" });
    expect(tagsOf("alice")).to.deep.equal({ team: "red" });
    const keyTags = (keyId: string) => model.keys.find((key) => key.keyId === keyId)?.tags;
    expect(keyTags(TAGGED_KEY)).to.deep.equal({ env: "prod" });
    expect(keyTags(UNTAGGED_KEY)).to.equal("unknown");
  });

  it("asks for list-resource-tags output to be saved under key-tags/, named by the key", () => {
    writeAccountData(dir(), { accountId: ACCOUNT });
    fs.writeFileSync(path.join(dir(), "tags.json"), JSON.stringify({ Tags: [], Truncated: false }));
    expect(() => readAccountData(dir())).to.throw(/key-tags\/<key id>\.json/);
  });
});
