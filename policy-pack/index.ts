// The policy pack `pulumi preview --policy-pack policy-pack` loads. It only assembles the rules:
// constructing a PolicyPack starts the Analyzer gRPC server at once, so tests import rules/ instead.
import { PolicyPack } from "@pulumi/policy";
import { dynamodbPolicies } from "./rules/dynamodb";
import { iamPolicies } from "./rules/iam";
import { kmsPolicies } from "./rules/kms";
import { PACK_README, PACK_REPOSITORY } from "./rules/metadata";

new PolicyPack("kms-dynamodb", {
  displayName: "KMS-encrypted DynamoDB",
  description:
    "DynamoDB tables on customer-managed KMS keys, failing closed at preview; KMS key and IAM guards.",
  readme: PACK_README,
  provider: "aws",
  tags: ["aws", "dynamodb", "kms", "iam", "encryption-at-rest"],
  repository: PACK_REPOSITORY,
  policies: [...dynamodbPolicies, ...kmsPolicies, ...iamPolicies],
});
