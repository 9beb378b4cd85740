/**
 * Deploy-time checks of a key policy, as KMS's CreateKey and PutKeyPolicy make them (KMS API reference,
 * CreateKey: MalformedPolicyDocumentException; BypassPolicyLockoutSafetyCheck).
 */
import { expect } from "chai";
import { AwsError } from "../../../sandbox/errors";
import {
  ACCOUNT_ID,
  APP_USER,
  DEPLOYER,
  KEY_ARN,
  NOBODY,
  keyPolicy,
  seedAuthorizer,
} from "../../support/seedAuthorizer";
import { rejectionIfAny } from "../../support/errors";
import { OTHER_ACCOUNT_ID } from "../../support/accounts";

const rejection = (promise: Promise<void>): Promise<AwsError | undefined> => rejectionIfAny(promise);

const INVALID_PRINCIPALS = "Policy contains a statement with one or more invalid principals.";
const LOCKOUT = "The new key policy will not allow you to update the key policy in the future.";

describe("sandbox/iam key policy validation", () => {
  const authorizer = seedAuthorizer();

  it("accepts the program's key policy for the deployer", async () => {
    expect(
      await rejection(
        authorizer.validateKeyPolicy({ keyArn: KEY_ARN, policy: keyPolicy([APP_USER]), callerArn: DEPLOYER }),
      ),
    ).to.equal(undefined);
  });

  it("accepts it as JSON text, as the plan holds it", async () => {
    const policy = JSON.stringify(keyPolicy([APP_USER]));
    expect(
      await rejection(authorizer.validateKeyPolicy({ keyArn: KEY_ARN, policy, callerArn: DEPLOYER })),
    ).to.equal(undefined);
  });

  it("refuses a key user that does not exist", async () => {
    const ghost = `arn:aws:iam::${ACCOUNT_ID}:user/ghost`;
    const error = await rejection(
      authorizer.validateKeyPolicy({ keyArn: KEY_ARN, policy: keyPolicy([ghost]), callerArn: DEPLOYER }),
    );
    expect(error).to.be.instanceOf(AwsError);
    expect(error).to.include({ code: "MalformedPolicyDocumentException", message: INVALID_PRINCIPALS });
  });

  it("accepts account roots and bare account ids of any account, and the * principal", async () => {
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: [`arn:aws:iam::${ACCOUNT_ID}:root`, OTHER_ACCOUNT_ID] },
          Action: "kms:*",
          Resource: "*",
        },
        { Effect: "Allow", Principal: "*", Action: "kms:DescribeKey", Resource: "*" },
        {
          Effect: "Allow",
          Principal: { Service: "dynamodb.amazonaws.com" },
          Action: "kms:Decrypt",
          Resource: "*",
        },
      ],
    };
    expect(
      await rejection(authorizer.validateKeyPolicy({ keyArn: KEY_ARN, policy, callerArn: DEPLOYER })),
    ).to.equal(undefined);
  });

  it("refuses a policy that locks the deployer out of PutKeyPolicy, unless the check is bypassed", async () => {
    // Only the key user, only through DynamoDB: neither the root nor the deployer can change the policy.
    const policy = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: APP_USER }, Action: "kms:*", Resource: "*" }],
    };
    const error = await rejection(
      authorizer.validateKeyPolicy({ keyArn: KEY_ARN, policy, callerArn: DEPLOYER }),
    );
    expect(error).to.include({ code: "MalformedPolicyDocumentException", message: LOCKOUT });
    const bypassed = authorizer.validateKeyPolicy({
      keyArn: KEY_ARN,
      policy,
      callerArn: DEPLOYER,
      bypassPolicyLockoutSafetyCheck: true,
    });
    expect(await rejection(bypassed)).to.equal(undefined);
  });

  it("refuses a policy that lets only a principal other than the caller manage the key", async () => {
    const policy = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: DEPLOYER }, Action: "kms:*", Resource: "*" }],
    };
    expect(
      await rejection(authorizer.validateKeyPolicy({ keyArn: KEY_ARN, policy, callerArn: DEPLOYER })),
    ).to.equal(undefined);
    const error = await rejection(
      authorizer.validateKeyPolicy({ keyArn: KEY_ARN, policy, callerArn: NOBODY }),
    );
    expect(error).to.include({ code: "MalformedPolicyDocumentException", message: LOCKOUT });
  });

  it("refuses a document that is not a policy, naming the key", async () => {
    const error = await rejection(
      authorizer.validateKeyPolicy({ keyArn: KEY_ARN, policy: "{not json", callerArn: DEPLOYER }),
    );
    expect(error?.code).to.equal("MalformedPolicyDocumentException");
    expect(error?.message).to.contain(KEY_ARN);
  });
});
