/**
 * The mark of a mistake the user can fix (a bad config value, outputs of the wrong shape): every command
 * of the project prints an error carrying it as one line on stderr and exits 2, never with a stack trace.
 *
 * The key is a registered symbol (`Symbol.for`), the one common/userError.ts reads: `infra/` imports
 * nothing of the rest of the project, so the components and the program can be copied or published
 * alone, and its errors still read as user errors to every command.
 */
export const USER_ERROR_BRAND: unique symbol = Symbol.for("kms-dynamodb.user-error");
