/**
 * The checks with roles (docs/checks.md): each role of the outputs runs the same calls as a session assumed with
 * a trusted user's key, its rows marked principalKind "role", expectations from its dynamodbAccess and
 * keyUser. Against the sandbox, over real HTTP.
 */
import { expect } from "chai";
import { runChecks } from "../../checks/run";
import { sandboxWithDev } from "../support/sandbox";

const ROLES = [
  { name: "reporting", dynamodbAccess: "readonly", keyUser: true, trustedUsers: ["app-user"] },
  { name: "no-key", dynamodbAccess: "readwrite", keyUser: false, trustedUsers: ["kms-test-user"] },
];

describe("checks: roles as principals", function () {
  this.timeout(60_000);
  const deployed = sandboxWithDev({ "kms-dynamodb:roles": ROLES });

  it("assumes each role with a trusted user's key and matches every expectation", async () => {
    const report = await runChecks({ outputs: deployed.outputs, endpoint: deployed.sandbox.endpoint });
    expect(report.ok, JSON.stringify(report.results.filter((r) => r.actual !== r.expected))).to.equal(true);
    const rows = (name: string) => report.results.filter((result) => result.user === name);
    expect(rows("app-user").every((result) => result.principalKind === "user")).to.equal(true);
    expect(rows("reporting")).to.have.length(7);
    expect(rows("reporting").every((result) => result.principalKind === "role")).to.equal(true);
    // GetCallerIdentity answers the assumed-role ARN (STS API reference, GetCallerIdentity).
    expect(rows("reporting")[0].detail).to.match(/:assumed-role\/reporting\/kms-dynamodb-checks-/);
    // readonly key-user role: reads allowed, writes stopped by IAM.
    const outcome = (name: string, operation: string) =>
      rows(name).find((result) => result.operation === operation)?.actual;
    expect(outcome("reporting", "GetItem")).to.equal("allowed");
    expect(outcome("reporting", "PutItem")).to.equal("denied-by-iam");
    // readwrite role that is not a key user: the key stops item calls (DynamoDB developer guide,
    // "Encryption at rest: how it works").
    expect(outcome("no-key", "PutItem")).to.equal("denied-by-kms");
    expect(outcome("no-key", "DescribeTable")).to.equal("allowed");
  });

  it("reports every call of a role no user may assume as an error, never as a match", async () => {
    const outputs = structuredClone(deployed.outputs);
    const roles = outputs.roles ?? {};
    roles.ghost = { ...roles.reporting, arn: roles.reporting.arn.replace(/reporting$/, "ghost") };
    const report = await runChecks({ outputs, endpoint: deployed.sandbox.endpoint });
    const ghost = report.results.filter((result) => result.user === "ghost");
    expect(report.ok).to.equal(false);
    expect(ghost.map((result) => result.actual)).to.deep.equal(Array(7).fill("error"));
    expect(ghost[0].error).to.contain("no user of the stack could assume the role");
  });
});
