/**
 * The --html page in headless Chromium (Debian's chromium, driven by playwright-core): it renders with
 * no network, every cell carries its decision, a click shows the deciding statements, the compared
 * cells are marked, and a screenshot is kept as a test artifact (test-artifacts/, git-ignored).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect } from "chai";
import { chromium, type Browser } from "playwright-core";
import { analyzePlan } from "../../access/analyze";
import { compareReports } from "../../access/compare";
import { renderHtml } from "../../access/html";
import { synthesize } from "../../plan/synth";
import { devConfig } from "../support/plan";
import { REPO_ROOT } from "../support/paths";
import { useTempDir } from "../support/tempDir";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = resolve(REPO_ROOT, "test-artifacts");

describe("access: the HTML page in headless Chromium (slow)", function () {
  const htmlDir = useTempDir("access-html", { per: "suite" });
  this.timeout(120_000);
  let browser: Browser | undefined;
  let dir: string;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} not found: apt-get install -y chromium (see .ci/run), or set CHROMIUM_PATH`,
      );
    }
    dir = htmlDir();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  });
  after(async function () {
    await browser?.close();
  });

  it("renders the matrix, marks the grant's cells, and shows deciding statements on demand", async function () {
    const users = [
      { name: "app-user", dynamodbAccess: "readwrite", keyUser: true },
      { name: "kms-test-user", dynamodbAccess: "full", keyUser: false },
    ];
    const before = await analyzePlan(
      await synthesize({ stack: "dev", config: devConfig({ "kms-dynamodb:users": users }) }),
    );
    const grantedUsers = users.map((user) => ({ ...user, keyUser: true }));
    const after = await analyzePlan(
      await synthesize({ stack: "dev", config: devConfig({ "kms-dynamodb:users": grantedUsers }) }),
    );
    const file = join(dir, "access.html");
    writeFileSync(file, renderHtml(after, compareReports(before, after)));

    const page = await (browser as Browser).newPage({ viewport: { width: 1400, height: 900 } });
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    await page.goto(`file://${file}`);

    expect(await page.locator("table.matrix").count()).to.equal(1);
    const cells = page.locator("td.cell");
    expect(await cells.count()).to.equal(after.cells.length);
    const getItem = page.locator('td.cell[data-principal="kms-test-user"][data-operation="GetItem"]');
    expect(await getItem.getAttribute("data-decision")).to.equal("allowed");
    expect(await getItem.getAttribute("data-before")).to.equal("denied-by-kms");
    expect(await page.locator("td.cell.changed").count()).to.equal(10);
    const outsider = page.locator('td.cell[data-principal="another account"][data-operation="GetItem"]');
    expect(await outsider.getAttribute("data-decision")).to.equal("denied-by-iam");

    await getItem.click();
    const statements = await page.locator("#statements li").allTextContents();
    expect(statements.join("\n")).to.contain("KMS · key policy · Sid AllowUseThroughDynamoDB");
    expect(statements.join("\n")).to.contain("IAM · arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess");

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "access-matrix.png"), fullPage: true });
    expect(requests.every((url) => url.startsWith("file://"))).to.equal(true);
    await page.close();
  });
});
