/**
 * Principals from ARNs (IAM User Guide, "IAM identifiers": user, root, role session and federated user
 * ARNs; a role session's ARN names the role without its path) and how Principal entries name them ("AWS
 * JSON policy elements: Principal").
 */
import { expect } from "chai";
import { principalFromArn } from "../../../../sandbox/iam/evaluation";
import { A, ALICE, ROLE, ROOT_A, SESSION, TABLE, ask, policy } from "./helpers";

describe("principalFromArn (IAM User Guide, IAM identifiers)", () => {
  it("tells users, the root user, role sessions, federated users, services and anonymous callers apart", () => {
    expect(principalFromArn(ALICE)).to.deep.equal({ kind: "user", arn: ALICE, accountId: A });
    expect(principalFromArn(ROOT_A)).to.deep.equal({ kind: "root", arn: ROOT_A, accountId: A });
    expect(principalFromArn(SESSION)).to.deep.equal({
      kind: "assumed-role",
      arn: SESSION,
      accountId: A,
      roleArn: ROLE,
    });
    expect(principalFromArn(`arn:aws:sts::${A}:federated-user/alice`)).to.deep.include({
      kind: "federated-user",
      userArn: `arn:aws:iam::${A}:user/alice`,
    });
    expect(principalFromArn("lambda.amazonaws.com").kind).to.equal("service");
    expect(principalFromArn("anonymous").kind).to.equal("anonymous");
    expect(principalFromArn("accounts.google.com").kind).to.equal("federated");
  });

  it("takes the role's ARN with its path from the caller: a grant to the role with its path covers the session", () => {
    const withPath = `arn:aws:iam::${A}:role/team/app`;
    const grant = policy("resource", "table policy", {
      Effect: "Allow",
      Principal: { AWS: withPath },
      Action: "dynamodb:GetItem",
      Resource: "*",
    });
    expect(
      ask(principalFromArn(SESSION, { roleArn: withPath }), "dynamodb:GetItem", TABLE, { resource: grant })
        .outcome,
    ).to.equal("Allowed");
    expect(ask(SESSION, "dynamodb:GetItem", TABLE, { resource: grant }).outcome).to.equal("ImplicitlyDenied");
  });

  it("refuses an ARN that names no principal", () => {
    expect(() => principalFromArn(TABLE)).to.throw(/is not a user, root, role session or federated user ARN/);
  });
});
