import { expect } from "chai";
import { diffPlans, formatChanges } from "../../plan/diff";
import { synthesize } from "../../plan/synth";
import { Plan } from "../../plan/types";
import { devConfig } from "../helpers/plan";

describe("diffPlans", () => {
  let dev: Plan;
  before(async () => {
    dev = await synthesize({ stack: "dev" });
  });
  const users = () => devConfig()["kms-dynamodb:users"] as { name: string; keyUser: boolean }[];

  it("finds nothing to do between two plans of the same config", async () => {
    const again = await synthesize({ stack: "dev" });
    expect(diffPlans(dev, again).filter((c) => c.op !== "same")).to.deep.equal([]);
  });

  it("sees a grant as an in-place update of the key policy alone", async () => {
    const granted = await synthesize({
      stack: "dev",
      config: devConfig({ "kms-dynamodb:users": users().map((u) => ({ ...u, keyUser: true })) }),
    });
    const changes = diffPlans(dev, granted).filter((c) => c.op !== "same");
    expect(changes.map((c) => [c.type, c.op, c.changed])).to.deep.equal([
      ["aws:kms/key:Key", "update", ["policy"]],
    ]);
    expect(formatChanges(changes)).to.deep.equal(["~ aws:kms/key:Key kms-dynamodb-key: update [policy]"]);
  });

  it("sees a new table name as a replacement, and a new user as creates", async () => {
    const changed = await synthesize({
      stack: "dev",
      config: devConfig({
        "kms-dynamodb:tableName": "renamed",
        "kms-dynamodb:users": [...users(), { name: "extra", dynamodbAccess: "readonly", keyUser: false }],
      }),
    });
    const changes = diffPlans(dev, changed);
    expect(changes.find((c) => c.type === "aws:dynamodb/table:Table")?.op).to.equal("replace");
    expect(
      changes.filter((c) => c.op === "create" && c.urn.endsWith("::extra")).map((c) => c.type),
    ).to.include("aws:iam/user:User");
  });

  it("sees a removed user as deletes", async () => {
    const fewer = await synthesize({
      stack: "dev",
      config: devConfig({ "kms-dynamodb:users": [users()[0]] }),
    });
    const deleted = diffPlans(dev, fewer).filter((c) => c.op === "delete");
    expect(deleted.map((c) => c.type)).to.include.members([
      "aws:iam/user:User",
      "aws:iam/accessKey:AccessKey",
    ]);
  });
});
