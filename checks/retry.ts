/**
 * Retries a call whose access key AWS does not recognise yet. IAM is eventually consistent: a new
 * access key can be refused for some seconds with UnrecognizedClientException (DynamoDB) or
 * InvalidClientTokenId (STS) before every endpoint knows it
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency).
 * Only those two errors are retried: a denial is an answer, and retrying it would hide it.
 */
import { UNRECOGNIZED_CREDENTIALS, errorName } from "./classify";
import type { RetryOptions } from "./types";

export const DEFAULT_RETRY: Required<Omit<RetryOptions, "sleep">> = {
  maxAttempts: 6,
  baseDelayMs: 1000,
  maxDelayMs: 8000,
};

export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Per-user memory: once a key was refused through every attempt, later calls try once (no second long wait). */
export interface CredentialState {
  refusedAfterRetries: boolean;
}

export interface RetryOutcome<T> {
  attempts: number;
  value?: T;
  error?: unknown;
}

/**
 * Calls `call` until it succeeds, fails with anything but an unrecognised key, or the attempts run out.
 * Never throws: the last error is returned for the caller to classify. No jitter: one client per user
 * calls in sequence, so there is no crowd of clients to spread out.
 */
export async function withCredentialRetry<T>(
  call: () => Promise<T>,
  options: { retry?: RetryOptions; state: CredentialState; onRetry?: (line: string) => void },
): Promise<RetryOutcome<T>> {
  const { maxAttempts, baseDelayMs, maxDelayMs } = { ...DEFAULT_RETRY, ...options.retry };
  const sleep = options.retry?.sleep ?? realSleep;
  const limit = options.state.refusedAfterRetries ? 1 : Math.max(1, maxAttempts);
  for (let attempt = 1; ; attempt++) {
    try {
      return { attempts: attempt, value: await call() };
    } catch (err) {
      if (!UNRECOGNIZED_CREDENTIALS.has(errorName(err))) {
        return { attempts: attempt, error: err };
      }
      if (attempt >= limit) {
        options.state.refusedAfterRetries = true;
        return { attempts: attempt, error: err };
      }
      const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      options.onRetry?.(
        `${errorName(err)} (a new access key can take seconds to be valid): attempt ${attempt + 1} of ${limit} in ${formatSeconds(delay)}`,
      );
      await sleep(delay);
    }
  }
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s`;
}
