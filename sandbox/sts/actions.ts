/**
 * STS's actions, over the query protocol:
 * - GetCallerIdentity, which needs no permission (STS API reference: "No permissions are required to
 *   perform this operation"; even an explicit deny does not stop it). For a role session it answers the
 *   assumed-role ARN and ROLE_ID:SESSION_NAME.
 * - AssumeRole, authorized by the Authorizer (trust policy and the caller's identity policies), returning
 *   temporary credentials from the session store (STS API reference, AssumeRole).
 * Each returns the contents of its `<ActionResult>`.
 */
import { parseAssumedRoleArn } from "../../infra/assumedRole";
import { AwsError } from "../errors";
import { xmlEscape } from "../http/protocols";
import { NOT_MODELLED } from "../http/requestMembers";
import { callerRequestKeys, type Caller, type LiveStack } from "../deploy/stack";
import { checkRoleArn } from "./limits";
import { sessionAttributesOf } from "./sessionTags";

/** RoleSessionName: 2-64 characters of [\w+=,.@-] (STS API reference, AssumeRole). */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** DurationSeconds: at least 900; at most the role's MaxSessionDuration (default 3,600). */
const MIN_DURATION_SECONDS = 900;
const DEFAULT_DURATION_SECONDS = 3600;
/** "Role chaining limits your session to a maximum of one hour" (IAM User Guide, "Roles terms and concepts"). */
const ROLE_CHAINING_MAX_SECONDS = 3600;

export async function getCallerIdentity(_form: URLSearchParams, caller: Caller): Promise<string> {
  return (
    `    <Arn>${xmlEscape(caller.arn)}</Arn>\n` +
    `    <UserId>${xmlEscape(caller.userId)}</UserId>\n` +
    `    <Account>${xmlEscape(caller.accountId)}</Account>\n`
  );
}

export async function assumeRole(form: URLSearchParams, caller: Caller, stack: LiveStack): Promise<string> {
  const roleArn = requiredParameter(form, "RoleArn", "roleArn", 20, 2048);
  const sessionName = requiredParameter(form, "RoleSessionName", "roleSessionName", 2, 64);
  if (!SESSION_NAME.test(sessionName)) {
    throw validation(
      "roleSessionName",
      sessionName,
      "Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
  }
  const durationText = form.get("DurationSeconds");
  const duration = durationText === null ? DEFAULT_DURATION_SECONDS : Number(durationText);
  if (!Number.isInteger(duration)) {
    throw validation("durationSeconds", durationText, "Member must be an integer");
  }
  if (duration < MIN_DURATION_SECONDS) {
    throw validation(
      "durationSeconds",
      durationText,
      `Member must have value greater than or equal to ${MIN_DURATION_SECONDS}`,
    );
  }
  const externalId = form.get("ExternalId");
  if (externalId !== null) {
    // ExternalId: 2-1,224 characters of [\w+=,.@:/-] (STS API reference, AssumeRole).
    if (externalId.length < 2 || externalId.length > 1224) {
      throw validation("externalId", externalId, "Member must have length between 2 and 1224");
    }
    if (!EXTERNAL_ID.test(externalId)) {
      throw validation(
        "externalId",
        externalId,
        "Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*",
      );
    }
  }
  const sessionPolicies = sessionPoliciesOf(form, stack);
  // A role chain: the calling session passes on its transitive tags and its source identity.
  const calling =
    parseAssumedRoleArn(caller.arn) === undefined ? undefined : stack.sessions.get(caller.accessKeyId);
  const attributes = sessionAttributesOf(form, calling);
  checkRoleArn(roleArn, caller.arn);
  // The trust policy's context (IAM User Guide, "Available keys for AWS STS"): sts:RoleSessionName, and
  // sts:ExternalId when the request carries one (absent otherwise, as a trust policy's
  // "StringEquals sts:ExternalId" then refuses it); the passed tags as aws:RequestTag/KEY, aws:TagKeys and
  // sts:TransitiveTagKeys, and sts:SourceIdentity ("Passing session tags in AWS STS": a trust policy's
  // sts:AssumeRole statement may require tags by aws:RequestTag).
  const requestKeys = {
    ...callerRequestKeys(caller),
    "sts:RoleSessionName": sessionName,
    ...(externalId === null ? {} : { "sts:ExternalId": externalId }),
    ...attributes.requestKeys,
  };
  // sts:AssumeRole, then the permissions-only actions the request needs: sts:TagSession for a session
  // with session tags, sts:SetSourceIdentity for one with a source identity (sessionTags.ts).
  const actions: ("sts:AssumeRole" | "sts:TagSession" | "sts:SetSourceIdentity")[] = [
    "sts:AssumeRole",
    ...(attributes.tagsSession ? (["sts:TagSession"] as const) : []),
    ...(attributes.sourceIdentity === undefined ? [] : (["sts:SetSourceIdentity"] as const)),
  ];
  for (const action of actions) {
    const decision = await stack.authorizer.authorizeAssumeRole(caller.arn, roleArn, requestKeys, action);
    if (decision.notModelledKeys !== undefined) {
      throw new AwsError(NOT_MODELLED, decision.message ?? `${action} on ${roleArn} is not modelled`);
    }
    if (!decision.allowed || stack.role(roleArn) === undefined) {
      // STS answers AccessDenied (HTTP 403) for a role the caller may not assume and for one that does not
      // exist alike (STS API reference, AssumeRole; IAM User Guide, "Troubleshoot IAM roles").
      throw new AwsError(
        "AccessDenied",
        `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${roleArn}`,
        403,
      );
    }
  }
  const role = stack.role(roleArn);
  if (role === undefined) {
    throw new Error(`${roleArn}: a role STS allowed is not in the stack`);
  }
  const chained = parseAssumedRoleArn(caller.arn) !== undefined;
  if (chained && duration > ROLE_CHAINING_MAX_SECONDS) {
    throw new AwsError(
      "ValidationError",
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
  }
  if (duration > role.maxSessionDuration) {
    throw new AwsError(
      "ValidationError",
      "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    );
  }
  const session = stack.sessions.issue({
    roleArn,
    roleId: role.roleId,
    sessionName,
    durationSeconds: duration,
    ...sessionPolicies,
    tags: attributes.tags,
    transitiveTagKeys: attributes.transitiveTagKeys,
    ...(attributes.sourceIdentity === undefined ? {} : { sourceIdentity: attributes.sourceIdentity }),
  });
  return (
    `    <Credentials>\n` +
    `      <AccessKeyId>${session.accessKeyId}</AccessKeyId>\n` +
    `      <SecretAccessKey>${xmlEscape(session.secretAccessKey)}</SecretAccessKey>\n` +
    `      <SessionToken>${xmlEscape(session.sessionToken)}</SessionToken>\n` +
    `      <Expiration>${session.expiration.toISOString().replace(/\.\d{3}Z$/, "Z")}</Expiration>\n` +
    `    </Credentials>\n` +
    `    <AssumedRoleUser>\n` +
    `      <AssumedRoleId>${xmlEscape(session.assumedRoleId)}</AssumedRoleId>\n` +
    `      <Arn>${xmlEscape(session.sessionArn)}</Arn>\n` +
    `    </AssumedRoleUser>\n` +
    (session.sourceIdentity === undefined
      ? ""
      : `    <SourceIdentity>${xmlEscape(session.sourceIdentity)}</SourceIdentity>\n`)
  );
}

/** ExternalId's pattern (STS API reference, AssumeRole). */
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;
/** "You can pass up to 10 managed policy ARNs" (STS API reference, AssumeRole, PolicyArns). */
const MAX_POLICY_ARNS = 10;
/** An inline session policy: 1-2,048 characters (STS API reference, AssumeRole, Policy). */
const MAX_SESSION_POLICY = 2048;

/**
 * AssumeRole's session policies (Policy; PolicyArns.member.N.arn), checked as STS checks them: the
 * session's permissions will be the intersection of these and the role's (IAM User Guide, "Session
 * policies"). A policy IAM would refuse is MalformedPolicyDocument; a managed policy the sandbox holds no
 * document for is NoSuchEntity (from the authorizer).
 */
function sessionPoliciesOf(
  form: URLSearchParams,
  stack: LiveStack,
): { policy?: string; policyArns?: string[] } {
  const policy = form.get("Policy") ?? undefined;
  if (policy !== undefined && (policy.length < 1 || policy.length > MAX_SESSION_POLICY)) {
    throw validation(
      "policy",
      policy.slice(0, 64),
      `Member must have length between 1 and ${MAX_SESSION_POLICY}`,
    );
  }
  const policyArns: string[] = [];
  for (let index = 1; form.has(`PolicyArns.member.${index}.arn`); index++) {
    const arn = form.get(`PolicyArns.member.${index}.arn`) as string;
    if (arn.length < 20 || arn.length > 2048) {
      throw validation(`policyArns.${index}.member.arn`, arn, "Member must have length between 20 and 2048");
    }
    policyArns.push(arn);
  }
  if (policyArns.length > MAX_POLICY_ARNS) {
    throw validation("policyArns", null, `Member must have length less than or equal to ${MAX_POLICY_ARNS}`);
  }
  const session = {
    ...(policy === undefined ? {} : { policy }),
    ...(policyArns.length === 0 ? {} : { policyArns }),
  };
  if (policy !== undefined || policyArns.length > 0) {
    stack.authorizer.compileSessionPolicies(session);
  }
  return session;
}

function requiredParameter(
  form: URLSearchParams,
  name: string,
  member: string,
  minLength: number,
  maxLength: number,
): string {
  const value = form.get(name);
  if (value === null) {
    throw validation(member, null, "Member must not be null");
  }
  if (value.length < minLength || value.length > maxLength) {
    throw validation(member, value, `Member must have length between ${minLength} and ${maxLength}`);
  }
  return value;
}

function validation(member: string, value: string | null, constraint: string): AwsError {
  const shown = value === null ? "null" : `'${value}'`;
  return new AwsError(
    "ValidationError",
    `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}
