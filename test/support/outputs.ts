/**
 * Stack outputs (docs/contracts.md section 2) as tests need them: a valid document to change one field
 * of, and a copy with one user's intent changed.
 */
import type { StackOutputs } from "../../infra/outputs";
import { ACCOUNT_ID, EXAMPLE_ACCESS_KEY_ID, EXAMPLE_SECRET_ACCESS_KEY, REGION } from "./accounts";

/** Valid outputs of a dev stack with one user, `app-user` (readwrite, key user); `user` overrides its fields. */
export function exampleOutputs(user: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    region: REGION,
    accountId: ACCOUNT_ID,
    keyArn: `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    keyAlias: "alias/kms-dynamodb-dev",
    tableName: "kms-dynamodb-dev",
    tableArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/kms-dynamodb-dev`,
    users: {
      "app-user": {
        arn: `arn:aws:iam::${ACCOUNT_ID}:user/app-user`,
        dynamodbAccess: "readwrite",
        keyUser: true,
        accessKeyId: EXAMPLE_ACCESS_KEY_ID,
        secretAccessKey: EXAMPLE_SECRET_ACCESS_KEY,
        ...user,
      },
    },
  };
}

/** A deep copy of the outputs with one user's fields changed: intent that differs from the deployment. */
export function withUser(
  outputs: StackOutputs,
  name: string,
  user: Partial<StackOutputs["users"][string]>,
): StackOutputs {
  const copy = structuredClone(outputs);
  copy.users[name] = { ...copy.users[name], ...user };
  return copy;
}
