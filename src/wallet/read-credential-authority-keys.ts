/**
 * The AuthorityKeyIdentifiers of the X.509 chain a held credential carries (for DCQL
 * `trusted_authorities`, OpenID4VP 1.0 §6.1.1.1): an mdoc's issuerAuth x5chain (ISO 18013-5
 * §9.1.2.4), an SD-JWT VC's `x5c` header (SD-JWT VC §3.5, base64 DER); undefined when there is
 * none (this service's own SD-JWT VCs are signed with JWKs) or it cannot be read.
 */
import { parseCompactJws } from '../formats/jose/parse-compact-jws.js';
import { parseSdJwt } from '../formats/sd-jwt/parse-sd-jwt.js';
import { readAuthorityKeyIds } from '../formats/x509/read-authority-key-ids.js';
import { readHeldMdoc } from './read-held-mdoc.js';

export function readCredentialAuthorityKeyIds(format: string, credential: string): string[] | undefined {
  try {
    if (format === 'mso_mdoc') return readAuthorityKeyIds(readHeldMdoc(credential).issuerSigned.issuerAuth.certificateChain);
    const x5c = parseCompactJws(parseSdJwt(credential).jwt).header.x5c;
    if (!Array.isArray(x5c) || x5c.length === 0 || !x5c.every((c) => typeof c === 'string')) return undefined;
    return readAuthorityKeyIds(x5c.map((c: string) => Buffer.from(c, 'base64')));
  } catch {
    return undefined;
  }
}
