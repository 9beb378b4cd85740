/**
 * The error a policy document that IAM, KMS or Organizations would refuse raises at compile time.
 * `code` is the service's error code: MalformedPolicyDocument for IAM (IAM API reference, PutUserPolicy,
 * CreatePolicy, CreateRole), MalformedPolicyDocumentException for KMS (KMS API reference, CreateKey,
 * PutKeyPolicy). The message is AWS's wording where its documentation gives one: the findings of IAM
 * Access Analyzer policy validation ("IAM Access Analyzer policy check reference", IAM User Guide), which
 * name each error a policy can have; `location` says where in the document (e.g. "Statement[2].Effect").
 */
export class MalformedPolicyDocumentError extends Error {
  readonly code: "MalformedPolicyDocument" | "MalformedPolicyDocumentException";
  readonly policy: string;
  readonly location: string;

  constructor(
    code: "MalformedPolicyDocument" | "MalformedPolicyDocumentException",
    policy: string,
    location: string,
    message: string,
  ) {
    super(message);
    this.name = "MalformedPolicyDocumentError";
    this.code = code;
    this.policy = policy;
    this.location = location;
  }
}
