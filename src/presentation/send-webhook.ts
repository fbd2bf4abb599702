/**
 * Optional webhook: when a request completes, we POST a JWT signed by this service
 * (`typ: dproof-webhook+jwt`, `application/jwt`) saying which request and its status; the
 * verifier checks it against our JWKS and then reads the result with its API key. No claim
 * values travel in a webhook. One attempt, five seconds; it never throws (the caller does not wait for
 * it, and an unhandled rejection would stop the process): a key that cannot sign is `not_signed`.
 * The POST goes only to public addresses (or ones the operator allow-listed), checked on the
 * addresses the name resolves to at send time (DNS rebinding); see http-client/post-to-public-host.ts.
 */
import { signCompactJws } from '../formats/jose/sign-compact-jws.js';
import { parseOutboundAllowList } from '../http-client/outbound-allow-list.js';
import { postToPublicHost, resolveWithDns, type PostOutcome } from '../http-client/post-to-public-host.js';
import type { PresentationDeps } from './presentation-deps.js';

export const WEBHOOK_TYP = 'dproof-webhook+jwt';

export async function sendWebhook(
  deps: Pick<PresentationDeps, 'config' | 'clock' | 'keys' | 'resolveHost'>,
  url: string,
  body: { clientId: string; requestId: string; status: string },
): Promise<PostOutcome | { sent: false; reason: 'not_signed' }> {
  let jwt: string;
  try {
    jwt = await signCompactJws(
      { typ: WEBHOOK_TYP },
      {
        iss: deps.config.publicUrl,
        aud: body.clientId,
        iat: Math.floor(deps.clock.now() / 1000),
        request_id: body.requestId,
        status: body.status,
      },
      deps.keys.signer(deps.config.keyAlg),
    );
  } catch {
    // No active key, or the HSM is down: the verifier still reads the result with its API key.
    return { sent: false, reason: 'not_signed' };
  }
  return postToPublicHost(url, jwt, {
    contentType: 'application/jwt',
    timeoutMs: 5000,
    allow: parseOutboundAllowList(deps.config.webhookAllowHosts),
    resolve: deps.resolveHost ?? resolveWithDns,
  });
}
