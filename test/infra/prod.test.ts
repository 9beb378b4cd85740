/**
 * The production stack (Pulumi.prod.yaml): deletion protection, a 30-day key deletion window, and the
 * `protect` and `retainOnDelete` resource options on the key and the table, which the plan shows on
 * newState as `pulumi preview --json` does (apitype ResourceV3: `protect`, `retainOnDelete`, omitted
 * when false). Pulumi docs, "Resource options": protect makes the engine refuse to delete the resource;
 * retainOnDelete leaves it in the cloud when Pulumi deletes it.
 */
import { expect } from "chai";
import { parseProjectConfig } from "../../infra/config";
import { KEY_POLICY_SIDS } from "../../infra/policies/keyPolicy";
import { ConfigError } from "../../infra/validation";
import { loadStackConfig, toRuntimeConfig } from "../../plan/stackConfig";
import { synthesize } from "../../plan/synth";
import { declaredStates } from "../../plan/types";
import { inputsOf, onlyResource } from "../support/plan";

const KEY = "aws:kms/key:Key";
const TABLE = "aws:dynamodb/table:Table";
const ALIAS = "aws:kms/alias:Alias";
const USER = "aws:iam/user:User";

describe("production stack (Pulumi.prod.yaml)", () => {
  it("protects and retains the key and the table, with deletion protection and a 30-day window", async () => {
    const plan = await synthesize({ stack: "prod" });
    for (const type of [KEY, TABLE]) {
      const state = onlyResource(plan, type);
      expect(state.protect, type).to.equal(true);
      expect(state.retainOnDelete, type).to.equal(true);
    }
    expect(inputsOf(onlyResource(plan, TABLE)).deletionProtectionEnabled).to.equal(true);
    expect(inputsOf(onlyResource(plan, KEY)).deletionWindowInDays).to.equal(30);
    // The SDK hands a component's protect down to its children (the alias), not retainOnDelete.
    expect(onlyResource(plan, ALIAS).protect).to.equal(true);
    expect(onlyResource(plan, ALIAS).retainOnDelete).to.equal(undefined);
    // Users are not the data: destroying the stack removes them.
    for (const state of declaredStates(plan).filter((s) => s.type === USER)) {
      expect(state.protect).to.equal(undefined);
    }
  });

  it("uses the strict key policy, and the dev stack the default one", async () => {
    const sids = async (stack: string): Promise<string[]> => {
      const plan = await synthesize({ stack });
      const policy = JSON.parse(String(inputsOf(onlyResource(plan, KEY)).policy)) as {
        Statement: { Sid: string }[];
      };
      return policy.Statement.map((statement) => statement.Sid);
    };
    expect(await sids("prod")).to.include(KEY_POLICY_SIDS.denyOthers);
    expect(await sids("dev")).to.not.include(KEY_POLICY_SIDS.denyOthers);
  });

  it("leaves the dev stack unprotected, so pulumi destroy cleans it up", async () => {
    const plan = await synthesize({ stack: "dev" });
    for (const type of [KEY, TABLE]) {
      expect(onlyResource(plan, type)).to.not.have.any.keys("protect", "retainOnDelete");
    }
  });

  it("turns protect and retainOnDelete off for prod only when the config says so", async () => {
    const config = {
      ...loadStackConfig("prod"),
      "kms-dynamodb:protect": false,
      "kms-dynamodb:retainOnDelete": false,
    };
    const plan = await synthesize({ stack: "prod", config });
    expect(onlyResource(plan, KEY)).to.not.have.any.keys("protect", "retainOnDelete");
    // On by default for a stack named prod, even when its file does not say so.
    const bare = { ...loadStackConfig("prod") };
    delete bare["kms-dynamodb:protect"];
    delete bare["kms-dynamodb:retainOnDelete"];
    expect(parseProjectConfig(toRuntimeConfig(bare), "prod")).to.include({
      protect: true,
      retainOnDelete: true,
    });
  });

  it("refuses a protect value that is not a boolean, naming the key", () => {
    const config = { ...loadStackConfig("prod"), "kms-dynamodb:protect": "yes" };
    expect(() => parseProjectConfig(toRuntimeConfig(config), "prod"))
      .to.throw(ConfigError)
      .with.property("message")
      .that.matches(/^kms-dynamodb:protect: "yes" /);
  });
});
