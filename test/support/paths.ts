/** Where the tests find the repository's files, whatever folder a test file sits in. */
import * as path from "node:path";

/** The repository's root: where npm runs the commands and the stack files are. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** A file or folder under test/fixtures/ (public programs and state files, policy packs built for tests). */
export function fixturePath(...parts: string[]): string {
  return path.join(REPO_ROOT, "test", "fixtures", ...parts);
}

/** A folder under examples/ (programs that users run the commands on). */
export function examplePath(name: string): string {
  return path.join(REPO_ROOT, "examples", name);
}
