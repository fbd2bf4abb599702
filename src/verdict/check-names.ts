/**
 * The verification checks by name, in the order they run (src/verification/verify-presentation.ts).
 * Pure: the server's verification pipeline and the verifier page both read it.
 */
export const CHECK_NAMES = [
  'parse',
  'typ_alg',
  'issuer_signature',
  'time',
  'status',
  'holder_binding',
  'replay',
  'disclosures',
  'policy',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];
