// Benchmark fixture (plain JavaScript: nothing to transpile): the same PolicyPack server, Remediate and
// Analyze calls as the project's pack, and the same shape, eight resource policies and one stack policy,
// each of which returns at once. @pulumi/policy does work per policy and resource (it rebuilds the
// resource's properties for each policy), which belongs to the path, not to the rules: what the project's
// pack costs beyond this is the cost of its rules. bench/policy.bench.ts checks that the two packs have
// as many policies of each kind before it times them.
const { PolicyPack } = require("@pulumi/policy");

const RESOURCE_POLICIES = 8;
const STACK_POLICIES = 1;

const policies = [];
for (let i = 1; i <= RESOURCE_POLICIES; i++) {
  policies.push({
    name: `noop-resource-${i}`,
    description: "Looks at every resource and reports nothing.",
    enforcementLevel: "mandatory",
    validateResource: () => undefined,
  });
}
for (let i = 1; i <= STACK_POLICIES; i++) {
  policies.push({
    name: `noop-stack-${i}`,
    description: "Looks at the stack and reports nothing.",
    enforcementLevel: "mandatory",
    validateStack: () => undefined,
  });
}

new PolicyPack("noop", { policies });
