/**
 * An error the sandbox answers with, in AWS's terms: the error code that AWS SDKs read from `__type`
 * (and `x-amzn-errortype`), the HTTP status and the message AWS would give.
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Members of the error beyond its message, e.g. TransactionCanceledException's CancellationReasons. */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = code;
  }
}
