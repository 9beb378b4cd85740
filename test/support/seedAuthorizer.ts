/**
 * The principals and key of the seed scenario, with policies built by the program's own pure functions
 * (infra/policies), so these tests judge the documents `pulumi up` would deploy.
 */
import { buildKeyPolicy } from "../../infra/policies/keyPolicy";
import { KeyRegistry } from "../../sandbox/kms/keyRegistry";
import { GrantStore } from "../../sandbox/kms/grants";
import { tableAccessPolicy } from "../../infra/policies/tableAccess";
import { Authorizer, type PolicyDocument } from "../../sandbox/iam";
import { ACCOUNT_ID, REGION } from "./accounts";

export { ACCOUNT_ID, REGION };

export const DEPLOYER = `arn:aws:iam::${ACCOUNT_ID}:user/deployer`;
export const APP_USER = `arn:aws:iam::${ACCOUNT_ID}:user/app-user`;
export const KMS_TEST_USER = `arn:aws:iam::${ACCOUNT_ID}:user/kms-test-user`;
export const READER = `arn:aws:iam::${ACCOUNT_ID}:user/reader`;
export const NOBODY = `arn:aws:iam::${ACCOUNT_ID}:user/nobody`;
/** A user granted the key through an identity policy only (the root-delegation path). */
export const IAM_KEY_USER = `arn:aws:iam::${ACCOUNT_ID}:user/iam-key-user`;
export const TABLE_NAME = "app-data";
export const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${TABLE_NAME}`;
export const KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/${KEY_ID}`;
export const FULL_ACCESS_ARN = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess";
export const ADMIN_ACCESS_ARN = "arn:aws:iam::aws:policy/AdministratorAccess";
export const VIA_DYNAMODB = { name: TABLE_NAME, region: REGION, accountId: ACCOUNT_ID };

export function keyPolicy(keyUsers: string[], options: { withRoot?: boolean } = {}): PolicyDocument {
  const policy = buildKeyPolicy({
    partition: "aws",
    accountId: ACCOUNT_ID,
    region: REGION,
    administrators: [DEPLOYER],
    keyUsers,
  }) as PolicyDocument;
  if (options.withRoot === false) {
    const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    return {
      ...policy,
      Statement: statements.filter((statement) => statement.Sid !== "EnableIamPoliciesThroughAccountRoot"),
    };
  }
  return policy;
}

/** An identity policy allowing the key's use directly, as an IAM administrator might attach. */
export const KMS_USE_POLICY: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:GetKeyPolicy"],
      Resource: KEY_ARN,
    },
  ],
};

/** The seed scenario: app-user (readwrite, key user) and kms-test-user (full access, not a key user). */
/** `keys` is where the key lives and `grants` where grants do (their one owners): a test changes them there. */
export function seedAuthorizer(
  options: { withRoot?: boolean } = {},
  keys: KeyRegistry = new KeyRegistry(),
  grants: GrantStore = new GrantStore(),
): Authorizer {
  const authorizer = new Authorizer({ keys, grants });
  authorizer.putPrincipal({ arn: DEPLOYER, managedPolicyArns: [ADMIN_ACCESS_ARN] });
  authorizer.putPrincipal({
    arn: APP_USER,
    inlinePolicies: [
      { name: "app-user-dynamodb", document: tableAccessPolicy("readwrite", TABLE_ARN) as PolicyDocument },
    ],
  });
  authorizer.putPrincipal({ arn: KMS_TEST_USER, managedPolicyArns: [FULL_ACCESS_ARN] });
  authorizer.putPrincipal({
    arn: READER,
    inlinePolicies: [
      { name: "reader-dynamodb", document: tableAccessPolicy("readonly", TABLE_ARN) as PolicyDocument },
    ],
  });
  authorizer.putPrincipal({ arn: NOBODY });
  authorizer.putPrincipal({
    arn: IAM_KEY_USER,
    inlinePolicies: [{ name: "use-key", document: KMS_USE_POLICY }],
    managedPolicyArns: [FULL_ACCESS_ARN],
  });
  keys.put({ arn: KEY_ARN, policy: keyPolicy([APP_USER], options) });
  return authorizer;
}
