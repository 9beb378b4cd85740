/**
 * The static proof against the live sandbox, cell by cell: for the dev stack, the dev stack with an
 * identity policy granting the key, and at least 200 generated stacks (fast-check; the seed is printed,
 * and fast-check prints seed and path on a failure), `npm run access`'s matrix must equal what a prober
 * observes over real HTTP signing as every user with credentials and as every role a user with a key is
 * trusted by (an STS AssumeRole session, SDK v3). Generated stacks hold IAM groups (inline and
 * attached policies, both kinds of membership), permissions boundaries on users and roles, SCPs and RCPs
 * (attached to the root, the account or another account; of a member account, the management account,
 * or one the plan does not place), roles
 * and KMS grants (to users and roles, with and without encryption-context constraints), one to three
 * tables on up to three keys, key policies on the key, in an aws.kms.KeyPolicy resource or nowhere
 * (KMS's default key policy), auto-named resources, policy documents given as objects with resources
 * passed as inputs, tables' resource-based policies (aws.dynamodb.ResourcePolicy: users they let read or
 * write, users they deny GetItem; users of a second account, or that whole account, they let in or deny),
 * users of a second account (their ARN names it) with their own identity policies, named by key policies
 * or not, who sign with their own keys and name the tables by ARN, and roles of that account (a partner
 * user trusted by and allowed to assume each; their own identity policies; named by table policies and key
 * policies or not), signed as the sessions the sandbox issues to their partner user, and users' and roles' IAM tags with policies that read them
 * (aws:PrincipalTag; a role's sessions carry its tags), and resource tags (env on tables, team on keys and
 * roles) read by identity and group policies with aws:ResourceTag: a tag present, absent or of another
 * value (StringEquals), a Null check on tables, kms:Decrypt on keys by tag, and a Deny of sts:AssumeRole on
 * roles by tag (every trusted user tries AssumeRole; the sandbox's answer must be the engine's, and a
 * path the proof reports through the role must be one the sandbox lets through). A third of the stacks have
 * an organization the conditions aws:PrincipalOrgID, aws:PrincipalOrgPaths and aws:ResourceOrgID read
 * (OrgKeysSpec: an aws.organizations.Organization with a whole member list or only an OU and an Account;
 * the second account in the OU or not; table policies letting the organization read by id or by OU path,
 * key policies letting it decrypt through DynamoDB, users writing to its accounts' tables): a cell the
 * proof calls conditional on one of these keys must be refused by the sandbox as not modelled
 * (NotModelledBySandboxException naming the key), as docs/authorization.md says of an account whose
 * membership the plan cannot tell (refusedAsNotModelled). Users and roles may hold a fine-grained policy
 * (test/support/fineGrained.ts: ForAllValues:StringEquals on dynamodb:LeadingKeys with ${aws:userid} or a
 * literal, on dynamodb:Attributes with dynamodb:Select, a Deny on dynamodb:ReturnValues), and a table's
 * resource-based policy may let users use their own items only (LeadingKeys on ${aws:userid}); every cell of
 * such a principal is probed with two requests, one its conditions allow and one they refuse (a leading
 * key equal or not to the allowed value, a projection and item inside or outside the allowed attributes,
 * ReturnValues NONE or ALL_OLD): a cell the proof calls `conditional` must be allowed for the first and
 * denied by IAM for the second, a cell it calls allowed or denied must be so for both (a cell denied by
 * the key may be denied by IAM first for the second). TransactWriteItems is probed with a part of each
 * kind (Put, Update, Delete, ConditionCheck), as the proof asks it; principals may lack
 * dynamodb:ConditionCheckItem, be allowed it, or be denied dynamodb:DeleteItem by an identity policy, a
 * group or an SCP. Each role it signs as is also assumed, by the same user, with random session
 * policies (an inline `Policy`, AmazonDynamoDBReadOnlyAccess in `PolicyArns`, or both:
 * test/support/sessionPolicies.ts): the proof's cell of the role is the ceiling, and each cell of that
 * session must answer the role's cell AND what the session policies allow, per the engine's evaluator on
 * them alone (IAM User Guide, "Policy evaluation logic", session policies); a cell that turns on a grant
 * to the role, or on a key or table policy open to any principal ("*"), is not compared (the docs do not
 * say whether a session policy limits a grant, or an Allow for "*", which may name the session itself). Half the
 * stacks have users only the account knows (test/support/accountOnly.ts: their inline policies, a group
 * and a permissions boundary of the account) and maybe a role only it knows, trusted by a plan user: the
 * sandbox is deployed with them, the proof is given the plan without them and the account data that
 * describes them (`--account-data`, as `aws iam get-account-authorization-details` prints it), and the
 * prober signs as the users and as a session of the role. For every class of
 * principal the proof reports, a random member (test/support/classMembers.ts) must get the class's cells:
 * any other user of the account (AdministratorAccess, at worst), one without policies, or one whose name
 * fills a key policy's wildcard aws:PrincipalArn pattern (keys may let in `<stack>-analyst-*` through
 * DynamoDB), one of these per stack, is added to the deployed account and probed over HTTP; a user of a named or of any other
 * account is asked of the engine (test/access/principalClasses.int.test.ts does the same for the dev
 * stack, with the anonymous caller and the services). Cells of
 * principals it cannot sign as (the
 * account root, the deployer, the synthetic ones) are compared through the engine's own API, without
 * the decision classes, and counted apart. Every operation of the matrix is
 * probed over HTTP, each with the SDK command and request the operation table gives it
 * (sandbox/dynamodb/operations.ts). Each stack is applied to a sandbox of its own, as a first `pulumi up`.
 */
import { expect } from "chai";
import fc from "fast-check";
import { analyzeModel, loadAccessModel } from "../../access/analyze";
import type { AccessReport } from "../../access/types";
import { synthesize } from "../../plan/synth";
import type { Plan } from "../../plan/types";
import { reveal } from "../../plan/values";
import { Sandbox } from "../../sandbox";
import type { CloudModel } from "../../sandbox/deploy/model";
import {
  ACCOUNT_ID,
  buildStackPlan,
  type BoundaryKind,
  type ExtraPolicy,
  type GrantSpec,
  type GroupSpec,
  type OrganizationSpec,
  type OrgKeysSpec,
  type KeySpec,
  PARTNER_ACCOUNT,
  type PartnerSpec,
  type RoleSpec,
  type StackSpec,
  type TableAccessLevel,
  type TablePolicySpec,
  type UserSpec,
} from "../support/accessStacks";
import { devConfig } from "../support/plan";
import { readAccountData } from "../../access/accountData/read";
import { drawMembers, withDrawnUsers, type DrawnMember } from "../support/classMembers";
import { ADMINISTRATOR_ACCESS_ARN } from "../../sandbox/engine";
import { writeAccountData } from "../support/accountData";
import {
  withAccountOnlyUsers,
  type AccountOnlyRoleSpec,
  type AccountOnlyUserSpec,
} from "../support/accountOnly";
import { withTempDir } from "../support/tempDir";
import { engineDecision } from "../support/engineDecision";
import {
  DEFAULT_SHAPE,
  FINE_GRAINED_KINDS,
  fineGrainedKindOf,
  resourcePolicyKindFor,
  shapesOf,
  type FineGrainedKind,
  type RequestShape,
} from "../support/fineGrained";
import {
  SESSION_ACTIONS,
  sessionCellDecision,
  sessionPolicyRequest,
  type SessionPolicySpec,
} from "../support/sessionPolicies";
import { assumeRole, callerUserId, probe, PROBED_OPERATIONS, type Signer } from "../support/prober";

interface Tally {
  stacks: number;
  overHttp: number;
  /** Of overHttp: cells signed as a role session. */
  asRoleSessions: number;
  /** Of overHttp: cells of a principal holding a plan grant. */
  ofGrantees: number;
  /** Of overHttp: cells of a principal of the second account, and of those the allowed. */
  ofPartners: number;
  partnersAllowed: number;
  throughEngine: number;
  /** Of overHttp: cells of a principal with a fine-grained policy, probed with two requests each. */
  fineGrained: number;
  /** Of those: conditional cells, whose two requests were one allowed, one denied. */
  conditional: number;
  /** Of overHttp: TransactWriteItems cells (a part of each kind), and of those the denied. */
  transactWrites: number;
  transactWritesDenied: number;
  /** Cells of role sessions with session policies compared, of those narrowed by them, and conditional ones not compared. */
  sessionCells: number;
  sessionNarrowed: number;
  sessionConditional: number;
  /** Users only the account data knows, and their cells observed over HTTP. */
  accountOnlyUsers: number;
  /** Roles only the account data knows, assumed by a plan user. */
  accountOnlyRoles: number;
  ofAccountOnlyRoles: number;
  ofAccountOnly: number;
  /** Members drawn from the proof's classes (of those, matching a wildcard pattern), and their cells. */
  drawnMembers: number;
  drawnByPattern: number;
  drawnCells: number;
  /** Stacks with groups, with a boundary, with an SCP, with an RCP that applies to the account. */
  withGroups: number;
  withBoundaries: number;
  withScps: number;
  withRcps: number;
  /** AssumeRole calls of trusted users (and of those denied, by a role's tag), and stacks with tags read by a policy. */
  assumptions: number;
  assumptionsDenied: number;
  withResourceTags: number;
  /** Stacks with an organization the condition keys read, and cells conditional on them (refused as not modelled). */
  withOrgKeys: number;
  orgConditional: number;
  /** Of ofPartners: cells signed as a session of a role of the second account. */
  ofPartnerRoles: number;
}

/**
 * The signers of a deployed plan: its users with an access key, from the stack outputs, and a session of
 * each role whose trust policy names one of them (STS AssumeRole over HTTP, signed with that user's key).
 */
async function signersOf(
  sandbox: Sandbox,
  model: CloudModel,
  assumptions?: { user: string; role: string; assumed: boolean }[],
): Promise<(Signer & { readonly assumedBy?: Signer })[]> {
  const users = (sandbox.programOutputs() as { users: Record<string, Record<string, unknown>> }).users;
  const userSigners = Object.values(users).flatMap((user) =>
    typeof user.accessKeyId === "string" && typeof user.secretAccessKey === "string"
      ? [{ arn: String(user.arn), accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey }]
      : [],
  );
  const roleSigners: (Signer & { readonly assumedBy?: Signer })[] = [];
  for (const role of model.principals.filter((principal) => principal.trust !== undefined)) {
    const trustPolicy = role.trust?.policy ?? "";
    // Every user the trust policy names tries; an identity policy may deny some of them by the role's
    // tags (aws:ResourceTag on sts:AssumeRole). The first session obtained is the role's signer.
    let session: (Signer & { readonly assumedBy?: Signer }) | undefined;
    for (const trusted of userSigners.filter((user) => trustPolicy.includes(JSON.stringify(user.arn)))) {
      const obtained = await assumeRole({
        endpoint: sandbox.endpoint,
        region: model.region,
        user: trusted,
        roleArn: role.arn,
      }).then(
        (signer) => signer,
        (error: unknown) => {
          if ((error as { name?: string }).name !== "AccessDenied") {
            throw error;
          }
          return undefined;
        },
      );
      assumptions?.push({ user: trusted.arn, role: role.arn, assumed: obtained !== undefined });
      session ??= obtained === undefined ? undefined : { ...obtained, assumedBy: trusted };
    }
    if (session !== undefined) {
      roleSigners.push(session);
    }
  }
  return [...userSigners, ...roleSigners];
}

/**
 * Each AssumeRole the sandbox answered against the engine the proof uses, and against the proof's paths
 * to obtain access: a path "sts:AssumeRole on R" the proof reports must be one the sandbox lets through.
 */
async function assumptionDifferences(
  access: Awaited<ReturnType<typeof loadAccessModel>>,
  report: AccessReport,
  assumptions: readonly { user: string; role: string; assumed: boolean }[],
  tally: Tally,
): Promise<string[]> {
  const found: string[] = [];
  for (const { user, role, assumed } of assumptions) {
    tally.assumptions += 1;
    tally.assumptionsDenied += assumed ? 0 : 1;
    const caller = access.principals.find((principal) => principal.arn === user)?.callerArn ?? user;
    const engine = (await access.authorizer.authorizeAssumeRole(caller, role)).allowed;
    const roleName = role.split("/").pop() ?? role;
    const path = (report.obtainers.find((entry) => entry.principal === user)?.paths ?? []).some((line) =>
      line.startsWith(`sts:AssumeRole on ${roleName},`),
    );
    if (engine !== assumed || (path && !assumed)) {
      found.push(
        `[assume] ${user} -> ${role}: sandbox ${assumed ? "assumed" : "denied"}, engine ${engine ? "allows" : "denies"}` +
          `${path ? ", proof reports the path" : ""}`,
      );
    }
  }
  return found;
}

/** Applies `plan`, analyses it, probes it; returns the cells that differ, one line each. */
/** A new sandbox for each stack: each stack is a new account's first `pulumi up` (its own keys and ARNs). */
async function differences(
  plan: Plan,
  tally: Tally,
  sessionPolicies: readonly SessionPolicySpec[] = [],
  accountOnly?: ReturnType<typeof withAccountOnlyUsers>,
  drawSeed?: number,
): Promise<string[]> {
  // The account as it is: the plan and the users only it knows; the proof sees the plan and the account
  // data that describes them.
  const withAccount = accountOnly !== undefined && accountOnly.signers.length + accountOnly.roles > 0;
  const accountData = withAccount
    ? await withTempDir("account-data", (dir) => {
        writeAccountData(dir, accountOnly.account);
        return readAccountData(dir);
      })
    : undefined;
  tally.accountOnlyUsers += withAccount ? accountOnly.signers.length : 0;
  tally.accountOnlyRoles += withAccount ? accountOnly.roles : 0;
  const access = await loadAccessModel(
    withAccount ? accountOnly.analysed : plan,
    accountData === undefined ? {} : { accountData },
  );
  const report: AccessReport = await analyzeModel(access);
  // A random member of each class the proof reports, added to the account (not to the plan analysed).
  const draws = drawSeed === undefined ? [] : drawMembers(report, drawSeed);
  const sandbox = await Sandbox.start({ port: 0 });
  try {
    await sandbox.apply(withDrawnUsers(withAccount ? accountOnly.deployed : plan, draws));
    return [
      ...(await differencesIn(sandbox, access, report, tally, sessionPolicies, accountOnly?.signers ?? [])),
      ...(await memberDifferences(sandbox, access, report, draws, tally)),
    ];
  } finally {
    await sandbox.stop();
  }
}

/** Each drawn member's decisions against its class's cells: over HTTP where it signs, else through the engine. */
async function memberDifferences(
  sandbox: Sandbox,
  access: Awaited<ReturnType<typeof loadAccessModel>>,
  report: AccessReport,
  draws: readonly DrawnMember[],
  tally: Tally,
): Promise<string[]> {
  const found: string[] = [];
  const signing = draws.filter((draw) => draw.signer !== undefined);
  const observations = await probe({
    endpoint: sandbox.endpoint,
    region: access.model.region,
    model: access.model,
    report,
    signers: signing.map((draw) => draw.signer as Signer),
  });
  for (const draw of draws) {
    tally.drawnMembers += 1;
    tally.drawnByPattern += draw.of.kind === "policy-pattern" ? 1 : 0;
    if (draw.signer === undefined && !access.authorizer.hasPrincipal(draw.arn)) {
      access.authorizer.putPrincipal({
        arn: draw.arn,
        inlinePolicies: [],
        managedPolicyArns: draw.administrator ? [ADMINISTRATOR_ACCESS_ARN] : [],
      });
    }
    for (const cell of report.cells.filter((candidate) => candidate.principal === draw.of.arn)) {
      let decided: string | undefined;
      let error: string | undefined;
      if (draw.signer !== undefined) {
        if (!PROBED_OPERATIONS.has(cell.operation)) {
          continue;
        }
        const seen = observations.find(
          (observation) =>
            observation.principal === draw.arn &&
            observation.table === cell.table &&
            observation.operation === cell.operation,
        );
        decided = seen?.observed;
        error = seen?.error;
      } else {
        decided = await engineDecision(
          access,
          { ...cell, principal: draw.arn },
          { callerArn: draw.arn, kind: draw.of.kind },
        );
      }
      tally.drawnCells += 1;
      const notModelled =
        draw.signer !== undefined &&
        cell.decision === "conditional" &&
        orgKeysOf(cell).length > 0 &&
        refusedAsNotModelled(
          cell,
          observations.filter(
            (observation) =>
              observation.principal === draw.arn &&
              observation.table === cell.table &&
              observation.operation === cell.operation,
          ),
        );
      const agreed =
        decided !== undefined && agrees(cell.decision, { shape: "default", observed: decided, error });
      if (!agreed && !notModelled) {
        found.push(
          `[member] ${cell.table} ${draw.arn} (of class ${draw.of.name}) ${cell.operation}: class ${cell.decision}, ` +
            `${draw.signer === undefined ? "engine" : "observed"} ${decided}`,
        );
      }
    }
  }
  return found;
}

async function differencesIn(
  sandbox: Sandbox,
  access: Awaited<ReturnType<typeof loadAccessModel>>,
  report: AccessReport,
  tally: Tally,
  sessionPolicies: readonly SessionPolicySpec[],
  accountSigners: readonly Signer[],
): Promise<string[]> {
  const assumptions: { user: string; role: string; assumed: boolean }[] = [];
  const signers = [...(await signersOf(sandbox, access.model, assumptions)), ...accountSigners];
  // A principal with a fine-grained policy is probed with a request its conditions allow and one they
  // refuse (test/support/fineGrained.ts); the others with the operation table's probes.
  const kinds = new Map<string, FineGrainedKind>();
  /** Principal and table, for each table whose policy lets the principal use its own items only. */
  const ownItems = new Set<string>();
  for (const principal of access.principals) {
    // Its identity policy's kind, and whether a table's policy lets it use its own items only.
    const kind = fineGrainedKindOf(principal.policies.inline.map((policy) => policy.document));
    if (kind !== undefined) {
      kinds.set(principal.arn, kind);
    }
    for (const table of access.model.tables) {
      if (
        table.resourcePolicy !== undefined &&
        resourcePolicyKindFor(table.resourcePolicy.document, principal.arn) !== undefined
      ) {
        ownItems.add(`${principal.arn}\n${table.name}`);
      }
    }
  }
  /** The two requests of a principal's cells on a table (principal and table), where it has some. */
  const shapes = new Map<string, readonly RequestShape[]>();
  for (const signer of signers) {
    const kind = kinds.get(signer.arn);
    const own = access.model.tables.filter((table) => ownItems.has(`${signer.arn}\n${table.name}`));
    if (kind === undefined && own.length === 0) {
      continue;
    }
    const userId = await callerUserId(sandbox.endpoint, access.model.region, signer);
    const [ownYes, ownNo] = shapesOf("leading-keys-userid", userId);
    const [yes, no] = kind === undefined ? [ownYes, ownNo] : shapesOf(kind, userId);
    for (const table of access.model.tables) {
      // A table policy's leading key decides beside the identity policy's conditions (which a boundary
      // may cut off, not the table policy's allow of the user: IAM User Guide, "Policy evaluation
      // logic"): on such a table, the request on the caller's own partition key, and one on another's.
      const ownTable = own.includes(table);
      if (kind === undefined && !ownTable) {
        continue;
      }
      shapes.set(
        `${signer.arn}\n${table.name}`,
        ownTable
          ? [
              { ...yes, leadingKey: ownYes.leadingKey },
              { ...no, leadingKey: ownNo.leadingKey },
            ]
          : [yes, no],
      );
    }
  }
  const observations = await probe({
    endpoint: sandbox.endpoint,
    region: access.model.region,
    model: access.model,
    report,
    signers,
    shapesOf: (signer, table) => shapes.get(`${signer.arn}\n${table}`) ?? [DEFAULT_SHAPE],
  });
  const observed = new Map<string, (typeof observations)[number][]>();
  for (const observation of observations) {
    const cellKey = `${observation.table}\n${observation.principal}\n${observation.operation}`;
    observed.set(cellKey, [...(observed.get(cellKey) ?? []), observation]);
  }
  const signable = new Set(signers.map((signer) => signer.arn));
  const found: string[] = [];
  // Engine-only cells are asked of the authorizer itself: its own cache is per principal, so a cell
  // the analysis answered from another principal's decision class is decided anew here.
  for (const cell of report.cells) {
    const name = `${cell.table} ${cell.principal} ${cell.operation}`;
    if (signable.has(cell.principal) && PROBED_OPERATIONS.has(cell.operation)) {
      const seen = observed.get(`${cell.table}\n${cell.principal}\n${cell.operation}`) ?? [];
      tally.overHttp += 1;
      const principal = report.principals.find((candidate) => candidate.arn === cell.principal);
      tally.asRoleSessions += principal?.kind === "role" ? 1 : 0;
      tally.ofGrantees += (principal?.grants.length ?? 0) > 0 ? 1 : 0;
      tally.ofAccountOnly += principal?.fromAccountData === true ? 1 : 0;
      tally.ofAccountOnlyRoles += principal?.fromAccountData === true && principal.kind === "role" ? 1 : 0;
      if (cell.principal.split(":")[4] === PARTNER_ACCOUNT) {
        tally.ofPartnerRoles += principal?.kind === "role" ? 1 : 0;
        tally.ofPartners += 1;
        tally.partnersAllowed += cell.decision === "allowed" ? 1 : 0;
      }
      if (cell.operation === "TransactWriteItems") {
        tally.transactWrites += 1;
        tally.transactWritesDenied += cell.decision.startsWith("denied") ? 1 : 0;
      }
      const fineGrained = shapes.has(`${cell.principal}\n${cell.table}`);
      tally.fineGrained += fineGrained ? 1 : 0;
      const said = (o: (typeof seen)[number]) => `${o.shape} ${o.observed} ${o.error ?? ""}`.trim();
      if (cell.decision === "conditional" && orgKeysOf(cell).length > 0) {
        tally.orgConditional += 1;
        if (!refusedAsNotModelled(cell, seen)) {
          found.push(
            `[http] ${name}: matrix conditional (${cell.reason}), observed ` +
              (seen.length === 0 ? "nothing" : seen.map(said).join("; ")),
          );
        }
      } else if (cell.decision === "conditional") {
        // A conditional cell: the request its conditions allow is allowed, the one they refuse is denied
        // by IAM (DynamoDB Developer Guide, "Using IAM policy conditions for fine-grained access control",
        // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).
        tally.conditional += 1;
        const satisfying = seen.find((o) => o.shape === "satisfying");
        const violating = seen.find((o) => o.shape === "violating");
        if (satisfying?.observed !== "allowed" || violating?.observed !== "denied-by-iam") {
          found.push(
            `[http] ${name}: matrix conditional (${cell.reason}), observed ` +
              (seen.length === 0 ? "nothing" : seen.map(said).join("; ")),
          );
        }
      } else if (seen.length === 0 || seen.some((o) => !agrees(cell.decision, o))) {
        // Allowed or denied for sure: so for every request, the one a condition allows and the one it refuses.
        found.push(
          `[http] ${name}: matrix ${cell.decision}, observed ${seen.length === 0 ? "nothing" : seen.map(said).join("; ")}`,
        );
      }
    } else {
      tally.throughEngine += 1;
      const decided = await engineDecision(access, cell);
      if (decided !== cell.decision) {
        found.push(`[engine] ${name}: matrix ${cell.decision}, engine ${decided}`);
      }
    }
  }
  found.push(...(await assumptionDifferences(access, report, assumptions, tally)));
  found.push(
    ...(await sessionDifferences(sandbox, access.model, report, signers, sessionPolicies, kinds, tally)),
  );
  tally.stacks += 1;
  const modelText = JSON.stringify(access.model);
  tally.withResourceTags += modelText.includes("aws:ResourceTag") ? 1 : 0;
  tally.withOrgKeys += /aws:(PrincipalOrg|ResourceOrg)/.test(modelText) ? 1 : 0;
  const model = access.model;
  tally.withGroups += (model.groups ?? []).some((group) => group.members.length > 0) ? 1 : 0;
  tally.withBoundaries += model.principals.some((principal) => principal.permissionsBoundary !== undefined)
    ? 1
    : 0;
  // Applying: attached on the account's path, in a member account (not the management account, nor one
  // the plan does not place, which is taken to be it).
  const member =
    model.organization?.managementAccountId !== undefined &&
    model.organization.managementAccountId !== model.accountId;
  const applying = (type: string) =>
    member &&
    (model.organization?.policies ?? []).some(
      (policy) =>
        policy.type === type &&
        !policy.awsManaged &&
        policy.targets.some((target) => model.organization?.path.some((level) => level.id === target)),
    );
  tally.withScps += applying("SERVICE_CONTROL_POLICY") ? 1 : 0;
  tally.withRcps += applying("RESOURCE_CONTROL_POLICY") ? 1 : 0;
  return found;
}

/**
 * Whether an observation agrees with a cell decided for sure. A cell denied by the key is denied whatever
 * IAM's side allows; a request IAM's conditions refuse is refused by IAM first, before DynamoDB calls KMS
 * (DynamoDB Developer Guide, "How Amazon DynamoDB uses AWS KMS": DynamoDB calls KMS for an authorized
 * request), so a violating request of such a cell may be denied by IAM; and one whose IAM side turns on
 * an organization key may be refused as not modelled.
 */
function agrees(decision: string, observation: { shape: string; observed: string; error?: string }): boolean {
  return (
    observation.observed === decision ||
    // The key refuses for sure, and IAM's side turns on an organization key the plan cannot tell: AWS
    // refuses either way (at DynamoDB if IAM denies, else at KMS), with an error the sandbox cannot choose,
    // so it refuses the request as not modelled, naming the key (docs/authorization.md, "The
    // organization's structure").
    (decision === "denied-by-kms" &&
      new RegExp(`^NotModelledBySandboxException: dynamodb:.*(${ORG_KEYS.join("|")})`, "i").test(
        observation.error ?? "",
      )) ||
    (decision === "denied-by-kms" &&
      observation.shape === "violating" &&
      observation.observed === "denied-by-iam")
  );
}

/** The organization condition keys a conditional cell names. */
const ORG_KEYS = ["aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:ResourceOrgID", "aws:ResourceOrgPaths"];
function orgKeysOf(cell: { readonly conditions?: readonly string[] }): string[] {
  const text = (cell.conditions ?? []).join("\n").toLowerCase();
  return ORG_KEYS.filter((key) => text.includes(key.toLowerCase()));
}

/**
 * A cell the proof calls conditional on an organization key (the plan cannot tell an account's membership)
 * against what the sandbox answered: it refuses the request as not modelled (NotModelledBySandboxException,
 * a 400 naming the key), never deciding as if the key were absent (docs/authorization.md, "The
 * organization's structure"). Neither side can decide: AWS puts aws:PrincipalOrgID/OrgPaths in the context
 * "only if the principal is a member of an organization", aws:ResourceOrgID only if the resource's account
 * is one (IAM User Guide, "AWS global condition context keys",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html), and the plan
 * does not say whether the account is. The refusal must name one of the keys the cell names; where the
 * cell also depends on a fine-grained condition, the request it allows may be allowed before the key is
 * read, the one it refuses denied by IAM.
 */
function refusedAsNotModelled(
  cell: { readonly conditions?: readonly string[] },
  seen: readonly { shape: string; observed: string; error?: string }[],
): boolean {
  const keys = orgKeysOf(cell);
  const refused = (o: { error?: string }) =>
    /^NotModelledBySandboxException: /.test(o.error ?? "") &&
    keys.some((key) => (o.error ?? "").toLowerCase().includes(key.toLowerCase()));
  // A cell that also depends on a fine-grained condition: the request it allows may be allowed by that
  // statement before the organization key is read, the one it refuses refused by IAM or as not modelled.
  const fineGrained = orgKeysOf(cell).length < (cell.conditions ?? []).length;
  const satisfyingAllowed = (o: { shape: string; observed: string }) =>
    fineGrained && o.shape === "satisfying" && o.observed === "allowed";
  const violatingDenied = (o: { shape: string; observed: string }) =>
    o.shape === "violating" && o.observed === "denied-by-iam";
  return (
    (seen.some(refused) || (fineGrained && seen.some(satisfyingAllowed) && seen.some(violatingDenied))) &&
    seen.every((o) => refused(o) || satisfyingAllowed(o) || violatingDenied(o))
  );
}

/**
 * The cells of role sessions assumed with session policies (test/support/sessionPolicies.ts): for each
 * role the prober signs as, a second session, assumed by the same trusted user with the next of
 * `sessionPolicies`, probed over HTTP; each cell must answer what the role's cell and the session
 * policies together give.
 */
async function sessionDifferences(
  sandbox: Sandbox,
  model: CloudModel,
  report: AccessReport,
  signers: readonly (Signer & { readonly assumedBy?: Signer })[],
  sessionPolicies: readonly SessionPolicySpec[],
  kinds: ReadonlyMap<string, FineGrainedKind>,
  tally: Tally,
): Promise<string[]> {
  const roles = signers.filter(
    (signer) => signer.sessionToken !== undefined && signer.assumedBy !== undefined,
  );
  const found: string[] = [];
  for (const [index, role] of roles.entries()) {
    if (sessionPolicies.length === 0) {
      break;
    }
    const request = sessionPolicyRequest(sessionPolicies[index % sessionPolicies.length]);
    const sessionName = "access-prober-policy";
    const session = await assumeRole({
      endpoint: sandbox.endpoint,
      region: model.region,
      user: role.assumedBy as Signer,
      roleArn: role.arn,
      sessionName,
      ...request,
    });
    const sessionArn = `arn:aws:sts::${role.arn.split(":")[4]}:assumed-role/${role.arn.split("/").pop()}/${sessionName}`;
    // A role with a fine-grained policy: its session sends the request the policy's conditions allow, for
    // which the role's conditional cells are allowed.
    const kind = kinds.get(role.arn);
    const shape =
      kind === undefined
        ? DEFAULT_SHAPE
        : shapesOf(kind, await callerUserId(sandbox.endpoint, model.region, session))[0];
    const observations = await probe({
      shapesOf: () => [shape],
      endpoint: sandbox.endpoint,
      region: model.region,
      model,
      report,
      signers: [session],
    });
    for (const cell of report.cells.filter((candidate) => candidate.principal === role.arn)) {
      if (!PROBED_OPERATIONS.has(cell.operation)) {
        continue;
      }
      // Conditional on an organization key: refused as not modelled, whatever the session policies.
      if (cell.decision === "conditional" && orgKeysOf(cell).length > 0) {
        tally.sessionConditional += 1;
        continue;
      }
      const keyArn = report.tables.find((table) => table.name === cell.table)?.keyArn;
      const grantOnKey =
        keyArn !== undefined &&
        (report.principals.find((principal) => principal.arn === role.arn)?.grants ?? []).some((grant) =>
          grant.endsWith(` on ${keyArn}`),
        );
      // A key policy statement with a wildcard principal (and no aws:PrincipalArn narrowing it to users)
      // may let the session in itself, which no session policy limits (IAM User Guide, "Session policies":
      // a resource-based policy naming the session); whether "*" names the session the docs do not say, so
      // such a key's part is not compared, as a grant's is not.
      const wildcardOnKey =
        keyArn !== undefined && openToAnyPrincipal(model.keys.find((key) => key.arn === keyArn)?.policy);
      // Likewise a table policy open to any principal: it may let the session in itself (principal "*"),
      // beside the session policy, or not; the cell is not compared.
      const wildcardOnTable = openToAnyPrincipal(
        model.tables.find((table) => table.name === cell.table)?.resourcePolicy?.document,
      );
      const expected = wildcardOnTable
        ? undefined
        : sessionCellDecision(
            cell,
            request,
            sessionArn,
            model,
            kind !== undefined,
            grantOnKey || wildcardOnKey,
          );
      if (expected === undefined) {
        tally.sessionConditional += 1;
        continue;
      }
      tally.sessionCells += 1;
      tally.sessionNarrowed += expected !== cell.decision ? 1 : 0;
      const seen = observations.find(
        (observation) => observation.table === cell.table && observation.operation === cell.operation,
      );
      if (seen?.observed !== expected) {
        found.push(
          `[session] ${cell.table} ${role.arn} ${cell.operation} with ${JSON.stringify(request)}: role's cell ` +
            `${cell.decision}, expected ${expected}, observed ${seen?.observed} ${seen?.error ?? ""}`,
        );
      }
    }
  }
  return found;
}

/** Whether a key or table policy has an Allow for any principal ("*") that no aws:PrincipalArn condition narrows. */
function openToAnyPrincipal(policy: string | undefined): boolean {
  if (policy === undefined) {
    return false;
  }
  const statements = (
    JSON.parse(policy) as { Statement: Record<string, unknown>[] | Record<string, unknown> }
  ).Statement;
  return [statements].flat().some((statement) => {
    const principal = statement.Principal as string | { AWS?: string | string[] } | undefined;
    const any =
      principal === "*" || (typeof principal === "object" && [principal.AWS ?? []].flat().includes("*"));
    return (
      statement.Effect === "Allow" &&
      any &&
      !JSON.stringify(statement.Condition ?? {}).includes("aws:PrincipalArn")
    );
  });
}

const EXTRAS: ExtraPolicy[] = [
  "allow-kms-decrypt",
  "deny-get-item",
  "deny-kms",
  "allow-create-access-key",
  "abac-team-blue",
  "allow-condition-check",
  "deny-delete-item",
  "tag-env-prod-tables",
  "deny-untagged-tables",
  "tag-team-blue-keys",
  "deny-assume-red-roles",
];
/** A principal's IAM tag team: blue, red or none. */
const TEAM = fc.constantFrom("blue" as const, "red" as const, undefined);
const LEVELS: TableAccessLevel[] = ["none", "readonly", "readwrite", "full"];

const BOUNDARIES: BoundaryKind[] = ["tables-only", "reads-only", "all-but-kms"];
/** A permissions boundary on about one principal in four. */
const boundaryArb = fc.option(fc.constantFrom(...BOUNDARIES), { nil: undefined, freq: 3 });

/** A fine-grained policy (test/support/fineGrained.ts) on about one principal in three. */
const fineGrainedArb: fc.Arbitrary<FineGrainedKind | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom(...FINE_GRAINED_KINDS) },
);

const userArb: fc.Arbitrary<UserSpec> = fc.record(
  {
    access: fc.constantFrom(...LEVELS),
    extras: fc.subarray(EXTRAS, { maxLength: 2 }),
    withAccessKey: fc.oneof(
      { weight: 4, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    ),
    boundary: boundaryArb,
    team: TEAM,
    fineGrained: fineGrainedArb,
  },
  { requiredKeys: ["access", "extras", "withAccessKey"] },
);

/** An IAM group with table access and extras (a grant of the key, a deny), and some of the users as members. */
function groupArb(users: number): fc.Arbitrary<GroupSpec> {
  return fc.record({
    access: fc.constantFrom(...LEVELS),
    extras: fc.subarray(
      [
        "allow-kms-decrypt",
        "deny-get-item",
        "deny-kms",
        "allow-condition-check",
        "deny-delete-item",
        "tag-env-prod-tables",
        "deny-untagged-tables",
        "tag-team-blue-keys",
      ] as ExtraPolicy[],
      {
        maxLength: 2,
      },
    ),
    members: fc.subarray(
      Array.from({ length: users }, (_, index) => index),
      { minLength: 1 },
    ),
    policyAs: fc.constantFrom("inline" as const, "attached" as const),
    membership: fc.constantFrom("group-membership" as const, "user-group-membership" as const),
  });
}

/** SCPs and RCPs attached to the root, the account or elsewhere, in a management or member account. */
const organizationArb: fc.Arbitrary<OrganizationSpec> = fc.record({
  scps: fc.subarray([
    "deny-delete-item",
    "deny-kms-decrypt",
    "deny-user0-dynamodb",
  ] as OrganizationSpec["scps"][number][]),
  rcps: fc.subarray(["deny-direct-decrypt", "deny-user1-kms"] as OrganizationSpec["rcps"][number][]),
  attachedTo: fc.oneof(
    { weight: 2, arbitrary: fc.constant("root" as const) },
    { weight: 2, arbitrary: fc.constant("account" as const) },
    { weight: 1, arbitrary: fc.constant("other-account" as const) },
  ),
  account: fc.oneof(
    { weight: 3, arbitrary: fc.constant("member" as const) },
    { weight: 1, arbitrary: fc.constant("management" as const) },
    { weight: 1, arbitrary: fc.constant("unsaid" as const) },
  ),
});

function keyArb(users: number, roles: number, partners: number, partnerRoles: number): fc.Arbitrary<KeySpec> {
  const indices = Array.from({ length: users }, (_, index) => index);
  return fc.record({
    keyPartnerRoles: fc.subarray(Array.from({ length: partnerRoles }, (_, index) => index)),
    keyRoles: fc.subarray(Array.from({ length: roles }, (_, index) => index)),
    keyPartners: fc.subarray(Array.from({ length: partners }, (_, index) => index)),
    rootStatement: fc.boolean(),
    keyUsers: fc.subarray(indices),
    viaDynamoDbOnly: fc.oneof(
      { weight: 3, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    ),
    deniedUsers: fc.subarray(indices, { maxLength: 1 }),
    enabled: fc.oneof(
      { weight: 5, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    ),
    policyAs: fc.oneof(
      { weight: 3, arbitrary: fc.constant("key" as const) },
      { weight: 1, arbitrary: fc.constant("key-policy-resource" as const) },
      { weight: 1, arbitrary: fc.constant("default" as const) },
    ),
    analysts: fc.boolean(),
    team: TEAM,
  });
}

function roleArb(users: number): fc.Arbitrary<RoleSpec> {
  return fc.record(
    {
      access: fc.constantFrom(...LEVELS),
      trustedUsers: fc.subarray(
        Array.from({ length: users }, (_, index) => index),
        { maxLength: Math.min(2, users) },
      ),
      boundary: boundaryArb,
      team: TEAM,
      abac: fc.boolean(),
      fineGrained: fineGrainedArb,
    },
    { requiredKeys: ["access", "trustedUsers"] },
  );
}

/** Grants on the stack's keys to its users and roles; Decrypt in most, CreateGrant in some. */
function grantArb(users: number, roles: number, keys: number): fc.Arbitrary<GrantSpec> {
  return fc.record({
    key: fc.nat({ max: keys - 1 }),
    grantee:
      roles === 0
        ? fc.record({ kind: fc.constant("user" as const), index: fc.nat({ max: users - 1 }) })
        : fc.oneof(
            fc.record({ kind: fc.constant("user" as const), index: fc.nat({ max: users - 1 }) }),
            fc.record({ kind: fc.constant("role" as const), index: fc.nat({ max: roles - 1 }) }),
          ),
    operations: fc.oneof(
      { weight: 4, arbitrary: fc.constant(["Decrypt"]) },
      { weight: 1, arbitrary: fc.constant(["Encrypt", "GenerateDataKey"]) },
      { weight: 1, arbitrary: fc.constant(["Decrypt", "CreateGrant"]) },
    ),
    constraint: fc.constantFrom("none" as const, "first-table" as const, "other-equals" as const),
  });
}

/**
 * A table's resource-based policy: users it lets read, or read and write, and users it denies GetItem;
 * the same for the second account's partners, or their whole account let read.
 */
function tablePolicyArb(
  users: number,
  partners: number,
  partnerRoles: number,
): fc.Arbitrary<TablePolicySpec> {
  const indices = Array.from({ length: users }, (_, index) => index);
  const partnerIndices = Array.from({ length: partners }, (_, index) => index);
  return fc.record({
    partnerRoleReaders: fc.subarray(Array.from({ length: partnerRoles }, (_, index) => index)),
    readers: fc.subarray(indices, { maxLength: Math.min(2, users) }),
    writers: fc.subarray(indices, { maxLength: 1 }),
    deniedGetItem: fc.subarray(indices, { maxLength: 1 }),
    ownItemsUsers: fc.subarray(indices, { maxLength: 1 }),
    partnerReaders: fc.subarray(partnerIndices),
    partnerWriters: fc.subarray(partnerIndices, { maxLength: Math.min(1, partners) }),
    partnerDeniedGetItem: fc.subarray(partnerIndices, { maxLength: Math.min(1, partners) }),
    partnerAccountReads: fc.boolean(),
    organizationReads: fc.constantFrom("org-id" as const, "org-paths" as const, undefined),
  });
}

/** An organization the org condition keys read: whole or not, the second account in it or not. */
function orgKeysArb(users: number): fc.Arbitrary<OrgKeysSpec> {
  return fc.record(
    {
      shape: fc.constantFrom("organization" as const, "accounts" as const),
      partnerMember: fc.boolean(),
      keyPolicy: fc.constantFrom("org-id" as const, "org-paths" as const, undefined),
      resourceOrgWriters: fc.subarray(
        Array.from({ length: users }, (_, index) => index),
        { maxLength: 1 },
      ),
    },
    { requiredKeys: ["shape", "partnerMember", "resourceOrgWriters"] },
  );
}

/** A user of the second account: its identity policy's table access, and kms:Decrypt on the keys or not. */
const partnerArb: fc.Arbitrary<PartnerSpec> = fc.record({
  access: fc.constantFrom(...LEVELS),
  decrypt: fc.boolean(),
});

/** Session policies for the role sessions: an inline policy's actions, AmazonDynamoDBReadOnlyAccess, or both. */
const sessionPolicyArb: fc.Arbitrary<SessionPolicySpec> = fc
  .record(
    {
      inline: fc.subarray([...SESSION_ACTIONS], { minLength: 1, maxLength: 4 }),
      managed: fc.constant("read-only" as const),
      denyGetItem: fc.boolean(),
    },
    { requiredKeys: [] },
  )
  .filter((spec) => spec.inline !== undefined || spec.managed !== undefined);
const sessionPoliciesArb = fc.array(sessionPolicyArb, { minLength: 1, maxLength: 2 });

/** Users and roles only the account data knows: none in half the stacks, else one or two users and up to one role. */
const accountOnlyArb: fc.Arbitrary<{
  readonly users: readonly AccountOnlyUserSpec[];
  readonly roles: readonly AccountOnlyRoleSpec[];
}> = fc.oneof(
  fc.constant({ users: [], roles: [] }),
  fc.record({
    users: fc.array(
      fc.record({
        access: fc.constantFrom("none" as const, "readonly" as const, "readwrite" as const),
        decrypt: fc.boolean(),
        denyGetItem: fc.boolean(),
        inGroup: fc.boolean(),
        boundary: fc.boolean(),
      }),
      { minLength: 1, maxLength: 2 },
    ),
    roles: fc.array(
      fc.record({
        access: fc.constantFrom("none" as const, "readonly" as const, "readwrite" as const),
        decrypt: fc.boolean(),
      }),
      { maxLength: 1 },
    ),
  }),
);

let generated = 0;
const stackArb: fc.Arbitrary<Omit<StackSpec, "id">> = fc
  .record({
    users: fc.integer({ min: 1, max: 4 }),
    keys: fc.integer({ min: 0, max: 3 }),
    roles: fc.integer({ min: 0, max: 2 }),
    partners: fc.integer({ min: 0, max: 2 }),
    partnerRoles: fc.integer({ min: 0, max: 1 }),
  })
  .chain(({ users, keys, roles, partners, partnerRoles: partnerRoleCount }) => {
    const partnerRoles = partners === 0 ? 0 : partnerRoleCount;
    return fc.record({
      partnerRoles: fc.array(
        fc.record({
          access: fc.constantFrom(...LEVELS),
          decrypt: fc.boolean(),
          trustedPartner: fc.nat({ max: Math.max(partners - 1, 0) }),
        }),
        { minLength: partnerRoles, maxLength: partnerRoles },
      ),
      users: fc.array(userArb, { minLength: users, maxLength: users }),
      partners: fc.array(partnerArb, { minLength: partners, maxLength: partners }),
      keys: fc.array(keyArb(users, roles, partners, partnerRoles), { minLength: keys, maxLength: keys }),
      roles: fc.array(roleArb(users), { minLength: roles, maxLength: roles }),
      grants: keys === 0 ? fc.constant([]) : fc.array(grantArb(users, roles, keys), { maxLength: 2 }),
      tables: fc.array(
        keys === 0
          ? fc.constant(undefined)
          : fc.option(fc.nat({ max: keys - 1 }), { nil: undefined, freq: 4 }),
        { minLength: 1, maxLength: 3 },
      ),
      groups: fc.array(groupArb(users), { maxLength: 2 }),
      tableTags: fc.array(fc.constantFrom("prod" as const, "dev" as const, undefined), { maxLength: 3 }),
      organization: fc.option(organizationArb, { nil: undefined, freq: 2 }),
      orgKeys: fc.oneof(
        { weight: 2, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: orgKeysArb(users) },
      ),
      tablePolicies: fc.array(
        fc.option(tablePolicyArb(users, partners, partnerRoles), { nil: undefined, freq: 2 }),
        { maxLength: 3 },
      ),
      autoNames: fc.boolean(),
      objectsAndReferences: fc.boolean(),
      sortKey: fc.boolean(),
    });
  })
  // A leading-key condition is met by a write transaction's four parts only on one partition key: the
  // tables then have a sort key.
  .map((shape) => ({
    ...shape,
    // One organization per stack: the one the org condition keys read, or the SCPs' and RCPs'.
    organization: shape.orgKeys === undefined ? shape.organization : undefined,
    // A table policy's organization statement only where there is an organization.
    tablePolicies: shape.tablePolicies.map((policy) =>
      policy === undefined || shape.orgKeys !== undefined
        ? policy
        : { ...policy, organizationReads: undefined },
    ),
    sortKey:
      shape.sortKey ||
      [...shape.users, ...shape.roles].some((principal) =>
        principal.fineGrained?.startsWith("leading-keys"),
      ) ||
      shape.tablePolicies.some((policy) => (policy?.ownItemsUsers ?? []).length > 0),
  }));

describe("access: the static matrix equals the live sandbox, cell by cell (slow)", function () {
  this.timeout(15 * 60_000);
  const tally: Tally = {
    stacks: 0,
    overHttp: 0,
    asRoleSessions: 0,
    ofGrantees: 0,
    ofPartners: 0,
    partnersAllowed: 0,
    throughEngine: 0,
    fineGrained: 0,
    conditional: 0,
    transactWrites: 0,
    transactWritesDenied: 0,
    sessionCells: 0,
    sessionNarrowed: 0,
    sessionConditional: 0,
    accountOnlyUsers: 0,
    accountOnlyRoles: 0,
    ofAccountOnlyRoles: 0,
    ofAccountOnly: 0,
    drawnMembers: 0,
    drawnByPattern: 0,
    drawnCells: 0,
    withGroups: 0,
    withBoundaries: 0,
    withScps: 0,
    withRcps: 0,
    assumptions: 0,
    assumptionsDenied: 0,
    withResourceTags: 0,
    withOrgKeys: 0,
    orgConditional: 0,
    ofPartnerRoles: 0,
  };

  after(function () {
    console.log(
      `      ${tally.stacks} stacks: ${tally.overHttp} cells observed over HTTP (users signing with SDK v3; ` +
        `${tally.asRoleSessions} as role sessions, ${tally.ofGrantees} of grant holders, ` +
        `${tally.ofPartners} of another account's users and roles (${tally.partnersAllowed} allowed; ` +
        `${tally.ofPartnerRoles} as sessions of its roles)), ` +
        `${tally.throughEngine} through the engine's API (root, deployer, synthetic principals); ` +
        `${tally.fineGrained} cells of principals with fine-grained policies probed with two requests ` +
        `(${tally.conditional} conditional: one allowed, one denied); ${tally.transactWrites} ` +
        `TransactWriteItems cells of four kinds of part (${tally.transactWritesDenied} denied); ` +
        `${tally.sessionCells} cells of role sessions with session policies (${tally.sessionNarrowed} narrowed ` +
        `by them; ${tally.sessionConditional} not compared: conditional, or turning on a grant); ` +
        `${tally.accountOnlyUsers} users and ${tally.accountOnlyRoles} roles only the account data knows ` +
        `(${tally.ofAccountOnly} cells over HTTP, ${tally.ofAccountOnlyRoles} as sessions of those roles); ` +
        `${tally.drawnMembers} members drawn from the proof's classes (${tally.drawnByPattern} matching a ` +
        `wildcard pattern; ${tally.drawnCells} cells); ` +
        `${tally.withGroups} with groups, ${tally.withBoundaries} with permissions boundaries, ` +
        `${tally.withScps} with SCPs and ${tally.withRcps} with RCPs that apply to the account; ` +
        `${tally.withResourceTags} with resource tags a policy reads; ${tally.assumptions} AssumeRole calls ` +
        `of trusted users (${tally.assumptionsDenied} denied); ${tally.withOrgKeys} with an organization the ` +
        `aws:PrincipalOrgID/OrgPaths/ResourceOrgID conditions read (${tally.orgConditional} cells conditional ` +
        `on them, refused as not modelled)`,
    );
  });

  it("on the dev stack, and with an identity policy that grants kms:Decrypt under root delegation", async function () {
    const plan = await synthesize({ stack: "dev", config: devConfig() });
    expect(await differences(plan, tally)).to.deep.equal([]);
    const revealed = reveal(plan) as Plan;
    const keyArn = (revealed.outputs as { keyArn: string }).keyArn;
    const policy = {
      type: "aws:iam/userPolicy:UserPolicy",
      urn: "urn:pulumi:dev::kms-dynamodb::aws:iam/userPolicy:UserPolicy::kms-test-user-decrypt",
      custom: true,
      id: "kms-test-user-decrypt",
      inputs: {
        name: "decrypt",
        user: "kms-test-user",
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "kms:Decrypt", Resource: keyArn }],
        }),
      },
      outputs: {},
      dependencies: [],
      propertyDependencies: {},
    };
    const widened: Plan = {
      ...revealed,
      steps: [...revealed.steps, { op: "create", urn: policy.urn, newState: policy, detailedDiff: null }],
    };
    expect(await differences(widened, tally)).to.deep.equal([]);
  });

  it("on 200 generated stacks", async function () {
    const seed = Number(process.env.ACCESS_DIFF_SEED ?? Date.now() % 2 ** 31);
    console.log(`      fast-check seed ${seed} (ACCESS_DIFF_SEED=${seed} replays it)`);
    await fc.assert(
      fc.asyncProperty(
        stackArb,
        sessionPoliciesArb,
        accountOnlyArb,
        fc.nat(),
        async (shape, sessionPolicies, accountOnly, drawSeed) => {
          generated += 1;
          const id = `g${generated}`;
          const plan = buildStackPlan({ id, ...shape });
          const found = await differences(
            plan,
            tally,
            sessionPolicies,
            withAccountOnlyUsers(plan, id, ACCOUNT_ID, accountOnly.users, accountOnly.roles),
            drawSeed,
          );
          if (found.length > 0) {
            throw new Error(`${found.length} cells differ:\n${found.slice(0, 10).join("\n")}`);
          }
        },
      ),
      { numRuns: Number(process.env.ACCESS_DIFF_RUNS ?? 200), seed },
    );
  });
});
