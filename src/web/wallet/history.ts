/**
 * The holder's submission history: GET /v1/wallet/history with a `dproof-history+jwt` per holder
 * key (format in the README, "Receipts and the holder's history"): header `jwk` = the key,
 * payload `aud` = <issuer>/v1/wallet/history, `iat` now, a fresh `jti`, `cnf.jkt` = thumbprint.
 * The service answers a page at a time, newest first: the page's `next` is sent back as
 * `?cursor=` for the page after it, with a new token (a token's jti is accepted once).
 */
import { eachReceiptOnce, readHistoryPages, type HistoryRead } from '../../holder/history-pages.js';
import { base64url } from 'jose';
import { callApi } from '../shared/api.js';
import { t } from '../shared/i18n.js';
import { signJws, thumbprint } from './holder-key.js';
import { sameOrigin, WalletError } from './receive-offer.js';
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

/** One page of GET /v1/wallet/history. */
interface HistoryPage {
  items: Receipt[];
  next?: string | null;
}

export async function loadHistory(credentials: readonly StoredCredential[]): Promise<Receipt[]> {
  const reads: HistoryRead<Receipt, string>[] = [];
  const seen = new Set<string>();
  for (const c of credentials) {
    // The token's aud is the endpoint as the issuer names it, never the URL with its query.
    const aud = `${String(c.issuer)}/v1/wallet/history`;
    // A card whose kept issuer is no URL of this service (a record an older build wrote, or one
    // changed in storage) has no history here to ask: left out, not a failure of every card's.
    const endpoint = sameOriginOrUndefined(aud);
    if (endpoint === undefined) continue;
    // Once per key and service: the service answers by key, so two cards on one key are one read.
    const read = `${c.key}\n${endpoint}`;
    if (seen.has(read)) continue;
    seen.add(read);
    const key = await getKey(c.key);
    if (!key) continue;
    const jkt = await thumbprint(key.publicJwk);
    const receipts = await readHistoryPages(
      endpoint,
      async (url) => {
        const token = await signJws(
          { typ: 'dproof-history+jwt', jwk: key.publicJwk },
          {
            aud,
            iat: Math.floor(Date.now() / 1000),
            jti: base64url.encode(crypto.getRandomValues(new Uint8Array(16))),
            cnf: { jkt },
          },
          key.privateKey,
        );
        return callApi<HistoryPage>(url, { bearer: token });
      },
      endless,
    );
    reads.push({ receipts, from: [c.key] });
  }
  return eachReceiptOnce(reads)
    .map((x) => x.receipt)
    .sort((a, b) => b.at.localeCompare(a.at));
}

function sameOriginOrUndefined(url: string): string | undefined {
  try {
    return sameOrigin(url, 'history');
  } catch {
    return undefined;
  }
}

const endless = (): WalletError =>
  new WalletError(
    'history_endless',
    t(
      '서비스가 제출 기록을 끝없이 보내고 있어 읽기를 멈췄습니다.',
      'The service keeps sending more history pages; the wallet stopped reading.',
    ),
  );
