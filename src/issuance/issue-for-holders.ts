/**
 * One credential per proven holder key (OpenID4VCI §8.3), each with its own key, salts and random
 * status index, recorded by group commit; one unbound credential when the configuration is not
 * key-bound. The deferred credential endpoint issues this way; the credential endpoint signs
 * first and records with its consuming unit (issue-offered-credentials.ts).
 */
import { randomUUID } from 'node:crypto';
import type { ApiClient } from '../store/repositories/clients-repo.js';
import type { Claims } from '../catalog/types.js';
import type { JWK } from 'jose';
import { prepareIssuance, type IssuedCredential } from './issue-credential.js';
import type { CredentialConfiguration } from './build-issuer-metadata.js';
import { issuanceDepsOf, type VciDeps } from './vci-deps.js';

/** Registry ids for the credentials a request gets, in proof order (one when not key-bound). */
export const credentialIdsFor = (configuration: CredentialConfiguration, holderJwks: readonly JWK[]): string[] =>
  (configuration.keyBound ? holderJwks : [undefined]).map(() => randomUUID());

export async function issueForHolders(
  deps: VciDeps,
  client: ApiClient,
  configuration: CredentialConfiguration,
  claims: Claims,
  holderJwks: readonly JWK[],
): Promise<{ credentials: { credential: string }[]; ids: string[] }> {
  const issuance = issuanceDepsOf(deps);
  const request = { type: configuration.type.id, claims, format: configuration.format };
  const holders: (JWK | undefined)[] = configuration.keyBound ? [...holderJwks] : [undefined];
  // Side by side, so a batch's records join one group commit (credentials-repo.ts) instead of
  // one commit each. Every issuance runs to its end before a failure is reported.
  // The claims are checked and derived once for the whole batch (prepareIssuance).
  const prepared = prepareIssuance(issuance, client, request);
  const settled = await Promise.allSettled(holders.map((holderJwk) => prepared.issue(holderJwk)));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  const issued = settled.map((s) => (s as PromiseFulfilledResult<IssuedCredential>).value);
  return { credentials: issued.map((c) => ({ credential: c.credential })), ids: issued.map((c) => c.id) };
}
