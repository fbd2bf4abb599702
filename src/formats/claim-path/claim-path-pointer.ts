/**
 * OpenID4VP 1.0 §7 "Claims Path Pointer": a non-empty array of strings (an object member),
 * nulls (every element of an array) and non-negative integers (one array element).
 * https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#name-claims-path-pointer
 *
 * Pure (no Node, no server code): the server, the CLI wallet and the browser wallet share it.
 */

export type ClaimPathComponent = string | number | null;
export type ClaimPathPointer = ClaimPathComponent[];

/** Bounds on what a request may send us; real credentials are far shallower. */
export const MAX_POINTER_LENGTH = 16;
export const MAX_MEMBER_NAME_LENGTH = 100;

/** §7: one component is a key, null, or a non-negative integer index. */
export function isClaimPathComponent(c: unknown): c is ClaimPathComponent {
  if (c === null) return true;
  if (typeof c === 'string') return c.length > 0 && c.length <= MAX_MEMBER_NAME_LENGTH;
  return typeof c === 'number' && Number.isSafeInteger(c) && c >= 0;
}

/** §7: a non-empty array of components (within our bounds). */
export function isClaimPathPointer(v: unknown): v is ClaimPathPointer {
  return Array.isArray(v) && v.length > 0 && v.length <= MAX_POINTER_LENGTH && v.every(isClaimPathComponent);
}

/** True when the pointer names one array element by index somewhere along its way. */
export const hasIndex = (p: readonly ClaimPathComponent[]): boolean => p.some((c) => typeof c === 'number');
