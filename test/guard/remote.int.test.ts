/**
 * A remote (multi-language) component's children are made by its provider plugin, which the offline
 * guard does not run: the guard reports each as a mandatory finding naming it and its type, unless the
 * type is trusted (`--trust-component`). A local component is analyzed through its children.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { analyzePlan, remoteComponentFindings } from "../../guard/run";
import { synthesize } from "../../plan/synth";
import { withSharedPack } from "../support/sharedPack";

async function program(): Promise<void> {
  const handler = new aws.iam.Role("handler", {
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "lambda.amazonaws.com" }),
  });
  new pulumi.ComponentResource("aws-apigateway:index:RestAPI", "api", { role: handler }, undefined, true);
  new pulumi.ComponentResource("awsx:ec2:DefaultVpc", "vpc", {}, undefined, true);
  new pulumi.ComponentResource("acme:index:Local", "local", {});
}

describe("the guard on remote components", function () {
  this.timeout(60_000);

  it("reports each remote component, mandatory, naming it and its type, unless its type is trusted", async () => {
    const plan = await synthesize({
      stack: "dev",
      config: { "aws:region": "us-east-1" },
      program,
      preview: true,
    });
    const report = await withSharedPack((client) =>
      analyzePlan(client, plan, {}, () => undefined, { trustedComponents: ["awsx:ec2:DefaultVpc"] }),
    );
    const remote = report.violations.filter((v) => v.policyName === "remote-component-not-analyzed");
    expect(remote.map((v) => [v.resourceType, v.enforcementLevel])).to.deep.equal([
      ["aws-apigateway:index:RestAPI", "mandatory"],
    ]);
    expect(remote[0].message).to.contain('Remote component aws-apigateway:index:RestAPI "api"');
    expect(report.mandatory).to.be.at.least(1);
  });

  it("does not count a local component with no children", () => {
    const local = {
      type: "acme:index:Local",
      urn: "urn:pulumi:dev::p::acme:index:Local::local",
      custom: false,
      inputs: {},
      outputs: {},
      dependencies: [],
      propertyDependencies: {},
    };
    expect(remoteComponentFindings([local])).to.deep.equal([]);
  });
});
