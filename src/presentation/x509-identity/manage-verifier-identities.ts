/**
 * Life cycle of X.509 verifier identities, shared by the CLI (`dproof verifier-certs`):
 * create (key in the key backend + a development chain, or a CSR) → import the CA's chain →
 * active; creating or importing the next one makes the previous one retiring (requests made
 * under its x509_hash can still be fetched until they expire) → retire.
 * Each verifier client may have its own identity (owner = client id) or use the service's.
 */
import type { JWK } from 'jose';
import type { Store } from '../../store/store.js';
import type { Clock } from '../../clock.js';
import type { KeyBackend } from '../../keys/key-backend.js';
import type { VerifierIdentityRecord } from '../../store/repositories/verifier-identities-repo.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import { checkCertificateChain, leafPublicJwk, readPemChain, sanDnsNames } from '../../formats/x509/check-certificate-chain.js';
import { isClientIdPrefix, x509HashOf } from '../../formats/x509/x509-client-id.js';
import { isUniqueViolation } from '../../keys/manage-keys.js';

export const SERVICE_OWNER = 'service';

export interface IdentityDeps {
  store: Store;
  keyStore: KeyBackend;
  clock: Clock;
  actor: string;
}

export interface StoredChain {
  x5c: string[];
  anchor: string | null;
}

export const readStoredChain = (r: VerifierIdentityRecord): StoredChain | undefined =>
  r.chain === null ? undefined : (JSON.parse(r.chain) as StoredChain);

async function checkOwner(store: Store, owner: string): Promise<void> {
  if (owner === SERVICE_OWNER) return;
  const client = await store.clients.get(owner);
  if (!client || client.role !== 'verifier' || client.revokedAt !== null) {
    throw notFound('client_not_found', `no active verifier client ${owner}`);
  }
}

/** Checks a chain against the identity and makes it active (the previous active one becomes retiring). */
async function activateChain(deps: IdentityDeps, rec: VerifierIdentityRecord, ders: Uint8Array[], anchor?: Uint8Array) {
  const now = deps.clock.now();
  const checked = checkCertificateChain(anchor ? [...ders, anchor] : ders, { now });
  const leaf = checked.certs[0]!;
  const ours = JSON.parse(rec.public_jwk) as JWK;
  const theirs = leafPublicJwk(leaf);
  if (theirs.kty !== ours.kty || theirs.crv !== ours.crv || theirs.x !== ours.x || theirs.y !== ours.y) {
    throw badRequest('certificate_key_mismatch', 'the leaf certificate is for another key than this identity');
  }
  if (!sanDnsNames(leaf).includes(rec.dns_name)) {
    throw badRequest('certificate_san_missing', `the leaf certificate has no subjectAltName dNSName ${rec.dns_name}`);
  }
  const chain: StoredChain = {
    x5c: checked.x5c.map((d) => d.toString('base64')),
    anchor: checked.anchor ? checked.anchor.toString('base64') : null,
  };
  const x509Hash = x509HashOf(leaf.raw);
  let done;
  try {
    done = await deps.store.verifierIdentities.activate(
      rec.id,
      rec.owner,
      { chain: JSON.stringify(chain), x509_hash: x509Hash, not_after: checked.notAfter },
      now,
    );
  } catch (e) {
    // Another identity of this owner became active at the same moment (PostgreSQL): the unique index keeps one.
    if (isUniqueViolation(e)) {
      throw conflict(
        'verifier_identity_state',
        `another identity of ${rec.owner} became active at the same time; identity ${rec.id} is still pending, import its chain again to make it the active one`,
      );
    }
    throw e;
  }
  // Retired, or activated by a concurrent import, since our read: name the state found now.
  if (!done.activated) {
    throw conflict('verifier_identity_state', `identity ${rec.id} is ${done.state ?? 'gone'}; a chain is imported once, for a pending CSR`);
  }
  const { previous } = done;
  await deps.store.audit.record({
    at: now,
    actor: deps.actor,
    action: 'verifier_identity.activate',
    subject: `verifier_identity:${rec.id}`,
    detail: { owner: rec.owner, x509_hash: x509Hash, previous: previous ?? null },
  });
  return { identity: (await deps.store.verifierIdentities.get(rec.id))!, previous };
}

export interface CreatedIdentity {
  identity: VerifierIdentityRecord;
  /** PEM CSR to send to a CA (mode csr). */
  csr?: string;
  /** PEM of the development root a wallet is given as trust anchor (mode dev). */
  anchorPem?: string;
  previous?: string;
}

export async function createVerifierIdentity(
  deps: IdentityDeps,
  opts: { owner: string; dnsName: string; mode: 'dev' | 'csr'; organization?: string },
): Promise<CreatedIdentity> {
  await checkOwner(deps.store, opts.owner);
  // HAIP 1.0: ES256 for request objects; the key lives in the key backend (encrypted file or HSM).
  const key = await deps.keyStore.generate('ES256');
  const now = deps.clock.now();
  const rec: VerifierIdentityRecord = {
    id: key.kid,
    owner: opts.owner,
    state: 'pending',
    alg: 'ES256',
    public_jwk: JSON.stringify(key.publicJwk),
    key_file: key.file,
    dns_name: opts.dnsName.toLowerCase(),
    chain: null,
    x509_hash: null,
    not_after: null,
    created_at: now,
    activated_at: null,
    retired_at: null,
  };
  await deps.store.verifierIdentities.insert(rec);
  await deps.store.audit.record({
    at: now,
    actor: deps.actor,
    action: 'verifier_identity.create',
    subject: `verifier_identity:${rec.id}`,
    detail: { owner: rec.owner, mode: opts.mode, dns_name: rec.dns_name },
  });
  // Imported here, not with this module: @peculiar/x509 (with its ASN.1 schemas and decorators)
  // would otherwise load at every server start, through the wallet trust anchors' readStoredChain.
  const { createCsr, createDevChain, toPem } = await import('./create-certificates.js');
  if (opts.mode === 'csr') {
    const signer = await deps.keyStore.load({ kid: key.kid, file: key.file, alg: 'ES256' });
    return { identity: rec, csr: await createCsr({ signer, dnsName: rec.dns_name, organization: opts.organization }) };
  }
  const dev = await createDevChain({ publicJwk: key.publicJwk, dnsName: rec.dns_name, now });
  const { identity, previous } = await activateChain(deps, rec, dev.x5c, dev.anchor);
  return { identity, anchorPem: toPem(dev.anchor), ...(previous && { previous }) };
}

/** The CA's answer: PEM certificates, leaf first (a self-signed root at the end is kept as the anchor, not sent). */
export async function importVerifierChain(deps: IdentityDeps, id: string, pem: string): Promise<CreatedIdentity> {
  const rec = await deps.store.verifierIdentities.get(id);
  if (!rec) throw notFound('verifier_identity_not_found', `no verifier identity ${id}`);
  if (rec.state !== 'pending')
    throw conflict('verifier_identity_state', `identity ${id} is ${rec.state}; a chain is imported once, for a pending CSR`);
  const { identity, previous } = await activateChain(deps, rec, readPemChain(pem));
  return { identity, ...(previous && { previous }) };
}

export async function retireVerifierIdentity(deps: IdentityDeps, id: string): Promise<VerifierIdentityRecord> {
  const rec = await deps.store.verifierIdentities.get(id);
  if (!rec) throw notFound('verifier_identity_not_found', `no verifier identity ${id}`);
  const now = deps.clock.now();
  if (!(await deps.store.verifierIdentities.retire(id, now))) {
    // Read again: an import may have made it active since the read above.
    const state = (await deps.store.verifierIdentities.get(id))?.state ?? 'gone';
    throw conflict('verifier_identity_state', `identity ${id} is ${state}; only a retiring or pending one can be retired`);
  }
  await deps.store.audit.record({
    at: now,
    actor: deps.actor,
    action: 'verifier_identity.retire',
    subject: `verifier_identity:${id}`,
    detail: {},
  });
  return (await deps.store.verifierIdentities.get(id))!;
}

/** What the CLI lists (no key material). */
export const viewVerifierIdentity = (r: VerifierIdentityRecord) => ({
  id: r.id,
  owner: r.owner,
  state: r.state,
  dns_name: r.dns_name,
  x509_hash: r.x509_hash,
  not_after: r.not_after === null ? null : new Date(r.not_after).toISOString(),
  created_at: new Date(r.created_at).toISOString(),
  activated_at: r.activated_at === null ? null : new Date(r.activated_at).toISOString(),
});

/** Sets (or clears, with null) a verifier client's default client identifier prefix. */
export async function setDefaultPrefix(deps: IdentityDeps, clientId: string, prefix: string | null): Promise<void> {
  if (prefix !== null && !isClientIdPrefix(prefix)) {
    throw badRequest('invalid_client_id_prefix', 'the prefix must be decentralized_identifier, x509_san_dns or x509_hash');
  }
  await checkOwner(deps.store, clientId);
  await deps.store.verifierIdentities.setDefaultPrefix(clientId, prefix);
  await deps.store.audit.record({
    at: deps.clock.now(),
    actor: deps.actor,
    action: 'verifier_identity.default_prefix',
    subject: `client:${clientId}`,
    detail: { prefix },
  });
}
