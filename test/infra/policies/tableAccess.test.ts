import { expect } from "chai";
import { DYNAMODB_READ_ACTIONS, DYNAMODB_WRITE_ACTIONS } from "../../../infra/policies/actions";
import { tableAccessPolicy } from "../../../infra/policies/tableAccess";
import { ACCOUNT_ID } from "../../support/accounts";

const tableArn = `arn:aws:dynamodb:us-east-1:${ACCOUNT_ID}:table/t`;

describe("tableAccessPolicy", () => {
  it("readonly allows reads only, on the table and its indexes", () => {
    const [items, list] = tableAccessPolicy("readonly", tableArn).Statement;
    expect(items.Action).to.deep.equal(DYNAMODB_READ_ACTIONS);
    expect(items.Resource).to.deep.equal([tableArn, `${tableArn}/index/*`]);
    for (const write of DYNAMODB_WRITE_ACTIONS) {
      expect(items.Action).to.not.include(write);
    }
    expect(list).to.deep.include({ Action: ["dynamodb:ListTables"], Resource: "*" });
  });

  it("readwrite allows reads and writes, on the table and its indexes", () => {
    const [items] = tableAccessPolicy("readwrite", tableArn).Statement;
    expect(items.Action).to.have.members([...DYNAMODB_READ_ACTIONS, ...DYNAMODB_WRITE_ACTIONS]);
    expect(items.Resource).to.deep.equal([tableArn, `${tableArn}/index/*`]);
  });

  it("grants no KMS action: key use is the key policy's decision", () => {
    const text = JSON.stringify([
      tableAccessPolicy("readonly", tableArn),
      tableAccessPolicy("readwrite", tableArn),
    ]);
    expect(text).to.not.include("kms:");
  });
});
