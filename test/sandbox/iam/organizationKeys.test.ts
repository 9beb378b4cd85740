/**
 * sandbox/iam/organizationKeys.ts: the four organization condition keys for a principal's and a
 * resource's account. IAM User Guide, "AWS global condition context keys"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
 * aws:PrincipalOrgID and aws:ResourceOrgID are the organization's id, aws:PrincipalOrgPaths and
 * aws:ResourceOrgPaths the path `o-id/r-id/ou-id/…/` (a multivalued key of one value here), each present
 * only when the account is a member of an organization.
 */
import { expect } from "chai";
import { ABSENT, UNKNOWN } from "../../../sandbox/iam/evaluation";
import { organizationKeys, type OrganizationTreeSpec } from "../../../sandbox/iam/organizationKeys";

const TREE: OrganizationTreeSpec = {
  id: "o-a1b2c3d4e5",
  accounts: new Map<string, readonly string[] | undefined>([
    ["111111111111", ["r-ab12", "ou-ab12-11111111", "ou-ab12-22222222"]],
    ["222222222222", ["r-ab12"]],
    ["333333333333", undefined],
  ]),
  complete: true,
};

describe("organization condition keys", () => {
  it("gives a member account's id and path, down to its parent OU", () => {
    expect(organizationKeys(TREE, "111111111111", "222222222222")).to.deep.equal({
      "aws:PrincipalOrgID": "o-a1b2c3d4e5",
      "aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-22222222/"],
      "aws:ResourceOrgID": "o-a1b2c3d4e5",
      "aws:ResourceOrgPaths": ["o-a1b2c3d4e5/r-ab12/"],
    });
  });

  it("leaves them out for an account outside a whole member list and for a caller of no account", () => {
    const keys = organizationKeys(TREE, "999999999999", "");
    expect(Object.values(keys).every((value) => value === ABSENT)).to.equal(true);
  });

  it("is unknown where membership or place cannot be told", () => {
    expect(organizationKeys(TREE, "333333333333", "111111111111")["aws:PrincipalOrgPaths"]).to.equal(UNKNOWN);
    expect(organizationKeys(TREE, "333333333333", "111111111111")["aws:PrincipalOrgID"]).to.equal(
      "o-a1b2c3d4e5",
    );
    const partial = { ...TREE, complete: false };
    expect(organizationKeys(partial, "999999999999", "111111111111")["aws:PrincipalOrgID"]).to.equal(UNKNOWN);
    expect(organizationKeys(undefined, "111111111111", "111111111111")["aws:ResourceOrgID"]).to.equal(
      UNKNOWN,
    );
  });
});
