/**
 * Policies outside a principal's own, as the sandbox's one authorizer enforces them (sandbox/iam/
 * policySources.ts, evaluation/evaluate.ts): group policies, permissions boundaries, SCPs and RCPs. Each
 * expectation cites the AWS page it comes from.
 */
import { expect } from "chai";
import { Authorizer, type PolicyDocument } from "../../../sandbox/iam";
import type { SourcePolicies, SourcePolicy } from "../../../sandbox/iam/policySources";
import { KeyRegistry } from "../../../sandbox/kms/keyRegistry";
import { OTHER_ACCOUNT_ID } from "../../support/accounts";
import { ACCOUNT_ID, KEY_ARN, TABLE_ARN, VIA_DYNAMODB } from "../../support/seedAuthorizer";

const USER = `arn:aws:iam::${ACCOUNT_ID}:user/alice`;
const OTHER_USER = `arn:aws:iam::${ACCOUNT_ID}:user/bob`;
const ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/worker`;
const SESSION = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/worker/s1`;
const SERVICE_LINKED_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/aws-service-role/dynamodb.amazonaws.com/AWSServiceRoleForDynamoDB`;
const FOREIGN_USER = `arn:aws:iam::${OTHER_ACCOUNT_ID}:user/carol`;
const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT_ID}:policy/tables-only`;
const READS_ARN = `arn:aws:iam::${ACCOUNT_ID}:policy/reads`;

function policy(...statements: Record<string, unknown>[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements as unknown as PolicyDocument["Statement"] };
}

const ALLOW_GET = policy({ Effect: "Allow", Action: "dynamodb:GetItem", Resource: TABLE_ARN });
const ALLOW_ALL_DYNAMODB = policy({ Effect: "Allow", Action: "dynamodb:*", Resource: "*" });
const ALLOW_DECRYPT = policy({
  Effect: "Allow",
  Action: ["kms:Decrypt", "kms:DescribeKey"],
  Resource: KEY_ARN,
});
const TRUST_ALICE = policy({ Effect: "Allow", Principal: { AWS: USER }, Action: "sts:AssumeRole" });

/** A key policy: the account root (delegating to IAM), and key use for `named` (users or roles) directly. */
function keyPolicy(named: string[]): PolicyDocument {
  return policy(
    {
      Sid: "Root",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    ...(named.length === 0
      ? []
      : [
          {
            Sid: "KeyUsers",
            Effect: "Allow",
            Principal: { AWS: named },
            Action: ["kms:Decrypt", "kms:DescribeKey"],
            Resource: "*",
          },
        ]),
  );
}

/**
 * A group's policies as the engine's generic source parts take them (the deploy side's mapping names them
 * so: sandbox/deploy/policySources/groups.ts): inline ones held together to the group's quota.
 */
function group(
  name: string,
  inline: readonly { name: string; document: PolicyDocument }[] = [],
  managed: readonly string[] = [],
): SourcePolicy[] {
  const holderArn = `arn:aws:iam::${ACCOUNT_ID}:group/${name}`;
  return [
    ...inline.map((entry) => ({
      name: `group:${name}/inline:${entry.name}`,
      document: entry.document,
      label: `group ${name} inline policy ${entry.name}`,
      holderArn,
    })),
    ...managed.map((arn) => ({ name: `group:${name}/${arn}`, managedPolicyArn: arn, holderArn })),
  ];
}

/** A permissions boundary as the engine's generic source parts take it. */
function boundaryOf(arn: string): SourcePolicies {
  return { identity: [], boundary: { name: `boundary:${arn}`, managedPolicyArn: arn } };
}

function authorizerWith(named: string[] = []): Authorizer {
  const keys = new KeyRegistry();
  keys.put({ arn: KEY_ARN, policy: keyPolicy(named) });
  return new Authorizer({ keys });
}

describe("sandbox/iam policies outside the principal's own", () => {
  // The engine knows no source by name: whatever a source's mapping gives is compiled as named. IAM User
  // Guide, "Policy evaluation logic" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
  // identity-based policies allow within the permissions boundary, and a Deny in any of them denies.
  describe("generic source policies", () => {
    it("compile identity policies and a boundary of any source under the names the mapping gives", async () => {
      const authorizer = authorizerWith();
      authorizer.putPrincipal({
        arn: USER,
        customerManagedPolicies: [{ arn: BOUNDARY_ARN, document: ALLOW_ALL_DYNAMODB }],
        sourcePolicies: {
          identity: [
            { name: "team:data/inline:get", document: ALLOW_GET, label: "team data policy get" },
            { name: "team:data/decrypt", document: ALLOW_DECRYPT, label: "team data policy decrypt" },
          ],
          boundary: { name: "ceiling:tables", managedPolicyArn: BOUNDARY_ARN },
        },
      });
      const get = await authorizer.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE_ARN);
      expect(get.allowed).to.equal(true);
      expect(get.statements?.map((statement) => statement.policy)).to.include("team:data/inline:get");
      // The boundary allows DynamoDB only: the source's KMS policy is cut, as a boundary cuts.
      const decrypt = await authorizer.authorizeKms(USER, "kms:Decrypt", KEY_ARN);
      expect(decrypt.allowed).to.equal(false);
      expect(decrypt.policyType).to.equal("permissions boundary");
    });

    it("name a malformed source document by the label the mapping gives (MalformedPolicyDocument)", () => {
      const authorizer = authorizerWith();
      expect(() =>
        authorizer.putPrincipal({
          arn: USER,
          sourcePolicies: {
            identity: [
              { name: "team:data/inline:bad", document: "{not json", label: "team data policy bad" },
            ],
          },
        }),
      )
        .to.throw(/^team data policy bad: the policy is not valid JSON/)
        .with.property("code", "MalformedPolicyDocument");
    });

    it("leave out identity policies of a principal whose identity is unknown, and still compile its boundary", () => {
      // Unknown identity policies are taken at worst whatever the sources add; the boundary still limits.
      const unknown = (boundaryArn: string) => ({
        arn: USER,
        unknownPolicies: ["arn:aws:iam::aws:policy/NotHeld"],
        customerManagedPolicies: [{ arn: BOUNDARY_ARN, document: ALLOW_ALL_DYNAMODB }],
        sourcePolicies: {
          identity: [{ name: "team:data/inline:bad", document: "{not json", label: "team data policy bad" }],
          boundary: { name: "ceiling", managedPolicyArn: boundaryArn },
        },
      });
      const authorizer = authorizerWith();
      expect(() => authorizer.putPrincipal(unknown(BOUNDARY_ARN))).not.to.throw();
      expect(() => authorizer.putPrincipal(unknown(`arn:aws:iam::${ACCOUNT_ID}:policy/missing`)))
        .to.throw()
        .with.property("code", "NoSuchEntity");
    });
  });

  // IAM User Guide, "IAM user groups" (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html):
  // "You can attach an identity-based policy to a user group so that all of the users in the user group
  // receive the policy's permissions."
  describe("IAM groups", () => {
    it("give a member the group's inline and attached policies, and a non-member none", async () => {
      const authorizer = authorizerWith();
      authorizer.putPrincipal({
        arn: USER,
        sourcePolicies: {
          identity: [
            ...group("readers", [{ name: "get", document: ALLOW_GET }]),
            ...group("full", [], ["arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"]),
          ],
        },
      });
      authorizer.putPrincipal({ arn: OTHER_USER });
      const get = await authorizer.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE_ARN);
      expect(get.allowed).to.equal(true);
      expect(get.statements?.map((statement) => statement.policy)).to.include("group:readers/inline:get");
      expect((await authorizer.authorizeDynamoDb(USER, "dynamodb:PutItem", TABLE_ARN)).allowed).to.equal(
        true,
      );
      expect(
        (await authorizer.authorizeDynamoDb(OTHER_USER, "dynamodb:GetItem", TABLE_ARN)).allowed,
      ).to.equal(false);
    });

    it("resolve a customer managed policy attached to the group from the user's documents", async () => {
      const authorizer = authorizerWith();
      authorizer.putPrincipal({
        arn: USER,
        sourcePolicies: { identity: group("readers", [], [READS_ARN]) },
        customerManagedPolicies: [{ arn: READS_ARN, document: ALLOW_GET }],
      });
      const decision = await authorizer.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE_ARN);
      expect(decision.allowed).to.equal(true);
      expect(decision.statements?.[0]?.policy).to.equal(`group:readers/${READS_ARN}`);
    });

    // IAM User Guide, "Policy evaluation logic", "How AWS enforcement code logic evaluates requests to allow
    // or deny access" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html):
    // "An explicit deny overrides an explicit allow", whichever identity-based policy holds it.
    it("deny in a group policy overrides the user's own allow", async () => {
      const authorizer = authorizerWith();
      authorizer.putPrincipal({
        arn: USER,
        inlinePolicies: [{ name: "get", document: ALLOW_GET }],
        sourcePolicies: {
          identity: group("no-get", [
            { name: "deny", document: policy({ Effect: "Deny", Action: "dynamodb:GetItem", Resource: "*" }) },
          ]),
        },
      });
      const decision = await authorizer.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE_ARN);
      expect(decision.outcome).to.equal("ExplicitlyDenied");
      expect(decision.policyType).to.equal("identity-based");
    });

    it("hold a group's inline policies to IAM's quota for groups, 5,120 characters (LimitExceeded)", () => {
      // IAM User Guide, "IAM and AWS STS quotas" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html):
      // group policy size, 5,120 characters, white space not counted.
      const long = (size: number) =>
        policy({ Effect: "Allow", Action: "dynamodb:GetItem", Resource: `${TABLE_ARN}${"x".repeat(size)}` });
      const authorizer = authorizerWith();
      const within = JSON.stringify(long(0)).length;
      expect(() =>
        authorizer.putPrincipal({
          arn: USER,
          sourcePolicies: { identity: group("big", [{ name: "p", document: long(5_120 - within) }]) },
        }),
      ).not.to.throw();
      expect(() =>
        authorizer.putPrincipal({
          arn: USER,
          sourcePolicies: { identity: group("big", [{ name: "p", document: long(5_121 - within) }]) },
        }),
      )
        .to.throw("Maximum policy size of 5120 bytes exceeded for group big")
        .with.property("code", "LimitExceeded");
    });

    it("hold each holder's inline policies to the quota apart: two groups each within it pass together", () => {
      // Same page: the quota is per group ("Aggregate policy size" of one group's inline policies).
      const long = (size: number) =>
        policy({ Effect: "Allow", Action: "dynamodb:GetItem", Resource: `${TABLE_ARN}${"x".repeat(size)}` });
      const within = JSON.stringify(long(0)).length;
      const authorizer = authorizerWith();
      expect(() =>
        authorizer.putPrincipal({
          arn: USER,
          sourcePolicies: {
            identity: [
              ...group("first", [{ name: "p", document: long(5_120 - within) }]),
              ...group("second", [{ name: "p", document: long(5_120 - within) }]),
            ],
          },
        }),
      ).not.to.throw();
    });

    it('grant the key through the key policy\'s account statement (KMS Developer Guide, "Default key policy")', async () => {
      // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html: the root statement
      // "allows IAM policies to allow access to the KMS key"; a group policy is an IAM policy of its members.
      const authorizer = authorizerWith();
      authorizer.putPrincipal({
        arn: USER,
        sourcePolicies: { identity: group("decrypters", [{ name: "kms", document: ALLOW_DECRYPT }]) },
      });
      expect((await authorizer.authorizeKms(USER, "kms:Decrypt", KEY_ARN)).allowed).to.equal(true);
    });
  });

  // IAM User Guide, "Permissions boundaries for IAM entities"
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).
  describe("permissions boundaries", () => {
    const boundary = { arn: BOUNDARY_ARN, document: ALLOW_ALL_DYNAMODB };

    it("limit identity-based policies to what the boundary also allows", async () => {
      // "An entity's permissions boundary allows it to perform only the actions that are allowed by both
      // its identity-based policies and its permissions boundaries."
      const authorizer = authorizerWith();
      authorizer.putPrincipal({
        arn: USER,
        inlinePolicies: [
          { name: "kms", document: ALLOW_DECRYPT },
          { name: "get", document: ALLOW_GET },
        ],
        sourcePolicies: boundaryOf(BOUNDARY_ARN),
        customerManagedPolicies: [boundary],
      });
      expect((await authorizer.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE_ARN)).allowed).to.equal(
        true,
      );
      const decrypt = await authorizer.authorizeKms(USER, "kms:Decrypt", KEY_ARN);
      expect(decrypt.allowed).to.equal(false);
      expect(decrypt.policyType).to.equal("permissions boundary");
    });

    it("do not limit a key policy that names the user itself, in the same account", async () => {
      // "Within an account, an implicit deny in a permissions boundary does not limit the permissions
      // granted to an IAM user by a resource-based policy" (section "Resource-based policies"); a key
      // policy is a resource-based policy (KMS Developer Guide, "Key policies in AWS KMS").
      const authorizer = authorizerWith([USER]);
      authorizer.putPrincipal({
        arn: USER,
        sourcePolicies: boundaryOf(BOUNDARY_ARN),
        customerManagedPolicies: [boundary],
      });
      expect((await authorizer.authorizeKms(USER, "kms:Decrypt", KEY_ARN)).allowed).to.equal(true);
      expect(
        (await authorizer.authorizeKmsViaDynamoDb(USER, "kms:Decrypt", KEY_ARN, VIA_DYNAMODB)).allowed,
      ).to.equal(true);
    });

    it("limit a key policy that names the role's ARN, for its sessions, which carry the role's boundary", async () => {
      // Same section: resource-based policies that grant permissions to the ARN of an IAM role "are limited
      // by an implicit deny in a permissions boundary or session policy"; one naming the role session
      // itself is not.
      const namingRole = authorizerWith([ROLE]);
      const namingSession = authorizerWith([SESSION]);
      for (const authorizer of [namingRole, namingSession]) {
        authorizer.putPrincipal({ arn: USER });
        authorizer.putPrincipal({
          arn: ROLE,
          trustPolicy: TRUST_ALICE,
          sourcePolicies: boundaryOf(BOUNDARY_ARN),
          customerManagedPolicies: [boundary],
        });
      }
      const byRole = await namingRole.authorizeKms(SESSION, "kms:Decrypt", KEY_ARN);
      expect(byRole.allowed).to.equal(false);
      expect(byRole.policyType).to.equal("permissions boundary");
      expect((await namingSession.authorizeKms(SESSION, "kms:Decrypt", KEY_ARN)).allowed).to.equal(true);
    });

    it("refuse a boundary whose managed policy the sandbox cannot read (NoSuchEntity, as IAM answers)", () => {
      const authorizer = authorizerWith();
      expect(() =>
        authorizer.putPrincipal({
          arn: USER,
          sourcePolicies: boundaryOf(`arn:aws:iam::${ACCOUNT_ID}:policy/missing`),
        }),
      )
        .to.throw()
        .with.property("code", "NoSuchEntity");
    });
  });

  // AWS Organizations User Guide, "Service control policies (SCPs)"
  // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html) and the IAM
  // User Guide's "How AWS enforcement code logic evaluates requests to allow or deny access": SCPs "apply
  // to principals of the account that they are attached to"; "If the enforcement code doesn't find any
  // applicable Allow statements in the SCPs, the request is explicitly denied".
  describe("service control policies", () => {
    const FULL = {
      name: "scp:FullAWSAccess",
      document: policy({ Effect: "Allow", Action: "*", Resource: "*" }),
    };
    const DENY_DECRYPT = {
      name: "scp:no-decrypt",
      document: policy({ Effect: "Deny", Action: "kms:Decrypt", Resource: "*" }),
    };

    function withScps(
      scps: { name: string; document: PolicyDocument }[][],
      managementAccountId?: string,
    ): Authorizer {
      const authorizer = authorizerWith([USER]);
      authorizer.putPrincipal({ arn: USER, inlinePolicies: [{ name: "get", document: ALLOW_GET }] });
      authorizer.putOrganization({
        accountId: ACCOUNT_ID,
        ...(managementAccountId === undefined ? {} : { managementAccountId }),
        scps,
        rcps: [],
      });
      return authorizer;
    }

    it("deny a member account's principal, even where the key policy names it", async () => {
      const authorizer = withScps([[FULL], [FULL, DENY_DECRYPT]]);
      const decision = await authorizer.authorizeKmsViaDynamoDb(USER, "kms:Decrypt", KEY_ARN, VIA_DYNAMODB);
      expect(decision.outcome).to.equal("ExplicitlyDenied");
      expect(decision.policyType).to.equal("service control policy");
      expect(decision.statements?.map((statement) => statement.policy)).to.include("scp:no-decrypt");
      expect((await authorizer.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE_ARN)).allowed).to.equal(
        true,
      );
    });

    it("deny what a level without an applicable Allow does not allow", async () => {
      // The account level holds only a deny-list SCP, FullAWSAccess detached from it: nothing is allowed there.
      const authorizer = withScps([[FULL], [DENY_DECRYPT]]);
      const decision = await authorizer.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE_ARN);
      expect(decision.allowed).to.equal(false);
      expect(decision.policyType).to.equal("service control policy");
    });

    it("do not affect the management account's principals", async () => {
      // "SCPs don't affect users or roles in the management account. They affect only the member accounts
      // in your organization."
      const authorizer = withScps([[FULL], [FULL, DENY_DECRYPT]], ACCOUNT_ID);
      expect((await authorizer.authorizeKms(USER, "kms:Decrypt", KEY_ARN)).allowed).to.equal(true);
    });

    it("do not restrict service-linked roles", async () => {
      // "SCPs don't affect service-linked roles" (Tasks and entities not restricted by SCPs). The role is
      // asked as itself: the engine reads a role's ARN as a session of it.
      const keys = new KeyRegistry();
      keys.put({ arn: KEY_ARN, policy: keyPolicy([SERVICE_LINKED_ROLE, USER]) });
      const authorizer = new Authorizer({ keys });
      authorizer.putPrincipal({ arn: USER });
      authorizer.putPrincipal({ arn: SERVICE_LINKED_ROLE, trustPolicy: TRUST_ALICE });
      authorizer.putOrganization({ accountId: ACCOUNT_ID, scps: [[FULL, DENY_DECRYPT]], rcps: [] });
      expect((await authorizer.authorizeKms(SERVICE_LINKED_ROLE, "kms:Decrypt", KEY_ARN)).allowed).to.equal(
        true,
      );
      expect((await authorizer.authorizeKms(USER, "kms:Decrypt", KEY_ARN)).allowed).to.equal(false);
    });

    it("do not apply to a principal of another account", async () => {
      // They apply to the principals of the accounts they are attached to only.
      const keys = new KeyRegistry();
      keys.put({ arn: KEY_ARN, policy: keyPolicy([FOREIGN_USER]) });
      const authorizer = new Authorizer({ keys });
      authorizer.putPrincipal({
        arn: FOREIGN_USER,
        inlinePolicies: [{ name: "kms", document: ALLOW_DECRYPT }],
      });
      authorizer.putOrganization({ accountId: ACCOUNT_ID, scps: [[FULL, DENY_DECRYPT]], rcps: [] });
      expect((await authorizer.authorizeKms(FOREIGN_USER, "kms:Decrypt", KEY_ARN)).allowed).to.equal(true);
    });
  });

  // AWS Organizations User Guide, "Resource control policies (RCPs)"
  // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html): RCPs limit
  // the resources of the accounts they are attached to, whoever asks; "RCPs don't affect resources in the
  // management account"; they apply to the services the page lists (S3, STS, KMS, SQS, Secrets Manager).
  describe("resource control policies", () => {
    const DENY_FOREIGN = {
      name: "rcp:org-only",
      document: policy({
        Effect: "Deny",
        Principal: "*",
        Action: "kms:*",
        Resource: "*",
        Condition: { StringNotEqualsIfExists: { "aws:PrincipalAccount": ACCOUNT_ID } },
      }),
    };
    const DENY_ALL_DYNAMODB = {
      name: "rcp:no-dynamodb",
      document: policy({ Effect: "Deny", Principal: "*", Action: "dynamodb:*", Resource: "*" }),
    };

    function withRcps(managementAccountId?: string): Authorizer {
      const keys = new KeyRegistry();
      keys.put({ arn: KEY_ARN, policy: keyPolicy([USER, FOREIGN_USER]) });
      const authorizer = new Authorizer({ keys });
      authorizer.putPrincipal({ arn: USER, inlinePolicies: [{ name: "get", document: ALLOW_GET }] });
      authorizer.putPrincipal({
        arn: FOREIGN_USER,
        inlinePolicies: [{ name: "kms", document: ALLOW_DECRYPT }],
      });
      authorizer.putOrganization({
        accountId: ACCOUNT_ID,
        ...(managementAccountId === undefined ? {} : { managementAccountId }),
        scps: [],
        rcps: [[DENY_FOREIGN, DENY_ALL_DYNAMODB]],
      });
      return authorizer;
    }

    it("deny a principal of another account the account's key, which the key policy names", async () => {
      const authorizer = withRcps();
      const decision = await authorizer.authorizeKms(FOREIGN_USER, "kms:Decrypt", KEY_ARN);
      expect(decision.outcome).to.equal("ExplicitlyDenied");
      expect(decision.policyType).to.equal("resource control policy");
      expect((await authorizer.authorizeKms(USER, "kms:Decrypt", KEY_ARN)).allowed).to.equal(true);
    });

    it("do not apply to a service the RCP page does not list (DynamoDB here)", async () => {
      const authorizer = withRcps();
      expect((await authorizer.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE_ARN)).allowed).to.equal(
        true,
      );
    });

    it("do not affect the management account's resources", async () => {
      const authorizer = withRcps(ACCOUNT_ID);
      expect((await authorizer.authorizeKms(FOREIGN_USER, "kms:Decrypt", KEY_ARN)).allowed).to.equal(true);
    });
  });

  it("moves every principal's version when the organization changes, so no cached decision outlives it", async () => {
    const authorizer = authorizerWith([USER]);
    authorizer.putPrincipal({ arn: USER });
    expect((await authorizer.authorizeKms(USER, "kms:Decrypt", KEY_ARN)).allowed).to.equal(true);
    authorizer.putOrganization({
      accountId: ACCOUNT_ID,
      scps: [[{ name: "scp:deny", document: policy({ Effect: "Deny", Action: "kms:*", Resource: "*" }) }]],
      rcps: [],
    });
    expect((await authorizer.authorizeKms(USER, "kms:Decrypt", KEY_ARN)).allowed).to.equal(false);
  });
});
