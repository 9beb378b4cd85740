/**
 * The input properties whose change makes the AWS provider replace a resource instead of updating it
 * in place, per resource type the project meets. @pulumi/aws bridges the Terraform AWS provider, whose
 * schema marks these `ForceNew`; its documentation says "Forces new resource" (or "Changing this
 * forces a new resource") on each of them. Any other input change is an update in place.
 *
 * One list for the whole project: the plan engine's steps (plan/steps.ts) are the only reader.
 */
export const REPLACE_ON_CHANGE: Readonly<Record<string, readonly string[]>> = {
  // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key :
  // key_usage, customer_master_key_spec, multi_region, xks_key_id and custom_key_store_id force a new key.
  "aws:kms/key:Key": ["keyUsage", "customerMasterKeySpec", "multiRegion", "xksKeyId", "customKeyStoreId"],
  // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_alias :
  // name and name_prefix force a new alias (target_key_id is updated in place, UpdateAlias).
  "aws:kms/alias:Alias": ["name", "namePrefix"],
  // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dynamodb_table :
  // name, hash_key and range_key "(Required/Optional, Forces new resource)", as is every
  // local_secondary_index (LSIs exist only from CreateTable on).
  "aws:dynamodb/table:Table": ["name", "hashKey", "rangeKey", "localSecondaryIndexes"],
  // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_user : name and
  // path are updated in place (IAM UpdateUser), so neither is listed; permissions_boundary too.
  "aws:iam/user:User": [],
  // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_access_key :
  // user and pgp_key force a new key (status is updated in place, UpdateAccessKey).
  "aws:iam/accessKey:AccessKey": ["user", "pgpKey"],
  // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_user_policy :
  // user, name and name_prefix force a new inline policy (policy is PutUserPolicy in place).
  "aws:iam/userPolicy:UserPolicy": ["user", "name", "namePrefix"],
  // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_user_policy_attachment :
  // both arguments, user and policy_arn, force a new attachment.
  "aws:iam/userPolicyAttachment:UserPolicyAttachment": ["user", "policyArn"],
  // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role : name,
  // name_prefix and path force a new role (the trust policy and the rest update in place).
  "aws:iam/role:Role": ["name", "namePrefix", "path"],
  // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role_policy :
  // role, name and name_prefix force a new inline policy.
  "aws:iam/rolePolicy:RolePolicy": ["role", "name", "namePrefix"],
  // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role_policy_attachment :
  // role and policy_arn force a new attachment.
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["role", "policyArn"],
  // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_function :
  // function_name and package_type force a new function (code and configuration update in place).
  "aws:lambda/function:Function": ["name", "packageType"],
};

/** The replace-on-change inputs of `type`; none for a type the project has not met. */
export function replaceOnChange(type: string): readonly string[] {
  return REPLACE_ON_CHANGE[type] ?? [];
}
