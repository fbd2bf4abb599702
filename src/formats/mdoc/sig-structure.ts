/**
 * RFC 9052 §4.4: the bytes a COSE_Sign1 signs. Its own module (not parse-cose-sign1.ts, which
 * reads with @owf/mdoc) so that signing a status list CWT at start loads cbor-x only, not
 * @owf/mdoc and its zod schemas (~100 ms of a cold start).
 */
import { encodeCbor } from './encode-cbor.js';

/** Sig_structure = ["Signature1", body_protected, external_aad (empty), payload]. */
export const sigStructure = (protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array =>
  encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), payload]);
