/**
 * Three-valued (Kleene) logic for decisions that may depend on values the caller does not know: a
 * condition on a request key the static proof cannot fix, or identity policies nobody has seen.
 * FALSE and TRUE are what IAM itself computes; UNKNOWN means "true for some requests, false for others".
 */
export const FALSE = 0;
export const TRUE = 1;
export const UNKNOWN = 2;
export type Tri = typeof FALSE | typeof TRUE | typeof UNKNOWN;

export function and(a: Tri, b: Tri): Tri {
  if (a === FALSE || b === FALSE) {
    return FALSE;
  }
  return a === TRUE && b === TRUE ? TRUE : UNKNOWN;
}

export function or(a: Tri, b: Tri): Tri {
  if (a === TRUE || b === TRUE) {
    return TRUE;
  }
  return a === FALSE && b === FALSE ? FALSE : UNKNOWN;
}

export function not(a: Tri): Tri {
  return a === UNKNOWN ? UNKNOWN : a === TRUE ? FALSE : TRUE;
}

export function tri(value: boolean): Tri {
  return value ? TRUE : FALSE;
}
