/**
 * One credential per proven holder key (OpenID4VCI §8.3), each through issueCredential: its own
 * key, salts and random status index; one unbound credential when the configuration is not
 * key-bound. Shared by the credential and the deferred credential endpoints.
 */
import type { ApiClient } from '../store/repositories/clients-repo.js';
import type { Claims } from '../catalog/types.js';
import type { JWK } from 'jose';
import { issueCredential } from './issue-credential.js';
import type { CredentialConfiguration } from './build-issuer-metadata.js';
import { issuanceDepsOf, type VciDeps } from './vci-deps.js';

export async function issueForHolders(
  deps: VciDeps,
  client: ApiClient,
  configuration: CredentialConfiguration,
  claims: Claims,
  holderJwks: readonly JWK[],
): Promise<{ credentials: { credential: string }[]; ids: string[] }> {
  const issuance = issuanceDepsOf(deps);
  const request = { type: configuration.type.id, claims, format: configuration.format };
  const credentials: { credential: string }[] = [];
  const ids: string[] = [];
  const holders: (JWK | undefined)[] = configuration.keyBound ? [...holderJwks] : [undefined];
  for (const holderJwk of holders) {
    const issued = await issueCredential(issuance, client, holderJwk === undefined ? request : { ...request, holderJwk });
    credentials.push({ credential: issued.credential });
    ids.push(issued.id);
  }
  return { credentials, ids };
}
