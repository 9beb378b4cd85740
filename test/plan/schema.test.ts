/** Shapes read from a provider's Node SDK, as the program's own node_modules hold it. */
import { expect } from "chai";
import { parseToken, SchemaReader } from "../../plan/schema";
import { REPO_ROOT } from "../support/paths";

describe("SchemaReader", () => {
  const schema = new SchemaReader(REPO_ROOT);

  it("reads a function's result fields and a resource's outputs from @pulumi/aws", () => {
    const role = schema.functionResult("aws:iam/getRole:getRole")!;
    expect(role.find((f) => f.name === "arn")).to.deep.equal({
      name: "arn",
      kind: "string",
      optional: false,
    });
    expect(role.find((f) => f.name === "tags")?.kind).to.equal("object");
    const fn = schema.resourceOutputs("aws:lambda/function:Function")!;
    expect(fn.find((f) => f.name === "codeSha256")).to.deep.include({ kind: "string", optional: false });
    expect(fn.find((f) => f.name === "description")?.optional).to.equal(true);
    expect(schema.functionResult("nosuch:index/getX:getX")).to.equal(undefined);
  });

  it("finds the SDK file of a token with and without a member path", () => {
    expect(parseToken("aws:index/getRegion:getRegion")).to.deep.include({
      module: "index",
      member: "getRegion",
    });
    expect(parseToken("command:local:Command")).to.deep.include({ module: "local", member: "command" });
  });
});
