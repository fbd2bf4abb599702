/**
 * Optional webhook: when a request completes, we POST a JWT signed by this service
 * (`typ: dproof-webhook+jwt`, `application/jwt`) saying which request and its status; the
 * verifier checks it against our JWKS and then reads the result with its API key. No claim
 * values travel in a webhook. One attempt, five seconds, failures only logged by the caller.
 */
import { signCompactJws } from '../formats/jose/sign-compact-jws.js';
import type { PresentationDeps } from './presentation-deps.js';

export const WEBHOOK_TYP = 'dproof-webhook+jwt';

export async function sendWebhook(deps: PresentationDeps, url: string, body: { clientId: string; requestId: string; status: string }): Promise<boolean> {
  const jwt = await signCompactJws(
    { typ: WEBHOOK_TYP },
    { iss: deps.config.publicUrl, aud: body.clientId, iat: Math.floor(deps.clock.now() / 1000), request_id: body.requestId, status: body.status },
    deps.keys.signer(deps.config.keyAlg),
  );
  const fetcher = deps.fetch ?? ((u: string, i?: RequestInit) => fetch(u, i));
  try {
    const res = await fetcher(url, { method: 'POST', headers: { 'content-type': 'application/jwt' }, body: jwt, redirect: 'manual', signal: AbortSignal.timeout(5000) });
    return res.status >= 200 && res.status < 300;
  } catch {
    return false;
  }
}
