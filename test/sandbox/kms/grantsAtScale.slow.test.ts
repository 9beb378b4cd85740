/**
 * Grants at scale with --data-dir: AWS allows 50,000 grants per key ("AWS KMS quotas"), so a change's cost
 * must not grow with the grants already made. 10,000 CreateGrant calls over the wire, each journaled and
 * synced before it is answered, then a restart finds every one (ListGrants, KMS API reference). The time
 * is printed, not asserted: budgets are the bench's.
 */
import { CreateGrantCommand, ListGrantsCommand, type KMSClient } from "@aws-sdk/client-kms";
import { expect } from "chai";
import { Sandbox } from "../../../sandbox";
import { accessModelOutputs, synthesizeAccessModel } from "../../support/accessModelProgram";
import { useClientPool } from "../../support/sandbox";
import { useTempDir } from "../../support/tempDir";

const GRANTS = 10_000;
const IN_FLIGHT = 16;

async function allGrantIds(kms: KMSClient, keyArn: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let marker: string | undefined;
  do {
    const page = await kms.send(new ListGrantsCommand({ KeyId: keyArn, Limit: 100, Marker: marker }));
    for (const grant of page.Grants ?? []) {
      ids.add(grant.GrantId as string);
    }
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker !== undefined);
  return ids;
}

describe("sandbox: 10,000 grants with --data-dir", function () {
  this.timeout(600_000);
  const pool = useClientPool();
  const dataDir = useTempDir("sandbox-grants");

  it("makes each durable at a cost that does not grow with the grants made, and finds them all after a restart", async () => {
    const first = await Sandbox.start({ dataDir: dataDir() });
    const made: string[] = [];
    let keyArn = "";
    try {
      await first.apply(await synthesizeAccessModel());
      const outputs = accessModelOutputs(first);
      keyArn = outputs.keyArn;
      const { kms } = pool.open(first.endpoint, outputs.users["grant-admin"], outputs.region, {
        maxAttempts: 3,
      });
      const started = Date.now();
      let next = 0;
      let lastThousand = started;
      const worker = async () => {
        while (next < GRANTS) {
          const index = next++;
          const { GrantId } = await kms.send(
            new CreateGrantCommand({
              KeyId: keyArn,
              GranteePrincipal: outputs.users.carol.arn,
              Operations: ["Decrypt"],
              Name: `scale-${index}`,
            }),
          );
          made.push(GrantId as string);
          if (made.length % 1000 === 0) {
            const now = Date.now();
            console.log(
              `      ${made.length} grants: the last 1,000 in ${((now - lastThousand) / 1000).toFixed(1)} s`,
            );
            lastThousand = now;
          }
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      console.log(
        `      ${GRANTS} CreateGrant calls, ${IN_FLIGHT} in flight: ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      kms.destroy();
    } finally {
      await first.stop();
    }

    const restarting = Date.now();
    const second = await Sandbox.start({ dataDir: dataDir() });
    try {
      console.log(`      restart with ${GRANTS} grants: ${((Date.now() - restarting) / 1000).toFixed(1)} s`);
      const outputs = accessModelOutputs(second);
      const { kms } = pool.open(second.endpoint, outputs.users["grant-admin"], outputs.region);
      const found = await allGrantIds(kms, keyArn);
      kms.destroy();
      expect(made).to.have.length(GRANTS);
      expect(made.filter((id) => !found.has(id))).to.deep.equal([]);
    } finally {
      await second.stop();
    }
  });
});
