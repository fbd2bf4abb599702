/**
 * `wallet history`: where were my credentials presented? For each key that binds a credential,
 * a `dproof-history+jwt` (format in src/presentation/list-holder-history.ts) proves possession
 * to the service, which answers with the receipts of presentations made with that key.
 */
import { createHistoryToken } from './create-history-token.js';
import { holderSignerFromJwk } from './holder-key.js';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { call, checkUrl } from './wallet-http.js';
import type { Wallet } from './wallet-file.js';

export interface HistoryEntry {
  credential: string;
  receipt: JsonObject;
}

export async function fetchHistory(
  wallet: Wallet,
  opts: { service?: string; fetch?: typeof fetch; now?: () => Date } = {},
): Promise<HistoryEntry[]> {
  const f = opts.fetch ?? fetch;
  const out: HistoryEntry[] = [];
  for (const cred of wallet.credentials.filter((c) => c.key !== null)) {
    const key = wallet.keys.find((k) => k.kid === cred.key);
    if (!key) continue;
    const service = (opts.service ?? cred.credential_issuer).replace(/\/+$/, '');
    const aud = `${service}/v1/wallet/history`;
    const holder = await holderSignerFromJwk(key.jwk);
    const token = await createHistoryToken({
      holderSigner: holder.signer,
      aud,
      iat: Math.floor((opts.now?.() ?? new Date()).getTime() / 1000),
    });
    const body = await call(f, checkUrl(aud, 'history endpoint'), { headers: { authorization: `Bearer ${token}` } }, 'history');
    const receipts = Array.isArray(body.items) ? body.items.filter(isJsonObject) : [];
    for (const r of receipts) out.push({ credential: cred.id, receipt: r });
  }
  return out;
}
