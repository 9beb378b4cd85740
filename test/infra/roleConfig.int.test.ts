/**
 * `kms-dynamodb:roles` (docs/reference.md, Configuration): validation like `users`, the DataRole component in the plan, the
 * `roles.<name>` outputs, and, deployed in the sandbox, a role session reaching the encrypted table.
 */
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { expect } from "chai";
import { parseProjectConfig } from "../../infra/config";
import { ConfigError } from "../../infra/validation";
import { synthesize } from "../../plan/synth";
import { toRuntimeConfig } from "../../plan/stackConfig";
import { deployDev, failureOf, useClientPool } from "../support/sandbox";
import { devConfig, inputsOf, onlyResource, resourceNamed } from "../support/plan";

const ROLES = [
  { name: "reporting", dynamodbAccess: "readonly", keyUser: true, trustedUsers: ["app-user"] },
  { name: "no-key", dynamodbAccess: "readwrite", keyUser: false, trustedUsers: ["kms-test-user"] },
];

function rolesError(roles: unknown): string {
  try {
    parseProjectConfig(toRuntimeConfig(devConfig({ "kms-dynamodb:roles": roles })), "dev");
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("kms-dynamodb:roles", () => {
  it("is optional, and parsed with its defaults", () => {
    expect(parseProjectConfig(toRuntimeConfig(devConfig()), "dev").roles).to.deep.equal([]);
    const roles = parseProjectConfig(
      toRuntimeConfig(devConfig({ "kms-dynamodb:roles": ROLES })),
      "dev",
    ).roles;
    expect(roles).to.deep.equal(ROLES);
  });

  it("names the key, the entry and the value of each mistake", () => {
    expect(rolesError([{ ...ROLES[0], dynamodbAccess: "admin" }])).to.equal(
      'kms-dynamodb:roles[0].dynamodbAccess: "admin" is not one of readonly, readwrite, full',
    );
    expect(rolesError([{ ...ROLES[0], trustedUsers: ["ghost"] }])).to.equal(
      'kms-dynamodb:roles[0].trustedUsers[0]: "ghost" is not a user of kms-dynamodb:users (app-user, kms-test-user)',
    );
    expect(rolesError([ROLES[0], { ...ROLES[1], name: "Reporting" }])).to.equal(
      'kms-dynamodb:roles[1].name: "Reporting" duplicates kms-dynamodb:roles[0].name',
    );
    expect(rolesError([{ ...ROLES[0], name: "has space" }])).to.match(
      /^kms-dynamodb:roles\[0\]\.name: "has space" is not a valid IAM role name/,
    );
    expect(rolesError([{ ...ROLES[0], trustedUsers: [] }])).to.equal(
      "kms-dynamodb:roles[0].trustedUsers: [] is not a non-empty list of user names",
    );
    expect(rolesError([{ ...ROLES[0], extra: 1 }])).to.match(
      /^kms-dynamodb:roles\[0\]\.extra: 1 is not a known role setting/,
    );
  });
});

describe("DataRole in the plan and the sandbox", function () {
  this.timeout(60_000);
  const pool = useClientPool();

  it("registers a role trusting the named users, its table policy, a key-policy entry and roles outputs", async () => {
    const plan = await synthesize({ stack: "dev", config: devConfig({ "kms-dynamodb:roles": ROLES }) });
    const role = inputsOf(resourceNamed(plan, "aws:iam/role:Role", "role-reporting"));
    const trust = JSON.parse(String(role.assumeRolePolicy)) as {
      Statement: { Principal: { AWS: string[] } }[];
    };
    const outputs = plan.outputs as Record<string, Record<string, Record<string, unknown>>>;
    expect(trust.Statement[0].Principal.AWS).to.deep.equal([outputs.users["app-user"].arn]);
    expect(outputs.roles.reporting).to.include({ dynamodbAccess: "readonly", keyUser: true });
    expect(outputs.roles["no-key"]).to.include({ dynamodbAccess: "readwrite", keyUser: false });
    expect(String(outputs.roles.reporting.arn)).to.match(/:role\/reporting$/);
    const keyPolicy = String(inputsOf(onlyResource(plan, "aws:kms/key:Key")).policy);
    expect(keyPolicy).to.contain(String(outputs.roles.reporting.arn));
    expect(keyPolicy).to.not.contain(String(outputs.roles["no-key"].arn));
  });

  it("keeps the dev stack's outputs free of roles", async () => {
    const plan = await synthesize({ stack: "dev", config: devConfig() });
    expect(plan.outputs).to.not.have.property("roles");
  });

  it("lets a trusted user's session of a key-user role read the table; the key stops a non-key-user role", async () => {
    const deployed = await deployDev({ "kms-dynamodb:roles": ROLES });
    try {
      const roles = deployed.outputs.roles ?? {};
      const table = deployed.outputs.tableName;
      await pool
        .user(deployed, "app-user")
        .dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "r" } } }));
      const assume = async (user: string, role: string) => {
        const { Credentials } = await pool
          .user(deployed, user)
          .sts.send(new AssumeRoleCommand({ RoleArn: roles[role].arn, RoleSessionName: "checks" }));
        return pool.open(
          deployed.sandbox.endpoint,
          {
            accessKeyId: String(Credentials?.AccessKeyId),
            secretAccessKey: String(Credentials?.SecretAccessKey),
            sessionToken: Credentials?.SessionToken,
          },
          deployed.outputs.region,
        );
      };
      const reporting = await assume("app-user", "reporting");
      const read = await reporting.dynamodb.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: "r" } } }),
      );
      expect(read.Item).to.deep.equal({ pk: { S: "r" } });
      // readonly: IAM refuses a write (DynamoDB developer guide, identity-based policies).
      const write = await failureOf(
        reporting.dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "w" } } })),
      );
      expect(write.name).to.equal("AccessDeniedException");
      expect(write.message).to.contain("is not authorized to perform: dynamodb:PutItem");
      // Not a key user: the key policy refuses kms:Decrypt through DynamoDB.
      const noKey = await assume("kms-test-user", "no-key");
      const refused = await failureOf(
        noKey.dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "r" } } })),
      );
      expect(refused.message).to.contain("KMS key access denied");
      // Only trusted users may assume a role (its trust policy).
      expect((await failureOf(assume("kms-test-user", "reporting"))).name).to.equal("AccessDenied");
    } finally {
      await deployed.sandbox.stop();
    }
  });
});
