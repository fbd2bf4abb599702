/** What `wallet show` prints: a held credential's format, type and claims (never its key). */
import type { JsonObject } from '../formats/jose/types.js';
import { parseCompactJws } from '../formats/jose/parse-compact-jws.js';
import { readHeldClaims } from './read-held-claims.js';
import { readHeldMdoc } from './read-held-mdoc.js';
import type { StoredCredential } from './wallet-file.js';

export function readHeldCredential(cred: StoredCredential): JsonObject {
  const base = { id: cred.id, format: cred.format, kind: cred.kind, expires_at: cred.expires_at };
  if (cred.format === 'mso_mdoc') {
    const m = readHeldMdoc(cred.credential);
    return {
      ...base,
      doctype: m.docType,
      valid_from: m.validFrom.toISOString(),
      valid_until: m.validUntil.toISOString(),
      claims: m.claims,
    };
  }
  if (cred.format === 'dc+sd-jwt') return { ...base, claims: readHeldClaims(cred.credential) };
  const subject = parseCompactJws(cred.credential).payload.credentialSubject;
  return { ...base, claims: (subject ?? {}) as JsonObject };
}
