/**
 * Every condition key of the Service Authorization Reference pages for Amazon DynamoDB, AWS KMS and AWS
 * STS, and every AWS global condition context key (IAM User Guide, "AWS global condition context keys",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html), with what the
 * sandbox puts in a request's context:
 * - `modelled`: computed from the request and its caller as AWS computes it, where AWS puts it;
 * - `absent`: AWS would not put it in any request the sandbox accepts, so it is absent, as on AWS (a
 *   condition on it evaluates as on a missing key);
 * - `refused`: AWS would put it in some request, and the sandbox cannot compute it: a request whose
 *   decision depends on it is refused (HTTP 400 NotModelledBySandboxException naming the key), never
 *   decided as if the key were absent.
 * docs/authorization.md's table of condition keys is generated from these lists (`npm run docs`).
 */
import { ABSENT, UNKNOWN, type RequestContext } from "./evaluation";

export type ConditionKeyStatus = "modelled" | "absent" | "refused";

export interface ConditionKeyEntry {
  /** As the page writes it; `tag-key`, `${TagKey}`, `${EncryptionContextKey}` stand for any text. */
  readonly key: string;
  readonly status: ConditionKeyStatus;
  readonly why: string;
}

export interface ServiceConditionKeyEntry extends ConditionKeyEntry {
  /** The Service Authorization Reference page that lists it. */
  readonly page: "dynamodb" | "kms" | "sts";
}

export const GLOBAL_CONDITION_KEYS: readonly ConditionKeyEntry[] = [
  {
    key: "aws:PrincipalArn",
    status: "modelled",
    why: "Computed from the authenticated principal; already right.",
  },
  { key: "aws:PrincipalAccount", status: "modelled", why: "the principal's account" },
  {
    key: "aws:PrincipalOrgID",
    status: "modelled",
    why: "the organization's id (o-…) when the principal's account is a member (the plan's aws.organizations resources, or the account data's organizations outputs); absent for an account the model knows is outside it; refused for an account whose membership the model cannot tell (no organization known, or a member list not whole); the static proof shows such a decision as conditional",
  },
  {
    key: "aws:PrincipalOrgPaths",
    status: "modelled",
    why: "the principal's account's path, o-id/r-id/ou-id/…/ (one value), as aws:PrincipalOrgID; refused for a member whose place under the root is not known",
  },
  {
    key: "aws:PrincipalTag/tag-key",
    status: "modelled",
    why: "an IAM user's or role's tags (tagsAll); a role session's: its role's, with its session tags (passed, or inherited as transitive) over them; absent for a tag the principal lacks, and for the deploying identity, whose tags no plan holds",
  },
  {
    key: "aws:PrincipalIsAWSService",
    status: "modelled",
    why: "Constant false for every caller the sandbox authenticates.",
  },
  {
    key: "aws:PrincipalServiceName",
    status: "absent",
    why: "No service principal calls the sandbox's APIs.",
  },
  { key: "aws:PrincipalServiceNamesList", status: "absent", why: "As aws:PrincipalServiceName." },
  { key: "aws:PrincipalType", status: "modelled", why: "Already right." },
  {
    key: "aws:userid",
    status: "modelled",
    why: "an IAM user's unique id, a role session's ROLE_ID:SESSION_NAME; the root's account id",
  },
  { key: "aws:username", status: "modelled", why: "Already right." },
  { key: "aws:AssumedRoot", status: "absent", why: "AssumeRoot is not served." },
  { key: "aws:FederatedProvider", status: "absent", why: "Federation is not served." },
  {
    key: "aws:TokenIssueTime",
    status: "modelled",
    why: "a role session's issue time (kept with the session in the data dir); absent for IAM users' long-term keys, as on AWS",
  },
  {
    key: "aws:MultiFactorAuthAge",
    status: "absent",
    why: "Right while SerialNumber/TokenCode are refused; becomes modelled if MFA is.",
  },
  {
    key: "aws:MultiFactorAuthPresent",
    status: "modelled",
    why: "false for role sessions and for a call DynamoDB forwards for a user; absent for long-term keys",
  },
  { key: "aws:ChatbotSourceArn", status: "absent", why: "No such credentials." },
  { key: "aws:Ec2InstanceSourceVpc", status: "absent", why: "No EC2 role credentials." },
  { key: "aws:Ec2InstanceSourcePrivateIPv4", status: "absent", why: "No EC2 role credentials." },
  {
    key: "aws:SourceIdentity",
    status: "modelled",
    why: "a role session's source identity (AssumeRole SourceIdentity, kept through a role chain); absent for other callers",
  },
  { key: "ec2:RoleDelivery", status: "absent", why: "No such credentials." },
  { key: "ec2:SourceInstanceArn", status: "absent", why: "No such credentials." },
  { key: "glue:RoleAssumedBy", status: "absent", why: "No such credentials." },
  { key: "glue:CredentialIssuingService", status: "absent", why: "No such credentials." },
  { key: "lambda:SourceFunctionArn", status: "absent", why: "No such credentials." },
  { key: "ssm:SourceInstanceArn", status: "absent", why: "No such credentials." },
  { key: "identitystore:UserId", status: "absent", why: "No Identity Center." },
  {
    key: "aws:SourceIp",
    status: "modelled",
    why: "the address the request came from (the TCP peer: 127.0.0.1 on the loopback endpoint) on every request path, IAM-policy-only decisions included (KMS ListAliases, ListKeys, ListRetirableGrants, RetireGrant, IAM and Organizations reads); kept in the KMS calls DynamoDB makes for the caller; the static proof shows decisions that read it as conditional",
  },
  { key: "aws:SourceVpc", status: "absent", why: "The sandbox is no VPC endpoint." },
  { key: "aws:SourceVpcArn", status: "absent", why: "As aws:SourceVpc." },
  { key: "aws:SourceVpce", status: "absent", why: "As aws:SourceVpc." },
  { key: "aws:VpceAccount", status: "absent", why: "As aws:SourceVpc." },
  { key: "aws:VpceOrgPaths", status: "absent", why: "As aws:SourceVpc." },
  { key: "aws:VpceOrgID", status: "absent", why: "As aws:SourceVpc." },
  { key: "aws:VpcSourceIp", status: "absent", why: "As aws:SourceVpc." },
  {
    key: "aws:ResourceAccount",
    status: "modelled",
    why: "the resource's account (the caller's for an action on *)",
  },
  {
    key: "aws:ResourceOrgID",
    status: "modelled",
    why: "as aws:PrincipalOrgID, for the account that owns the resource",
  },
  {
    key: "aws:ResourceOrgPaths",
    status: "modelled",
    why: "as aws:PrincipalOrgPaths, for the account that owns the resource",
  },
  {
    key: "aws:ResourceTag/tag-key",
    status: "modelled",
    why: "the tags of the table (an index: its table's), key, role or user acted on, from the plan's tagsAll (tags in a preview) or account data; absent for a tag it lacks; unknown (refused, conditional in the proof) where the tags are not known: a tag value unknown until deployment, a key of account data, a stream",
  },
  {
    key: "aws:CalledVia",
    status: "modelled",
    why: "[dynamodb.amazonaws.com] for the KMS calls DynamoDB makes for the caller; absent for direct calls",
  },
  { key: "aws:CalledViaFirst", status: "modelled", why: "First service of the chain; one hop here." },
  { key: "aws:CalledViaLast", status: "modelled", why: "Last service of the chain; one hop here." },
  {
    key: "aws:CalledViaAWSMCP",
    status: "absent",
    why: "No MCP server in front of the sandbox. Unverified availability; the documented use (Deny when set) is unaffected by absence.",
  },
  {
    key: "aws:ViaAWSService",
    status: "modelled",
    why: "true for the KMS calls DynamoDB makes for the caller, false for direct calls",
  },
  {
    key: "aws:ViaAWSMCPService",
    status: "absent",
    why: "As aws:CalledViaAWSMCP; if AWS documents it as always present (false), set false.",
  },
  { key: "aws:CurrentTime", status: "modelled", why: "the sandbox's clock" },
  { key: "aws:EpochTime", status: "modelled", why: "the sandbox's clock" },
  {
    key: "aws:referer",
    status: "modelled",
    why: "the request's Referer header, absent when it has none; unknown (refused when read) in the KMS calls DynamoDB makes for the caller, where AWS does not document what a forward access session carries; the static proof shows decisions that read it as conditional",
  },
  {
    key: "aws:RequestedRegion",
    status: "modelled",
    why: "the region of the request's SigV4 credential scope (the stack's region)",
  },
  {
    key: "aws:RequestTag/tag-key",
    status: "modelled",
    why: "AssumeRole's Tags, in its sts:AssumeRole, sts:TagSession and sts:SetSourceIdentity decisions; no other served request carries tags",
  },
  {
    key: "aws:TagKeys",
    status: "modelled",
    why: "the keys of AssumeRole's Tags, as aws:RequestTag",
  },
  {
    key: "aws:SecureTransport",
    status: "modelled",
    why: "true: AWS SDKs and the CLI call AWS over HTTPS (docs/authorization.md)",
  },
  {
    key: "aws:SourceArn",
    status: "absent",
    why: "The sandbox models no service-principal calls (DynamoDB's grant-based background calls are not requests).",
  },
  { key: "aws:SourceAccount", status: "absent", why: "As aws:SourceArn." },
  { key: "aws:SourceOwner", status: "absent", why: "As aws:SourceArn." },
  { key: "aws:SourceOrgPaths", status: "absent", why: "As aws:SourceArn." },
  { key: "aws:SourceOrgID", status: "absent", why: "As aws:SourceArn." },
  {
    key: "aws:UserAgent",
    status: "modelled",
    why: "the request's User-Agent header, absent when it has none; unknown (refused when read) in the KMS calls DynamoDB makes for the caller, where AWS does not document what a forward access session carries; the static proof shows decisions that read it as conditional",
  },
  { key: "aws:IsMcpServiceAction", status: "absent", why: "No MCP." },
];

export const SERVICE_CONDITION_KEYS: readonly ServiceConditionKeyEntry[] = [
  {
    page: "dynamodb",
    key: "aws:RequestTag/${TagKey}",
    status: "absent",
    why: "only CreateTable/TagResource carry tags; tables are created by the plan, never by clients",
  },
  {
    page: "dynamodb",
    key: "aws:ResourceTag/${TagKey}",
    status: "modelled",
    why: "the table's tags (tagsAll), an index's are its table's; TagResource/UntagResource are not served, so they change only with the plan",
  },
  { page: "dynamodb", key: "aws:TagKeys", status: "absent", why: "as aws:RequestTag" },
  {
    page: "dynamodb",
    key: "dynamodb:Attributes",
    status: "modelled",
    why: "the attribute names the request names; a read without a projection is refused when it decides",
  },
  {
    page: "dynamodb",
    key: "dynamodb:EnclosingOperation",
    status: "modelled",
    why: "TransactWriteItems or TransactGetItems for a transaction's parts; absent otherwise",
  },
  {
    page: "dynamodb",
    key: "dynamodb:FirstPartitionKeyValues",
    status: "absent",
    why: "the SAR lists no action for it (multi-attribute keys); refuse if a deployed table uses multi-attribute keys",
  },
  {
    page: "dynamodb",
    key: "dynamodb:FisActionId",
    status: "absent",
    why: "only dynamodb:InjectError (Fault Injection Service)",
  },
  { page: "dynamodb", key: "dynamodb:FisTargetArns", status: "absent", why: "only dynamodb:InjectError" },
  {
    page: "dynamodb",
    key: "dynamodb:FourthPartitionKeyValues",
    status: "absent",
    why: "as FirstPartitionKeyValues",
  },
  {
    page: "dynamodb",
    key: "dynamodb:FullTableScan",
    status: "absent",
    why: "only dynamodb:PartiQLSelect; PartiQL is not served",
  },
  {
    page: "dynamodb",
    key: "dynamodb:LeadingKeys",
    status: "modelled",
    why: "the partition-key values the request touches; a binary key or an index query is refused when it decides",
  },
  {
    page: "dynamodb",
    key: "dynamodb:ReturnConsumedCapacity",
    status: "modelled",
    why: "the request's ReturnConsumedCapacity, NONE by default",
  },
  {
    page: "dynamodb",
    key: "dynamodb:ReturnValues",
    status: "modelled",
    why: "ReturnValues (NONE by default) for single-item writes, ReturnValuesOnConditionCheckFailure for a transaction's parts; absent for reads",
  },
  {
    page: "dynamodb",
    key: "dynamodb:SecondPartitionKeyValues",
    status: "absent",
    why: "as FirstPartitionKeyValues",
  },
  {
    page: "dynamodb",
    key: "dynamodb:Select",
    status: "modelled",
    why: "Query/Scan: the request value or its default; GetItem/BatchGetItem: undocumented, refused when it decides",
  },
  {
    page: "dynamodb",
    key: "dynamodb:ThirdPartitionKeyValues",
    status: "absent",
    why: "as FirstPartitionKeyValues",
  },
  {
    page: "kms",
    key: "aws:RequestTag/${TagKey}",
    status: "absent",
    why: "only CreateKey/TagResource (keys come from the plan)",
  },
  {
    page: "kms",
    key: "aws:ResourceTag/${TagKey}",
    status: "modelled",
    why: "the key's tags (tagsAll); TagResource/UntagResource are not served; a key policy that reads it is refused (supported only in IAM policies, effect in a key policy undocumented)",
  },
  { page: "kms", key: "aws:TagKeys", status: "absent", why: "only CreateKey/TagResource/UntagResource" },
  {
    page: "kms",
    key: "kms:BypassPolicyLockoutSafetyCheck",
    status: "modelled",
    why: "PutKeyPolicy's BypassPolicyLockoutSafetyCheck, false by default",
  },
  { page: "kms", key: "kms:CallerAccount", status: "modelled", why: "the caller's account" },
  {
    page: "kms",
    key: "kms:CustomerMasterKeySpec",
    status: "modelled",
    why: 'deprecated alias of kms:KeySpec ("work the same way"): SYMMETRIC_DEFAULT; the SAR lists no action, so iam-simulate drops it',
  },
  {
    page: "kms",
    key: "kms:CustomerMasterKeyUsage",
    status: "modelled",
    why: "deprecated alias of kms:KeyUsage: ENCRYPT_DECRYPT",
  },
  { page: "kms", key: "kms:DataKeyPairSpec", status: "absent", why: "only GenerateDataKeyPair*, not served" },
  {
    page: "kms",
    key: "kms:EncryptionAlgorithm",
    status: "modelled",
    why: "SYMMETRIC_DEFAULT for the cryptographic operations (the only algorithm of a symmetric key)",
  },
  {
    page: "kms",
    key: "kms:EncryptionContext:${EncryptionContextKey}",
    status: "modelled",
    why: "the request's encryption context (cryptographic operations, DynamoDB's Decrypt)",
  },
  { page: "kms", key: "kms:EncryptionContextKeys", status: "modelled", why: "as kms:EncryptionContext:*" },
  { page: "kms", key: "kms:ExpirationModel", status: "absent", why: "only ImportKeyMaterial" },
  {
    page: "kms",
    key: "kms:GrantConstraintSourceArn",
    status: "absent",
    why: "CreateGrant's constraints in the served API model have no SourceArn; revisit when the model adds it",
  },
  {
    page: "kms",
    key: "kms:GrantConstraintType",
    status: "modelled",
    why: "CreateGrant: the constraint asked for",
  },
  {
    page: "kms",
    key: "kms:GrantIsForAWSResource",
    status: "modelled",
    why: "CreateGrant: false for a direct call",
  },
  { page: "kms", key: "kms:GrantOperations", status: "modelled", why: "CreateGrant's Operations" },
  { page: "kms", key: "kms:GranteePrincipal", status: "modelled", why: "CreateGrant's GranteePrincipal" },
  {
    page: "kms",
    key: "kms:GranteeServicePrincipal",
    status: "absent",
    why: "no GranteeServicePrincipal member in the served CreateGrant model",
  },
  { page: "kms", key: "kms:KeyAgreementAlgorithm", status: "absent", why: "only DeriveSharedSecret" },
  {
    page: "kms",
    key: "kms:KeyOrigin",
    status: "modelled",
    why: "AWS_KMS: every sandbox key has key material made by KMS",
  },
  {
    page: "kms",
    key: "kms:KeySpec",
    status: "modelled",
    why: "SYMMETRIC_DEFAULT: every sandbox key is a symmetric encryption key",
  },
  { page: "kms", key: "kms:KeyUsage", status: "modelled", why: "ENCRYPT_DECRYPT" },
  { page: "kms", key: "kms:MacAlgorithm", status: "absent", why: "only GenerateMac/VerifyMac" },
  { page: "kms", key: "kms:MessageType", status: "absent", why: "only Sign/Verify" },
  { page: "kms", key: "kms:MultiRegion", status: "modelled", why: "false: sandbox keys are single-Region" },
  {
    page: "kms",
    key: "kms:MultiRegionKeyType",
    status: "absent",
    why: "only multi-Region keys have the property; sandbox keys are single-Region",
  },
  { page: "kms", key: "kms:PrimaryRegion", status: "absent", why: "only UpdatePrimaryRegion" },
  { page: "kms", key: "kms:ReEncryptOnSameKey", status: "absent", why: "only ReEncrypt" },
  {
    page: "kms",
    key: "kms:RecipientAttestation:ImageSha384",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR0",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR1",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR10",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR11",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR12",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR13",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR14",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR15",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR16",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR17",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR18",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR19",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR2",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR20",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR21",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR22",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR23",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR3",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR4",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR5",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR6",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR7",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR8",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:NitroTPMPCR9",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR0",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR1",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR10",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR11",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR12",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR13",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR14",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR15",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR16",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR17",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR18",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR19",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR2",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR20",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR21",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR22",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR23",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR24",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR25",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR26",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR27",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR28",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR29",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR3",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR30",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR31",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR4",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR5",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR6",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR7",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR8",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  {
    page: "kms",
    key: "kms:RecipientAttestation:PCR9",
    status: "absent",
    why: "Recipient is refused, so no request carries an attestation",
  },
  { page: "kms", key: "kms:ReplicaRegion", status: "absent", why: "only ReplicateKey" },
  {
    page: "kms",
    key: "kms:RequestAlias",
    status: "modelled",
    why: "the alias name (alias/NAME) when the request's KeyId is an alias name or alias ARN",
  },
  {
    page: "kms",
    key: "kms:ResourceAliases",
    status: "modelled",
    why: "the alias names (alias/NAME) that point at the key, whatever KeyId the request used",
  },
  { page: "kms", key: "kms:RetiringPrincipal", status: "modelled", why: "CreateGrant's RetiringPrincipal" },
  {
    page: "kms",
    key: "kms:RetiringServicePrincipal",
    status: "absent",
    why: "no RetiringServicePrincipal member in the served CreateGrant model",
  },
  { page: "kms", key: "kms:RotationPeriodInDays", status: "absent", why: "only EnableKeyRotation" },
  {
    page: "kms",
    key: "kms:ScheduleKeyDeletionPendingWindowInDays",
    status: "modelled",
    why: "ScheduleKeyDeletion's PendingWindowInDays, 30 by default",
  },
  { page: "kms", key: "kms:SigningAlgorithm", status: "absent", why: "only Sign/Verify" },
  {
    page: "kms",
    key: "kms:TrailingDaysWithoutKeyUsage",
    status: "modelled",
    why: "DisableKey and ScheduleKeyDeletion: whole days since the key's last successful Encrypt, Decrypt or GenerateDataKey (DynamoDB's Decrypt for a caller included), or since its creation if never used; the last use is kept in the data dir, written at most once an hour (KMS's own record may be an hour late); unknown in the static proof",
  },
  { page: "kms", key: "kms:ValidTo", status: "absent", why: "only ImportKeyMaterial" },
  {
    page: "kms",
    key: "kms:ViaService",
    status: "modelled",
    why: "dynamodb.REGION.amazonaws.com for the calls DynamoDB makes for the caller; absent for direct calls, as on AWS",
  },
  { page: "kms", key: "kms:WrappingAlgorithm", status: "absent", why: "only GetParametersForImport" },
  { page: "kms", key: "kms:WrappingKeySpec", status: "absent", why: "only GetParametersForImport" },
  {
    page: "sts",
    key: "accounts.google.com:aud",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "accounts.google.com:google/organization_number",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "accounts.google.com:oaud",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "accounts.google.com:sub",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.${Domain}.buildkite.dev:build_branch",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.${Domain}.buildkite.dev:cluster_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.${Domain}.buildkite.dev:cluster_name",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.${Domain}.buildkite.dev:organization_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.${Domain}.buildkite.dev:organization_slug",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.${Domain}.buildkite.dev:pipeline_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.${Domain}.buildkite.dev:pipeline_slug",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.${Domain}.buildkite.site:build_branch",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.${Domain}.buildkite.site:cluster_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.${Domain}.buildkite.site:cluster_name",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.${Domain}.buildkite.site:organization_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.${Domain}.buildkite.site:organization_slug",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.${Domain}.buildkite.site:pipeline_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.${Domain}.buildkite.site:pipeline_slug",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.buildkite.com:build_branch",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.buildkite.com:cluster_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.buildkite.com:cluster_name",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.buildkite.com:organization_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.buildkite.com:organization_slug",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.buildkite.com:pipeline_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "agent.buildkite.com:pipeline_slug",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "aws:RequestTag/${TagKey}",
    status: "modelled",
    why: "AssumeRole's Tags (sts:AssumeRole, sts:TagSession, sts:SetSourceIdentity)",
  },
  {
    page: "sts",
    key: "aws:ResourceTag/${TagKey}",
    status: "modelled",
    why: "the role's IAM tags in sts:AssumeRole's decision (and sts:TagSession's, sts:SetSourceIdentity's), as iam:ResourceTag",
  },
  {
    page: "sts",
    key: "aws:TagKeys",
    status: "modelled",
    why: "the keys of AssumeRole's Tags",
  },
  {
    page: "sts",
    key: "cognito-identity.amazonaws.com:amr",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "cognito-identity.amazonaws.com:aud",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "cognito-identity.amazonaws.com:sub",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "github.com/enterprises/${EnterpriseName}:actor",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "github.com/enterprises/${EnterpriseName}:actor_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "github.com/enterprises/${EnterpriseName}:enterprise_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "github.com/enterprises/${EnterpriseName}:environment",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "github.com/enterprises/${EnterpriseName}:job_workflow_ref",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "github.com/enterprises/${EnterpriseName}:ref",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "github.com/enterprises/${EnterpriseName}:repository",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "github.com/enterprises/${EnterpriseName}:repository_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "github.com/enterprises/${EnterpriseName}:repository_owner_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "github.com/enterprises/${EnterpriseName}:workflow",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "gitlab.com:namespace_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "gitlab.com:pipeline_source",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "gitlab.com:project_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "gitlab.com:ref_protected",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "gitlab.com:runner_environment",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "gitlab.com:user_access_level",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "gitlab.com:user_email",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "gitlab.com:user_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "gitlab.com:user_login",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "graph.facebook.com:app_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "graph.facebook.com:id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "iam:ResourceTag/${TagKey}",
    status: "modelled",
    why: "the role's IAM tags (tagsAll, or RoleDetail.Tags of account data), with aws:ResourceTag, in sts:AssumeRole's decision",
  },
  {
    page: "sts",
    key: "idcs-${OciUniqueIdentifier}.identity.oraclecloud.com:rpst_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "oidc.circleci.com/org/${OrgId}:oidc.circleci.com/project-id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:aud",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:cn",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:commonName",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:doc",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:eduorghomepageuri",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:eduorgidentityauthnpolicyuri",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:eduorglegalname",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:eduorgsuperioruri",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:eduorgwhitepagesuri",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:edupersonaffiliation",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:edupersonassurance",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:edupersonentitlement",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:edupersonnickname",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:edupersonorgdn",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:edupersonorgunitdn",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:edupersonprimaryaffiliation",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:edupersonprimaryorgunitdn",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:edupersonprincipalname",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:edupersonscopedaffiliation",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:edupersontargetedid",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:givenName",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:iss",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:mail",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:name",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:namequalifier",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:organizationStatus",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:primaryGroupSID",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:sub",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:sub_type",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:surname",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:uid",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "saml:x500UniqueIdentifier",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  { page: "sts", key: "sts:AWSServiceName", status: "absent", why: "only GetServiceBearerToken" },
  {
    page: "sts",
    key: "sts:DurationSeconds",
    status: "absent",
    why: 'only bearer-token/web-identity-token operations; "not present for AWS STS assume-role operations"',
  },
  {
    page: "sts",
    key: "sts:ExternalId",
    status: "modelled",
    why: "AssumeRole's ExternalId, absent when the request carries none",
  },
  { page: "sts", key: "sts:IdentityTokenAudience", status: "absent", why: "only GetWebIdentityToken" },
  { page: "sts", key: "sts:RequestContext/${ContextKey}", status: "absent", why: "only SetContext" },
  { page: "sts", key: "sts:RequestContextProviders", status: "absent", why: "only SetContext" },
  { page: "sts", key: "sts:RoleAuthorizedByIdp", status: "absent", why: "only AssumeRoleWithWebIdentity" },
  { page: "sts", key: "sts:RoleSessionName", status: "modelled", why: "AssumeRole's RoleSessionName" },
  { page: "sts", key: "sts:SigningAlgorithm", status: "absent", why: "only GetWebIdentityToken" },
  {
    page: "sts",
    key: "sts:SourceIdentity",
    status: "modelled",
    why: "AssumeRole's SourceIdentity, or the calling session's in a role chain; absent otherwise",
  },
  { page: "sts", key: "sts:TaskPolicyArn", status: "absent", why: "only AssumeRoot" },
  {
    page: "sts",
    key: "sts:TransitiveTagKeys",
    status: "modelled",
    why: "AssumeRole's TransitiveTagKeys; absent when it passes none",
  },
  {
    page: "sts",
    key: "token.actions.${Domain}.ghe.com:actor",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.${Domain}.ghe.com:actor_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.${Domain}.ghe.com:enterprise_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.${Domain}.ghe.com:environment",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.${Domain}.ghe.com:job_workflow_ref",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.${Domain}.ghe.com:ref",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.${Domain}.ghe.com:repository",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.${Domain}.ghe.com:repository_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.${Domain}.ghe.com:repository_owner_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.${Domain}.ghe.com:workflow",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com/${SubPath}:actor",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com/${SubPath}:actor_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com/${SubPath}:enterprise_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com/${SubPath}:environment",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com/${SubPath}:job_workflow_ref",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com/${SubPath}:ref",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com/${SubPath}:repository",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com/${SubPath}:repository_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com/${SubPath}:repository_owner_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com/${SubPath}:workflow",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com:actor",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com:actor_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com:enterprise_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com:environment",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com:job_workflow_ref",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com:ref",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com:repository",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com:repository_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com:repository_owner_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "token.actions.githubusercontent.com:workflow",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "www.amazon.com:app_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
  {
    page: "sts",
    key: "www.amazon.com:user_id",
    status: "absent",
    why: "identity-provider key (AssumeRoleWithWebIdentity/AssumeRoleWithSAML); federation is not served",
  },
];

/** A key's pattern as a lower-case exact name, or a prefix for the keys with a variable part. */
function patternOf(key: string): { readonly prefix: boolean; readonly text: string } {
  const variable = /(tag-key|\$\{[A-Za-z]+\})$/.exec(key);
  return variable === null
    ? { prefix: false, text: key.toLowerCase() }
    : { prefix: true, text: key.slice(0, variable.index).toLowerCase() };
}

const REFUSED_EXACT = new Set<string>();
const REFUSED_PREFIXES: string[] = [];
for (const entry of [...GLOBAL_CONDITION_KEYS, ...SERVICE_CONDITION_KEYS]) {
  if (entry.status === "refused") {
    const pattern = patternOf(entry.key);
    if (pattern.prefix) {
      REFUSED_PREFIXES.push(pattern.text);
    } else {
      REFUSED_EXACT.add(pattern.text);
    }
  }
}

/** Whether the sandbox refuses a decision that depends on this (lower-case) key. */
export function isRefusedKey(lowerCaseKey: string): boolean {
  return (
    REFUSED_EXACT.has(lowerCaseKey) || REFUSED_PREFIXES.some((prefix) => lowerCaseKey.startsWith(prefix))
  );
}

/**
 * What a request context holds for a key the request did not set: UNKNOWN for a refused key (a decision
 * that depends on it becomes Conditional, which the sandbox refuses), ABSENT for every other.
 */
export const NOT_SET: RequestContext = {
  get: (lowerCaseKey) => (isRefusedKey(lowerCaseKey) ? UNKNOWN : ABSENT),
};

/** docs/authorization.md's table of condition keys (`npm run docs`). */
export function conditionKeyTable(): string {
  const cell = (text: string): string => text.replace(/\|/g, "\\|");
  const rows = [
    ...SERVICE_CONDITION_KEYS.map(
      (entry) => `| ${entry.page} | \`${cell(entry.key)}\` | ${entry.status} | ${cell(entry.why)} |`,
    ),
    ...GLOBAL_CONDITION_KEYS.map(
      (entry) => `| global | \`${cell(entry.key)}\` | ${entry.status} | ${cell(entry.why)} |`,
    ),
  ];
  const count = (status: ConditionKeyStatus): number =>
    [...SERVICE_CONDITION_KEYS, ...GLOBAL_CONDITION_KEYS].filter((entry) => entry.status === status).length;
  return [
    `${rows.length} keys: ${count("modelled")} modelled, ${count("absent")} absent as on AWS, ${count("refused")} refused.`,
    "",
    "| page | key | status | value, or why |",
    "|---|---|---|---|",
    ...rows,
  ].join("\n");
}
