/**
 * aws:SourceIp (and the request's other keys) where the caller's IAM policies alone decide, over real
 * HTTP: KMS ListAliases, ListKeys and ListRetirableGrants, IAM GetAccountAuthorizationDetails and
 * Organizations ListPolicies. Expectations from:
 * - IAM User Guide, "AWS global condition context keys"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html): aws:SourceIp
 *   is the requester's IP address, in every request but through a VPC endpoint, compared with IpAddress.
 * - IAM User Guide, "AWS: Denies access to AWS based on the source IP"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-ip.html): a
 *   policy that allows only from a range denies a request from outside it.
 * - KMS API reference, ListAliases, ListKeys and ListRetirableGrants
 *   (https://docs.aws.amazon.com/kms/latest/APIReference/API_ListRetirableGrants.html): "Required
 *   permissions: kms:ListRetirableGrants (IAM policy)"; IAM API reference, GetAccountAuthorizationDetails;
 *   Organizations API reference, ListPolicies.
 * The sandbox listens on loopback: every client's address is 127.0.0.1 (docs/authorization.md).
 */
import { ListAliasesCommand, ListKeysCommand, ListRetirableGrantsCommand } from "@aws-sdk/client-kms";
import { expect } from "chai";
import { ACCOUNT_ID, buildStackPlan } from "../../support/accessStacks";
import { outcomeOf } from "../../support/errors";
import { setInput } from "../../support/plan";
import { aws4Signed, rawRequest, sandboxWithPlan, type Credentials } from "../../support/sandbox";

const PLAN = buildStackPlan({
  id: "ip",
  users: [
    // u0 is allowed from loopback, u1 from a range the sandbox's clients are not in.
    { access: "none", extras: ["allow-create-access-key"], withAccessKey: true },
    { access: "none", extras: ["allow-create-access-key"], withAccessKey: true },
  ],
  keys: [],
  tables: [undefined],
});

const ACTIONS = [
  "kms:ListAliases",
  "kms:ListKeys",
  "kms:ListRetirableGrants",
  "iam:GetAccountAuthorizationDetails",
  "organizations:ListPolicies",
];
for (const [user, range] of [
  ["ip-u0", "127.0.0.0/8"],
  ["ip-u1", "203.0.113.0/24"],
] as const) {
  const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ACTIONS,
        Resource: "*",
        Condition: { IpAddress: { "aws:SourceIp": range } },
      },
    ],
  });
  setInput(PLAN, "aws:iam/userPolicy:UserPolicy", user, "policy", policy);
}
const USERS = PLAN.outputs.users as Record<string, Credentials>;

describe("sandbox: aws:SourceIp where IAM policies alone decide", function () {
  this.timeout(60_000);
  const deployed = sandboxWithPlan(PLAN);
  const as = deployed.as;
  const kms = (user: string) => as(USERS[user]).kms;
  const outcome = (promise: Promise<unknown>) => outcomeOf(promise, { nameOnly: true });

  it("decides KMS ListAliases, ListKeys and ListRetirableGrants by the caller's address", async () => {
    for (const [user, expected] of [
      ["ip-u0", "allowed"],
      ["ip-u1", "AccessDeniedException"],
    ] as const) {
      expect(await outcome(kms(user).send(new ListAliasesCommand({}))), user).to.equal(expected);
      expect(await outcome(kms(user).send(new ListKeysCommand({}))), user).to.equal(expected);
      expect(
        await outcome(
          kms(user).send(
            new ListRetirableGrantsCommand({
              RetiringPrincipal: `arn:aws:iam::${ACCOUNT_ID}:user/${user}`,
            }),
          ),
        ),
        user,
      ).to.equal(expected);
    }
  });

  it("decides IAM GetAccountAuthorizationDetails by the caller's address", async () => {
    const call = (user: string) => {
      const body = new URLSearchParams({
        Action: "GetAccountAuthorizationDetails",
        Version: "2010-05-08",
      }).toString();
      return rawRequest(
        deployed.sandbox.endpoint,
        aws4Signed(
          deployed.sandbox.endpoint,
          {
            service: "iam",
            region: "us-east-1",
            body,
            contentType: "application/x-www-form-urlencoded; charset=utf-8",
          },
          USERS[user],
        ),
      );
    };
    expect((await call("ip-u0")).status).to.equal(200);
    const denied = await call("ip-u1");
    expect(denied.status).to.equal(403);
    expect(denied.body).to.include("<Code>AccessDenied</Code>");
  });

  it("decides Organizations ListPolicies by the caller's address", async () => {
    const call = (user: string) =>
      rawRequest(
        deployed.sandbox.endpoint,
        aws4Signed(
          deployed.sandbox.endpoint,
          {
            service: "organizations",
            region: "us-east-1",
            target: "AWSOrganizationsV20161128.ListPolicies",
            body: JSON.stringify({ Filter: "SERVICE_CONTROL_POLICY" }),
            contentType: "application/x-amz-json-1.1",
          },
          USERS[user],
        ),
      );
    // Allowed, u0 reaches the account's organization, which the plan does not have (Organizations API
    // reference, AWSOrganizationsNotInUseException); u1 is refused before.
    expect((await call("ip-u0")).body).to.include("AWSOrganizationsNotInUseException");
    expect((await call("ip-u1")).body).to.include("AccessDeniedException");
  });
});
