/**
 * The IAM and Organizations operation tables (sandbox/iamService/operations.ts,
 * sandbox/organizations/operations.ts): each entry is an action of its API, authorized as the action of
 * its name (Service Authorization Reference, "Actions defined by AWS Identity and Access Management",
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html;
 * "Actions defined by AWS Organizations",
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html).
 */
import { expect } from "chai";
import { IAM_OPERATION_TABLE, isIamOperation } from "../../../sandbox/iamService/operations";
import {
  isOrganizationsOperation,
  ORGANIZATIONS_OPERATION_TABLE,
} from "../../../sandbox/organizations/operations";

describe("the IAM and Organizations operation tables", () => {
  it("authorize each operation as the action of its name", () => {
    for (const [name, spec] of Object.entries(IAM_OPERATION_TABLE)) {
      expect(spec.iamAction).to.equal(`iam:${name}`);
    }
    for (const [name, spec] of Object.entries(ORGANIZATIONS_OPERATION_TABLE)) {
      expect(spec.iamAction).to.equal(`organizations:${name}`);
    }
    expect(isIamOperation("GetAccountAuthorizationDetails")).to.equal(true);
    expect(isIamOperation("toString")).to.equal(false);
    expect(isOrganizationsOperation("constructor")).to.equal(false);
  });
});
