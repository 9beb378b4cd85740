/**
 * What the decision cache buys: one authorization decision evaluated by the policy evaluator (cold, then warm)
 * against the same decision answered from the cache, side by side in one run; and KMS Encrypt+Decrypt
 * through the sandbox's KmsService with its authorization cached.
 */
import { performance } from "perf_hooks";
import { KeyRegistry } from "../sandbox/kms/keyRegistry";
import { buildKeyPolicy } from "../infra/policies/keyPolicy";
import { tableAccessPolicy } from "../infra/policies/tableAccess";
import { Authorizer, type PolicyDocument } from "../sandbox/iam";
import { GrantStore, KmsService } from "../sandbox/kms";

const ACCOUNT = "111122223333";
const REGION = "us-east-1";
const USER = `arn:aws:iam::${ACCOUNT}:user/app-user`;
const DIRECT_USER = `arn:aws:iam::${ACCOUNT}:user/direct-user`;
/** A key needs an administrator: KMS refuses a statement whose Principal names no one. */
const ADMIN = `arn:aws:iam::${ACCOUNT}:user/key-admin`;
const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/bench`;
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-1111-2222-3333-444444444444`;
const TABLE = { name: "bench", region: REGION, accountId: ACCOUNT };

function authorizer(maxCachedDecisions?: number, keys = new KeyRegistry()): Authorizer {
  const result = new Authorizer({ maxCachedDecisions, keys });
  result.putPrincipal({
    arn: USER,
    inlinePolicies: [{ name: "rw", document: tableAccessPolicy("readwrite", TABLE_ARN) as PolicyDocument }],
  });
  result.putPrincipal({
    arn: DIRECT_USER,
    inlinePolicies: [
      {
        name: "kms",
        document: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "kms:*", Resource: KEY_ARN }],
        },
      },
    ],
  });
  const policy = buildKeyPolicy({
    partition: "aws",
    accountId: ACCOUNT,
    region: REGION,
    administrators: [ADMIN],
    keyUsers: [USER],
  });
  keys.put({ arn: KEY_ARN, policy: policy as PolicyDocument });
  return result;
}

/** Mean milliseconds per call of `step` over `count` sequential calls. */
async function meanMs(count: number, step: (index: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let index = 0; index < count; index++) {
    await step(index);
  }
  return (performance.now() - start) / count;
}

export async function run(): Promise<void> {
  const cold = authorizer();
  const coldStart = performance.now();
  await cold.authorizeKmsViaDynamoDb(USER, "kms:Decrypt", KEY_ARN, TABLE);
  const firstMs = performance.now() - coldStart;

  // A one-entry cache and two alternating requests: every call misses, so this is the simulation's cost.
  const uncached = authorizer(1);
  const requests = [
    () => uncached.authorizeKmsViaDynamoDb(USER, "kms:Decrypt", KEY_ARN, TABLE),
    () => uncached.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE_ARN),
  ];
  const uncachedMs = await meanMs(400, (index) => requests[index % 2]());
  if (uncached.stats().cacheHits !== 0) {
    throw new Error("the uncached run hit the cache");
  }

  const cached = authorizer();
  const hits = [
    () => cached.authorizeKmsViaDynamoDb(USER, "kms:Decrypt", KEY_ARN, TABLE),
    () => cached.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE_ARN),
  ];
  await hits[0]();
  await hits[1]();
  const cachedMs = await meanMs(20_000, (index) => hits[index % 2]());

  const keys = new KeyRegistry();
  const kms = new KmsService(authorizer(undefined, keys), keys, new GrantStore());
  kms.putKey({
    arn: KEY_ARN,
    policy: JSON.stringify(
      buildKeyPolicy({
        partition: "aws",
        accountId: ACCOUNT,
        region: REGION,
        administrators: [ADMIN],
        keyUsers: [USER],
      }),
    ),
  });
  const caller = { arn: DIRECT_USER, region: REGION };
  const plaintext = Buffer.alloc(64, 7).toString("base64");
  const roundTripMs = await meanMs(2_000, async () => {
    const { CiphertextBlob } = await kms.handle("Encrypt", { KeyId: KEY_ARN, Plaintext: plaintext }, caller);
    await kms.handle("Decrypt", { CiphertextBlob }, caller);
  });

  console.log(`authz: first decision (compiles the policies)     ${firstMs.toFixed(1)} ms`);
  console.log(`authz: decision by simulation (cache missed)        ${uncachedMs.toFixed(3)} ms`);
  console.log(`authz: decision from the cache                      ${(cachedMs * 1000).toFixed(2)} µs`);
  console.log(`authz: cache speed-up                               ${(uncachedMs / cachedMs).toFixed(0)}x`);
  console.log(
    `kms:   Encrypt+Decrypt, authorization cached        ${(1000 / roundTripMs).toFixed(0)} round trips/s`,
  );
}

if (require.main === module) {
  run().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 1;
  });
}
