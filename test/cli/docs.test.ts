/**
 * The docs against the code: the generated parts (the README's command table, docs/reference.md's
 * command sections, docs/architecture.md's layers) equal what the commands' specs and the layers table
 * generate (`npm run docs` rewrites them); the reference lists every config key and output; every
 * relative link resolves; the README stays a front door; the docs and comments stand on their own.
 */
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { COMMANDS } from "../../cli/commands";
import { generatedRegions } from "../../cli/reference";
import { CONFIG_KEYS } from "../../infra/config";
import { REPO_ROOT } from "../support/paths";

const read = (file: string): string => readFileSync(path.join(REPO_ROOT, file), "utf8");

/** The region NAME of a file's text, without its markers. */
function region(text: string, name: string): string | undefined {
  const match = new RegExp(`<!-- generated:${name} -->\\n([\\s\\S]*?)\\n<!-- /generated:${name} -->`).exec(
    text,
  );
  return match?.[1];
}

/** The project's own files (not node_modules, git's, tools' output or third-party fixtures). */
function projectFiles(dir = ""): string[] {
  const skip = new Set([
    "node_modules",
    ".git",
    "bin",
    "coverage",
    "test-artifacts",
    ".sandbox",
    ".sandbox-data",
  ]);
  return readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      return skip.has(entry.name) || file === "test/fixtures" ? [] : projectFiles(file);
    }
    return entry.isFile() ? [file] : [];
  });
}

describe("docs against the code", () => {
  for (const { file, region: name, content } of generatedRegions(COMMANDS)) {
    it(`${file}: the ${name} region is what the code generates (npm run docs rewrites it)`, () => {
      expect(region(read(file), name), `${file} has no generated:${name} region`).to.not.equal(undefined);
      expect(region(read(file), name)).to.equal(content);
    });
  }

  it("docs/reference.md lists every config key and every stack output", () => {
    const reference = read("docs/reference.md");
    for (const key of CONFIG_KEYS) {
      expect(reference, key).to.contain(`\`kms-dynamodb:${key}\``);
    }
    for (const output of [
      "region",
      "accountId",
      "keyArn",
      "keyAlias",
      "tableName",
      "tableArn",
      "users.<name>",
      "roles.<name>",
    ]) {
      expect(reference, output).to.contain(`\`${output}`);
    }
  });

  it("every relative link of the docs resolves to a file of the repository", () => {
    for (const file of projectFiles().filter((name) => name.endsWith(".md"))) {
      const text = read(file);
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) {
          continue;
        }
        const resolved = path.join(REPO_ROOT, path.dirname(file), target);
        expect(existsSync(resolved), `${file} links ${target}`).to.equal(true);
      }
    }
  });

  it("the README is a front door: at most 150 lines, the two commands first", () => {
    const readme = read("README.md");
    expect(readme.split("\n").length).to.be.at.most(150);
    expect(readme.indexOf("npm ci && npm start")).to.be.below(readme.indexOf("## "));
    expect(readme.indexOf("npm test")).to.be.below(readme.indexOf("## "));
  });

  it("docs and comments stand on their own: no issue numbers, no 'as agreed'", () => {
    // Citations of upstream bug reports (aws-cdk issues 10010 and 18616) are references, not context.
    const outside = /\bissue ?#?\d|as agreed|the team's (agreement|contract|notes)/i;
    const found = projectFiles()
      .filter((file) => /\.(ts|js|cjs|mjs|md|json|yml|yaml)$/.test(file) && file !== "package-lock.json")
      .filter((file) => file !== "test/cli/docs.test.ts")
      .flatMap((file) =>
        read(file)
          .split("\n")
          .map((line, index) => `${file}:${index + 1}: ${line.trim()}`)
          .filter((line) => outside.test(line.slice(line.indexOf(": ") + 2))),
      );
    expect(found).to.deep.equal([]);
  });
});
