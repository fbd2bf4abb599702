/**
 * After `wallet present`: the verdict as the holder reads it, from the `redirect_uri` the
 * Response URI answered (OpenID4VP §8.2). The sentence comes from the one table of holder
 * sentences (src/verdict/holder-messages.ts), in Korean and English; a verifier that sends no
 * redirect_uri (another service) simply has no result here.
 */
import { holderMessage, type HolderMessage } from '../verdict/holder-messages.js';
import type { JsonObject } from '../formats/jose/types.js';
import { call, checkUrl } from './wallet-http.js';

export interface HolderVerdict {
  verdict: string;
  code: string;
  message: HolderMessage;
}

export async function readHolderVerdict(response: JsonObject, f: typeof fetch = fetch): Promise<HolderVerdict | undefined> {
  if (typeof response.redirect_uri !== 'string') return undefined;
  const r = await call(f, checkUrl(response.redirect_uri, 'redirect_uri'), {}, 'holder result').catch(() => undefined);
  if (typeof r?.verdict !== 'string' || typeof r.code !== 'string') return undefined;
  return { verdict: r.verdict, code: r.code, message: holderMessage(r.code) };
}
