/**
 * The account, region and example keys the tests use: AWS's documentation examples, so no value here
 * can be mistaken for a real account or key. The plan engine's mocks deploy into ACCOUNT_ID
 * (plan/mocks.ts); a principal of another account is in OTHER_ACCOUNT_ID.
 */
export const ACCOUNT_ID = "111122223333";
export const OTHER_ACCOUNT_ID = "444455556666";
export const REGION = "us-east-1";

/** The example access key of the IAM User Guide ("Managing access keys for IAM users"). */
export const EXAMPLE_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
export const EXAMPLE_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
