/**
 * The program: reads and validates the stack config, builds the components and returns the stack
 * outputs (contracts.md section 2). `index.ts` hands it to the Pulumi runtime; the offline plan engine
 * runs the same function under mocks.
 */
import { getCallerIdentity } from "@pulumi/aws/getCallerIdentity";
import { getPartition } from "@pulumi/aws/getPartition";
import * as pulumi from "@pulumi/pulumi";
import type { TableGrantee } from "./components/dataPrincipal";
import { DataRole } from "./components/dataRole";
import { DataUser } from "./components/dataUser";
import { EncryptedTable } from "./components/encryptedTable";
import { EncryptionKey } from "./components/encryptionKey";
import { parseProjectConfig, RawConfig } from "./config";
import { DEFAULTS } from "./defaults";
import { keyPolicyPrincipal } from "./policies/principals";
import type { DynamodbAccess } from "./principal";

/** The table grant that gives each access level with the key. */
const DATA_GRANTS: Record<DynamodbAccess, (table: EncryptedTable, grantee: TableGrantee) => unknown> = {
  readonly: (table, grantee) => table.grantReadData(grantee),
  readwrite: (table, grantee) => table.grantReadWriteData(grantee),
  full: (table, grantee) => table.grantFullAccess(grantee),
};

/** Stack outputs as the program returns them: `secretAccessKey` stays a secret Output. */
export type StackOutputsInput = Record<string, unknown>;

export async function kmsDynamodbStack(): Promise<StackOutputsInput> {
  // Validate everything before the first resource is registered: a bad config registers nothing.
  const config = parseProjectConfig(pulumi.runtime.allConfig() as RawConfig, pulumi.getStack());

  const [identity, partition] = await Promise.all([getCallerIdentity({}), getPartition({})]);
  const accountId = identity.accountId;
  const administrators = config.keyAdmins ?? [keyPolicyPrincipal(identity.arn)];

  const users = config.users.map(
    (spec) =>
      new DataUser(spec.name, {
        userName: spec.name,
        dynamodbAccess: spec.dynamodbAccess,
        keyUser: spec.keyUser,
        partition: partition.partition,
      }),
  );

  const roles = config.roles.map(
    (spec) =>
      new DataRole(`role-${spec.name}`, {
        roleName: spec.name,
        dynamodbAccess: spec.dynamodbAccess,
        keyUser: spec.keyUser,
        trustedPrincipals: spec.trustedUsers.map(
          (name) => users[config.users.findIndex((user) => user.name === name)].arn,
        ),
        partition: partition.partition,
      }),
  );

  // protect / retainOnDelete reach the key and the table (and, protect only, the alias: the SDK hands a
  // component's protect down to its children).
  const keep = { protect: config.protect, retainOnDelete: config.retainOnDelete };
  const key = new EncryptionKey(
    `${DEFAULTS.project}-key`,
    {
      partition: partition.partition,
      accountId,
      region: config.region,
      administrators,
      aliasName: config.keyAlias,
      description: DEFAULTS.keyDescription(pulumi.getStack()),
      deletionWindowInDays: config.keyDeletionWindowDays,
      enableKeyRotation: config.keyRotation,
      enabled: config.keyEnabled,
      keyPolicy: config.keyPolicy,
    },
    keep,
  );

  const table = new EncryptedTable(
    `${DEFAULTS.project}-table`,
    {
      key,
      tableName: config.tableName,
      hashKey: config.hashKey,
      rangeKey: config.rangeKey,
      pointInTimeRecovery: config.pointInTimeRecovery,
      deletionProtection: config.deletionProtection,
    },
    keep,
  );

  // A key user gets the table and the key (the key policy lists it); any other principal the table alone.
  for (const principal of [...users, ...roles]) {
    if (principal.keyUser) {
      DATA_GRANTS[principal.dynamodbAccess](table, principal);
    } else {
      principal.grantTableAccess(table);
    }
  }

  return {
    region: config.region,
    accountId,
    keyArn: key.arn,
    keyAlias: key.alias.name,
    tableName: table.name,
    tableArn: table.arn,
    users: Object.fromEntries(
      users.map((user, index) => [
        config.users[index].name,
        {
          arn: user.arn,
          dynamodbAccess: user.dynamodbAccess,
          keyUser: user.keyUser,
          accessKeyId: user.accessKeyId,
          secretAccessKey: user.secretAccessKey,
        },
      ]),
    ),
    // Only when roles are configured: a stack without roles keeps the outputs of contracts.md section 2.
    ...(roles.length > 0
      ? {
          roles: Object.fromEntries(
            roles.map((role, index) => [
              config.roles[index].name,
              { arn: role.arn, dynamodbAccess: role.dynamodbAccess, keyUser: role.keyUser },
            ]),
          ),
        }
      : {}),
  };
}
