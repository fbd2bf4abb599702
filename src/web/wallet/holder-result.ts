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

/** The result at `redirectUri` (same origin only: the page's CSP allows no other), or undefined. */
export async function readHolderResult(redirectUri: string | undefined): Promise<HolderResult | undefined> {
  if (!redirectUri || new URL(redirectUri, location.href).origin !== location.origin) return undefined;
  const r = await callApi<{ verdict: 'verified' | 'rejected'; code: string }>(redirectUri).catch(() => undefined);
  return r ? { verdict: r.verdict, code: r.code, message: holderMessage(r.code) } : undefined;
}
