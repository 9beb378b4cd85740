/**
 * A rule's "does not apply" (@pulumi/policy's `args.notApplicable(reason)`), with the same reason in the
 * analyzer's response (its NotApplicable list). @pulumi/policy throws an Error for it and reads only its
 * reason, so the Error is made without a stack trace: capturing one under the analyzer's async frames was
 * a cost paid for each table whose key is created in the same preview, for nothing.
 */
export function notApplicable(args: { notApplicable(reason?: string): never }, reason: string): never {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return args.notApplicable(reason);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
