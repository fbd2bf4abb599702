/**
 * `POST /v1/wallet/engagements`: a wallet asks for a one-time handle to show at a counter.
 *
 * Two random values of 128 bits: the HANDLE goes in the small QR the clerk scans; the WAIT TOKEN
 * stays in the wallet that asked, and only it can collect the OpenID4VP request a verifier
 * makes for the handle (wait-for-engagement.ts). So the QR binds to the wallet session that
 * made it: whoever photographs the QR can spend it at a counter once, but never sees the request
 * and cannot answer it; the holder, waiting, sees a request it did not expect and declines.
 */
import { randomBytes } from 'node:crypto';
import { engagementLink } from '../../holder/engagement-link.js';
import type { PresentationDeps } from '../presentation-deps.js';
import { engagementHash } from './engagement-hash.js';

export interface CreatedEngagement {
  handle: string;
  link: string;
  wait_token: string;
  expires_at: string;
  expires_in: number;
}

export async function createEngagement(deps: Pick<PresentationDeps, 'store' | 'clock' | 'config'>): Promise<CreatedEngagement> {
  const now = deps.clock.now();
  // A redeemed handle is waited on while its request can still be answered; then it goes.
  await deps.store.engagements.purge(now - deps.config.verifierRequestTtlSeconds * 1000);
  const handle = randomBytes(16).toString('base64url');
  const waitToken = randomBytes(32).toString('base64url');
  const ttl = deps.config.engagementTtlSeconds;
  await deps.store.engagements.insert({
    handle_hash: engagementHash('handle', handle),
    wait_hash: engagementHash('wait', waitToken),
    created_at: now,
    expires_at: now + ttl * 1000,
    client_id: null,
    request_id: null,
    authorization_request: null,
    redeemed_at: null,
  });
  return {
    handle,
    link: engagementLink(handle),
    wait_token: waitToken,
    expires_at: new Date(now + ttl * 1000).toISOString(),
    expires_in: ttl,
  };
}
