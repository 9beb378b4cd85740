/**
 * Resource type tokens the rules look at, as the engine sends them. The rules compare type strings
 * instead of importing @pulumi/aws or @pulumi/aws-native: a pack guards any program, and must load
 * (and type-check under run-policy-pack) without either provider SDK installed.
 */
export const DYNAMODB_TABLE = "aws:dynamodb/table:Table";
export const DYNAMODB_TABLE_REPLICA = "aws:dynamodb/tableReplica:TableReplica";
/** DynamoDB global tables version 2017.11.29 (`aws.dynamodb.GlobalTable`). */
export const DYNAMODB_GLOBAL_TABLE_2017 = "aws:dynamodb/globalTable:GlobalTable";
export const NATIVE_DYNAMODB_TABLE = "aws-native:dynamodb:Table";
export const NATIVE_DYNAMODB_GLOBAL_TABLE = "aws-native:dynamodb:GlobalTable";

export const KMS_KEY = "aws:kms/key:Key";
export const KMS_REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey";
/**
 * A KMS key for imported key material, and its multi-Region replica: customer-managed keys whose material
 * the customer supplies (KMS developer guide, "Importing key material for AWS KMS keys").
 */
export const KMS_EXTERNAL_KEY = "aws:kms/externalKey:ExternalKey";
export const KMS_REPLICA_EXTERNAL_KEY = "aws:kms/replicaExternalKey:ReplicaExternalKey";
export const KMS_KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy";
export const KMS_ALIAS = "aws:kms/alias:Alias";
export const NATIVE_KMS_KEY = "aws-native:kms:Key";
export const NATIVE_KMS_ALIAS = "aws-native:kms:Alias";

export const IAM_POLICY = "aws:iam/policy:Policy";
export const IAM_USER_POLICY = "aws:iam/userPolicy:UserPolicy";
export const IAM_GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy";
export const IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
export const IAM_ROLE = "aws:iam/role:Role";
export const IAM_USER_POLICY_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment";
export const IAM_GROUP_POLICY_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment";
export const IAM_ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
export const IAM_POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment";
export const NATIVE_IAM_MANAGED_POLICY = "aws-native:iam:ManagedPolicy";
export const NATIVE_IAM_USER_POLICY = "aws-native:iam:UserPolicy";
export const NATIVE_IAM_GROUP_POLICY = "aws-native:iam:GroupPolicy";
export const NATIVE_IAM_ROLE_POLICY = "aws-native:iam:RolePolicy";
export const NATIVE_IAM_ROLE = "aws-native:iam:Role";
export const NATIVE_IAM_USER = "aws-native:iam:User";
export const NATIVE_IAM_GROUP = "aws-native:iam:Group";
