/**
 * The holder's submission history: GET /v1/wallet/history with a `dproof-history+jwt` per holder
 * key (format in the README, "Receipts and the holder's history"): header `jwk` = the key,
 * payload `aud` = <issuer>/v1/wallet/history, `iat` now, a fresh `jti`, `cnf.jkt` = thumbprint.
 */
import { base64url } from 'jose';
import { callApi } from '../shared/api.js';
import { signJws, thumbprint } from './holder-key.js';
import { sameOrigin } from './receive-offer.js';
import { getKey, type StoredCredential } from './wallet-db.js';

export interface Receipt {
  id: string;
  at: string;
  verifier: { client_id?: string; name?: string };
  channel: 'openid4vp' | 'counter';
  purpose?: { ko?: string; en?: string } | null;
  credential_type?: string | null;
  claims: string[];
  verdict: 'verified' | 'rejected';
  code: string;
}

export async function loadHistory(credentials: readonly StoredCredential[]): Promise<Receipt[]> {
  const items = new Map<string, Receipt>();
  const seen = new Set<string>();
  for (const c of credentials) {
    if (seen.has(c.key)) continue;
    seen.add(c.key);
    const key = await getKey(c.key);
    if (!key) continue;
    const aud = `${c.issuer}/v1/wallet/history`;
    const token = await signJws(
      { typ: 'dproof-history+jwt', jwk: key.publicJwk },
      {
        aud,
        iat: Math.floor(Date.now() / 1000),
        jti: base64url.encode(crypto.getRandomValues(new Uint8Array(16))),
        cnf: { jkt: await thumbprint(key.publicJwk) },
      },
      key.privateKey,
    );
    const res = await callApi<{ items: Receipt[] }>(sameOrigin(aud, 'history'), { bearer: token });
    for (const r of res.items) items.set(r.id, r);
  }
  return [...items.values()].sort((a, b) => b.at.localeCompare(a.at));
}
