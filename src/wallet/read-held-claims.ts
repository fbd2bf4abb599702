/** The claims of an SD-JWT VC as its holder sees them: every Disclosure applied (RFC 9901 §7.1 step 3). */
import { parseCompactJws } from '../formats/jose/parse-compact-jws.js';
import type { JsonObject } from '../formats/jose/types.js';
import { parseSdJwt } from '../formats/sd-jwt/parse-sd-jwt.js';
import { processDisclosures } from '../formats/sd-jwt/process-disclosures.js';

export function readHeldClaims(sdJwt: string): JsonObject {
  const parts = parseSdJwt(sdJwt);
  return processDisclosures(parseCompactJws(parts.jwt).payload, parts.disclosures).claims;
}
