// Benchmark fixture: the same PolicyPack server, Remediate and Analyze calls as the project's pack, and
// the same shape, one policy of the same kind (resource or stack) per rule of the project's pack, each of
// which returns at once. @pulumi/policy does work per policy and resource (it rebuilds the resource's
// properties for each policy), which belongs to the path, not to the rules: what the project's pack costs
// beyond this is the cost of its rules. The shape comes from the project's one list of rules
// (policy-pack/rules/index.ts), read through the pack's own transpile-only loader (policy-pack/main.js
// does the same); bench/policy.bench.ts checks the two packs' shapes again before it times them.
const { PolicyPack } = require("@pulumi/policy");
require("../../policy-pack/swcRegister");
const { policies: rules } = require("../../policy-pack/rules/index.ts");

const policies = rules.map((rule) =>
  "validateStack" in rule
    ? {
        name: `noop-stack-${rule.name}`,
        description: "Looks at the stack and reports nothing.",
        enforcementLevel: "mandatory",
        validateStack: () => undefined,
      }
    : {
        name: `noop-resource-${rule.name}`,
        description: "Looks at every resource and reports nothing.",
        enforcementLevel: "mandatory",
        validateResource: () => undefined,
      },
);

new PolicyPack("noop", { policies });
