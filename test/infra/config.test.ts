import { expect } from "chai";
import { parseProjectConfig, ProjectConfig } from "../../infra/config";
import { ConfigError } from "../../infra/validation";
import { toRuntimeConfig } from "../../plan/stackConfig";
import { ACCOUNT_ID } from "../support/accounts";

const devUsers = [
  { name: "app-user", dynamodbAccess: "readwrite", keyUser: true },
  { name: "kms-test-user", dynamodbAccess: "full", keyUser: false },
];

function parse(changes: Record<string, unknown>, remove: string[] = []): ProjectConfig {
  const config: Record<string, unknown> = {
    "aws:region": "us-east-1",
    "kms-dynamodb:users": devUsers,
    ...changes,
  };
  for (const key of remove) {
    delete config[key];
  }
  return parseProjectConfig(toRuntimeConfig(config), "dev");
}

function errorOf(changes: Record<string, unknown>, remove: string[] = []): string {
  try {
    parse(changes, remove);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("parseProjectConfig", () => {
  it("fills every default for the dev stack", () => {
    expect(parse({})).to.deep.equal({
      region: "us-east-1",
      users: devUsers,
      roles: [],
      tableName: "kms-dynamodb-dev",
      hashKey: "pk",
      rangeKey: undefined,
      keyAdmins: undefined,
      keyAlias: "alias/kms-dynamodb-dev",
      keyPolicy: "default",
      keyDeletionWindowDays: 30,
      keyRotation: true,
      keyEnabled: true,
      deletionProtection: false,
      pointInTimeRecovery: true,
      protect: false,
      retainOnDelete: false,
    });
  });

  it("takes every optional key", () => {
    const config = parse({
      "kms-dynamodb:tableName": "orders",
      "kms-dynamodb:hashKey": "id",
      "kms-dynamodb:rangeKey": "sk",
      "kms-dynamodb:keyAdmins": [`arn:aws:iam::${ACCOUNT_ID}:role/KeyAdmin`],
      "kms-dynamodb:keyAlias": "alias/orders",
      "kms-dynamodb:keyDeletionWindowDays": 7,
      "kms-dynamodb:keyRotation": false,
      "kms-dynamodb:keyEnabled": false,
      "kms-dynamodb:deletionProtection": true,
      "kms-dynamodb:pointInTimeRecovery": false,
    });
    expect(config).to.include({
      tableName: "orders",
      hashKey: "id",
      rangeKey: "sk",
      keyAlias: "alias/orders",
      keyDeletionWindowDays: 7,
      keyRotation: false,
      keyEnabled: false,
      deletionProtection: true,
      pointInTimeRecovery: false,
    });
    expect(config.keyAdmins).to.deep.equal([`arn:aws:iam::${ACCOUNT_ID}:role/KeyAdmin`]);
  });

  it("defaults keyUser to false", () => {
    expect(
      parse({ "kms-dynamodb:users": [{ name: "a", dynamodbAccess: "readonly" }] }).users[0].keyUser,
    ).to.equal(false);
  });

  const cases: [string, Record<string, unknown>, string, string[]?][] = [
    ["missing users", {}, "kms-dynamodb:users: missing", ["kms-dynamodb:users"]],
    ["empty users", { "kms-dynamodb:users": [] }, "kms-dynamodb:users: [] is not a non-empty list of users"],
    [
      "users not a list",
      { "kms-dynamodb:users": { name: "a" } },
      'kms-dynamodb:users: {"name":"a"} is not a non-empty list',
    ],
    [
      "a user that is not an object",
      { "kms-dynamodb:users": ["app-user"] },
      'kms-dynamodb:users[0]: "app-user" is not an object',
    ],
    [
      "an unknown access level",
      { "kms-dynamodb:users": [devUsers[0], { name: "x", dynamodbAccess: "admin", keyUser: false }] },
      'kms-dynamodb:users[1].dynamodbAccess: "admin" is not one of readonly, readwrite, full',
    ],
    [
      "a duplicate user name (IAM names ignore case)",
      { "kms-dynamodb:users": [devUsers[0], { ...devUsers[1], name: "App-User" }] },
      'kms-dynamodb:users[1].name: "App-User" duplicates kms-dynamodb:users[0].name',
    ],
    [
      "an invalid IAM user name",
      { "kms-dynamodb:users": [{ name: "bad name!", dynamodbAccess: "readonly", keyUser: false }] },
      'kms-dynamodb:users[0].name: "bad name!" is not a valid IAM user name',
    ],
    [
      "a user name over 64 characters",
      { "kms-dynamodb:users": [{ name: "u".repeat(65), dynamodbAccess: "readonly", keyUser: false }] },
      "kms-dynamodb:users[0].name:",
    ],
    [
      "a keyUser that is not a boolean",
      { "kms-dynamodb:users": [{ name: "a", dynamodbAccess: "readonly", keyUser: "yes" }] },
      'kms-dynamodb:users[0].keyUser: "yes" is not true or false',
    ],
    [
      "an unknown user setting",
      { "kms-dynamodb:users": [{ name: "a", dynamodbAccess: "readonly", keyuser: true }] },
      "kms-dynamodb:users[0].keyuser: true is not a known user setting",
    ],
    [
      "a deletion window under 7",
      { "kms-dynamodb:keyDeletionWindowDays": 6 },
      "kms-dynamodb:keyDeletionWindowDays: 6 is not a whole number from 7 to 30",
    ],
    [
      "a deletion window over 30",
      { "kms-dynamodb:keyDeletionWindowDays": 31 },
      "kms-dynamodb:keyDeletionWindowDays: 31 is not a whole number from 7 to 30",
    ],
    [
      "a deletion window that is not a number",
      { "kms-dynamodb:keyDeletionWindowDays": "soon" },
      'kms-dynamodb:keyDeletionWindowDays: "soon" is not a whole number',
    ],
    [
      "a table name too short",
      { "kms-dynamodb:tableName": "ab" },
      'kms-dynamodb:tableName: "ab" is not a valid DynamoDB table name',
    ],
    [
      "a table name with a bad character",
      { "kms-dynamodb:tableName": "my table" },
      'kms-dynamodb:tableName: "my table" is not a valid DynamoDB table name',
    ],
    [
      "a malformed admin ARN",
      { "kms-dynamodb:keyAdmins": ["arn:aws:iam::1234:user/x"] },
      'kms-dynamodb:keyAdmins[0]: "arn:aws:iam::1234:user/x" is not an IAM principal ARN',
    ],
    [
      "a key policy mode that does not exist",
      { "kms-dynamodb:keyPolicy": "lax" },
      'kms-dynamodb:keyPolicy: "lax" is not one of default, strict',
    ],
    [
      "an empty admin list",
      { "kms-dynamodb:keyAdmins": [] },
      "kms-dynamodb:keyAdmins: [] is not a non-empty list",
    ],
    [
      "an AWS managed alias",
      { "kms-dynamodb:keyAlias": "alias/aws/dynamodb" },
      'kms-dynamodb:keyAlias: "alias/aws/dynamodb" is not a valid KMS alias',
    ],
    [
      "a range key equal to the hash key",
      { "kms-dynamodb:rangeKey": "pk" },
      'kms-dynamodb:rangeKey: "pk" is the same attribute as kms-dynamodb:hashKey',
    ],
    [
      "a misspelt key",
      { "kms-dynamodb:keyAdmin": "x" },
      "kms-dynamodb:keyAdmin: is not a setting of this program",
    ],
    ["a missing region", {}, "aws:region: missing", ["aws:region"]],
    ["an invalid region", { "aws:region": "mars-1" }, 'aws:region: "mars-1" is not an AWS region'],
    [
      "a boolean that is not",
      { "kms-dynamodb:keyRotation": "maybe" },
      'kms-dynamodb:keyRotation: "maybe" is not true or false',
    ],
  ];
  for (const [title, changes, message, remove] of cases) {
    it(`rejects ${title}`, () => {
      const error = errorOf(changes, remove);
      expect(error).to.contain(message);
      expect(error).to.not.contain("\n");
    });
  }

  it("rejects structured text that is not JSON", () => {
    expect(() =>
      parseProjectConfig({ "aws:region": "us-east-1", "kms-dynamodb:users": "[{oops" }, "dev"),
    ).to.throw(ConfigError, 'kms-dynamodb:users: "[{oops" is not valid JSON');
  });
});
