/**
 * kms:TrailingDaysWithoutKeyUsage in the static proof's engine (sandbox/engine.ts startEngineForPlan, the
 * Authorizer the proof asks): a plan says nothing of when a key will last be used, so a DisableKey or
 * ScheduleKeyDeletion decision that reads the key is Conditional, naming it, where the sandbox decides it
 * from the key's recorded use (test/sandbox/kms/keyUsage.int.test.ts). The key is in those two actions'
 * context only (Service Authorization Reference, AWS KMS,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html):
 * elsewhere a condition on it evaluates as on a missing key.
 */
import { expect } from "chai";
import { startEngineForPlan } from "../../sandbox/engine";
import { ACCOUNT_ID, buildStackPlan } from "../support/accessStacks";
import { resourceNamed, setInput } from "../support/plan";

describe("access engine: kms:TrailingDaysWithoutKeyUsage", () => {
  it("leaves DisableKey and ScheduleKeyDeletion conditional on the key, and Encrypt decided without it", async () => {
    const plan = buildStackPlan({
      id: "kq",
      users: [{ access: "none", extras: ["allow-create-access-key"], withAccessKey: true }],
      keys: [{ rootStatement: true, keyUsers: [], viaDynamoDbOnly: false, deniedUsers: [], enabled: true }],
      tables: [],
    });
    const keyArn = String(resourceNamed(plan, "aws:kms/key:Key", "kq-k0").outputs.arn);
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:Encrypt"],
          Resource: keyArn,
          Condition: { NumericGreaterThan: { "kms:TrailingDaysWithoutKeyUsage": "30" } },
        },
      ],
    });
    setInput(plan, "aws:iam/userPolicy:UserPolicy", "kq-u0", "policy", policy);
    const stack = await startEngineForPlan(plan);
    const user = `arn:aws:iam::${ACCOUNT_ID}:user/kq-u0`;
    for (const action of ["kms:DisableKey", "kms:ScheduleKeyDeletion"]) {
      const decision = await stack.authorizer.authorizeKms(user, action, keyArn);
      expect(decision.outcome, action).to.equal("Conditional");
      expect(decision.conditions?.map((condition) => condition.key)).to.deep.equal([
        "kms:TrailingDaysWithoutKeyUsage",
      ]);
    }
    // Encrypt's context has no such key: the Allow's condition is false, as on a missing key.
    expect((await stack.authorizer.authorizeKms(user, "kms:Encrypt", keyArn)).outcome).to.equal(
      "ImplicitlyDenied",
    );
  });
});
