/**
 * What a call threw, for tests that look at the error: each helper fails the test when the call
 * succeeds, and, given a class, when the error is not of it.
 */
import { expect } from "chai";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ErrorClass<E> = abstract new (...args: any[]) => E;

function checked<E>(caught: unknown, type: ErrorClass<E> | undefined): E {
  if (type !== undefined) {
    expect(caught, `expected a ${type.name}`).to.be.instanceOf(type);
  }
  return caught as E;
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function rejectionOf<E = Error>(promise: Promise<unknown>, type?: ErrorClass<E>): Promise<E> {
  let result: unknown;
  try {
    result = await promise;
  } catch (err) {
    return checked(err, type);
  }
  return expect.fail(`expected a rejection, got ${JSON.stringify(result)?.slice(0, 300)}`);
}

/** The error `promise` rejects with, or undefined when it resolves (for cases that may succeed). */
export async function rejectionIfAny<E = Error>(promise: Promise<unknown>): Promise<E | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    return err as E;
  }
}

/** The error `call` throws; fails the test when it returns. */
export function thrownBy<E = Error>(call: () => unknown, type?: ErrorClass<E>): E {
  let result: unknown;
  try {
    result = call();
  } catch (err) {
    return checked(err, type);
  }
  return expect.fail(`expected an error, got ${JSON.stringify(result)?.slice(0, 300)}`);
}

/** How an AWS SDK v3 client reports a failed call: the error's name, message and HTTP status. */
export interface SdkFailure {
  name: string;
  message: string;
  status: number | undefined;
}

/** The failure of an AWS SDK v3 call; fails the test when the call succeeds. */
export async function failureOf(promise: Promise<unknown>): Promise<SdkFailure> {
  const error = await rejectionOf<Error & { $metadata?: { httpStatusCode?: number } }>(promise);
  return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
}

/**
 * How a call ended, as one string to compare: `allowed` when it resolves, else `Name: message` (or the
 * error's name alone with `nameOnly`), so one assertion states the expected outcome either way.
 */
export function outcomeOf(promise: Promise<unknown>, options: { nameOnly?: boolean } = {}): Promise<string> {
  return promise.then(
    () => "allowed",
    (err: Error) => (options.nameOnly === true ? err.name : `${err.name}: ${err.message}`),
  );
}
