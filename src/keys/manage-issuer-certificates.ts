/**
 * Issuer certificates for the JWT signing keys (HAIP 1.0 §6.1.1): an issuer CA (a key row of alg
 * `issuer-ca`, its self-signed certificate in the row's public JWK as `x5c`, like an IACA) and, per
 * JWT key, an end-entity certificate kept in the key's row (`issuer_x5c`, migration 0012) that the
 * key ring hands to signing as the SD-JWT VC's and Status List Token's `x5c` header.
 *
 * Rotation: `keys issuer-ca` again activates a new CA (the previous one becomes retiring and stays
 * a trust anchor until retired); `keys rotate` / `keys generate` certify the new JWT key under the
 * active CA before its row is written; `keys issuer-cert` certifies keys made before the CA (or
 * re-certifies them under a new one). The CA signs through the key backend's Signer: its private
 * key never leaves the encrypted file or the HSM.
 */
import type { JWK } from 'jose';
import { conflict, notFound } from '../errors.js';
import type { KeyRecord } from '../store/repositories/keys-repo.js';
import type { KeyDeps } from './manage-keys.js';
import { isSigningAlg } from './file-key-store.js';
import type { CertificateSubject } from './build-mdoc-certificate.js';
import { certificateChainOf, ISSUER_CA_ALG } from './mdoc-key-rows.js';

/** What certifying a JWT key needs: the subject names and the issuer identifier (PUBLIC_URL). */
export interface IssuerCertificateProfile {
  country: string;
  commonName: string;
  /** The issuer identifier every credential's `iss` holds (PUBLIC_URL): the certificate's URI SAN. */
  issuer: string;
}

/** The profile new keys are certified with (`keys rotate`, the admin rotation): the issuer is PUBLIC_URL. */
export const defaultIssuerProfile = (publicUrl: string): IssuerCertificateProfile => ({
  country: 'KR',
  commonName: 'digital-proof issuer',
  issuer: publicUrl,
});

/**
/**
 * The certificate code (@peculiar/x509, its ASN.1 schemas and decorators: 30–90 ms of a start when
 * the server loaded it) is imported when a certificate is made; a start (a first key, a rotation
 * without an issuer CA) only looks for the active CA. build-issuer-certificate.js first: it loads
 * reflect-metadata, which @peculiar/x509's decorators need while it loads.
 */
async function loadCertificateCode() {
  const build = await import('./build-issuer-certificate.js');
  const [x509, mdocKeys] = await Promise.all([import('@peculiar/x509'), import('./manage-mdoc-keys.js')]);
  return { ...build, x509, ...mdocKeys };
}

/**
 * A new issuer CA, a root of the IACA profile in its own row alg (the first, or a rotation: the old
 * one becomes retiring and stays trusted).
 */
export async function makeIssuerCa(deps: KeyDeps, subject: CertificateSubject) {
  const { makeRootCa } = await loadCertificateCode();
  return makeRootCa(deps, ISSUER_CA_ALG, subject);
}

const activeCa = async (deps: KeyDeps): Promise<KeyRecord | undefined> =>
  (await deps.store.keys.list()).find((k) => k.alg === ISSUER_CA_ALG && k.state === 'active');

/** The x5c (base64 DER, leaf only: HAIP 1.0 §6.1.1 leaves the trust anchor out) of `jwk` under `ca`. */
async function certify(deps: KeyDeps, ca: KeyRecord, jwk: JWK, profile: IssuerCertificateProfile): Promise<string[]> {
  const { buildIssuerCertificate, x509 } = await loadCertificateCode();
  const caCert = new x509.X509Certificate(certificateChainOf(ca)[0]!);
  const caSigner = await deps.keyStore.load({ kid: ca.kid, file: ca.file, alg: 'ES256' });
  const subject = { country: profile.country, commonName: profile.commonName, uri: profile.issuer };
  const leaf = await buildIssuerCertificate(jwk, caCert, caSigner, subject, deps.clock.now());
  return [Buffer.from(leaf.rawData).toString('base64')];
}

/** For rotation: the certificate of a new JWT key under the active issuer CA, or undefined without one. */
export async function certifyNewKey(deps: KeyDeps, jwk: JWK, profile: IssuerCertificateProfile | undefined): Promise<string[] | undefined> {
  if (!profile) return undefined;
  const ca = await activeCa(deps);
  return ca ? certify(deps, ca, jwk, profile) : undefined;
}

/**
 * Certifies JWT keys under the active issuer CA: `kid`, or every active and retiring JWT key.
 * Running servers put the new x5c in what they sign within KEY_REFRESH_MS.
 */
export async function certifyIssuerKeys(deps: KeyDeps, profile: IssuerCertificateProfile, kid?: string): Promise<KeyRecord[]> {
  const ca = await activeCa(deps);
  if (!ca) throw conflict('no_active_issuer_ca', 'there is no active issuer CA; run "dproof keys issuer-ca" first');
  const keys = (await deps.store.keys.list()).filter((k) => isSigningAlg(k.alg) && k.state !== 'retired');
  const chosen = kid === undefined ? keys : keys.filter((k) => k.kid === kid);
  if (kid !== undefined && chosen.length === 0) throw notFound('key_not_found', `no active or retiring JWT signing key with kid ${kid}`);
  const done: KeyRecord[] = [];
  for (const k of chosen) {
    const x5c = await certify(deps, ca, k.publicJwk as JWK, profile);
    const written = await deps.store.keys.setIssuerX5c(k.kid, x5c, ca.kid);
    if (written === 'key_retired') continue;
    // A CA rotation committed since the read above: a key certified under a retiring CA would need certifying again.
    if (written === 'ca_not_active') {
      throw conflict('key_state_changed', `the issuer CA ${ca.kid} stopped being the active one meanwhile; run "keys issuer-cert" again`);
    }
    await deps.store.audit.record({ at: deps.clock.now(), actor: deps.actor, action: 'key.issuer-cert', subject: `key:${k.kid}`, detail: { ca: ca.kid } });
    done.push((await deps.store.keys.get(k.kid)) as KeyRecord);
  }
  return done;
}
