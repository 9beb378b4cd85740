/**
 * The decision: how AWS combines policy types. Each expectation comes from the page named in its
 * describe or it: IAM User Guide ("How AWS enforcement code logic evaluates requests to allow or deny
 * access" (the policy-eval-denyallow page), "Policy evaluation for requests within a single account",
 * "Cross-account policy evaluation logic", "Policies and permissions in IAM" (session policies),
 * "Permissions boundaries for IAM entities", "AWS JSON policy elements: Principal" and "NotPrincipal",
 * "Troubleshoot access denied error messages"), AWS Organizations User Guide ("Service control policies",
 * "Inheritance for service control policies", "Resource control policies"), KMS Developer Guide ("Key
 * policies in AWS KMS", "Default key policy", "Allowing users in other accounts to use a KMS key").
 */
import { expect } from "chai";
import { accessDeniedMessage, type PolicySet } from "../../../../sandbox/iam/evaluation";
import {
  A,
  ALICE,
  B,
  BOB,
  CAROL_B,
  KEY,
  OTHER_SESSION,
  ROLE,
  ROLE_B,
  ROOT_A,
  ROOT_B,
  SESSION,
  SESSION_B,
  TABLE,
  allow,
  ask,
  deny,
  identity,
  outcome,
  policy,
  principal,
  type Statement,
} from "./helpers";

const read = identity(allow("dynamodb:GetItem"));
const readKey = identity(allow("kms:Decrypt"));
const tablePolicy = (...statements: Statement[]) => policy("resource", "table policy", ...statements);
const keyPolicy = (...statements: Statement[]) => policy("kms-key", "key policy", ...statements);
const trustPolicy = (...statements: Statement[]) => policy("role-trust", "trust policy", ...statements);
const grant = (who: unknown, action = "dynamodb:GetItem", extra: Statement = {}): Statement => ({
  Effect: "Allow",
  Principal: typeof who === "string" ? { AWS: who } : who,
  Action: action,
  Resource: "*",
  ...extra,
});
const boundary = (...statements: Statement[]) => policy("boundary", "boundary", ...statements);
const session = (...statements: Statement[]) => [policy("session", "session policy", ...statements)];
const getItem = (who: Parameters<typeof ask>[0], set: Partial<PolicySet>, context = {}) =>
  outcome(who, "dynamodb:GetItem", TABLE, set, context);

describe("Evaluation within one account: identity-based policies (policy-eval-denyallow)", () => {
  it("denies by default, allows on an Allow, and an explicit Deny overrides any Allow", () => {
    expect(ask(ALICE, "dynamodb:GetItem", TABLE, {})).to.deep.include({
      outcome: "ImplicitlyDenied",
      deniedBy: "identity",
    });
    expect(getItem(ALICE, { identity: [read] })).to.equal("Allowed");
    const denied = ask(ALICE, "dynamodb:GetItem", TABLE, { identity: [read, identity(deny("dynamodb:*"))] });
    expect(denied).to.deep.include({ outcome: "ExplicitlyDenied", deniedBy: "identity" });
    expect(denied.statements.map((s) => s.effect)).to.deep.equal(["Deny", "Allow"]);
  });

  it("ORs the statements of all identity-based policies (user and group policies together)", () => {
    expect(getItem(ALICE, { identity: [identity(allow("kms:*")), read] })).to.equal("Allowed");
  });

  it('lets the account root user do anything in its own account ("with the exception of the AWS account root user, which has full access")', () => {
    expect(getItem(ROOT_A, {})).to.equal("Allowed");
  });
});

describe("Evaluation within one account: resource-based policies (policy-eval-denyallow, resource-based policies)", () => {
  it("lets a resource-based policy naming the IAM user allow on its own", () => {
    expect(getItem(ALICE, { resource: tablePolicy(grant(ALICE)) })).to.equal("Allowed");
    expect(getItem(BOB, { resource: tablePolicy(grant(ALICE)) })).to.equal("ImplicitlyDenied");
  });

  it('lets "*" allow principals of the account without any identity-based policy (Principal, All principals)', () => {
    expect(getItem(ALICE, { resource: tablePolicy(grant("*")) })).to.equal("Allowed");
    expect(getItem(SESSION, { resource: tablePolicy(grant({ AWS: "*" })) })).to.equal("Allowed");
  });

  it("takes a policy naming the account as delegation: identity-based policies must allow (Principal, AWS account principals)", () => {
    expect(getItem(ALICE, { resource: tablePolicy(grant(ROOT_A)) })).to.equal("ImplicitlyDenied");
    expect(getItem(ALICE, { resource: tablePolicy(grant(A)), identity: [read] })).to.equal("Allowed");
  });

  it("lets a policy naming a role allow its sessions, and one naming a session allow that session only", () => {
    expect(getItem(SESSION, { resource: tablePolicy(grant(ROLE)) })).to.equal("Allowed");
    expect(getItem(SESSION, { resource: tablePolicy(grant(SESSION)) })).to.equal("Allowed");
    expect(getItem(OTHER_SESSION, { resource: tablePolicy(grant(SESSION)) })).to.equal("ImplicitlyDenied");
  });

  it("lets an explicit Deny in the resource-based policy override identity-based Allows", () => {
    const result = ask(ALICE, "dynamodb:GetItem", TABLE, {
      identity: [read],
      resource: tablePolicy({ ...grant(ALICE), Effect: "Deny" }),
    });
    expect(result).to.deep.include({ outcome: "ExplicitlyDenied", deniedBy: "resource" });
  });
});

describe("Permissions boundaries (Permissions boundaries for IAM entities; policy-eval-denyallow)", () => {
  const onlyKms = boundary(allow("kms:*"));

  it("intersects identity-based policies with the boundary", () => {
    expect(ask(ALICE, "dynamodb:GetItem", TABLE, { identity: [read], boundary: onlyKms })).to.deep.include({
      outcome: "ImplicitlyDenied",
      deniedBy: "boundary",
    });
    expect(getItem(ALICE, { identity: [read], boundary: boundary(allow("dynamodb:*")) })).to.equal("Allowed");
  });

  it("does not limit a same-account resource-based policy naming the IAM user", () => {
    expect(getItem(ALICE, { boundary: onlyKms, resource: tablePolicy(grant(ALICE)) })).to.equal("Allowed");
  });

  it("limits a resource-based policy naming the role ARN, not one naming the session", () => {
    expect(getItem(SESSION, { boundary: onlyKms, resource: tablePolicy(grant(ROLE)) })).to.equal(
      "ImplicitlyDenied",
    );
    expect(getItem(SESSION, { boundary: onlyKms, resource: tablePolicy(grant(SESSION)) })).to.equal(
      "Allowed",
    );
  });

  it("lets an explicit Deny in the boundary deny", () => {
    const result = ask(ALICE, "dynamodb:GetItem", TABLE, {
      identity: [read],
      boundary: boundary(allow("*"), deny("dynamodb:GetItem")),
    });
    expect(result).to.deep.include({ outcome: "ExplicitlyDenied", deniedBy: "boundary" });
  });
});

describe("Session policies (Policies and permissions in IAM, Session policies; policy-eval-denyallow)", () => {
  it("intersects the role's identity-based policies with the session policies", () => {
    expect(
      ask(SESSION, "dynamodb:GetItem", TABLE, { identity: [read], session: session(allow("kms:*")) }),
    ).to.deep.include({
      outcome: "ImplicitlyDenied",
      deniedBy: "session",
    });
    expect(getItem(SESSION, { identity: [read], session: session(allow("dynamodb:GetItem")) })).to.equal(
      "Allowed",
    );
    // Session policies never add permissions.
    expect(getItem(SESSION, { identity: [], session: session(allow("*")) })).to.equal("ImplicitlyDenied");
  });

  it('limits a resource-based policy naming the role ARN ("the intersection of the session policies and the resource-based policies")', () => {
    expect(
      getItem(SESSION, { session: session(allow("kms:*")), resource: tablePolicy(grant(ROLE)) }),
    ).to.equal("ImplicitlyDenied");
    expect(
      getItem(SESSION, { session: session(allow("dynamodb:*")), resource: tablePolicy(grant(ROLE)) }),
    ).to.equal("Allowed");
  });

  it('does not limit a resource-based policy naming the session ARN ("The resource-based policy permissions are not limited by the session policy")', () => {
    expect(
      getItem(SESSION, { session: session(allow("kms:*")), resource: tablePolicy(grant(SESSION)) }),
    ).to.equal("Allowed");
  });

  it("denies a federated user session without a session policy, unlike a role session", () => {
    const federated = `arn:aws:sts::${A}:federated-user/alice`;
    expect(ask(federated, "dynamodb:GetItem", TABLE, { identity: [read] })).to.deep.include({
      outcome: "ImplicitlyDenied",
      deniedBy: "session",
    });
    expect(getItem(federated, { identity: [read], session: session(allow("dynamodb:*")) })).to.equal(
      "Allowed",
    );
    expect(getItem(SESSION, { identity: [read] })).to.equal("Allowed");
  });

  it("limits a grant to the user who federated by the session policy, not a grant to the federated user itself", () => {
    const federated = `arn:aws:sts::${A}:federated-user/alice`;
    expect(
      getItem(federated, { session: session(allow("kms:*")), resource: tablePolicy(grant(ALICE)) }),
    ).to.equal("ImplicitlyDenied");
    expect(
      getItem(federated, { session: session(allow("kms:*")), resource: tablePolicy(grant(federated)) }),
    ).to.equal("Allowed");
  });
});

describe("NotPrincipal (IAM User Guide, AWS JSON policy elements: NotPrincipal)", () => {
  const allowAll = grant(ROOT_A);
  const denyAllBut = (...arns: string[]) => ({
    Effect: "Deny",
    NotPrincipal: { AWS: arns },
    Action: "dynamodb:*",
    Resource: "*",
  });

  it("with Deny spares a user listed with its account, and denies the account's other users", () => {
    const resource = tablePolicy(allowAll, denyAllBut(ALICE, ROOT_A));
    expect(getItem(ALICE, { identity: [read], resource })).to.equal("Allowed");
    expect(getItem(BOB, { identity: [read], resource })).to.equal("ExplicitlyDenied");
  });

  it("listing only the account spares the root user alone", () => {
    const resource = tablePolicy(allowAll, denyAllBut(ROOT_A));
    expect(getItem(ROOT_A, { resource })).to.equal("Allowed");
    expect(getItem(ALICE, { identity: [read], resource })).to.equal("ExplicitlyDenied");
  });

  it('listing a user without its account does not spare it ("you must also specify the account ARN of the not-denied principal")', () => {
    expect(getItem(ALICE, { identity: [read], resource: tablePolicy(allowAll, denyAllBut(ALICE)) })).to.equal(
      "ExplicitlyDenied",
    );
  });

  it("spares a role session only when the session, its role and the account are all listed (the page's role example)", () => {
    expect(
      getItem(SESSION, {
        identity: [read],
        resource: tablePolicy(allowAll, denyAllBut(SESSION, ROLE, ROOT_A)),
      }),
    ).to.equal("Allowed");
    expect(
      getItem(SESSION, { identity: [read], resource: tablePolicy(allowAll, denyAllBut(SESSION, ROOT_A)) }),
    ).to.equal("ExplicitlyDenied");
    expect(
      getItem(SESSION, { identity: [read], resource: tablePolicy(allowAll, denyAllBut(ROLE, ROOT_A)) }),
    ).to.equal("ExplicitlyDenied");
  });

  it("with Deny always denies a principal that has a permissions boundary (Permissions boundaries for IAM entities)", () => {
    const resource = tablePolicy(allowAll, denyAllBut(ALICE, ROOT_A));
    expect(getItem(ALICE, { identity: [read], boundary: boundary(allow("*")), resource })).to.equal(
      "ExplicitlyDenied",
    );
  });

  it("with Allow allows everyone but those listed", () => {
    const resource = tablePolicy({
      Effect: "Allow",
      NotPrincipal: { AWS: [BOB, ROOT_A] },
      Action: "dynamodb:*",
      Resource: "*",
    });
    expect(getItem(ALICE, { resource })).to.equal("Allowed");
    expect(getItem(BOB, { resource })).to.equal("ImplicitlyDenied");
  });
});

describe("KMS key policies (KMS Developer Guide, Key policies in AWS KMS; Default key policy)", () => {
  const enableIam = { Sid: "Enable IAM User Permissions", ...grant(ROOT_A, "kms:*") };
  const decrypt = (who: Parameters<typeof ask>[0], set: Partial<PolicySet>, context = {}) =>
    ask(who, "kms:Decrypt", KEY, { resourceKind: "kms-key", ...set }, context);

  it("lets identity-based policies allow where the key policy allows the account (root delegation)", () => {
    const result = decrypt(ALICE, { identity: [readKey], resource: keyPolicy(enableIam) });
    expect(result.outcome).to.equal("Allowed");
    expect(result.statements.map((s) => s.policy)).to.have.members(["inline:test", "key policy"]);
  });

  it('gives identity-based Allows no effect without the key policy\'s permission ("IAM policies that allow permissions have no effect")', () => {
    const keyUser = keyPolicy(grant(BOB, "kms:*"));
    expect(decrypt(ALICE, { identity: [readKey], resource: keyUser })).to.deep.include({
      outcome: "ImplicitlyDenied",
      deniedBy: "resource",
    });
    expect(decrypt(BOB, { resource: keyUser }).outcome).to.equal("Allowed");
  });

  it("denies with deniedBy identity when the key policy delegates and no identity-based policy allows", () => {
    expect(decrypt(ALICE, { resource: keyPolicy(enableIam) })).to.deep.include({
      outcome: "ImplicitlyDenied",
      deniedBy: "identity",
    });
  });

  it('lets an identity-based Deny deny without the key policy\'s permission ("You can use an IAM policy to deny a permission")', () => {
    const result = decrypt(BOB, {
      identity: [identity(deny("kms:Decrypt"))],
      resource: keyPolicy(grant(BOB, "kms:*")),
    });
    expect(result).to.deep.include({ outcome: "ExplicitlyDenied", deniedBy: "identity" });
  });

  it('gives the root user access only through the key policy ("No AWS principal, including the account root user ... unless they are explicitly allowed")', () => {
    expect(decrypt(ROOT_A, { resource: keyPolicy(enableIam) }).outcome).to.equal("Allowed");
    expect(decrypt(ROOT_A, { resource: keyPolicy(grant(BOB, "kms:*")) }).outcome).to.equal(
      "ImplicitlyDenied",
    );
  });

  it("limits a key policy grant to a role by the role session's boundary and session policy", () => {
    expect(decrypt(SESSION, { resource: keyPolicy(grant(ROLE, "kms:*")) }).outcome).to.equal("Allowed");
    expect(
      decrypt(SESSION, { resource: keyPolicy(grant(ROLE, "kms:*")), session: session(allow("dynamodb:*")) })
        .outcome,
    ).to.equal("ImplicitlyDenied");
  });

  it("checks kms:EncryptionContext:* and kms:ViaService conditions of the key policy", () => {
    const viaDynamoDb = keyPolicy(
      grant(ALICE, "kms:Decrypt", {
        Condition: {
          StringEquals: {
            "kms:ViaService": "dynamodb.us-east-1.amazonaws.com",
            "kms:EncryptionContext:aws:dynamodb:tableName": "orders",
          },
        },
      }),
    );
    const context = {
      "kms:ViaService": "dynamodb.us-east-1.amazonaws.com",
      "kms:EncryptionContext:aws:dynamodb:tableName": "orders",
    };
    expect(decrypt(ALICE, { resource: viaDynamoDb }, context).outcome).to.equal("Allowed");
    expect(
      decrypt(
        ALICE,
        { resource: viaDynamoDb },
        { ...context, "kms:EncryptionContext:aws:dynamodb:tableName": "audit" },
      ).outcome,
    ).to.equal("ImplicitlyDenied");
    expect(
      decrypt(ALICE, { resource: viaDynamoDb }, { "kms:EncryptionContext:aws:dynamodb:tableName": "orders" })
        .outcome,
    ).to.equal("ImplicitlyDenied");
  });

  it("across accounts needs the key policy to allow the other account and that account's identity-based policy to allow (Allowing users in other accounts to use a KMS key)", () => {
    const external = keyPolicy(enableIam, grant(ROOT_B, "kms:Decrypt"));
    expect(decrypt(CAROL_B, { identity: [readKey], resource: external }).outcome).to.equal("Allowed");
    expect(decrypt(CAROL_B, { resource: external })).to.deep.include({
      outcome: "ImplicitlyDenied",
      deniedBy: "identity",
    });
    expect(decrypt(CAROL_B, { identity: [readKey], resource: keyPolicy(enableIam) })).to.deep.include({
      outcome: "ImplicitlyDenied",
      deniedBy: "resource",
    });
    // Even a key policy naming the external user still needs that user's identity-based policy.
    expect(decrypt(CAROL_B, { resource: keyPolicy(grant(CAROL_B, "kms:Decrypt")) }).outcome).to.equal(
      "ImplicitlyDenied",
    );
  });
});

describe("Role trust policies (policy-eval-denyallow: trust policies must explicitly allow principals)", () => {
  const assume = (who: string, set: Partial<PolicySet>) =>
    outcome(who, "sts:AssumeRole", ROLE, { resourceKind: "role-trust", ...set });
  const assumeAny = identity(allow("sts:AssumeRole"));

  it("lets a trust policy naming the caller allow without an identity-based policy", () => {
    expect(
      assume(ALICE, {
        resource: trustPolicy({ Effect: "Allow", Principal: { AWS: ALICE }, Action: "sts:AssumeRole" }),
      }),
    ).to.equal("Allowed");
  });

  it("needs an identity-based Allow when the trust policy names the account, and nothing allows without the trust policy", () => {
    const trustAccount = trustPolicy({
      Effect: "Allow",
      Principal: { AWS: ROOT_A },
      Action: "sts:AssumeRole",
    });
    expect(assume(ALICE, { resource: trustAccount })).to.equal("ImplicitlyDenied");
    expect(assume(ALICE, { resource: trustAccount, identity: [assumeAny] })).to.equal("Allowed");
    expect(
      assume(ALICE, {
        resource: trustPolicy({ Effect: "Allow", Principal: { AWS: BOB }, Action: "sts:AssumeRole" }),
        identity: [assumeAny],
      }),
    ).to.equal("ImplicitlyDenied");
  });

  it("lets a service principal named in the trust policy assume the role", () => {
    const service = trustPolicy({
      Effect: "Allow",
      Principal: { Service: "lambda.amazonaws.com" },
      Action: "sts:AssumeRole",
    });
    expect(assume("lambda.amazonaws.com", { resource: service })).to.equal("Allowed");
    expect(assume("ec2.amazonaws.com", { resource: service })).to.equal("ImplicitlyDenied");
  });
});

describe("Cross-account evaluation (Cross-account policy evaluation logic)", () => {
  const crossRead = (who: string, set: Partial<PolicySet>) => ask(who, "dynamodb:GetItem", TABLE, set);

  it("needs both the resource-based policy and the principal's identity-based policy", () => {
    expect(crossRead(CAROL_B, { identity: [read], resource: tablePolicy(grant(CAROL_B)) }).outcome).to.equal(
      "Allowed",
    );
    expect(crossRead(CAROL_B, { resource: tablePolicy(grant(CAROL_B)) })).to.deep.include({
      outcome: "ImplicitlyDenied",
      deniedBy: "identity",
    });
    expect(crossRead(CAROL_B, { identity: [read] })).to.deep.include({
      outcome: "ImplicitlyDenied",
      deniedBy: "resource",
    });
  });

  it("accepts the other account named as a whole, and a role of it for its sessions", () => {
    expect(crossRead(CAROL_B, { identity: [read], resource: tablePolicy(grant(B)) }).outcome).to.equal(
      "Allowed",
    );
    expect(crossRead(SESSION_B, { identity: [read], resource: tablePolicy(grant(ROLE_B)) }).outcome).to.equal(
      "Allowed",
    );
    expect(crossRead(SESSION_B, { identity: [read], resource: tablePolicy(grant(ROLE)) }).outcome).to.equal(
      "ImplicitlyDenied",
    );
  });

  it("applies the principal's boundary and session policies on its side", () => {
    expect(
      crossRead(SESSION_B, {
        identity: [read],
        session: session(allow("kms:*")),
        resource: tablePolicy(grant(SESSION_B)),
      }),
    ).to.deep.include({
      outcome: "ImplicitlyDenied",
      deniedBy: "session",
    });
  });
});

describe("SCPs (Organizations User Guide, Service control policies; Inheritance for service control policies)", () => {
  const full = policy("scp", "FullAWSAccess", { Effect: "Allow", Action: "*", Resource: "*" });
  const onlyKms = policy("scp", "OnlyKms", { Effect: "Allow", Action: "kms:*", Resource: "*" });
  const noDelete = policy("scp", "NoDelete", deny("dynamodb:DeleteTable"));

  it("requires an Allow at every level: root, each OU, the account", () => {
    expect(getItem(ALICE, { identity: [read], scps: [[full], [full], [full]] })).to.equal("Allowed");
    const blocked = ask(ALICE, "dynamodb:GetItem", TABLE, {
      identity: [read],
      scps: [[full], [onlyKms], [full]],
    });
    // "If the enforcement code does not find any applicable Allow statements in the SCPs, the request is
    // explicitly denied, even if the denial is implicit" (2023 text of the evaluation logic page).
    expect(blocked).to.deep.include({ outcome: "ExplicitlyDenied", deniedBy: "scp" });
    expect(blocked.statements.map((s) => s.policy)).to.deep.equal(["inline:test"]);
  });

  it("lets a Deny at any level deny, and never grants by itself", () => {
    const result = ask(ALICE, "dynamodb:DeleteTable", TABLE, {
      identity: [identity(allow("*"))],
      scps: [[full], [full, noDelete]],
    });
    expect(result).to.deep.include({ outcome: "ExplicitlyDenied", deniedBy: "scp" });
    expect(result.statements[0]).to.include({ policy: "NoDelete", effect: "Deny" });
    expect(getItem(ALICE, { scps: [[full]] })).to.equal("ImplicitlyDenied");
  });

  it("restricts the member account's root user", () => {
    expect(getItem(ROOT_A, { scps: [[full], [onlyKms]] })).to.equal("ExplicitlyDenied");
  });

  it("does not affect the management account's principals, nor service-linked roles", () => {
    expect(getItem(ALICE, { identity: [read], scps: [[onlyKms]], managementAccountId: A })).to.equal(
      "Allowed",
    );
    const slr = principal(`arn:aws:sts::${A}:assumed-role/AWSServiceRoleForDynamoDB/x`, {
      serviceLinkedRole: true,
    });
    expect(getItem(slr, { identity: [read], scps: [[onlyKms]] })).to.equal("Allowed");
  });

  it("restricts the account's principals when they act on another account's resources", () => {
    expect(
      outcome(CAROL_B, "dynamodb:GetItem", TABLE, {
        identity: [read],
        resource: tablePolicy(grant(CAROL_B)),
        scps: [[onlyKms]],
      }),
    ).to.equal("ExplicitlyDenied");
  });
});

describe("RCPs (Organizations User Guide, Resource control policies; policy-eval-denyallow)", () => {
  const perimeter = policy("rcp", "EnforceIdentityPerimeter", {
    Effect: "Deny",
    Principal: "*",
    Action: "dynamodb:*",
    Resource: "*",
    Condition: {
      StringNotEqualsIfExists: { "aws:PrincipalOrgID": "o-abc" },
      Bool: { "aws:PrincipalIsAWSService": "false" },
    },
  });

  it("denies principals outside the organization on the account's resources, RCPFullAWSAccess allowing the rest", () => {
    const set = { identity: [read], resource: tablePolicy(grant(CAROL_B)), rcps: [[perimeter]] };
    const context = { "aws:PrincipalIsAWSService": "false" };
    expect(ask(CAROL_B, "dynamodb:GetItem", TABLE, set, context)).to.deep.include({
      outcome: "ExplicitlyDenied",
      deniedBy: "rcp",
    });
    expect(
      outcome(CAROL_B, "dynamodb:GetItem", TABLE, set, { ...context, "aws:PrincipalOrgID": "o-abc" }),
    ).to.equal("Allowed");
    expect(
      outcome(
        ALICE,
        "dynamodb:GetItem",
        TABLE,
        { identity: [read], rcps: [[perimeter]] },
        { ...context, "aws:PrincipalOrgID": "o-abc" },
      ),
    ).to.equal("Allowed");
  });

  it("does not affect the management account's resources, nor service-linked roles", () => {
    const set = { identity: [read], resource: tablePolicy(grant(CAROL_B)), rcps: [[perimeter]] };
    expect(
      outcome(
        CAROL_B,
        "dynamodb:GetItem",
        TABLE,
        { ...set, managementAccountId: A },
        { "aws:PrincipalIsAWSService": "false" },
      ),
    ).to.equal("Allowed");
    const slr = principal(`arn:aws:sts::${A}:assumed-role/AWSServiceRoleForX/x`, { serviceLinkedRole: true });
    expect(
      outcome(
        slr,
        "dynamodb:GetItem",
        TABLE,
        { identity: [read], rcps: [[perimeter]] },
        { "aws:PrincipalIsAWSService": "false" },
      ),
    ).to.equal("Allowed");
  });

  it("applies to service principals and anonymous callers, which SCPs do not restrict", () => {
    const denyAll = policy("rcp", "DenyAll", { Effect: "Deny", Principal: "*", Action: "*", Resource: "*" });
    expect(
      outcome("dynamodb.amazonaws.com", "dynamodb:GetItem", TABLE, {
        resource: tablePolicy(grant({ Service: "dynamodb.amazonaws.com" })),
        rcps: [[denyAll]],
      }),
    ).to.equal("ExplicitlyDenied");
    const onlyKms = policy("scp", "OnlyKms", { Effect: "Allow", Action: "kms:*", Resource: "*" });
    expect(
      outcome("dynamodb.amazonaws.com", "dynamodb:GetItem", TABLE, {
        resource: tablePolicy(grant({ Service: "dynamodb.amazonaws.com" })),
        scps: [[onlyKms]],
      }),
    ).to.equal("Allowed");
  });
});

describe("Anonymous and service principals (Principal: All principals, AWS service principals)", () => {
  it('allows an anonymous caller only through "*"', () => {
    expect(outcome("anonymous", "dynamodb:GetItem", TABLE, { resource: tablePolicy(grant("*")) })).to.equal(
      "Allowed",
    );
    expect(
      ask("anonymous", "dynamodb:GetItem", TABLE, { resource: tablePolicy(grant(ROOT_A)) }),
    ).to.deep.include({
      outcome: "ImplicitlyDenied",
      deniedBy: "resource",
    });
  });
});

describe("AccessDenied messages (Troubleshoot access denied error messages)", () => {
  it("words implicit and explicit denials by the policy type", () => {
    const implicit = ask(ALICE, "dynamodb:PutItem", TABLE, {});
    expect(accessDeniedMessage(ALICE, "dynamodb:PutItem", TABLE, implicit)).to.equal(
      `User: ${ALICE} is not authorized to perform: dynamodb:PutItem on resource: ${TABLE} because no identity-based policy allows the dynamodb:PutItem action`,
    );
    expect(
      accessDeniedMessage(ALICE, "kms:Decrypt", KEY, { outcome: "ImplicitlyDenied", deniedBy: "boundary" }),
    ).to.match(/because no permissions boundary allows the kms:Decrypt action$/);
    expect(
      accessDeniedMessage(ALICE, "kms:Decrypt", KEY, { outcome: "ExplicitlyDenied", deniedBy: "scp" }),
    ).to.match(/with an explicit deny in a service control policy$/);
    expect(
      accessDeniedMessage(ALICE, "kms:Decrypt", KEY, { outcome: "ExplicitlyDenied", deniedBy: "resource" }),
    ).to.match(/with an explicit deny in a resource-based policy$/);
    expect(
      accessDeniedMessage(ALICE, "kms:Decrypt", KEY, { outcome: "ExplicitlyDenied", deniedBy: "identity" }),
    ).to.match(/with an explicit deny in an identity-based policy$/);
  });
});

describe("Three-valued decisions", () => {
  const leadingKeys = identity(
    allow("dynamodb:GetItem", TABLE, {
      Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["${aws:userid}"] } },
    }),
  );

  it("is Conditional when an Allow depends on an UNKNOWN key, with the residual condition", () => {
    const result = ask(
      ALICE,
      "dynamodb:GetItem",
      TABLE,
      { identity: [leadingKeys] },
      { "aws:userid": "AIDAALICE" },
      { unknown: ["dynamodb:*"] },
    );
    expect(result.outcome).to.equal("Conditional");
    expect(result.conditions).to.deep.equal([
      {
        policy: "inline:test",
        policyKind: "identity",
        index: 1,
        effect: "Allow",
        key: "dynamodb:LeadingKeys",
        operator: "ForAllValues:StringEquals",
        values: ["${aws:userid}"],
      },
    ]);
  });

  it("is Conditional on a Deny that may apply, and denied when nothing allows whatever the unknowns", () => {
    const secure = identity(
      deny("dynamodb:*", "*", { Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
    const result = ask(
      ALICE,
      "dynamodb:GetItem",
      TABLE,
      { identity: [read, secure] },
      {},
      { unknown: ["aws:SecureTransport"] },
    );
    expect(result.outcome).to.equal("Conditional");
    expect(result.conditions?.[0]).to.include({
      effect: "Deny",
      key: "aws:SecureTransport",
      operator: "Bool",
    });
    expect(
      outcome(
        ALICE,
        "dynamodb:PutItem",
        TABLE,
        { identity: [read, secure] },
        {},
        { unknown: ["aws:SecureTransport"] },
      ),
    ).to.equal("ImplicitlyDenied");
  });

  it("is definite when a known value decides whatever the unknown ones are", () => {
    const both = identity(
      allow("dynamodb:GetItem", "*", {
        Condition: { StringEquals: { "aws:username": "bob", "dynamodb:Select": "ALL_ATTRIBUTES" } },
      }),
    );
    expect(
      outcome(
        ALICE,
        "dynamodb:GetItem",
        TABLE,
        { identity: [both] },
        { "aws:username": "alice" },
        { unknown: ["dynamodb:*"] },
      ),
    ).to.equal("ImplicitlyDenied");
    expect(
      outcome(
        ALICE,
        "dynamodb:GetItem",
        TABLE,
        { identity: [read, both] },
        { "aws:username": "alice" },
        { unknown: ["dynamodb:*"] },
      ),
    ).to.equal("Allowed");
  });

  it("takes unknown identity-based policies at worst: any Allow, no Deny", () => {
    const enableIam = keyPolicy(grant(ROOT_A, "kms:*"));
    const delegated = ask(ALICE, "kms:Decrypt", KEY, {
      identity: "unknown",
      resourceKind: "kms-key",
      resource: enableIam,
    });
    expect(delegated.outcome).to.equal("Conditional");
    expect(delegated.dependsOnIdentityPolicies).to.equal(true);
    expect(
      outcome(ALICE, "kms:Decrypt", KEY, {
        identity: "unknown",
        resourceKind: "kms-key",
        resource: keyPolicy(grant(ALICE, "kms:*")),
      }),
    ).to.equal("Allowed");
    expect(
      outcome(ALICE, "kms:Decrypt", KEY, {
        identity: "unknown",
        resourceKind: "kms-key",
        resource: keyPolicy(grant(BOB, "kms:*")),
      }),
    ).to.equal("ImplicitlyDenied");
    const denying = keyPolicy(grant(ROOT_A, "kms:*"), { ...grant(ALICE, "kms:Decrypt"), Effect: "Deny" });
    expect(
      outcome(ALICE, "kms:Decrypt", KEY, { identity: "unknown", resourceKind: "kms-key", resource: denying }),
    ).to.equal("ExplicitlyDenied");
  });
});
