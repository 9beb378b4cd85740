import { expect } from "chai";
import { classifyError } from "../../checks/classify";
import { ACCOUNT_ID } from "../support/accounts";

function awsError(name: string, message: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

// Messages as AWS returns them (the KMS one as quoted in aws/aws-cdk issues 10010 and 18616).
const KMS_DENIAL =
  "KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access. (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 0e35c348)";
const IAM_DENIAL = `User: arn:aws:iam::${ACCOUNT_ID}:user/reader is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:${ACCOUNT_ID}:table/data because no identity-based policy allows the dynamodb:PutItem action`;

describe("checks: telling who denied a call", () => {
  it("an IAM denial names the dynamodb action", () => {
    expect(classifyError(awsError("AccessDeniedException", IAM_DENIAL))).to.deep.include({
      actual: "denied-by-iam",
      stoppedBy: "iam",
    });
  });

  it("a KMS denial through DynamoDB names the key service", () => {
    expect(classifyError(awsError("AccessDeniedException", KMS_DENIAL))).to.deep.include({
      actual: "denied-by-kms",
      stoppedBy: "kms",
    });
  });

  it("an access denial naming neither is 'denied-other', never guessed", () => {
    expect(classifyError(awsError("AccessDeniedException", "Access denied"))).to.deep.include({
      actual: "denied-other",
      stoppedBy: "other",
    });
  });

  it("anything else is an error, with its name and a one-line message", () => {
    const result = classifyError(
      awsError("UnrecognizedClientException", "The security token included\nin the request is invalid."),
    );
    expect(result).to.deep.equal({
      actual: "error",
      error: "UnrecognizedClientException: The security token included in the request is invalid.",
    });
  });
});
