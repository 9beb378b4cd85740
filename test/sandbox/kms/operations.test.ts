/**
 * The KMS operation table (sandbox/kms/operations.ts): each entry is an operation of the KMS API (the AWS
 * SDK v3 KMS client has its command) authorized as the IAM action of its name (Service Authorization
 * Reference, "Actions defined by AWS Key Management Service"), and the server routes exactly its names.
 */
import * as kmsSdk from "@aws-sdk/client-kms";
import { expect } from "chai";
import { isKmsOperation, KMS_OPERATION_TABLE, KMS_OPERATIONS } from "../../../sandbox/kms/operations";

describe("the KMS operation table", () => {
  it("lists operations of the KMS API, each authorized as kms:<Operation>", () => {
    const sdk = kmsSdk as unknown as Record<string, unknown>;
    for (const [name, spec] of Object.entries(KMS_OPERATION_TABLE)) {
      expect(sdk[`${name}Command`], `${name}Command`).to.be.a("function");
      expect(spec.iamAction, name).to.equal(`kms:${name}`);
      expect(spec.docs, name).to.match(/\.$/);
    }
  });

  it("routes exactly the table's names", () => {
    expect(KMS_OPERATIONS).to.deep.equal(Object.keys(KMS_OPERATION_TABLE));
    expect(isKmsOperation("Decrypt")).to.equal(true);
    expect(isKmsOperation("CreateKey")).to.equal(false);
    expect(isKmsOperation("toString")).to.equal(false);
  });
});
