// The policy pack `pulumi preview --policy-pack policy-pack` loads: the rules of rules/index.ts with the
// pack's metadata. Constructing a PolicyPack starts the Analyzer gRPC server at once, so tests, the
// benchmark and the docs generator import rules/ instead.
import { PolicyPack } from "@pulumi/policy";
import { PACK_README, PACK_REPOSITORY } from "./lib/metadata";
import { policies } from "./rules";

new PolicyPack("kms-dynamodb", {
  displayName: "KMS-encrypted DynamoDB",
  description:
    "DynamoDB tables on customer-managed KMS keys, failing closed at preview; KMS key and IAM guards.",
  readme: PACK_README,
  provider: "aws",
  tags: ["aws", "dynamodb", "kms", "iam", "encryption-at-rest"],
  repository: PACK_REPOSITORY,
  policies: [...policies],
});
