/**
 * The session store keeps AssumeRole's session policies with the session, through persistence, so a
 * session restored after a restart is no wider than the one issued (IAM User Guide, "Session policies":
 * the session's permissions are the intersection of the role's and the session policies).
 */
import { expect } from "chai";
import { session as validatedSession } from "../../../sandbox/deploy/stateValidation";
import { AwsError } from "../../../sandbox/errors";
import { NOT_MODELLED } from "../../../sandbox/http/requestMembers";
import { SessionStore } from "../../../sandbox/sts/sessions";

const ROLE = "arn:aws:iam::111122223333:role/reader";
const POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: "*" }],
});

describe("sandbox/sts session store: session policies", () => {
  it("keeps a session's policies through the state file and a restart", () => {
    const store = new SessionStore();
    const issued = store.issue({
      roleArn: ROLE,
      roleId: "AROAEXAMPLEREADER001",
      sessionName: "s1",
      durationSeconds: 900,
      policy: POLICY,
      policyArns: ["arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"],
    });
    const saved = store
      .persisted()
      .map((record, index) => validatedSession(JSON.parse(JSON.stringify(record)), `sessions[${index}]`));
    const restarted = new SessionStore();
    restarted.restore(saved);
    expect(restarted.sessionPolicies(issued.sessionArn)).to.deep.equal({
      policy: POLICY,
      policyArns: ["arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"],
    });
  });

  it("has no session policies for a session issued without them", () => {
    const store = new SessionStore();
    const issued = store.issue({
      roleArn: ROLE,
      roleId: "AROAEXAMPLEREADER001",
      sessionName: "s2",
      durationSeconds: 900,
    });
    expect(store.sessionPolicies(issued.sessionArn)).to.equal(undefined);
  });

  it("refuses, as not modelled, a second live session of one ARN with other session policies", () => {
    const store = new SessionStore();
    store.issue({
      roleArn: ROLE,
      roleId: "AROAEXAMPLEREADER001",
      sessionName: "same",
      durationSeconds: 900,
      policy: POLICY,
    });
    expect(() =>
      store.issue({
        roleArn: ROLE,
        roleId: "AROAEXAMPLEREADER001",
        sessionName: "same",
        durationSeconds: 900,
      }),
    )
      .to.throw(AwsError)
      .with.property("code", NOT_MODELLED);
  });

  // IAM User Guide, "Passing session tags in AWS STS" and "Monitor and control actions taken with
  // assumed roles": a session's tags and source identity apply to every request it makes, for its life.
  it("keeps a session's tags, transitive keys and source identity through the state file and a restart", () => {
    const store = new SessionStore();
    const issued = store.issue({
      roleArn: ROLE,
      roleId: "AROAEXAMPLEREADER001",
      sessionName: "tagged",
      durationSeconds: 900,
      tags: { team: "blue", cost: "" },
      transitiveTagKeys: ["team"],
      sourceIdentity: "alice",
    });
    const saved = store
      .persisted()
      .map((record, index) => validatedSession(JSON.parse(JSON.stringify(record)), `sessions[${index}]`));
    const restarted = new SessionStore();
    restarted.restore(saved);
    expect(restarted.sessionAttributes(issued.sessionArn)).to.deep.equal({
      tags: { team: "blue", cost: "" },
      sourceIdentity: "alice",
    });
    expect(restarted.get(issued.accessKeyId)?.transitiveTagKeys).to.deep.equal(["team"]);
    expect(new SessionStore().sessionAttributes(issued.sessionArn)).to.equal(undefined);
  });

  it("refuses, as not modelled, a second live session of one ARN with other tags", () => {
    const store = new SessionStore();
    const request = { roleArn: ROLE, roleId: "AROAEXAMPLEREADER001", sessionName: "t", durationSeconds: 900 };
    store.issue({ ...request, tags: { team: "blue" } });
    expect(() => store.issue({ ...request, tags: { team: "red" } }))
      .to.throw(AwsError)
      .with.property("code", NOT_MODELLED);
  });
});
