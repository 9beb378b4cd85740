// The policy pack `pulumi preview --policy-pack policy-pack` loads. It only assembles the rules:
// constructing a PolicyPack starts the Analyzer gRPC server at once, so tests import rules/ instead.
import { PolicyPack } from "@pulumi/policy";
import { dynamodbPolicies } from "./rules/dynamodb";
import { iamPolicies } from "./rules/iam";
import { kmsPolicies } from "./rules/kms";

new PolicyPack("kms-dynamodb", {
  description:
    "DynamoDB tables on customer-managed KMS keys, failing closed at preview; KMS key and IAM guards.",
  policies: [...dynamodbPolicies, ...kmsPolicies, ...iamPolicies],
});
