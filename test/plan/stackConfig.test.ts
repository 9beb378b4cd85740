/**
 * Stack config as the Pulumi CLI reads it (Pulumi docs, "Project file reference" `config` and
 * `stackConfigDir`; "pulumi preview" `--config-file`): the project's defaults, then the stack file over
 * them; a stack nobody configured has the defaults alone.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { loadStackConfig, StackConfigError } from "../../plan/stackConfig";
import { tempDirForThisTest } from "../support/tempDir";

function project(yaml: string): string {
  const dir = tempDirForThisTest("stack-config");
  writeFileSync(join(dir, "Pulumi.yaml"), yaml);
  return dir;
}

describe("loadStackConfig", () => {
  it("applies the project's config defaults, declared or bare, and reads no stack file that is absent", () => {
    const dir = project(
      [
        "name: shop",
        "runtime: nodejs",
        "config:",
        "  aws:region:",
        "    value: eu-west-1",
        "  tableName:",
        "    type: string",
        "    default: orders",
        "  retries: 3",
        "  description:",
        "    type: string",
        "",
      ].join("\n"),
    );
    expect(loadStackConfig("dev", dir)).to.deep.equal({
      "aws:region": "eu-west-1",
      "shop:tableName": "orders",
      "shop:retries": 3,
    });
  });

  it("lays the stack file over the defaults, from stackConfigDir", () => {
    const dir = project(
      "name: shop\nruntime: nodejs\nstackConfigDir: config\nconfig:\n  tableName: orders\n",
    );
    mkdirSync(join(dir, "config"));
    writeFileSync(
      join(dir, "config", "Pulumi.dev.yaml"),
      "config:\n  shop:tableName: carts\n  aws:region: us-west-2\n",
    );
    expect(loadStackConfig("dev", dir)).to.deep.equal({
      "shop:tableName": "carts",
      "aws:region": "us-west-2",
    });
  });

  it("reads --config-file instead of the stack file, which must then exist", () => {
    const dir = project("name: shop\nruntime: nodejs\n");
    writeFileSync(join(dir, "Pulumi.dev.yaml"), "config:\n  shop:tableName: ignored\n");
    const file = join(dir, "ci.yaml");
    writeFileSync(file, "config:\n  tableName: from-file\n");
    expect(loadStackConfig("dev", dir, { configFile: file })).to.deep.equal({
      "shop:tableName": "from-file",
    });
    expect(() => loadStackConfig("dev", dir, { configFile: join(dir, "nope.yaml") })).to.throw(
      StackConfigError,
      `nope.yaml" does not exist`,
    );
  });

  it("refuses YAML alias bombs: aliases nested in aliases, and few aliases of one large value", () => {
    // YAML 1.2.2, section 3.2.2.2 (anchors and aliases): an alias repeats its anchored node, so
    // aliases of aliases grow exponentially ("billion laughs").
    const dir = project("name: shop\nruntime: nodejs\n");
    const nested = ["config:", '  shop:a0: &a0 "xxxxxxxxxxxxxxxx"'];
    for (let level = 1; level <= 9; level++) {
      nested.push(
        `  shop:a${level}: &a${level} [${Array(9)
          .fill(`*a${level - 1}`)
          .join(", ")}]`,
      );
    }
    writeFileSync(join(dir, "Pulumi.dev.yaml"), `${nested.join("\n")}\n`);
    expect(() => loadStackConfig("dev", dir)).to.throw(StackConfigError, "Excessive alias count");
    // 90 aliases (under the alias count) of a 1 MB string: 90 MB once each value is serialised.
    const wide = [
      "config:",
      `  shop:big: &big "${"x".repeat(1_000_000)}"`,
      `  shop:many: [${Array(90).fill("*big").join(", ")}]`,
    ];
    writeFileSync(join(dir, "Pulumi.dev.yaml"), `${wide.join("\n")}\n`);
    expect(() => loadStackConfig("dev", dir)).to.throw(
      StackConfigError,
      "expands through YAML aliases to more than",
    );
  });

  it("refuses a project config that is not a map", () => {
    const dir = project("name: shop\nruntime: nodejs\nconfig: [1]\n");
    expect(() => loadStackConfig("dev", dir)).to.throw(StackConfigError, "has a config: that is not a map");
  });
});
