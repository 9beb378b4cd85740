/**
 * Every principal kind is a value of the access report's `kind` (docs/contracts.md, section 7), has its
 * row of traits, and is asked about by the matrix: adding a kind to infra/principal.ts without the rest
 * fails here (or, where a table is keyed by kind, the type check).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { principalsOf } from "../../access/principals";
import { PRINCIPAL_KIND_NAMES, PRINCIPAL_KINDS } from "../../infra/principal";
import { deriveCloudModel } from "../../sandbox/deploy/model";
import { buildStackPlan } from "../support/accessStacks";
import { REPO_ROOT } from "../support/paths";
import { applySteps } from "../../sandbox/deploy/deployment";
import { EMPTY_CHECKPOINT } from "../../plan/checkpoint";

function doc(name: string): string {
  return fs.readFileSync(path.join(REPO_ROOT, "docs", name), "utf8");
}

describe("principal kinds", () => {
  it("are each a documented value of the access report's kind", () => {
    const contract = doc("contracts.md").slice(doc("contracts.md").indexOf("### 7. Access"));
    for (const kind of PRINCIPAL_KIND_NAMES) {
      expect(contract, `docs/contracts.md section 7 lists ${kind}`).to.contain(`\`${kind}\``);
    }
  });

  it("each appear in the matrix of a plan with users and roles", () => {
    const plan = buildStackPlan({
      id: "kinds",
      users: [{ access: "readonly", extras: [], withAccessKey: true }],
      keys: [],
      tables: [undefined],
      roles: [{ access: "readonly", trustedUsers: [0] }],
    });
    const model = deriveCloudModel(applySteps(undefined, EMPTY_CHECKPOINT, plan).deployment);
    const kinds = principalsOf(model).map((principal) => principal.kind);
    // The two kinds a policy must name (a principal pattern, another account) appear in
    // test/access/principalClasses.test.ts, whose key policy names them.
    const namedByPolicies = ["policy-pattern", "named-account"];
    expect([...new Set(kinds)].sort()).to.deep.equal(
      PRINCIPAL_KIND_NAMES.filter((kind) => !namedByPolicies.includes(kind)).sort(),
    );
    for (const kind of PRINCIPAL_KIND_NAMES) {
      expect(PRINCIPAL_KINDS[kind].title, kind).to.be.a("string").and.not.equal("");
    }
  });
});
