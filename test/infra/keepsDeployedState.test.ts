/**
 * The program's changes must never replace what a stack already has: a new key would leave every item
 * encrypted under the old one unreadable, a new table would be empty. These checkpoints were recorded
 * from the program before the components' grants existed (test/fixtures/state/README.md); planning the
 * program from them must find nothing to create, replace, update or delete.
 */
import { expect } from "chai";
import { readCheckpoint } from "../../plan/checkpoint";
import { synthesize } from "../../plan/synth";
import type { Plan } from "../../plan/types";
import { fixturePath } from "../support/paths";
import { devConfig } from "../support/plan";

const BEFORE = "state/program-before-grants";

function changes(plan: Plan): string[] {
  return plan.steps
    .filter((step) => step.op !== "same")
    .map((step) => `${step.op} ${step.urn} [${(step.diffReasons ?? []).join(", ")}]`);
}

describe("the program keeps a deployed stack as it is", () => {
  it("plans only `same` steps from the dev stack's checkpoint", async () => {
    const plan = await synthesize({
      stack: "dev",
      previousState: readCheckpoint(fixturePath(`${BEFORE}/dev.json`)),
    });
    expect(changes(plan)).to.deep.equal([]);
    expect(plan.steps).to.have.length.above(10);
  });

  it("plans only `same` steps from a checkpoint with roles and three users", async () => {
    const plan = await synthesize({
      stack: "dev",
      config: devConfig({
        "kms-dynamodb:users": [
          { name: "app-user", dynamodbAccess: "readwrite", keyUser: true },
          { name: "kms-test-user", dynamodbAccess: "full", keyUser: false },
          { name: "reader", dynamodbAccess: "readonly", keyUser: true },
        ],
        "kms-dynamodb:roles": [
          { name: "reporting", dynamodbAccess: "readonly", keyUser: true, trustedUsers: ["app-user"] },
          { name: "auditor", dynamodbAccess: "full", keyUser: false, trustedUsers: ["reader", "app-user"] },
        ],
      }),
      previousState: readCheckpoint(fixturePath(`${BEFORE}/roles.json`)),
    });
    expect(changes(plan)).to.deep.equal([]);
  });
});
