/**
 * End to end through the Analyzer gRPC service: the pack runs in its own process, started by
 * @pulumi/pulumi's run-policy-pack as the Pulumi CLI starts it, and is driven like the engine drives it.
 * The analyses, the CLI's included, use the test run's one pack (test/support/sharedPack.ts); the
 * cases about starting a pack (runPolicyPack, other packs, packs that cannot start) start their own.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { declaredStates, type Plan } from "../../plan/types";
import { synthesize } from "../../plan/synth";
import { UNKNOWN_VALUE } from "../../plan/values";
import { main, readPolicyConfigFile } from "../../cli/policy";
import { DEFAULT_PACK_DIR, startPolicyPack } from "../../guard/packProcess";
import { formatPolicyReport } from "../../guard/report";
import type { PolicyReport } from "../../guard/report";
import { analyzePlan, runPolicyPack } from "../../guard/run";
import { customState, planOf } from "../support/plan";
import { lendSharedPack, withSharedPack } from "../support/sharedPack";
import { processIo } from "../../cli/runner";
import { examplePath, fixturePath } from "../support/paths";
import { tempDirForThisTest } from "../support/tempDir";
import { rejectionOf } from "../support/errors";
import { ACCOUNT_ID, OTHER_ACCOUNT_ID } from "../support/accounts";

/** One analysis on the test run's pack, as `pulumi preview --policy-pack` runs it. */
const analyzeOnPack = (plan: Plan, config: Record<string, unknown> = {}): Promise<PolicyReport> =>
  withSharedPack((client) => analyzePlan(client, plan, config, () => undefined));

const EXAMPLE_DIR = examplePath("noncompliant-table");
const KEY_TYPE = "aws:kms/key:Key";
const TABLE_TYPE = "aws:dynamodb/table:Table";

const state = (
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  propertyDependencies: Record<string, string[]> = {},
) => customState("test", type, name, inputs, propertyDependencies);

function previewWithNewKey(tableDependsOnKey: boolean): Plan {
  const key = state(KEY_TYPE, "orders-key", {
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    arn: UNKNOWN_VALUE,
  });
  const table = state(
    TABLE_TYPE,
    "orders",
    {
      hashKey: "id",
      attributes: [{ name: "id", type: "S" }],
      serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN_VALUE },
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: true,
    },
    tableDependsOnKey ? { serverSideEncryption: [key.urn] } : {},
  );
  return planOf(key, table);
}

describe("policy guard (Analyzer gRPC, pack in its own process)", function () {
  this.timeout(180_000);

  before(async () => {
    // The run's pack starts once; waiting for it here keeps a case's time to its own analyses.
    await withSharedPack(async () => undefined);
  });

  it("passes the dev stack's first preview with no mandatory violation, its new key's ARN unknown", async () => {
    const plan = await synthesize({ stack: "dev", preview: true });
    const table = declaredStates(plan).find((s) => s.type === TABLE_TYPE)!;
    // The case the stack rule exists for: the table's key is the new key's unknown ARN.
    expect((table.inputs.serverSideEncryption as Record<string, unknown>).kmsKeyArn).to.equal(UNKNOWN_VALUE);
    expect(table.propertyDependencies.serverSideEncryption).to.have.length.greaterThan(0);

    const report = await analyzeOnPack(plan);
    expect(report.mandatory, formatPolicyReport(report)).to.equal(0);
    expect(
      report.violations.filter(
        (v) => v.policyName.startsWith("dynamodb-table-") && v.message.includes("can't run"),
      ),
    ).to.deep.equal([]);
  });

  it("passes the dev stack after deployment too (every value known)", async () => {
    const report = await analyzeOnPack(await synthesize({ stack: "dev" }));
    expect(report.mandatory, formatPolicyReport(report)).to.equal(0);
  });

  it("rejects the non-compliant example program with its messages", async () => {
    const program = ((await import(EXAMPLE_DIR)) as { default: () => Promise<Record<string, unknown>> })
      .default;
    const plan = await synthesize({ stack: "dev", preview: true, program, projectDir: EXAMPLE_DIR });
    const report = await analyzeOnPack(plan);
    const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory");
    expect(mandatory.map((v) => [v.policyName, v.urn.split("::").pop(), v.resourceType])).to.deep.equal([
      ["dynamodb-table-customer-managed-key", "default-encryption", TABLE_TYPE],
      ["dynamodb-table-customer-managed-key", "aws-managed-key", TABLE_TYPE],
    ]);
    expect(mandatory[0].message).to.contain(
      'DynamoDB table "default-encryption" (aws:dynamodb/table:Table) has no serverSideEncryption',
    );
    expect(mandatory[1].message).to.contain(
      `has serverSideEncryption.kmsKeyArn "arn:aws:kms:us-east-1:${ACCOUNT_ID}:alias/aws/dynamodb", an alias ARN of the AWS managed key alias/aws/dynamodb`,
    );
    const printed = formatPolicyReport(report);
    expect(printed).to.contain('aws:dynamodb/table:Table "default-encryption"');
    expect(printed).to.contain("[mandatory]  kms-dynamodb  dynamodb-table-customer-managed-key");
    expect(printed).to.contain("❌ 2 mandatory");
  });

  it("fails closed at preview: an unknown key from no KMS key of the stack is mandatory, not advisory", async () => {
    const report = await analyzeOnPack(previewWithNewKey(false));
    expect(
      report.violations.map((v) => [v.policyName, v.enforcementLevel, v.urn.split("::").pop()]),
    ).to.deep.equal([["dynamodb-table-key-from-stack-at-preview", "mandatory", "orders"]]);
  });

  it("passes the same unknown key when it comes from a KMS key of the stack", async () => {
    const report = await analyzeOnPack(previewWithNewKey(true));
    expect(report.violations).to.deep.equal([]);
  });

  it("applies policy config: allowed keys and enforcement levels", async () => {
    const keyArn = `arn:aws:kms:us-east-1:${OTHER_ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const table = state(TABLE_TYPE, "orders", {
      serverSideEncryption: { enabled: true, kmsKeyArn: keyArn },
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: true,
    });
    const config = {
      "dynamodb-table-customer-managed-key": {
        allowedKeyPattern: `^arn:aws:kms:[a-z0-9-]+:${ACCOUNT_ID}:key/`,
      },
    };
    const strict = await analyzeOnPack(planOf(table), config);
    expect(strict.violations.map((v) => v.message.split("\n")[1])).to.deep.equal([
      `DynamoDB table "orders" (aws:dynamodb/table:Table) has serverSideEncryption.kmsKeyArn "${keyArn}" is not a match for allowedKeyPattern ` +
        `/^arn:aws:kms:[a-z0-9-]+:${ACCOUNT_ID}:key//, as the policy config requires. Set serverSideEncryption.kmsKeyArn to an allowed key.`,
    ]);
    const advisory = await analyzeOnPack(planOf(table), {
      "dynamodb-table-customer-managed-key": {
        ...config["dynamodb-table-customer-managed-key"],
        enforcementLevel: "advisory",
      },
    });
    expect(advisory).to.include({ mandatory: 0, advisory: 1 });
    const disabled = await analyzeOnPack(planOf(table), { all: "disabled" });
    expect(disabled.violations).to.deep.equal([]);
    const allowed = await analyzeOnPack(planOf(table), {
      "dynamodb-table-customer-managed-key": { allowedKeys: [keyArn] },
    });
    expect(allowed.violations).to.deep.equal([]);
  });

  it("accepts the documented example config file", async () => {
    const config = readPolicyConfigFile(path.join(DEFAULT_PACK_DIR, "policy-config.example.json"));
    const report = await analyzeOnPack(await synthesize({ stack: "dev", preview: true }), config);
    expect(report.mandatory, formatPolicyReport(report)).to.equal(0);
  });

  it("refuses config the pack's schemas reject, naming the setting", async () => {
    const attempts: [Record<string, unknown>, string][] = [
      [
        { "no-such-policy": "advisory" },
        'policy config "no-such-policy": pack kms-dynamodb has no such policy',
      ],
      [
        { "kms-key-deletion-window": { minimumDays: 3 } },
        'policy config "kms-key-deletion-window".minimumDays: 3 is not at least 7',
      ],
      [
        { "kms-key-deletion-window": { days: 3 } },
        'policy config "kms-key-deletion-window".days: not a setting of this policy (settings: minimumDays)',
      ],
      [
        { all: "strict" },
        'policy config "all": "strict" is not one of advisory, mandatory, remediate, disabled',
      ],
    ];
    for (const [config, expected] of attempts) {
      const error = await rejectionOf(analyzeOnPack(planOf(), config));
      expect(error?.message, JSON.stringify(config)).to.contain(expected);
    }
  });

  it("runPolicyPack starts and stops its own pack, reporting the start-up time", async () => {
    const lines: string[] = [];
    const report = await runPolicyPack({ plan: previewWithNewKey(false), log: (line) => lines.push(line) });
    expect(report.mandatory).to.equal(1);
    expect(lines[0]).to.match(/^policy pack .*policy-pack listening on 127\.0\.0\.1:\d+ after \d+ ms$/);
  });

  it("runs the engine's Remediate pass first: analysis sees remediated properties, remediation diagnostics are advisory", async () => {
    const fixture = await startPolicyPack(fixturePath("packs", "remediatingPack"), () => undefined);
    try {
      const report = await analyzePlan(
        fixture.client,
        planOf(state(TABLE_TYPE, "orders", { name: "orders", hashKey: "id", billingMode: UNKNOWN_VALUE })),
        {},
        () => undefined,
      );
      // Without the remediated tags, tables-have-owner-tag would report a mandatory violation.
      expect(report.violations.map((v) => [v.policyName, v.enforcementLevel, v.message])).to.deep.equal([
        [
          "tables-billing-mode-known",
          "advisory",
          "can't run remediation 'tables-billing-mode-known' from policy pack 'remediating-pack@v0.0.1' during preview: " +
            "string value at .billingMode can't be known during preview",
        ],
      ]);
    } finally {
      await fixture.stop();
    }
  });

  it("reports a pack directory where @pulumi/pulumi cannot be found", async () => {
    const dir = tempDirForThisTest("no-deps-pack");
    const error = await rejectionOf(startPolicyPack(dir, () => undefined));
    expect(error?.message).to.equal(
      `policy pack ${dir}: @pulumi/pulumi/cmd/run-policy-pack cannot be found from it; ` +
        "install its dependencies (npm ci at the repository root installs policy-pack/ as a workspace)",
    );
  });

  it("reports a pack that dies before serving, with its error", async () => {
    // Inside the repository, so that the runner resolves from the root node_modules.
    const dir = tempDirForThisTest(".broken-pack", { within: fixturePath("packs") });
    writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({ name: "broken", version: "0.0.1", main: "index.js" }),
    );
    writeFileSync(path.join(dir, "index.js"), 'throw new Error("rules failed to load");\n');
    const error = await rejectionOf(startPolicyPack(dir, () => undefined));
    expect(error?.message).to.match(/^policy pack .*broken-pack-.* exited with code \d+ before serving: /);
    expect(error?.message).to.contain("rules failed to load");
  });

  it("the CLI exits 1 on the example's mandatory violations, printing them grouped by resource", async () => {
    const printed: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const writeErr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string) => printed.push(chunk) > 0) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    let code: number;
    try {
      // The test run's pack, lent to the CLI; runPolicyPack's own start is the case above.
      code = await main(["--stack", "dev", "--project", EXAMPLE_DIR], processIo(), {
        startPack: lendSharedPack,
      });
    } finally {
      process.stdout.write = write;
      process.stderr.write = writeErr;
    }
    expect(code).to.equal(1);
    expect(printed.join("")).to.contain('aws:dynamodb/table:Table "aws-managed-key"');
  });

  it("the CLI exits 2 with one line on a config the pack refuses", async () => {
    const dir = tempDirForThisTest("policy-config");
    const file = path.join(dir, "policy.json");
    writeFileSync(
      file,
      JSON.stringify({ "kms-key-rotation-enabled": { maximumRotationPeriodDays: "yearly" } }),
    );
    const errors: string[] = [];
    const writeErr = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => errors.push(chunk) > 0) as typeof process.stderr.write;
    let code: number;
    try {
      // The test run's pack, lent to the CLI.
      code = await main(["--stack", "dev", "--config", file], processIo(), { startPack: lendSharedPack });
    } finally {
      process.stderr.write = writeErr;
    }
    expect(code).to.equal(2);
    expect(errors[errors.length - 1]).to.equal(
      'error: policy config "kms-key-rotation-enabled".maximumRotationPeriodDays: "yearly" is not an integer\n',
    );
  });

  it("the CLI exits 2 on usage mistakes with one line", async () => {
    const errors: string[] = [];
    const writeErr = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => errors.push(chunk) > 0) as typeof process.stderr.write;
    let codes: number[];
    try {
      codes = [await main([]), await main(["--stack", "dev", "--config", "/nonexistent/policy.json"])];
    } finally {
      process.stderr.write = writeErr;
    }
    expect(codes).to.deep.equal([2, 2]);
    expect(errors[0]).to.match(/^error: --stack or --file is required/);
    expect(errors[1]).to.equal('error: --config: "/nonexistent/policy.json" does not exist\n');
  });
});
