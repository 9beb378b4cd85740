// Benchmark fixture (plain JavaScript: nothing to transpile): the same PolicyPack server, Remediate and
// Analyze calls as the project's pack, with one resource policy and one stack policy that return at
// once. What the project's pack costs beyond this is the cost of its rules.
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("noop", {
  policies: [
    {
      name: "noop-resource",
      description: "Looks at every resource and reports nothing.",
      enforcementLevel: "mandatory",
      validateResource: () => undefined,
    },
    {
      name: "noop-stack",
      description: "Looks at the stack and reports nothing.",
      enforcementLevel: "mandatory",
      validateStack: () => undefined,
    },
  ],
});
