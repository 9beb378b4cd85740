/**
 * The Configure request as the engine reconciles a pack's config (pulumi/pulumi
 * pkg/resource/analyzer/config.go ReconcilePolicyPackConfig): policy defaults, then the pack's initial
 * config, then the config file; `all` before single policies in each.
 */
import { expect } from "chai";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerInfo, EnforcementLevel, PolicyConfig, PolicyInfo } from "@pulumi/pulumi/proto/analyzer_pb";
import { buildConfigureRequest, levelName } from "../../guard/policyConfig";

function info(
  initial: Record<string, { level?: EnforcementLevel; properties?: Record<string, unknown> }>,
): AnalyzerInfo {
  const analyzer = new AnalyzerInfo();
  analyzer.setName("pack");
  for (const name of ["a", "b"]) {
    const policy = new PolicyInfo();
    policy.setName(name);
    policy.setEnforcementlevel(EnforcementLevel.ADVISORY);
    analyzer.addPolicies(policy);
  }
  for (const [name, entry] of Object.entries(initial)) {
    const config = new PolicyConfig();
    if (entry.level !== undefined) config.setEnforcementlevel(entry.level);
    if (entry.properties !== undefined)
      config.setProperties(Struct.fromJavaScript(entry.properties as never));
    analyzer.getInitialconfigMap().set(name, config);
  }
  return analyzer;
}

function levels(analyzer: AnalyzerInfo, config: Record<string, unknown>): Record<string, string> {
  const result: Record<string, string> = {};
  buildConfigureRequest(analyzer, config)
    .getPolicyconfigMap()
    .forEach((policy, name) => (result[name] = levelName(policy.getEnforcementlevel())));
  return result;
}

describe("buildConfigureRequest: a pack's initial config", () => {
  it('applies initialConfig all: mandatory, as AwsGuard({ all: "mandatory" }) declares it', () => {
    expect(levels(info({ all: { level: EnforcementLevel.MANDATORY } }), {})).to.deep.equal({
      a: "mandatory",
      b: "mandatory",
    });
  });

  it("lets the config file override the initial config, and a single policy override all", () => {
    const analyzer = info({
      all: { level: EnforcementLevel.MANDATORY },
      b: { level: EnforcementLevel.DISABLED },
    });
    expect(levels(analyzer, {})).to.deep.equal({ a: "mandatory", b: "disabled" });
    expect(levels(analyzer, { a: "advisory" })).to.deep.equal({ a: "advisory", b: "disabled" });
    expect(levels(analyzer, { all: "remediate" })).to.deep.equal({ a: "remediate", b: "remediate" });
  });
});
