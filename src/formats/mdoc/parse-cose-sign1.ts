/**
 * A COSE_Sign1 (RFC 9052 §4.2) as it sits untagged in an mdoc: `[protected: bstr, unprotected:
 * map, payload: bstr / nil, signature: bstr]`, kept byte-exact for the Sig_structure. The
 * protected header is decoded once here; `alg` (label 1) must be there and be an integer. Every
 * COSE_Sign1 of an mdoc we read (issuerAuth, deviceSignature) is read here, so the header rules
 * hold for all of them.
 */
import { cborDecode } from '@owf/mdoc';
import { formatError } from '../error-codes.js';
import { checkCborLimits } from './check-cbor-limits.js';

export interface CoseSign1 {
  protectedBytes: Uint8Array;
  protectedHeader: Map<unknown, unknown>;
  unprotectedHeader: Map<unknown, unknown>;
  payload: Uint8Array | null;
  signature: Uint8Array;
  alg: number;
}

const malformed = (message: string) => formatError('mdoc_malformed', message);

export function readCoseSign1(v: unknown, what: string): CoseSign1 {
  if (!Array.isArray(v) || v.length !== 4) throw malformed(`${what} is not a COSE_Sign1 array`);
  const [protectedBytes, unprotectedHeader, payload, signature] = v as unknown[];
  if (!(protectedBytes instanceof Uint8Array) || !(unprotectedHeader instanceof Map) || !(signature instanceof Uint8Array))
    throw malformed(`${what} is not a COSE_Sign1`);
  if (payload !== null && !(payload instanceof Uint8Array)) throw malformed(`${what} payload is neither bytes nor nil`);
  // The protected header is CBOR inside a byte string, which the walk over the whole response
  // (check-cbor-limits.ts) does not enter: walked here before it is decoded. RFC 9052 §3: "Labels
  // in each of the maps MUST be unique" (mdoc_cbor_duplicate_key).
  if (protectedBytes.length > 0) checkCborLimits(protectedBytes);
  // RFC 9052 §3: an empty protected header is the zero-length byte string.
  const protectedHeader: unknown = protectedBytes.length === 0 ? new Map() : cborDecode(protectedBytes);
  if (!(protectedHeader instanceof Map)) throw malformed(`${what} protected header is not a map`);
  // RFC 9052 §3: "the same label MUST NOT occur in both the protected and unprotected headers",
  // else a reader could take the unsigned one (an `alg` or `x5chain` nobody signed).
  for (const label of unprotectedHeader.keys())
    if (protectedHeader.has(label))
      throw malformed(`${what} has header label ${String(label)} in both its protected and unprotected header`);
  // RFC 9052 §3.1: alg is best protected; ISO 18013-5 §9.1.2.4 puts it there.
  const alg = protectedHeader.get(1);
  if (!Number.isSafeInteger(alg)) throw formatError('mdoc_alg_not_allowed', `${what} has no protected alg`);
  if (protectedHeader.has(2)) throw formatError('mdoc_alg_not_allowed', `${what} names critical headers we do not process`);
  return { protectedBytes, protectedHeader, unprotectedHeader, payload, signature, alg: alg as number };
}
