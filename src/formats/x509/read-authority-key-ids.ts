/**
 * The Authority Key Identifiers of a certificate chain, for DCQL `trusted_authorities` of type
 * `aki` (OpenID4VP 1.0 §6.1.1.1): "The raw byte representation of this element MUST match with
 * the AuthorityKeyIdentifier element of an X.509 certificate in the certificate chain present in
 * the Credential". So: the `keyIdentifier` of the AuthorityKeyIdentifier extension (RFC 5280
 * §4.2.1.1) of every certificate the credential carries, base64url. A certificate without that
 * extension (or without a keyIdentifier in it) contributes nothing. Pure (no node:crypto): the
 * verifier and the wallets share it.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { AuthorityKeyIdentifier, Certificate, id_ce_authorityKeyIdentifier } from '@peculiar/asn1-x509';

const toBase64Url = (bytes: Uint8Array): string => {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

/** Base64url keyIdentifiers of the chain's AuthorityKeyIdentifier extensions; an unreadable certificate throws. */
export function readAuthorityKeyIds(chain: readonly Uint8Array[]): string[] {
  const ids = new Set<string>();
  for (const der of chain) {
    const cert = AsnConvert.parse(der, Certificate);
    for (const e of cert.tbsCertificate.extensions ?? []) {
      if (e.extnID !== id_ce_authorityKeyIdentifier) continue;
      const aki = AsnConvert.parse(e.extnValue, AuthorityKeyIdentifier);
      const k = aki.keyIdentifier;
      if (k && k.byteLength > 0) ids.add(toBase64Url(new Uint8Array(k.buffer, k.byteOffset, k.byteLength)));
    }
  }
  return [...ids];
}

/**
 * OpenID4VP 1.0 §6.1.1: a credential matches when it matches one of the values of one of the
 * entries. `akis` = what readAuthorityKeyIds found; `undefined` = the credential carries no X.509
 * chain (nothing can match).
 */
export function matchesTrustedAuthorities(akis: readonly string[] | undefined, trusted: readonly string[]): boolean {
  return akis !== undefined && akis.some((a) => trusted.includes(a));
}
