/**
 * KMS grant quotas (sandbox/kms/limits.ts): "Grants per KMS key: 50,000" (KMS developer guide, "Resource
 * quotas", LimitExceededException past it); constraint pairs and values (KMS API reference, CreateGrant,
 * Constraints). Making 50,000 grants over the wire to reach the quota is the slow group's business; the
 * rule itself is this.
 */
import { expect } from "chai";
import { checkGrantConstraints, checkGrantsPerKey, MAX_GRANTS_PER_KEY } from "../../../sandbox/kms/limits";
import { thrownBy } from "../../support/errors";

const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("KMS grant quotas (sandbox/kms/limits.ts)", () => {
  it("allows the 50,000th grant of a key and refuses the next with LimitExceededException", () => {
    expect(() => checkGrantsPerKey(MAX_GRANTS_PER_KEY - 1, KEY)).to.not.throw();
    const refused = thrownBy<{ code: string; message: string }>(() =>
      checkGrantsPerKey(MAX_GRANTS_PER_KEY, KEY),
    );
    expect(refused.code).to.equal("LimitExceededException");
    expect(refused.message).to.contain(KEY);
  });

  it("counts pairs and value lengths per constraint, each constraint apart", () => {
    const pairs = (count: number, length: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, "v".repeat(length)]));
    expect(() =>
      checkGrantConstraints({
        encryptionContextEquals: pairs(8, 384),
        encryptionContextSubset: pairs(8, 384),
      }),
    ).to.not.throw();
    const nine = thrownBy<{ code: string; message: string }>(() =>
      checkGrantConstraints({ encryptionContextSubset: pairs(9, 1) }),
    );
    expect(nine).to.deep.include({ code: "ValidationException" });
    expect(nine.message).to.equal(
      "1 validation error detected: Value (a map of 9 pairs) at 'constraints.encryptionContextSubset' failed to " +
        "satisfy constraint: Member must have length less than or equal to 8",
    );
    expect(() => checkGrantConstraints({ encryptionContextEquals: pairs(1, 385) })).to.throw(
      "Map value must satisfy constraint: [Member must have length less than or equal to 384]",
    );
  });
});
