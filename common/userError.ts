/**
 * The mark of a mistake the user can fix (a bad flag, a bad config, a data dir that cannot hold data):
 * every command prints it as one line on stderr and exits 2, never with a stack trace.
 *
 * A brand, not only a base class: `infra/`'s ConfigError must extend `pulumi.RunError` (so `pulumi up`
 * prints it without a stack trace) and JavaScript has one base class, so it carries the brand instead.
 * `infra/` imports nothing of the project: it spells the same registered symbol itself
 * (infra/userErrorBrand.ts), and `isUserError` reads it on any error.
 */
export const USER_ERROR_BRAND = Symbol.for("kms-dynamodb.user-error");

export class UserError extends Error {
  readonly [USER_ERROR_BRAND] = true;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** True for a UserError, and for any error carrying the brand (infra's ConfigError). */
export function isUserError(err: unknown): err is Error {
  return err instanceof Error && (err as unknown as Record<symbol, unknown>)[USER_ERROR_BRAND] === true;
}
