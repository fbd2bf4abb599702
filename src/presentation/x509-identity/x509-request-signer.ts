/**
 * The signer of a request object made under an X.509 client identifier, with the `x5c` header
 * (RFC 7515 §4.1.6: leaf first; HAIP 1.0: the trust anchor is not included) that lets a wallet
 * check the identifier (§5.9.3). x509_hash requests find their identity by hash, so a request made
 * just before a rotation is still signed by the certificate its client_id names.
 */
import type { KeyBackend } from '../../keys/key-backend.js';
import type { Signer } from '../../keys/signer.js';
import type { Store } from '../../store/store.js';
import type { VerifierIdentityRecord } from '../../store/repositories/verifier-identities-repo.js';
import { conflict } from '../../errors.js';
import { activeIdentityFor } from './choose-client-identifier.js';
import { readStoredChain } from './manage-verifier-identities.js';
import { splitClientId } from '../../formats/x509/x509-client-id.js';

const cache = new WeakMap<KeyBackend, Map<string, Promise<Signer>>>();

function loadSigner(keyStore: KeyBackend, rec: VerifierIdentityRecord): Promise<Signer> {
  let byId = cache.get(keyStore);
  if (!byId) cache.set(keyStore, (byId = new Map()));
  let signer = byId.get(rec.id);
  if (!signer) {
    signer = keyStore.load({ kid: rec.id, file: rec.key_file, alg: rec.alg });
    signer.catch(() => byId.delete(rec.id));
    byId.set(rec.id, signer);
  }
  return signer;
}

export async function x509RequestSigner(
  deps: { store: Store; keyStore: KeyBackend },
  ownerClientId: string,
  verifierClientId: string,
): Promise<{ signer: Signer; x5c: string[] } | undefined> {
  const id = splitClientId(verifierClientId);
  if (!id || id.prefix === 'decentralized_identifier') return undefined;
  const rec =
    id.prefix === 'x509_hash'
      ? await deps.store.verifierIdentities.byHash(id.identifier)
      : await activeIdentityFor(deps.store, ownerClientId);
  const chain = rec && readStoredChain(rec);
  if (!rec || !chain || (id.prefix === 'x509_san_dns' && rec.dns_name !== id.identifier)) {
    throw conflict('no_verifier_identity', 'the X.509 identity this request was made under is no longer available');
  }
  return { signer: await loadSigner(deps.keyStore, rec), x5c: chain.x5c };
}
