/**
 * Pulumi URNs, laid out as the engine builds them:
 * `urn:pulumi:STACK::PROJECT::[PARENT_TYPE$…]TYPE::NAME` (the name may itself contain `::`).
 */

export interface ParsedUrn {
  stack: string;
  project: string;
  /** The type chain: the parents' types (the stack excluded) and the resource's own, joined by `$`. */
  qualifiedType: string;
  /** The resource's own type, the last of the chain. */
  type: string;
  name: string;
}

const PREFIX = "urn:pulumi:";

export function buildUrn(stack: string, project: string, qualifiedType: string, name: string): string {
  return `${PREFIX}${stack}::${project}::${qualifiedType}::${name}`;
}

/** The parts of `urn`, or undefined when it is not a Pulumi URN. */
export function parseUrn(urn: string): ParsedUrn | undefined {
  if (!urn.startsWith(PREFIX)) {
    return undefined;
  }
  const parts = urn.slice(PREFIX.length).split("::");
  if (parts.length < 4) {
    return undefined;
  }
  const [stack, project, qualifiedType] = parts;
  const chain = qualifiedType.split("$");
  return { stack, project, qualifiedType, type: chain[chain.length - 1], name: parts.slice(3).join("::") };
}

/** The resource name of `urn`; `urn` itself when it is not a Pulumi URN. */
export function nameOfUrn(urn: string): string {
  return parseUrn(urn)?.name ?? urn;
}
