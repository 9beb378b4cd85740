import { expect } from "chai";
import { UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";
import * as policyProxy from "@pulumi/policy/proxy";
import { findUnknown, probe, type PropertyPath } from "../../../policy-pack/lib/values";

/** @pulumi/policy's own sentinels for values unknown during preview (proxy.js). */
const SENTINELS = policyProxy as unknown as Record<string, string>;

/** What reading `path` through the proxy gives: the value, or the UnknownValueError the proxy throws. */
function readThroughProxy(
  root: unknown,
  path: PropertyPath,
): { known: true; value: unknown } | { known: false } {
  let current: unknown = root;
  try {
    for (const step of path) {
      if (typeof current !== "object" || current === null) {
        return { known: true, value: undefined };
      }
      current = (current as Record<string | number, unknown>)[step];
    }
    return { known: true, value: current };
  } catch (error) {
    expect(error).to.be.instanceOf(UnknownValueError);
    return { known: false };
  }
}

describe("policy-pack property probes", () => {
  const props = unknownCheckingProxy({
    serverSideEncryption: { enabled: true, kmsKeyArn: SENTINELS.unknownStringValue },
    replicas: [{ regionName: "eu-west-1", kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/k" }, {}],
    tags: SENTINELS.unknownObjectValue,
    pointInTimeRecovery: { enabled: SENTINELS.unknownBooleanValue },
    name: "orders",
  });

  it("sees an unknown value where @pulumi/policy's proxy would throw, and reads known ones as the proxy gives them", () => {
    const paths: PropertyPath[] = [
      ["serverSideEncryption", "kmsKeyArn"],
      ["serverSideEncryption", "enabled"],
      ["replicas", 0, "kmsKeyArn"],
      ["replicas", 1, "kmsKeyArn"],
      ["replicas", 2, "kmsKeyArn"],
      ["tags", "team"],
      ["pointInTimeRecovery", "enabled"],
      ["name"],
      ["name", "length"],
      ["missing", "deeper"],
    ];
    for (const path of paths) {
      const expected = readThroughProxy(props, path);
      const read = probe(props, path);
      expect(read.known, path.join(".")).to.equal(expected.known);
      if (read.known && expected.known) {
        expect(read.value, path.join(".")).to.deep.equal(expected.value);
      }
    }
    expect(probe(props, ["serverSideEncryption", "kmsKeyArn"])).to.deep.equal({
      known: false,
      path: "serverSideEncryption.kmsKeyArn",
    });
    expect(probe(props, ["tags", "team"])).to.deep.equal({ known: false, path: "tags" });
  });

  it("finds the first unknown value inside a proxied object, and none in a plain one", () => {
    expect(findUnknown(props)).to.equal("serverSideEncryption.kmsKeyArn");
    expect(
      findUnknown(unknownCheckingProxy({ replicas: [{}, { key: SENTINELS.unknownStringValue }] })),
    ).to.equal("replicas[1].key");
    expect(findUnknown({ a: { b: [1, "x"] } })).to.equal(undefined);
  });

  it("finds, below a proxy, the path the proxy's own walk finds, after the path it is given", () => {
    const nested = unknownCheckingProxy({
      a: [{ b: 1 }, { c: [0, { d: SENTINELS.unknownNumberValue }] }],
      e: SENTINELS.unknownStringValue,
    });
    expect(findUnknown(nested, ["replicas", 0])).to.equal("replicas[0].a[1].c[1].d");
    expect(findUnknown(unknownCheckingProxy({ a: [{ b: 1 }], c: "known" }), ["x"])).to.equal(undefined);
  });
});
