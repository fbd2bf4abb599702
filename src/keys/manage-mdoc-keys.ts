/**
 * The mdoc certificate hierarchy (ISO/IEC 18013-5 Annex B), as key rows beside the JWT keys:
 * an issuing-authority root (IACA, alg `mdoc-iaca`) and document signers (DS, alg `mdoc-ds`).
 * Each is an ES256 key made by the same key backend (encrypted file or PKCS#11), its certificate
 * kept in the row's public JWK as `x5c` (RFC 7517 §4.7: the DS row holds [DS, IACA]).
 *
 * Rotation is the JWT keys' rotation: making a new IACA or DS activates it and moves the previous
 * one to `retiring` (one active per alg, by the same partial unique index). A retiring IACA stays a
 * trust anchor until retired; a retiring DS stops signing but what it signed still chains to the IACA.
 */
import 'reflect-metadata';
import type { JWK } from 'jose';
import { X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { oneCountryName, sameCountry } from '../formats/x509/read-country-name.js';
import { badRequest, conflict } from '../errors.js';
import type { KeyRecord } from '../store/repositories/keys-repo.js';
import { isUniqueViolation, type KeyDeps } from './manage-keys.js';
import { buildDsCertificate, buildIacaCertificate, type CertificateSubject } from './build-mdoc-certificate.js';

import { certificateChainOf, MDOC_DS_ALG, MDOC_IACA_ALG, type ISSUER_CA_ALG, type MdocKeyAlg } from './mdoc-key-rows.js';

export { certificateChainOf, isCertificateKeyAlg, isMdocKeyAlg, MDOC_DS_ALG, MDOC_IACA_ALG } from './mdoc-key-rows.js';

/** PEM of a DER certificate. */
export const pemOf = (der: Uint8Array): string => new x509.X509Certificate(der).toString('pem');

export const rowJwk = (jwk: JWK, chain: x509.X509Certificate[]): Record<string, unknown> => ({
  kty: jwk.kty,
  crv: jwk.crv,
  x: jwk.x,
  y: jwk.y,
  kid: jwk.kid,
  x5c: chain.map((c) => Buffer.from(c.rawData).toString('base64')),
});

/** Activates a certificate row (IACA, DS, issuer CA); the previous one of its alg becomes retiring. */
export async function activate(deps: KeyDeps, alg: MdocKeyAlg | typeof ISSUER_CA_ALG, key: { kid: string; file: string }, jwk: Record<string, unknown>) {
  const at = deps.clock.now();
  let previous: string | undefined;
  try {
    ({ previous } = await deps.store.keys.activate({ kid: key.kid, alg, publicJwk: jwk, file: key.file, createdAt: at }, at));
  } catch (e) {
    // Two rotations at once (two operators, two nodes): the unique index lets one row of the alg be active.
    if (isUniqueViolation(e)) throw conflict('key_state_changed', `another ${alg} rotation ran at the same time; run "keys list", then rotate again if needed`);
    throw e;
  }
  await deps.store.audit.record({ at, actor: deps.actor, action: `key.${alg}`, subject: `key:${key.kid}`, detail: { previous: previous ?? null } });
  return { active: (await deps.store.keys.get(key.kid)) as KeyRecord, retiring: previous };
}

/**
 * A new self-signed root of the IACA profile (build-mdoc-certificate.ts) in a row of `alg`: the mdoc
 * IACA, or the issuer CA of the JWT keys (manage-issuer-certificates.ts). The first, or a rotation:
 * the old one becomes retiring and stays trusted.
 */
export async function makeRootCa(deps: KeyDeps, alg: typeof MDOC_IACA_ALG | typeof ISSUER_CA_ALG, subject: CertificateSubject) {
  const key = await deps.keyStore.generate('ES256');
  const signer = await deps.keyStore.load({ kid: key.kid, file: key.file, alg: 'ES256' });
  const cert = await buildIacaCertificate(signer, subject, deps.clock.now());
  return activate(deps, alg, key, rowJwk(key.publicJwk, [cert]));
}

/** A new IACA root (the first, or a rotation: the old one becomes retiring and stays trusted). */
export const makeIaca = (deps: KeyDeps, subject: CertificateSubject) => makeRootCa(deps, MDOC_IACA_ALG, subject);

/**
 * A new document signer under the active IACA (the previous DS becomes retiring). ISO/IEC 18013-5
 * Annex B.1.4: its countryName is the IACA's (verifiers refuse a DS naming another, ours too), so
 * an unnamed country is the IACA's and a named one must be it.
 */
export async function makeDocumentSigner(deps: KeyDeps, named: Omit<CertificateSubject, 'country'> & { country?: string | undefined }) {
  const iaca = (await deps.store.keys.list()).find((k) => k.alg === MDOC_IACA_ALG && k.state === 'active');
  if (!iaca) throw conflict('no_active_iaca', 'there is no active IACA root; run "dproof keys iaca" first');
  const iacaCert = new x509.X509Certificate(certificateChainOf(iaca)[0]!);
  const iacaCountry = oneCountryName(new X509Certificate(certificateChainOf(iaca)[0]!));
  // `keys iaca` always names one; a root made otherwise could vouch for no document signer.
  if (iacaCountry === undefined)
    throw badRequest('invalid_request', 'the active IACA does not name exactly one country; make a new one with "dproof keys iaca --country <cc>"');
  if (named.country !== undefined && !sameCountry(named.country, iacaCountry)) {
    throw badRequest(
      'invalid_request',
      `--country ${named.country} is not the IACA's country ${iacaCountry}: a document signer names its IACA's country (ISO 18013-5 Annex B.1.4); leave --country out`,
    );
  }
  const subject: CertificateSubject = { ...named, country: iacaCountry };
  const iacaSigner = await deps.keyStore.load({ kid: iaca.kid, file: iaca.file, alg: 'ES256' });
  const key = await deps.keyStore.generate('ES256');
  const cert = await buildDsCertificate(key.publicJwk, iacaCert, iacaSigner, subject, deps.clock.now());
  return activate(deps, MDOC_DS_ALG, key, rowJwk(key.publicJwk, [cert, iacaCert]));
}
