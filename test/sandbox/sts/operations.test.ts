/**
 * The STS operation table (sandbox/sts/operations.ts): each entry is an action of the STS API (the AWS
 * SDK v3 STS client has its command); GetCallerIdentity needs no permission ("No permissions are required
 * to perform this operation", STS API reference), AssumeRole is sts:AssumeRole.
 */
import * as stsSdk from "@aws-sdk/client-sts";
import { expect } from "chai";
import { isStsOperation, STS_OPERATION_TABLE, STS_OPERATIONS } from "../../../sandbox/sts/operations";

describe("the STS operation table", () => {
  it("lists actions of the STS API with the permission each needs", () => {
    const sdk = stsSdk as unknown as Record<string, unknown>;
    for (const name of STS_OPERATIONS) {
      expect(sdk[`${name}Command`], `${name}Command`).to.be.a("function");
    }
    expect(STS_OPERATION_TABLE.GetCallerIdentity.iamAction).to.equal(null);
    expect(STS_OPERATION_TABLE.AssumeRole.iamAction).to.equal("sts:AssumeRole");
    expect(isStsOperation("AssumeRole")).to.equal(true);
    expect(isStsOperation("hasOwnProperty")).to.equal(false);
  });
});
