/**
 * Deferred Credential Endpoint (OpenID4VCI §9), as a story: read the transaction_id → find the
 * transaction and check the access token is the one that opened it → still pending: 202 with the
 * same transaction_id and the interval; refused: credential_request_denied (§9.3); completed:
 * check the offering client may still issue → take the claims out of the store (one node wins) →
 * one credential per key proven at the credential endpoint → 200 with a notification_id. A
 * collected transaction_id is invalid from then on (§9.1).
 */
import type { JWK } from 'jose';
import type { Claims } from '../../catalog/types.js';
import { isJsonObject } from '../../formats/jose/types.js';
import { resolveType } from '../issue-credential.js';
import { credentialFormat } from '../../formats/registry.js';
import { resolveConfiguration } from '../build-issuer-metadata.js';
import { issueForHolders } from '../issue-for-holders.js';
import { createNotification } from '../notifications/create-notification.js';
import { bearerError, credentialError, requiredString } from '../vci-errors.js';
import { hashSecret, sameHash } from '../vci-secrets.js';
import type { VciDeps } from '../vci-deps.js';
import type { DeferredResponse } from './open-deferred.js';
import { openDeferredClaims } from './deferred-claims-seal.js';

export interface DeferredCredentials {
  credentials: { credential: string }[];
  notification_id: string;
}

export async function collectDeferred(deps: VciDeps, accessToken: string, body: unknown): Promise<DeferredCredentials | DeferredResponse> {
  if (!isJsonObject(body))
    throw credentialError(
      'invalid_credential_request',
      'the deferred credential request must be a JSON object',
      '보류 발급 요청 본문은 JSON 객체여야 합니다.',
    );
  const transactionId = requiredString(body.transaction_id, 'transaction_id', 'invalid_credential_request', 128);
  const now = deps.clock.now();
  const rec = await deps.store.vciIssuance.deferredByTransaction(hashSecret(transactionId));
  // §9: the access token must be the one valid for this transaction (the one that opened it).
  if (rec && !sameHash(rec.token_hash, hashSecret(accessToken)))
    throw bearerError(
      'invalid_token',
      'this access token did not start this deferred issuance',
      '이 보류 발급을 시작한 접근 토큰이 아닙니다. 보류 발급을 시작한 토큰으로 요청하십시오.',
    );
  // §9.3 invalid_transaction_id: not issued here, expired, or already used to obtain the credentials.
  if (!rec || rec.expires_at <= now || rec.state === 'collected')
    throw credentialError(
      'invalid_transaction_id',
      'the transaction_id is unknown, expired or was already used',
      '알 수 없거나, 만료되었거나, 이미 증명서를 받아 간 보류 발급 식별자(transaction_id)입니다.',
    );
  if (rec.state === 'refused')
    throw credentialError('credential_request_denied', 'the issuer refused this credential', '발급기관이 이 증명서의 발급을 거절했습니다.');
  if (rec.state === 'pending') return { transaction_id: transactionId, interval: deps.config.deferredIntervalSeconds };

  const configuration = resolveConfiguration(deps.catalog, rec.configuration_id);
  const client = await deps.store.clients.get(rec.client_id);
  if (!configuration || !client || client.revokedAt !== null || client.role !== 'issuer')
    throw credentialError(
      'credential_request_denied',
      'the issuer of this credential can no longer issue',
      '이 증명서의 발급기관이 더 이상 발급할 수 없습니다.',
    );
  try {
    resolveType(deps.catalog, client, configuration.type.id, configuration.format);
  } catch {
    throw credentialError('credential_request_denied', 'the credential can no longer be issued', '이 증명서를 더 이상 발급할 수 없습니다.');
  }
  if (credentialFormat(configuration.format)?.documentSigned) deps.keys.assertCanSignDocuments();
  else deps.keys.assertCanSign(deps.config.keyAlg);
  const stored = await deps.store.vciIssuance.collectDeferred(rec.id, now);
  if (stored === undefined)
    throw credentialError(
      'invalid_transaction_id',
      'the transaction_id was already used',
      '이미 증명서를 받아 간 보류 발급 식별자(transaction_id)입니다.',
    );
  // Sealed to this transaction's key, which only the transaction_id the wallet sent re-derives.
  const claims = await openDeferredClaims(stored, transactionId);
  if (claims === undefined)
    throw credentialError(
      'credential_request_denied',
      'the claims held for this credential cannot be read',
      '이 증명서를 위해 보관한 항목 값을 읽을 수 없습니다.',
    );
  const holders = JSON.parse(rec.holder_jwks) as JWK[];
  const { credentials, ids } = await issueForHolders(deps, client, configuration, JSON.parse(claims) as Claims, holders);
  return { credentials, notification_id: await createNotification(deps, accessToken, ids, rec.dpop_jkt ?? null) };
}
