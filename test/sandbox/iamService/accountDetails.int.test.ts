/**
 * The sandbox's IAM GetAccountAuthorizationDetails over the query protocol (form-encoded, signed for
 * `iam`, XML answer), as IAM API reference, GetAccountAuthorizationDetails describes it
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html): the
 * account's users, roles and policies, documents URL-encoded (RFC 3986), paged by MaxItems and Marker
 * (IsTruncated), authorized as iam:GetAccountAuthorizationDetails (AccessDenied, HTTP 403, otherwise).
 */
import { expect } from "chai";
import {
  aws4Signed,
  credentialsOf,
  rawRequest,
  sandboxWithDev,
  type Credentials,
  type Deployed,
} from "../../support/sandbox";

function call(deployed: Pick<Deployed, "endpoint">, credentials: Credentials, form: Record<string, string>) {
  const body = new URLSearchParams({
    Action: "GetAccountAuthorizationDetails",
    Version: "2010-05-08",
    ...form,
  }).toString();
  return rawRequest(
    deployed.endpoint,
    aws4Signed(
      deployed.endpoint,
      {
        service: "iam",
        region: "us-east-1",
        body,
        contentType: "application/x-www-form-urlencoded; charset=utf-8",
      },
      credentials,
    ),
  );
}

const all = (xml: string, tag: string) =>
  [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, "g"))].map((m) => m[1]);

describe("sandbox: IAM GetAccountAuthorizationDetails", function () {
  this.timeout(60_000);
  const deployed = sandboxWithDev();
  let deployer: Credentials;

  before(() => {
    deployer = deployed.sandbox.deployerCredentials();
  });

  it("lists the deployer, the stack's users and the policies attached, documents URL-encoded", async () => {
    const response = await call(deployed, deployer, {});
    expect(response.status, response.body).to.equal(200);
    expect(response.headers["content-type"]).to.equal("text/xml");
    expect(response.body).to.match(
      /^<GetAccountAuthorizationDetailsResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/">/,
    );
    expect(all(response.body, "UserName")).to.have.members(["deployer", "app-user", "kms-test-user"]);
    const documents = all(response.body, "PolicyDocument").map(
      (text) => JSON.parse(decodeURIComponent(text)) as unknown,
    );
    expect(documents.length).to.be.greaterThan(0);
    expect(all(response.body, "Arn")).to.include("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess");
    expect(all(response.body, "IsTruncated")).to.deep.equal(["false"]);
  });

  it("pages by MaxItems and Marker, and keeps the entity types of Filter", async () => {
    const names: string[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const response = await call(deployed, deployer, {
        MaxItems: "1",
        ...(marker === undefined ? {} : { Marker: marker }),
      });
      expect(response.status, response.body).to.equal(200);
      names.push(...all(response.body, "UserName"));
      marker = all(response.body, "Marker")[0];
      if (all(response.body, "IsTruncated")[0] === "false") {
        break;
      }
    }
    expect(names).to.have.members(["deployer", "app-user", "kms-test-user"]);
    const policiesOnly = await call(deployed, deployer, { "Filter.member.1": "AWSManagedPolicy" });
    expect(all(policiesOnly.body, "UserName")).to.deep.equal([]);
    expect(all(policiesOnly.body, "Document").length).to.be.greaterThan(0);
  });

  it("refuses a caller whose policies do not allow iam:GetAccountAuthorizationDetails", async () => {
    const response = await call(deployed, credentialsOf(deployed.outputs, "app-user"), {});
    expect(response.status).to.equal(403);
    expect(all(response.body, "Code")).to.deep.equal(["AccessDenied"]);
    expect(all(response.body, "Message")[0]).to.match(
      /^User: arn:aws:iam::\d{12}:user\/app-user is not authorized to perform: iam:GetAccountAuthorizationDetails on resource: \*$/,
    );
  });

  it("refuses a member it does not model, and a MaxItems out of range", async () => {
    const unknown = await call(deployed, deployer, { PathPrefix: "/" });
    expect(all(unknown.body, "Code")).to.deep.equal(["NotModelledBySandboxException"]);
    const tooMany = await call(deployed, deployer, { MaxItems: "1001" });
    expect(all(tooMany.body, "Code")).to.deep.equal(["ValidationError"]);
  });
});
