/**
 * One credential per proven holder key (OpenID4VCI §8.3), each through issueCredential: its own
 * key, salts and random status index; one unbound credential when the configuration is not
 * key-bound. Shared by the credential and the deferred credential endpoints.
 */
import { randomUUID } from 'node:crypto';
import type { ApiClient } from '../store/repositories/clients-repo.js';
import type { Claims } from '../catalog/types.js';
import type { JWK } from 'jose';
import { prepareIssuance, type IssuedCredential } from './issue-credential.js';
import type { CredentialConfiguration } from './build-issuer-metadata.js';
import { issuanceDepsOf, type VciDeps } from './vci-deps.js';

/** The registry ids of the credentials issueForHolders will make, in its order (one when not key-bound). */
export const credentialIdsFor = (configuration: CredentialConfiguration, holderJwks: readonly JWK[]): string[] =>
  (configuration.keyBound ? holderJwks : [undefined]).map(() => randomUUID());

export async function issueForHolders(
  deps: VciDeps,
  client: ApiClient,
  configuration: CredentialConfiguration,
  claims: Claims,
  holderJwks: readonly JWK[],
  ids: readonly string[] = credentialIdsFor(configuration, holderJwks),
): Promise<{ credentials: { credential: string }[]; ids: string[] }> {
  const issuance = issuanceDepsOf(deps);
  const request = { type: configuration.type.id, claims, format: configuration.format };
  const holders: (JWK | undefined)[] = configuration.keyBound ? [...holderJwks] : [undefined];
  if (ids.length !== holders.length) throw new Error(`issueForHolders: ${ids.length} ids for ${holders.length} credentials`);
  // Side by side, so a batch's records join one group commit (credentials-repo.ts) instead of
  // one commit each. Every issuance runs to its end before a failure is reported.
  // The claims are checked and derived once for the whole batch (prepareIssuance).
  const prepared = prepareIssuance(issuance, client, request);
  const settled = await Promise.allSettled(holders.map((holderJwk, i) => prepared.issue(holderJwk, ids[i])));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  const issued = settled.map((s) => (s as PromiseFulfilledResult<IssuedCredential>).value);
  return { credentials: issued.map((c) => ({ credential: c.credential })), ids: issued.map((c) => c.id) };
}
