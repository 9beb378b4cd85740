import { expect } from "chai";
import { DecisionCache } from "../../../sandbox/iam/decisionCache";
import {
  APP_USER,
  IAM_KEY_USER,
  KEY_ARN,
  KMS_TEST_USER,
  TABLE_ARN,
  VIA_DYNAMODB,
  KMS_USE_POLICY,
  keyPolicy,
  seedAuthorizer,
} from "../../support/seedAuthorizer";
import { KeyRegistry } from "../../../sandbox/kms/keyRegistry";

describe("sandbox/iam decision cache", () => {
  it("answers a repeated request from the cache, and a different context from a new evaluation", async () => {
    const authorizer = seedAuthorizer();
    await authorizer.authorizeKmsViaDynamoDb(APP_USER, "kms:Decrypt", KEY_ARN, VIA_DYNAMODB);
    await authorizer.authorizeKmsViaDynamoDb(APP_USER, "kms:Decrypt", KEY_ARN, VIA_DYNAMODB);
    expect(authorizer.stats()).to.include({ cacheHits: 1, cacheMisses: 1 });
    const direct = await authorizer.authorizeKms(APP_USER, "kms:Decrypt", KEY_ARN);
    expect(direct.allowed).to.equal(false);
    expect(authorizer.stats()).to.include({ cacheHits: 1, cacheMisses: 2 });
  });

  it("sees a key policy change on the very next request", async () => {
    const keys = new KeyRegistry();
    const authorizer = seedAuthorizer({}, keys);
    expect(
      (await authorizer.authorizeKmsViaDynamoDb(KMS_TEST_USER, "kms:Decrypt", KEY_ARN, VIA_DYNAMODB)).allowed,
    ).to.equal(false);
    keys.put({ arn: KEY_ARN, policy: keyPolicy([APP_USER, KMS_TEST_USER]) });
    expect(
      (await authorizer.authorizeKmsViaDynamoDb(KMS_TEST_USER, "kms:Decrypt", KEY_ARN, VIA_DYNAMODB)).allowed,
    ).to.equal(true);
    keys.put({ arn: KEY_ARN, policy: keyPolicy([APP_USER]) });
    expect(
      (await authorizer.authorizeKmsViaDynamoDb(KMS_TEST_USER, "kms:Decrypt", KEY_ARN, VIA_DYNAMODB)).allowed,
    ).to.equal(false);
  });

  it("sees an identity policy change on the very next request", async () => {
    const authorizer = seedAuthorizer();
    expect((await authorizer.authorizeKms(IAM_KEY_USER, "kms:Encrypt", KEY_ARN)).allowed).to.equal(true);
    expect(
      (await authorizer.authorizeDynamoDb(IAM_KEY_USER, "dynamodb:PutItem", TABLE_ARN)).allowed,
    ).to.equal(true);
    authorizer.putPrincipal({ arn: IAM_KEY_USER });
    expect((await authorizer.authorizeKms(IAM_KEY_USER, "kms:Encrypt", KEY_ARN)).allowed).to.equal(false);
    expect(
      (await authorizer.authorizeDynamoDb(IAM_KEY_USER, "dynamodb:PutItem", TABLE_ARN)).allowed,
    ).to.equal(false);
    authorizer.putPrincipal({
      arn: IAM_KEY_USER,
      inlinePolicies: [{ name: "use-key", document: KMS_USE_POLICY }],
    });
    expect((await authorizer.authorizeKms(IAM_KEY_USER, "kms:Encrypt", KEY_ARN)).allowed).to.equal(true);
  });

  it("sees a key state change on the very next request", async () => {
    const keys = new KeyRegistry();
    const authorizer = seedAuthorizer({}, keys);
    expect(
      (await authorizer.authorizeKmsViaDynamoDb(APP_USER, "kms:Decrypt", KEY_ARN, VIA_DYNAMODB)).allowed,
    ).to.equal(true);
    keys.put({ arn: KEY_ARN, policy: keyPolicy([APP_USER]), state: "Disabled" });
    expect(
      (await authorizer.authorizeKmsViaDynamoDb(APP_USER, "kms:Decrypt", KEY_ARN, VIA_DYNAMODB)).allowed,
    ).to.equal(false);
  });

  it("shares one evaluation between concurrent identical requests", async () => {
    const authorizer = seedAuthorizer();
    const decisions = await Promise.all(
      Array.from({ length: 5 }, () => authorizer.authorizeDynamoDb(APP_USER, "dynamodb:GetItem", TABLE_ARN)),
    );
    expect(decisions.every((decision) => decision.allowed)).to.equal(true);
    expect(authorizer.stats()).to.include({ cacheHits: 4, cacheMisses: 1 });
  });

  it("reads a finished evaluation at once (known), and nothing before it finishes or after it fails", async () => {
    const cache = new DecisionCache<string>(10);
    expect(cache.known("a")).to.equal(undefined);
    let finish: (value: string) => void = () => undefined;
    const pending = cache.get("a", () => new Promise<string>((resolve) => (finish = resolve)));
    expect(cache.known("a")).to.equal(undefined);
    finish("A");
    await pending;
    expect(cache.known("a")).to.equal("A");
    expect({ hits: cache.hits, misses: cache.misses }).to.deep.equal({ hits: 1, misses: 1 });
    await cache.get("x", () => Promise.reject(new Error("boom"))).catch(() => undefined);
    expect(cache.known("x")).to.equal(undefined);
  });

  it("answers a DynamoDB question decided before at once, and again after a policy change only by evaluating", async () => {
    const authorizer = seedAuthorizer();
    expect(authorizer.knownDynamoDbDecision(IAM_KEY_USER, "dynamodb:PutItem", TABLE_ARN)).to.equal(undefined);
    const decided = await authorizer.authorizeDynamoDb(IAM_KEY_USER, "dynamodb:PutItem", TABLE_ARN);
    expect(authorizer.knownDynamoDbDecision(IAM_KEY_USER, "dynamodb:PutItem", TABLE_ARN)).to.equal(decided);
    authorizer.putPrincipal({ arn: IAM_KEY_USER });
    expect(authorizer.knownDynamoDbDecision(IAM_KEY_USER, "dynamodb:PutItem", TABLE_ARN)).to.equal(undefined);
  });

  it("keeps at most maxEntries, dropping the oldest, and forgets a failed evaluation", async () => {
    const cache = new DecisionCache<string>(2);
    await cache.get("a", () => Promise.resolve("A"));
    await cache.get("b", () => Promise.resolve("B"));
    await cache.get("c", () => Promise.resolve("C"));
    expect(cache.size).to.equal(2);
    expect(await cache.get("a", () => Promise.resolve("A again"))).to.equal("A again");
    const failed = await cache
      .get("x", () => Promise.reject(new Error("boom")))
      .catch((error: Error) => error.message);
    expect(failed).to.equal("boom");
    expect(await cache.get("x", () => Promise.resolve("X"))).to.equal("X");
    expect(() => new DecisionCache(0)).to.throw(/maxEntries: 0/);
  });

  it("drops the oldest entries in insertion order through many evictions, a cleared cache and a failure", async () => {
    const cache = new DecisionCache<string>(3);
    const put = (key: string) => cache.get(key, () => Promise.resolve(key.toUpperCase()));
    for (const key of ["a", "b", "c", "d", "e"]) {
      await put(key);
    }
    // c, d, e are kept: a and b went first.
    expect(["a", "b", "c", "d", "e"].map((key) => cache.known(key))).to.deep.equal([
      undefined,
      undefined,
      "C",
      "D",
      "E",
    ]);
    // A failed evaluation leaves no hole in the order: d, e, then f.
    await cache.get("x", () => Promise.reject(new Error("boom"))).catch(() => undefined);
    await put("f");
    expect(["c", "d", "e", "f"].map((key) => cache.known(key))).to.deep.equal([undefined, "D", "E", "F"]);
    cache.clear();
    for (const key of ["g", "h", "i", "j"]) {
      await put(key);
    }
    expect(["g", "h", "i", "j"].map((key) => cache.known(key))).to.deep.equal([undefined, "H", "I", "J"]);
  });
});
