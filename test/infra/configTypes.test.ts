/**
 * Config values read with their declared types (as pulumi.Config's get/getBoolean/getNumber/getObject
 * do), never by guessing from the text; `aws:` keys as @pulumi/aws declares them; the region checked
 * against the AWS SDK's partition data unless aws:skipRegionValidation is true.
 */
import { expect } from "chai";
import { AWS_CONFIG_KEYS, CONFIG_SETTINGS, parseProjectConfig } from "../../infra/config";
import { ConfigError } from "../../infra/validation";

const users = JSON.stringify([{ name: "app-user", dynamodbAccess: "readwrite", keyUser: true }]);

function parse(raw: Record<string, string>) {
  return parseProjectConfig({ "aws:region": "us-east-1", "kms-dynamodb:users": users, ...raw }, "dev");
}

function errorOf(raw: Record<string, string>): string {
  try {
    parse(raw);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("config: each key read with its declared type", () => {
  it("keeps a string setting whose text looks like a number or a boolean a string", () => {
    // DynamoDB table names: 3-255 of [a-zA-Z0-9_.-] (DynamoDB Developer Guide, "Naming rules").
    expect(parse({ "kms-dynamodb:tableName": "20240101" }).tableName).to.equal("20240101");
    expect(parse({ "kms-dynamodb:hashKey": "true" }).hashKey).to.equal("true");
    expect(parse({ "kms-dynamodb:rangeKey": "1.5" }).rangeKey).to.equal("1.5");
  });

  it("reads booleans and numbers from their text, and refuses text that is neither", () => {
    expect(parse({ "kms-dynamodb:keyRotation": "false" }).keyRotation).to.equal(false);
    expect(parse({ "kms-dynamodb:keyDeletionWindowDays": "7" }).keyDeletionWindowDays).to.equal(7);
    expect(errorOf({ "kms-dynamodb:keyDeletionWindowDays": "seven" })).to.equal(
      'kms-dynamodb:keyDeletionWindowDays: "seven" is not a whole number from 7 to 30',
    );
    expect(errorOf({ "kms-dynamodb:deletionProtection": "yes" })).to.equal(
      'kms-dynamodb:deletionProtection: "yes" is not true or false',
    );
  });

  it("declares every setting once, with its type", () => {
    expect(CONFIG_SETTINGS.users).to.equal("object");
    expect(CONFIG_SETTINGS.tableName).to.equal("string");
    expect(CONFIG_SETTINGS.keyRotation).to.equal("boolean");
    expect(CONFIG_SETTINGS.keyDeletionWindowDays).to.equal("number");
  });

  it("still refuses an unknown key of the project's namespace", () => {
    expect(errorOf({ "kms-dynamodb:tablename": "x" })).to.match(/^kms-dynamodb:tablename: is not a setting/);
  });
});

describe("config: aws: keys and the region", () => {
  it("accepts every key @pulumi/aws's config module declares, and refuses the others", () => {
    for (const key of ["profile", "skipCredentialsValidation", "maxRetries", "sharedCredentialsFiles"]) {
      expect(AWS_CONFIG_KEYS, key).to.include(key);
    }
    expect(parse({ "aws:profile": "dev-admin" }).region).to.equal("us-east-1");
    expect(errorOf({ "aws:regoin": "us-east-1" })).to.match(
      /^aws:regoin: is not a setting of the AWS provider \(@pulumi\/aws\); known: .*\bprofile\b/,
    );
  });

  it("refuses a region the AWS partitions do not know, unless aws:skipRegionValidation is true", () => {
    // The AWS SDK's partition data (@aws-sdk/core, endpoints "partitions"): the regions each partition has.
    expect(errorOf({ "aws:region": "xx-fake-9" })).to.equal(
      'aws:region: "xx-fake-9" is not a region of any AWS partition (aws, aws-cn, aws-us-gov, ...); ' +
        "set aws:skipRegionValidation: true to use it anyway",
    );
    expect(errorOf({ "aws:region": "us-east-99" })).to.contain("is not a region of any AWS partition");
    expect(parse({ "aws:region": "xx-fake-9", "aws:skipRegionValidation": "true" }).region).to.equal(
      "xx-fake-9",
    );
    for (const region of ["eu-west-1", "cn-north-1", "us-gov-west-1", "ap-southeast-2"]) {
      expect(parse({ "aws:region": region }).region).to.equal(region);
    }
  });
});
