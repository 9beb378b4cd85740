/**
 * The sandbox's admin operation table (sandbox/admin/operations.ts): the names the server routes, and
 * what each answers to the deploying identity (and refuses to anyone else).
 */
import { expect } from "chai";
import { ADMIN_OPERATIONS, ADMIN_OPERATION_TABLE, isAdminOperation } from "../../../sandbox/admin/operations";
import { handleAdmin, type AdminTarget } from "../../../sandbox/admin/service";
import { rejectionOf } from "../../support/errors";

const DEPLOYER = "arn:aws:iam::111122223333:user/deployer";

function target(): AdminTarget & { advanced: number } {
  const clock = {
    advanced: 0,
    deployerArn: () => DEPLOYER,
    now: () => 1_700_000_000_000 + clock.advanced,
    advancedMs: () => clock.advanced,
    advanceClock: async (ms: number) => {
      clock.advanced += ms;
    },
  };
  return clock;
}

describe("the sandbox's admin operation table", () => {
  it("routes exactly the table's names", () => {
    expect(ADMIN_OPERATIONS).to.deep.equal(Object.keys(ADMIN_OPERATION_TABLE));
    expect(isAdminOperation("AdvanceClock")).to.equal(true);
    expect(isAdminOperation("constructor")).to.equal(false);
  });

  it("runs each entry's handler for the deploying identity only", async () => {
    const clock = target();
    expect(await handleAdmin("AdvanceClock", { Minutes: 5 }, DEPLOYER, clock)).to.deep.equal({
      Now: 1_700_000_300,
      AdvancedSeconds: 300,
    });
    expect(await handleAdmin("DescribeClock", {}, DEPLOYER, clock)).to.deep.equal({
      Now: 1_700_000_300,
      AdvancedSeconds: 300,
    });
    const refused = await rejectionOf(
      handleAdmin("DescribeClock", {}, "arn:aws:iam::111122223333:user/app-user", clock),
    );
    expect(refused.message).to.contain("only the deploying identity administers the sandbox");
  });
});
