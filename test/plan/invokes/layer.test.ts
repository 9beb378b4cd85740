/**
 * The plan engine's invoke layer: recorded results first (`--invokes FILE`: token and deep-equal
 * arguments, or any arguments for an entry without `args`), then computed invokes, then the stack's
 * state, and otherwise a value of the result's schema whose strings carry the unknown marker.
 */
import { expect } from "chai";
import { InvokeLayer, InvokesFileError, parseInvokes } from "../../../plan/invokes";
import { DEFAULT_DEPLOYER } from "../../../plan/mocks";
import { SchemaReader } from "../../../plan/schema";
import type { PlanResourceState } from "../../../plan/types";
import { containsUnknown, UNKNOWN_VALUE } from "../../../plan/values";
import { REPO_ROOT } from "../../support/paths";

const context = { region: "eu-west-1", deployer: DEFAULT_DEPLOYER };
const schema = new SchemaReader(REPO_ROOT);

describe("InvokeLayer", () => {
  it("answers a recorded call by token and deep-equal arguments, and an entry without args for any call", () => {
    const layer = new InvokeLayer({
      context,
      schema,
      recorded: parseInvokes(
        [
          { token: "aws:ssm/getParameter:getParameter", args: { name: "/a" }, result: { value: "A" } },
          { token: "aws:ssm/getParameter:getParameter", result: { value: "any" } },
          { token: "aws:index/getCallerIdentity:getCallerIdentity", result: { accountId: "444455556666" } },
        ],
        "test",
      ),
    });
    expect(layer.answer("aws:ssm/getParameter:getParameter", { name: "/a" })).to.deep.equal({
      result: { value: "A" },
      source: "recorded",
    });
    expect(layer.answer("aws:ssm/getParameter:getParameter", { name: "/b" }).result).to.deep.equal({
      value: "any",
    });
    // A recorded identity stands for the one that ran `pulumi preview`.
    expect(layer.answer("aws:index/getCallerIdentity:getCallerIdentity", {}).result.accountId).to.equal(
      "444455556666",
    );
    expect(layer.unresolved).to.deep.equal([]);
  });

  it("computes the region, partition and caller identity from the config", () => {
    const layer = new InvokeLayer({ context, schema });
    expect(layer.answer("aws:index/getRegion:getRegion", {})).to.deep.include({ source: "computed" });
    expect(layer.answer("aws:index/getRegion:getRegion", {}).result.name).to.equal("eu-west-1");
    expect(
      layer.answer("aws:index/getPartition:getPartition", { region: "cn-north-1" }).result.partition,
    ).to.equal("aws-cn");
    expect(
      layer.answer("aws:index/getArn:getArn", { arn: "arn:aws:kms:eu-west-1:1:key/k" }).result,
    ).to.include({
      service: "kms",
      resource: "key/k",
    });
  });

  it("reads a key or a table the stack's state holds", () => {
    const key: PlanResourceState = {
      type: "aws:kms/key:Key",
      urn: "urn:pulumi:dev::p::aws:kms/key:Key::k",
      custom: true,
      id: "1234abcd-12ab-34cd-56ef-1234567890ab",
      inputs: {},
      outputs: { arn: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
      dependencies: [],
      propertyDependencies: {},
    };
    const alias: PlanResourceState = {
      ...key,
      type: "aws:kms/alias:Alias",
      urn: "urn:pulumi:dev::p::aws:kms/alias:Alias::a",
      id: "alias/orders",
      outputs: { name: "alias/orders", targetKeyId: key.id },
    };
    const layer = new InvokeLayer({ context, schema, state: [key, alias] });
    const answer = layer.answer("aws:kms/getKey:getKey", { keyId: "alias/orders" });
    expect(answer.source).to.equal("state");
    expect(answer.result.arn).to.equal(key.outputs.arn);
  });

  it("gives an invoke nothing answers its result's shape, strings carrying the unknown marker, and names it", () => {
    const layer = new InvokeLayer({ context, schema });
    const answer = layer.answer("aws:iam/getRole:getRole", { name: "deployer" });
    expect(answer.source).to.equal("unresolved");
    expect(answer.result.arn).to.be.a("string").and.contain(UNKNOWN_VALUE);
    expect(answer.result.arn).to.not.equal(UNKNOWN_VALUE);
    expect(answer.result.maxSessionDuration).to.equal(0);
    expect(containsUnknown(`${answer.result.arn}/*`)).to.equal(true);
    expect(layer.unresolved).to.have.length(1);
    expect(layer.unresolved[0].entry).to.deep.include({
      token: "aws:iam/getRole:getRole",
      args: { name: "deployer" },
    });
    expect(layer.unresolved[0].entry.result.arn).to.equal("<string>");
  });

  it("refuses an --invokes document that is not a list of { token, args?, result }", () => {
    expect(() => parseInvokes({}, "f")).to.throw(InvokesFileError, "expected a JSON list");
    expect(() => parseInvokes([{ token: "x", result: {} }], "f")).to.throw(InvokesFileError, "[0].token");
    expect(() => parseInvokes([{ token: "a:b:c", args: [], result: {} }], "f")).to.throw(
      InvokesFileError,
      "[0].args",
    );
    expect(() => parseInvokes([{ token: "a:b:c" }], "f")).to.throw(InvokesFileError, "[0].result");
  });
});
