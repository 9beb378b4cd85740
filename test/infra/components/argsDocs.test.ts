/**
 * The component args document every field's `@default`, and say "Changing this replaces" exactly where
 * a change replaces a resource, as plan/replaceOnChange.ts (the one list, from the Terraform AWS
 * provider's "Forces new resource" marks) decides. Each field maps to the resource inputs the
 * component feeds it into; the list, not this test, says which of those force a replacement.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import * as ts from "typescript";
import { REPLACE_ON_CHANGE } from "../../../plan/replaceOnChange";
import { REPO_ROOT } from "../../support/paths";

type Feeds = ReadonlyArray<readonly [resourceType: string, input: string]>;

const USER = "aws:iam/user:User";
const ACCESS_KEY = "aws:iam/accessKey:AccessKey";
const USER_POLICY = "aws:iam/userPolicy:UserPolicy";
const USER_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ROLE_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const KEY = "aws:kms/key:Key";
const ALIAS = "aws:kms/alias:Alias";
const TABLE = "aws:dynamodb/table:Table";

/** Per component file and args interface: each field and the resource inputs it is fed into. */
const COMPONENTS: Record<string, { file: string; fields: Record<string, Feeds> }> = {
  DataUserArgs: {
    file: "infra/components/dataUser.ts",
    fields: {
      userName: [
        [USER, "name"],
        [ACCESS_KEY, "user"],
        [USER_POLICY, "user"],
        [USER_ATTACHMENT, "user"],
      ],
      // The level is in the inline policy's name, and `full` swaps the policy for an attachment.
      dynamodbAccess: [
        [USER_POLICY, "name"],
        [USER_POLICY, "policy"],
        [USER_ATTACHMENT, "policyArn"],
      ],
      keyUser: [[KEY, "policy"]],
      partition: [[USER_ATTACHMENT, "policyArn"]],
    },
  },
  DataRoleArgs: {
    file: "infra/components/dataRole.ts",
    fields: {
      roleName: [
        [ROLE, "name"],
        [ROLE_POLICY, "role"],
        [ROLE_ATTACHMENT, "role"],
      ],
      dynamodbAccess: [
        [ROLE_POLICY, "name"],
        [ROLE_POLICY, "policy"],
        [ROLE_ATTACHMENT, "policyArn"],
      ],
      keyUser: [[KEY, "policy"]],
      trustedPrincipals: [[ROLE, "assumeRolePolicy"]],
      partition: [[ROLE_ATTACHMENT, "policyArn"]],
    },
  },
  EncryptionKeyArgs: {
    file: "infra/components/encryptionKey.ts",
    fields: {
      partition: [[KEY, "policy"]],
      accountId: [[KEY, "policy"]],
      region: [[KEY, "policy"]],
      administrators: [[KEY, "policy"]],
      keyUsers: [[KEY, "policy"]],
      aliasName: [[ALIAS, "name"]],
      description: [[KEY, "description"]],
      deletionWindowInDays: [[KEY, "deletionWindowInDays"]],
      enableKeyRotation: [[KEY, "enableKeyRotation"]],
      enabled: [[KEY, "isEnabled"]],
      keyPolicy: [[KEY, "policy"]],
    },
  },
  EncryptedTableArgs: {
    file: "infra/components/encryptedTable.ts",
    fields: {
      key: [[TABLE, "serverSideEncryption"]],
      tableName: [[TABLE, "name"]],
      hashKey: [
        [TABLE, "hashKey"],
        [TABLE, "attributes"],
      ],
      rangeKey: [
        [TABLE, "rangeKey"],
        [TABLE, "attributes"],
      ],
      pointInTimeRecovery: [[TABLE, "pointInTimeRecovery"]],
      deletionProtection: [[TABLE, "deletionProtectionEnabled"]],
    },
  },
};

/** The JSDoc text (comment and tags) of each property of `name` in `file`. */
function fieldDocs(file: string, name: string): Map<string, string> {
  const source = ts.createSourceFile(
    file,
    fs.readFileSync(path.join(REPO_ROOT, file), "utf8"),
    ts.ScriptTarget.Latest,
    true,
  );
  const docs = new Map<string, string>();
  const visit = (node: ts.Node): void => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === name) {
      for (const member of node.members) {
        if (ts.isPropertySignature(member) && ts.isIdentifier(member.name)) {
          const jsDoc = ts.getJSDocCommentsAndTags(member).map((doc) => doc.getText());
          // One line of prose: the comment's line breaks and leading asterisks dropped.
          docs.set(member.name.text, jsDoc.join("\n").replace(/\s*\n\s*\*?\s*/g, " "));
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return docs;
}

describe("component args docs agree with plan/replaceOnChange.ts", () => {
  for (const [name, { file, fields }] of Object.entries(COMPONENTS)) {
    it(`${name}: every field documents its @default and whether changing it replaces a resource`, () => {
      const docs = fieldDocs(file, name);
      // A new field must be given its inputs here, so its doc is held to the list too.
      expect([...docs.keys()].sort(), `${name}'s fields`).to.deep.equal(Object.keys(fields).sort());
      for (const [field, feeds] of Object.entries(fields)) {
        const doc = docs.get(field) ?? "";
        expect(doc, `${name}.${field}`).to.match(/@default \S/);
        const replaces = feeds.some(([type, input]) => (REPLACE_ON_CHANGE[type] ?? []).includes(input));
        if (replaces) {
          expect(doc, `${name}.${field}`).to.match(/[Cc]hanging this[^.]*replaces the resource/);
        } else {
          expect(doc, `${name}.${field}`).to.not.match(/replaces/);
          expect(doc, `${name}.${field}`).to.match(/[Cc]hanging this[^.]*in place/);
        }
      }
    });
  }

  it("every resource type the components feed is in the list", () => {
    for (const { fields } of Object.values(COMPONENTS)) {
      for (const [type] of Object.values(fields).flat()) {
        expect(REPLACE_ON_CHANGE, type).to.have.property(type);
      }
    }
  });
});
