import { expect } from "chai";
import { secretRedactor } from "../../checks/redact";
import type { StackOutputs } from "../../infra/outputs";
import { ACCOUNT_ID } from "../support/accounts";

describe("checks: keeping secrets out of text", () => {
  it("replaces every occurrence of every user's secret access key, and nothing else", () => {
    const user = {
      arn: `arn:aws:iam::${ACCOUNT_ID}:user/a`,
      dynamodbAccess: "full" as const,
      keyUser: true,
      accessKeyId: "AKIAAAAAAAAAAAAAAAAA",
    };
    const outputs = {
      users: {
        a: { ...user, secretAccessKey: "first/Secret+Key" },
        b: { ...user, secretAccessKey: "secondSecretKey" },
      },
    } as unknown as StackOutputs;
    const redact = secretRedactor(outputs);
    expect(
      redact(
        "got first/Secret+Key and secondSecretKey, then first/Secret+Key again for AKIAAAAAAAAAAAAAAAAA",
      ),
    ).to.equal("got [secret] and [secret], then [secret] again for AKIAAAAAAAAAAAAAAAAA");
  });
});
