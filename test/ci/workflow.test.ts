/**
 * The workflow a team copies (.github/workflows/pulumi.yml), validated with action-validator
 * (@action-validator/core: the SchemaStore github-workflow JSON schema compiled to WebAssembly, offline),
 * then checked for what docs/policy-pack.md promises of it.
 * GitHub docs, "Workflow syntax for GitHub Actions" and "Configuring OpenID Connect in Amazon Web
 * Services" (a job needs `permissions: id-token: write` to request the OIDC token).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { expect } from "chai";
import { parse } from "yaml";
import { REPO_ROOT } from "../support/paths";

const WORKFLOW = path.resolve(REPO_ROOT, ".github", "workflows", "pulumi.yml");

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  needs?: string;
  permissions?: Record<string, string>;
  steps: Step[];
}

describe("CI workflow (.github/workflows/pulumi.yml)", () => {
  const text = readFileSync(WORKFLOW, "utf8");
  const workflow = parse(text) as { on: Record<string, unknown>; jobs: Record<string, Job> };
  const pulumiStep = (job: Job): Step => job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;

  it("passes action-validator's schema check", () => {
    expect(validateWorkflow(text).errors).to.deep.equal([]);
  });

  it("is a check the validator can fail: a misspelt job key is refused", () => {
    const broken = text.replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest");
    expect(validateWorkflow(broken).errors).to.have.length.greaterThan(0);
  });

  it("runs lint, tests and the offline guard with the prod policy config", () => {
    const runs = workflow.jobs.checks.steps.map((s) => s.run).filter((r) => r !== undefined);
    expect(runs).to.include.members([
      "npm ci --no-audit --no-fund",
      "npm run lint",
      "npm test",
      "npm run policy -- --stack prod --config policy-pack/policy-config.prod.json",
    ]);
  });

  it("previews with the policy pack on a pull request and deploys on main, both gated by the checks", () => {
    expect(Object.keys(workflow.on)).to.have.members(["pull_request", "push"]);
    const { preview, up } = workflow.jobs;
    expect(preview.if).to.equal("github.event_name == 'pull_request'");
    expect(up.if).to.equal("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect([preview.needs, up.needs]).to.deep.equal(["checks", "checks"]);
    expect(pulumiStep(preview).with).to.include({ command: "preview", policyPacks: "policy-pack" });
    expect(pulumiStep(up).with).to.include({ command: "up", policyPacks: "policy-pack" });
  });

  it("runs the no-new-access gate on every pull request, after the preview (test/ci/noNewAccess.int.test.ts runs it)", () => {
    const steps = workflow.jobs.preview.steps as (Step & { name?: string })[];
    const gate = steps.findIndex((s) => s.name?.startsWith("no new access"));
    expect(gate).to.be.greaterThan(steps.indexOf(pulumiStep(workflow.jobs.preview)));
    expect(steps[gate].run).to.match(/npm run access -- .*--compare .*--fail-on-new-access/);
  });

  it("takes AWS credentials by OIDC role only, never from stored keys", () => {
    for (const job of [workflow.jobs.preview, workflow.jobs.up]) {
      expect(job.permissions?.["id-token"]).to.equal("write");
      const aws = job.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
      expect(aws?.with).to.have.property("role-to-assume");
    }
    expect(text).to.not.match(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
  });
});
