/**
 * The bounds of a request body's JSON, checked before anything is built from it (the scan is
 * json-shape.ts, shared with the token parser): how deep, how wide, and no member name twice in
 * one object (a body with `type` twice would read differently in a proxy or firewall that keeps the
 * first of the two; JSON.parse keeps the last).
 */
import { jsonShapeFault, type JsonShapeFault } from '../formats/jose/json-shape.js';

/** Deepest nesting a request body may have; our deepest real bodies (DCQL queries) use about 8. */
export const MAX_BODY_DEPTH = 32;
/** Most members of one object; the widest real one (a credential type's claims) has under 20. */
export const MAX_OBJECT_MEMBERS = 100;
/** Most items of one array (proofs, types, DCQL claims: tens at most). */
export const MAX_ARRAY_ITEMS = 1000;

export type JsonBoundFault = JsonShapeFault;

/** The first bound `text` breaks, or undefined. `maxDepth` counts nested arrays and objects. */
export function jsonBoundFault(text: string, maxDepth: number = MAX_BODY_DEPTH): JsonBoundFault | undefined {
  return jsonShapeFault(text, { maxDepth, maxMembers: MAX_OBJECT_MEMBERS, maxItems: MAX_ARRAY_ITEMS });
}
