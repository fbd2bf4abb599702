/**
 * Which client identifier a new request is made under (OpenID4VP 1.0 §5.9): the prefix the
 * verifier client asked for, `decentralized_identifier` (did:web) by default. An X.509 prefix
 * uses the client's own identity when it has one, else the service's. A verifier client may have
 * a default prefix its requests use when they name none.
 */
import { badRequest, conflict } from '../../errors.js';
import type { Store } from '../../store/store.js';
import type { VerifierIdentityRecord } from '../../store/repositories/verifier-identities-repo.js';
import { verifierClientId } from '../verifier-identity.js';
import { SERVICE_OWNER } from './manage-verifier-identities.js';
import { dnsNameOf, isClientIdPrefix } from '../../formats/x509/x509-client-id.js';

export async function activeIdentityFor(store: Store, clientId: string): Promise<VerifierIdentityRecord | undefined> {
  return (await store.verifierIdentities.active(clientId)) ?? (await store.verifierIdentities.active(SERVICE_OWNER));
}

export async function chooseClientIdentifier(
  deps: { store: Store; config: { publicUrl: string } },
  clientId: string,
  asked: unknown,
  opts: { dcApi?: boolean } = {},
): Promise<string> {
  // Per request, else the client's default (dproof verifier-certs prefix), else did:web.
  const prefix = asked ?? (await deps.store.verifierIdentities.defaultPrefix(clientId)) ?? undefined;
  if (prefix === undefined || prefix === 'decentralized_identifier') return verifierClientId(deps.config.publicUrl);
  if (!isClientIdPrefix(prefix)) {
    throw badRequest('invalid_client_id_prefix', 'client_id_prefix must be decentralized_identifier, x509_san_dns or x509_hash');
  }
  const identity = await activeIdentityFor(deps.store, clientId);
  if (!identity?.x509_hash) throw conflict('no_verifier_identity', 'no active X.509 verifier identity; run "dproof verifier-certs create"');
  if (prefix === 'x509_hash') return `x509_hash:${identity.x509_hash}`;
  // §5.9.3: with direct_post the response_uri's host must be the dNSName; ours is PUBLIC_URL's host.
  // Over the DC API there is no response_uri (§5.9.3: "unless the interaction is using the DC API").
  if (!opts.dcApi && identity.dns_name !== dnsNameOf(deps.config.publicUrl)) {
    throw conflict('no_verifier_identity', `the X.509 identity is for ${identity.dns_name}, not for the host of PUBLIC_URL`);
  }
  return `x509_san_dns:${identity.dns_name}`;
}
