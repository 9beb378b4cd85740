/**
 * The policy pack's process lives no longer than the command that started it (guard/packProcess.ts): the
 * policy command starts the pack before it reads the state or runs the program, so a mistake found
 * meanwhile, which the runner reports and exits on at once, must not leave the pack running.
 */
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, readlinkSync } from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { REPO_ROOT } from "../support/paths";

/** Pack processes of this repository whose parent is gone (re-parented to pid 1). */
function orphanedPacks(): number[] {
  let pids: number[];
  try {
    pids = execFileSync("pgrep", ["-f", "run-policy-pack"], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line !== "")
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
  return pids.filter((pid) => {
    try {
      const parent = /^\d+ \(.*\) \S (\d+)/.exec(readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1];
      return parent === "1" && readlinkSync(`/proc/${pid}/cwd`).startsWith(REPO_ROOT);
    } catch {
      return false; // gone meanwhile
    }
  });
}

describe("the policy pack's process", function () {
  this.timeout(60_000);

  it("is stopped when the command exits on a mistake found while the pack still starts", async () => {
    const before = new Set(orphanedPacks());
    // A stack with no config file: the program fails at once (aws:region missing), while the pack boots.
    const child = spawn(
      process.execPath,
      ["-r", "./scripts/register.js", path.join("cli", "policy.ts"), "--stack", "no-such-stack"],
      { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    expect(code, stderr).to.equal(2);
    // The pack handles SIGTERM by exiting; give it a moment (bounded) to go.
    let left: number[] = [];
    for (let attempt = 0; attempt < 50; attempt++) {
      left = orphanedPacks().filter((pid) => !before.has(pid));
      if (left.length === 0) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const pid of left) {
      process.kill(pid, "SIGKILL"); // never leave one behind, even when the test fails
    }
    expect(left, "pack processes left running").to.deep.equal([]);
  });
});
