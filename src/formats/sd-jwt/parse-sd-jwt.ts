/**
 * Splits the compact SD-JWT / SD-JWT+KB serialisation (RFC 9901 §4):
 * `<Issuer-signed JWT>~<Disclosure 1>~...~<Disclosure N>~[<KB-JWT>]`.
 */
import { formatError } from '../error-codes.js';

/** No credential of ours comes near this; more is an attack on the verifier's CPU. */
export const MAX_DISCLOSURES = 1024;

export interface ParsedSdJwt {
  jwt: string;
  disclosures: string[];
  kbJwt?: string;
  /** The text up to and including the last `~`: what `sd_hash` covers (RFC 9901 §4.3.1). */
  sdJwtWithoutKb: string;
}

export function parseSdJwt(text: string): ParsedSdJwt {
  if (typeof text !== 'string') throw formatError('sd_jwt_malformed', 'SD-JWT is not a string');
  const lastTilde = text.lastIndexOf('~');
  // RFC 9901 §4: an SD-JWT always has a `~` after the issuer-signed JWT; a bare JWT is not one.
  if (lastTilde < 0) throw formatError('sd_jwt_malformed', 'no ~ separator: a bare JWT is not an SD-JWT');
  const parts = text.split('~');
  if (parts.length - 2 > MAX_DISCLOSURES) throw formatError('sd_jwt_too_many_disclosures', 'too many disclosures');
  const jwt = parts[0]!;
  if (jwt === '') throw formatError('sd_jwt_malformed', 'empty issuer-signed JWT');
  const disclosures = parts.slice(1, -1);
  // RFC 9901 §4 ABNF: DISCLOSURE = 1*BASE64URL, so `~~` is never valid.
  if (disclosures.includes('')) throw formatError('sd_jwt_malformed', 'empty disclosure segment');
  const last = parts[parts.length - 1]!;
  const parsed: ParsedSdJwt = { jwt, disclosures, sdJwtWithoutKb: text.slice(0, lastTilde + 1) };
  // RFC 9901 §4: a final empty component means SD-JWT; anything else is the KB-JWT.
  if (last !== '') parsed.kbJwt = last;
  return parsed;
}
