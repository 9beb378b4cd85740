/**
 * STS over the query protocol: GetCallerIdentity, which needs no permission (STS API reference: "No
 * permissions are required to perform this operation"; even an explicit deny does not stop it).
 */
import { AwsError } from "./errors";
import { xmlEscape } from "./protocols";
import type { Caller } from "./stack";

const STS_VERSION = "2011-06-15";

/** The query action of a form-encoded body. */
export function queryAction(form: URLSearchParams): string {
  const action = form.get("Action");
  if (action === null || action === "") {
    throw new AwsError("MissingAction", "Missing Action");
  }
  return action;
}

/** The `<ActionResult>` contents for a signed STS request. */
export function handleSts(action: string, form: URLSearchParams, caller: Caller): string {
  const version = form.get("Version") ?? STS_VERSION;
  if (action !== "GetCallerIdentity" || version !== STS_VERSION) {
    throw new AwsError("InvalidAction", `Could not find operation ${action} for version ${version}`);
  }
  return (
    `    <Arn>${xmlEscape(caller.arn)}</Arn>\n` +
    `    <UserId>${xmlEscape(caller.userId)}</UserId>\n` +
    `    <Account>${xmlEscape(caller.accountId)}</Account>\n`
  );
}
