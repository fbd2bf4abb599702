/**
 * The verdict as the holder reads it, from the `redirect_uri` the Response URI answered
 * (OpenID4VP §8.2): verdict and code from the service; the sentence shown comes from the one
 * table of holder sentences (src/verdict/holder-messages.ts), so the page never shows a code.
 */
import { callApi } from '../shared/api.js';
import { holderMessage, type HolderMessage } from '../../verdict/holder-messages.js';

export interface HolderResult {
  verdict: 'verified' | 'rejected';
  code: string;
  message: HolderMessage;
}

/**
 * A same-device verifier's own page (OpenID4VP §13.3, HAIP 1.0 §5.1: "Wallets MUST follow the
 * redirect to redirect_uri"): the address to open, https (or this origin), or undefined when the
 * redirect is our holder's result (read in place by readHolderResult) or not one to follow.
 */
export function verifierReturn(redirectUri: string | undefined): string | undefined {
  if (!redirectUri) return undefined;
  let u: URL;
  try {
    u = new URL(redirectUri, location.href);
  } catch {
    return undefined;
  }
  if (u.origin === location.origin && u.pathname.includes('/openid4vp/results/')) return undefined;
  return u.protocol === 'https:' || u.origin === location.origin ? u.href : undefined;
}

/** The result at `redirectUri` (same origin only: the page's CSP allows no other), or undefined. */
export async function readHolderResult(redirectUri: string | undefined): Promise<HolderResult | undefined> {
  if (!redirectUri || new URL(redirectUri, location.href).origin !== location.origin) return undefined;
  const r = await callApi<{ verdict: 'verified' | 'rejected'; code: string }>(redirectUri).catch(() => undefined);
  return r ? { verdict: r.verdict, code: r.code, message: holderMessage(r.code) } : undefined;
}
