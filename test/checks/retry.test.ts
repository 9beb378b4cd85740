import { expect } from "chai";
import { withCredentialRetry, type CredentialState } from "../../checks/retry";

function failing(name: string, times: number, value = "ok") {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    call: async () => {
      calls++;
      if (calls <= times) {
        const err = new Error("The security token included in the request is invalid.");
        err.name = name;
        throw err;
      }
      return value;
    },
  };
}

describe("checks: retrying access keys AWS does not know yet", () => {
  it("retries UnrecognizedClientException with exponential, capped waits until the call succeeds", async () => {
    const waits: number[] = [];
    const target = failing("UnrecognizedClientException", 4);
    const outcome = await withCredentialRetry(target.call, {
      retry: { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 300, sleep: async (ms) => void waits.push(ms) },
      state: { refusedAfterRetries: false },
    });
    expect(outcome).to.deep.equal({ attempts: 5, value: "ok" });
    expect(waits).to.deep.equal([100, 200, 300, 300]);
  });

  it("gives up after maxAttempts, and the same user's later calls are tried once", async () => {
    const waits: number[] = [];
    const state: CredentialState = { refusedAfterRetries: false };
    const options = {
      retry: { maxAttempts: 3, baseDelayMs: 10, sleep: async (ms: number) => void waits.push(ms) },
      state,
    };
    const first = failing("InvalidClientTokenId", 100);
    const outcome = await withCredentialRetry(first.call, options);
    expect(outcome.attempts).to.equal(3);
    expect((outcome.error as Error).name).to.equal("InvalidClientTokenId");
    expect(first.calls).to.equal(3);
    expect(waits).to.deep.equal([10, 20]);

    const second = failing("UnrecognizedClientException", 100);
    expect((await withCredentialRetry(second.call, options)).attempts).to.equal(1);
    expect(second.calls).to.equal(1);
  });

  it("never retries a denial", async () => {
    const target = failing("AccessDeniedException", 100);
    const outcome = await withCredentialRetry(target.call, {
      retry: { sleep: async () => expect.fail("a denial must not be retried") },
      state: { refusedAfterRetries: false },
    });
    expect(outcome.attempts).to.equal(1);
    expect(target.calls).to.equal(1);
  });
});
