import { expect } from "chai";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CheckInputError, readStackOutputs } from "../../checks/outputs";
import { OutputsError, parseStackOutputs } from "../../infra/outputs";
import { useTempDir } from "../support/tempDir";
import { ACCOUNT_ID, EXAMPLE_SECRET_ACCESS_KEY } from "../support/accounts";
import { thrownBy } from "../support/errors";
import { exampleOutputs } from "../support/outputs";

const SECRET = EXAMPLE_SECRET_ACCESS_KEY;
const validOutputs = (): Record<string, unknown> => exampleOutputs();
const parseError = (value: unknown): string =>
  thrownBy(() => parseStackOutputs(value, "outputs.json"), OutputsError).message;

describe("checks: reading stack outputs", () => {
  let dir: string;
  let savedPath: string | undefined;

  const workDir = useTempDir("checks-outputs");

  beforeEach(() => {
    dir = workDir();
    savedPath = process.env.PATH;
  });

  afterEach(() => {
    process.env.PATH = savedPath;
  });

  it("accepts the outputs of contracts.md section 2", () => {
    expect(parseStackOutputs(validOutputs(), "outputs.json")).to.deep.equal(validOutputs());
  });

  it("keeps the roles of a stack that configures them, validated like the users", () => {
    const role = { arn: `arn:aws:iam::${ACCOUNT_ID}:role/reader`, dynamodbAccess: "readonly", keyUser: true };
    const withRoles = { ...validOutputs(), roles: { reader: role } };
    expect(parseStackOutputs(withRoles, "outputs.json")).to.deep.equal(withRoles);
    expect(parseError({ ...validOutputs(), roles: { reader: { ...role, keyUser: "yes" } } })).to.equal(
      'outputs.json: roles.reader.keyUser: "yes" is not true or false',
    );
    expect(parseError({ ...validOutputs(), roles: [] })).to.equal(
      "outputs.json: roles: expected an object, got []",
    );
  });

  it("names the field and the value it rejects", () => {
    const outputs = validOutputs();
    (outputs.users as Record<string, Record<string, unknown>>)["app-user"].dynamodbAccess = "admin";
    expect(parseError(outputs)).to.equal(
      'outputs.json: users.app-user.dynamodbAccess: "admin" is not one of readonly, readwrite, full',
    );
    expect(parseError({ ...validOutputs(), tableName: 42 })).to.equal(
      "outputs.json: tableName: expected a non-empty string, got 42",
    );
    expect(parseError({ ...validOutputs(), users: {} })).to.match(/users is empty/);
  });

  it("says to use --show-secrets when the secret is redacted, and never prints a secret it rejects", () => {
    const outputs = validOutputs();
    const user = (outputs.users as Record<string, Record<string, unknown>>)["app-user"];
    user.secretAccessKey = "[secret]";
    expect(parseError(outputs)).to.match(
      /users\.app-user\.secretAccessKey is "\[secret\]": read the outputs with --show-secrets/,
    );
    user.secretAccessKey = { value: SECRET };
    const message = parseError(outputs);
    expect(message).to.match(/users\.app-user\.secretAccessKey: expected a non-empty string, got object/);
    expect(message).not.to.include(SECRET);
  });

  it("reads --outputs FILE, and names the file it cannot read", async () => {
    const file = join(dir, "outputs.json");
    await writeFile(file, JSON.stringify(validOutputs()), { mode: 0o600 });
    expect(await readStackOutputs({ outputsFile: file })).to.deep.equal(validOutputs());
    await readStackOutputs({ outputsFile: join(dir, "missing.json") }).then(
      () => expect.fail("expected a missing file to be rejected"),
      (err: Error) => expect(err.message).to.match(/^--outputs: ".*missing\.json" does not exist$/),
    );
  });

  it("refuses --outputs that is not a regular file (/dev/zero, a directory) in one line, before reading it", async () => {
    // /dev/zero never ends: read whole, it filled the memory.
    for (const [file, problem] of [
      ["/dev/zero", "is not a regular file (a character device)"],
      [dir, "is a directory, not a file"],
    ]) {
      await readStackOutputs({ outputsFile: file }).then(
        () => expect.fail(`expected ${file} to be refused`),
        (err: Error) => expect(err.message).to.equal(`--outputs: "${file}" ${problem}`),
      );
    }
  });

  it("runs `pulumi stack output --json --show-secrets --stack S` when no file is given", async () => {
    // A stand-in `pulumi` on PATH that records its arguments and prints outputs, as the CLI does.
    const argsFile = join(dir, "args");
    await writeFile(join(dir, "outputs.json"), JSON.stringify(validOutputs()));
    await writeFile(
      join(dir, "pulumi"),
      `#!/bin/sh\necho "$@" > "${argsFile}"\n/bin/cat "${join(dir, "outputs.json")}"\n`,
    );
    await chmod(join(dir, "pulumi"), 0o755);
    process.env.PATH = dir;
    expect(await readStackOutputs({ stack: "dev" })).to.deep.equal(validOutputs());
    const { readFile } = await import("node:fs/promises");
    expect((await readFile(argsFile, "utf8")).trim()).to.equal(
      "stack output --json --show-secrets --stack dev",
    );
  });

  it("says to install Pulumi or use --outputs when the CLI is missing", async () => {
    process.env.PATH = dir;
    await readStackOutputs({ stack: "dev" }).then(
      () => expect.fail("expected the missing CLI to be reported"),
      (err: Error) => {
        expect(err).to.be.instanceOf(CheckInputError);
        expect(err.message).to.match(
          /^the Pulumi CLI \(pulumi\) was not found on PATH: install it .* or pass --outputs FILE$/,
        );
      },
    );
  });

  it("reports the first line of pulumi's error when it fails", async () => {
    await writeFile(
      join(dir, "pulumi"),
      `#!/bin/sh\necho "error: no stack named 'prod' found" >&2\necho "more detail" >&2\nexit 255\n`,
    );
    await chmod(join(dir, "pulumi"), 0o755);
    process.env.PATH = dir;
    await readStackOutputs({ stack: "prod" }).then(
      () => expect.fail("expected pulumi's failure to be reported"),
      (err: Error) =>
        expect(err.message).to.equal(
          "pulumi stack output --json --show-secrets --stack prod failed: error: no stack named 'prod' found",
        ),
    );
  });
});
