/**
 * Keeps secret access keys out of everything the checks print or return. The SDK never puts the secret
 * in an error, but a message can echo what it was given (say, a malformed outputs file), so every line
 * and every error text passes through here before it leaves the library.
 */
import { REDACTED, type StackOutputs } from "../infra/outputs";

export { REDACTED };

export type Redactor = (text: string) => string;

export function secretRedactor(outputs: StackOutputs): Redactor {
  const secrets = Object.values(outputs.users)
    .map((user) => user.secretAccessKey)
    .filter((secret) => typeof secret === "string" && secret.length > 0);
  return (text) => secrets.reduce((acc, secret) => acc.split(secret).join(REDACTED), text);
}
