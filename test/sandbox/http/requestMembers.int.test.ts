/**
 * Every input member of every operation the sandbox serves, from the AWS API models (botocore's
 * service-2.json, which the AWS CLI carries: the same models the AWS API references are generated from),
 * is listed by the operation's table row as modelled, answer-shaping or refused; and over HTTP, a request
 * carrying a refused member is refused with NotModelledBySandboxException naming it (a 4xx, which no SDK
 * retries), while one carrying a modelled member is never refused as not modelled and never a 5xx.
 *
 * AWS pages the members come from: Amazon DynamoDB API Reference, "Actions"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB.html);
 * AWS KMS API Reference, "Actions" (https://docs.aws.amazon.com/kms/latest/APIReference/API_Operations.html);
 * AWS STS API Reference, "Actions" (https://docs.aws.amazon.com/STS/latest/APIReference/API_Operations.html);
 * IAM API Reference, "Actions" (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html);
 * AWS Organizations API Reference, "Actions"
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_Operations.html).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { expect } from "chai";
import { DYNAMODB_OPERATIONS } from "../../../sandbox/dynamodb/operations";
import { NOT_MODELLED, type MemberSpec, type RequestMembers } from "../../../sandbox/http/requestMembers";
import { KMS_OPERATION_TABLE } from "../../../sandbox/kms/operations";
import { STS_OPERATION_TABLE, STS_VERSION } from "../../../sandbox/sts/operations";
import { IAM_OPERATION_TABLE, IAM_VERSION } from "../../../sandbox/iamService/operations";
import { ORGANIZATIONS_OPERATION_TABLE } from "../../../sandbox/organizations/operations";
import {
  aws4Signed,
  credentialsOf,
  errorType,
  rawRequest,
  sandboxWithDev,
  type Deployed,
  type RawResponse,
} from "../../support/sandbox";

interface Shape {
  readonly type: string;
  readonly members?: Record<string, { readonly shape: string }>;
  readonly member?: { readonly shape: string };
  readonly value?: { readonly shape: string };
  readonly enum?: readonly string[];
}

interface ServiceModel {
  readonly operations: Record<string, { readonly input?: { readonly shape: string } }>;
  readonly shapes: Record<string, Shape>;
}

/**
 * DynamoDB shapes taken whole: attribute values, and the legacy conditions and attribute updates made of
 * them (Expected, KeyConditions, QueryFilter, ScanFilter, AttributeUpdates), which DynamoDB's own
 * validation (dynalite) reads member by member and serves.
 */
const WHOLE_SHAPES = new Set([
  "AttributeValue",
  "Condition",
  "ExpectedAttributeValue",
  "AttributeValueUpdate",
]);

/** Where botocore is, found as the AWS CLI's Python finds it; undefined without python3 or botocore. */
function botocoreData(): string | undefined {
  try {
    const dir = execFileSync(
      "python3",
      ["-c", "import botocore,os;print(os.path.dirname(botocore.__file__))"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    ).trim();
    return path.join(dir, "data");
  } catch {
    return undefined;
  }
}

function loadModel(data: string, service: string, version: string): ServiceModel {
  const file = path.join(data, service, version, "service-2.json");
  const text = fs.existsSync(file)
    ? fs.readFileSync(file, "utf8")
    : zlib.gunzipSync(fs.readFileSync(`${file}.gz`)).toString("utf8");
  return JSON.parse(text) as ServiceModel;
}

/** Every member path of an input shape (A.B, A[].B, A{}.B), structures, lists and maps walked. */
function memberPaths(
  model: ServiceModel,
  shapeName: string,
  prefix = "",
  seen = new Set<string>(),
): string[] {
  const shape = model.shapes[shapeName];
  if (WHOLE_SHAPES.has(shapeName) || seen.has(shapeName)) {
    return [];
  }
  const inside = new Set([...seen, shapeName]);
  if (shape.type === "structure") {
    return Object.entries(shape.members ?? {}).flatMap(([name, member]) => {
      const at = prefix === "" ? name : `${prefix}.${name}`;
      return [at, ...memberPaths(model, member.shape, at, inside)];
    });
  }
  if (shape.type === "list" && shape.member !== undefined) {
    return memberPaths(model, shape.member.shape, `${prefix}[]`, inside);
  }
  if (shape.type === "map" && shape.value !== undefined) {
    return memberPaths(model, shape.value.shape, `${prefix}{}`, inside);
  }
  return [];
}

/** The shape of a member path. */
function shapeAt(model: ServiceModel, inputShape: string, memberPath: string): string {
  let shape = inputShape;
  for (const part of memberPath.split(".")) {
    const name = part.replace(/(\[\]|\{\})+$/, "");
    shape = model.shapes[shape].members![name].shape;
    for (const suffix of part.slice(name.length).match(/\[\]|\{\}/g) ?? []) {
      const container = model.shapes[shape];
      shape = (suffix === "[]" ? container.member : container.value)!.shape;
    }
  }
  return shape;
}

/** A value of a shape, other than `avoid` (a refused member's inert values). */
function sampleOf(model: ServiceModel, shapeName: string, avoid: readonly unknown[] = []): unknown {
  const shape = model.shapes[shapeName];
  switch (shape.type) {
    case "string":
      return shape.enum?.find((value) => !avoid.includes(value)) ?? "sample";
    case "boolean":
      return !avoid.includes(true);
    case "integer":
    case "long":
      return 1;
    case "blob":
      return Buffer.from("sample").toString("base64");
    case "list":
      return [sampleOf(model, shape.member!.shape)];
    case "map":
      return {
        sample: WHOLE_SHAPES.has(shape.value!.shape) ? { S: "v" } : sampleOf(model, shape.value!.shape),
      };
    case "structure":
      // One member is enough to make the structure present, on the wire as in JSON.
      return shapeName === "AttributeValue"
        ? { S: "v" }
        : Object.fromEntries(
            Object.entries(shape.members ?? {})
              .slice(0, 1)
              .map(([name, member]) => [name, sampleOf(model, member.shape)]),
          );
    default:
      return "sample";
  }
}

/** A request carrying `memberPath` with `value`, every enclosing list and map holding one element. */
function requestWith(memberPath: string, value: unknown): Record<string, unknown> {
  const parts = memberPath.split(".");
  let inner: unknown = value;
  for (let index = parts.length - 1; index >= 0; index--) {
    const part = parts[index];
    const name = part.replace(/(\[\]|\{\})+$/, "");
    let wrapped: unknown = inner;
    for (const suffix of (part.slice(name.length).match(/\[\]|\{\}/g) ?? []).reverse()) {
      wrapped = suffix === "[]" ? [wrapped] : { sample: wrapped };
    }
    inner = { [name]: wrapped };
  }
  return inner as Record<string, unknown>;
}

/** A query-protocol form of a request object (lists as Name.member.N, structures as Name.Member). */
function formOf(request: Record<string, unknown>, prefix = ""): [string, string][] {
  return Object.entries(request).flatMap(([name, value]) => {
    const at = prefix === "" ? name : `${prefix}.${name}`;
    if (Array.isArray(value)) {
      return value.flatMap((element, index) =>
        typeof element === "object" && element !== null
          ? formOf(element as Record<string, unknown>, `${at}.member.${index + 1}`)
          : [[`${at}.member.${index + 1}`, String(element)] as [string, string]],
      );
    }
    if (typeof value === "object" && value !== null) {
      return formOf(value as Record<string, unknown>, at);
    }
    return [[at, String(value)] as [string, string]];
  });
}

interface ServiceUnderTest {
  readonly service: string;
  readonly version: string;
  readonly table: Readonly<Record<string, { readonly members: RequestMembers }>>;
  send(
    deployed: Pick<Deployed, "endpoint" | "outputs">,
    operation: string,
    request: Record<string, unknown>,
  ): Promise<RawResponse>;
  code(response: RawResponse): string;
}

const USER = "app-user";

const SERVICES: readonly ServiceUnderTest[] = [
  {
    service: "dynamodb",
    version: "2012-08-10",
    table: DYNAMODB_OPERATIONS,
    send: (deployed, operation, request) =>
      rawRequest(
        deployed.endpoint,
        aws4Signed(
          deployed.endpoint,
          {
            service: "dynamodb",
            region: deployed.outputs.region,
            target: `DynamoDB_20120810.${operation}`,
            body: JSON.stringify(request),
            contentType: "application/x-amz-json-1.0",
          },
          credentialsOf(deployed.outputs, USER),
        ),
      ),
    code: errorType,
  },
  {
    service: "kms",
    version: "2014-11-01",
    table: KMS_OPERATION_TABLE,
    send: (deployed, operation, request) =>
      rawRequest(
        deployed.endpoint,
        aws4Signed(
          deployed.endpoint,
          {
            service: "kms",
            region: deployed.outputs.region,
            target: `TrentService.${operation}`,
            body: JSON.stringify(request),
            contentType: "application/x-amz-json-1.1",
          },
          credentialsOf(deployed.outputs, USER),
        ),
      ),
    code: errorType,
  },
  {
    service: "sts",
    version: "2011-06-15",
    table: STS_OPERATION_TABLE,
    send: (deployed, operation, request) =>
      rawRequest(
        deployed.endpoint,
        aws4Signed(
          deployed.endpoint,
          {
            service: "sts",
            region: deployed.outputs.region,
            body: new URLSearchParams([
              ["Action", operation],
              ["Version", STS_VERSION],
              ...formOf(request),
            ]).toString(),
            contentType: "application/x-www-form-urlencoded; charset=utf-8",
          },
          credentialsOf(deployed.outputs, USER),
        ),
      ),
    code: (response) => /<Code>([^<]*)<\/Code>/.exec(response.body)?.[1] ?? "",
  },
  {
    service: "iam",
    version: IAM_VERSION,
    table: IAM_OPERATION_TABLE,
    send: (deployed, operation, request) =>
      rawRequest(
        deployed.endpoint,
        aws4Signed(
          deployed.endpoint,
          {
            service: "iam",
            region: "us-east-1",
            body: new URLSearchParams([
              ["Action", operation],
              ["Version", IAM_VERSION],
              ...formOf(request),
            ]).toString(),
            contentType: "application/x-www-form-urlencoded; charset=utf-8",
          },
          credentialsOf(deployed.outputs, USER),
        ),
      ),
    code: (response) => /<Code>([^<]*)<\/Code>/.exec(response.body)?.[1] ?? "",
  },
  {
    service: "organizations",
    version: "2016-11-28",
    table: ORGANIZATIONS_OPERATION_TABLE,
    send: (deployed, operation, request) =>
      rawRequest(
        deployed.endpoint,
        aws4Signed(
          deployed.endpoint,
          {
            service: "organizations",
            region: "us-east-1",
            target: `AWSOrganizationsV20161128.${operation}`,
            body: JSON.stringify(request),
            contentType: "application/x-amz-json-1.1",
          },
          credentialsOf(deployed.outputs, USER),
        ),
      ),
    code: errorType,
  },
];

function isRefused(spec: MemberSpec): spec is Exclude<MemberSpec, string> {
  return typeof spec !== "string";
}

describe("sandbox: every request member of every served operation is modelled or refused", function () {
  this.timeout(120_000);
  const data = botocoreData();
  // Before the sandbox's hooks: a skip there skips them too (mocha runs no later before hook).
  before(function () {
    if (data === undefined) {
      // .ci/run installs the AWS CLI, which brings botocore; a developer machine may lack it.
      this.skip();
    }
  });
  const deployed = sandboxWithDev();

  for (const under of SERVICES) {
    describe(`${under.service}`, () => {
      it("lists exactly the members of each operation's input in the AWS API model", function () {
        if (data === undefined) {
          this.skip();
        }
        const model = loadModel(data, under.service, under.version);
        for (const [operation, row] of Object.entries(under.table)) {
          const input = model.operations[operation].input;
          const paths = input === undefined ? [] : memberPaths(model, input.shape);
          expect(Object.keys(row.members).sort(), `${under.service}:${operation}`).to.deep.equal(
            [...new Set(paths)].sort(),
          );
        }
      });

      it("refuses each refused member by name with a 4xx, and never refuses a modelled one", async function () {
        if (data === undefined) {
          this.skip();
        }
        const model = loadModel(data, under.service, under.version);
        for (const [operation, row] of Object.entries(under.table)) {
          const input = model.operations[operation].input!;
          for (const [memberPath, spec] of Object.entries(row.members)) {
            const shape = shapeAt(model, input.shape, memberPath);
            const value = sampleOf(model, shape, isRefused(spec) ? (spec.inert ?? []) : []);
            const response = await under.send(deployed, operation, requestWith(memberPath, value));
            const where = `${under.service}:${operation} ${memberPath} = ${JSON.stringify(value)}`;
            expect(response.status, `${where}: ${response.body}`).to.be.below(500);
            if (isRefused(spec)) {
              expect(response.status, where).to.equal(400);
              expect(under.code(response), where).to.equal(NOT_MODELLED);
              // The outermost refused member is the one named (a refused structure is refused whole).
              const parts = memberPath.split(".");
              const named =
                parts
                  .map((_, index) =>
                    parts
                      .slice(0, index + 1)
                      .join(".")
                      .replace(/(\[\]|\{\})+$/, ""),
                  )
                  .find((at) => isRefused(row.members[at])) ?? memberPath;
              const shownPath = named.replace(
                /\[\]/g,
                under.service === "sts" || under.service === "iam" ? "[1]" : "[0]",
              );
              expect(response.body, where).to.include(shownPath.replace(/\{\}/g, ".sample"));
              expect(response.body, where).to.include("is not modelled by the sandbox");
            } else {
              expect(under.code(response), `${where}: ${response.body}`).to.not.equal(NOT_MODELLED);
            }
          }
        }
      });
    });
  }

  it("refuses a member the AWS model does not have, by name", async function () {
    const response = await SERVICES[0].send(deployed, "GetItem", {
      TableName: "t",
      Key: { id: { S: "1" } },
      NotAMember: true,
    });
    expect(response.status).to.equal(400);
    expect(errorType(response)).to.equal(NOT_MODELLED);
    expect(response.body).to.include("NotAMember");
  });
});
