/**
 * `wallet engage`: the CLI wallet's side of the counter engagement (the small QR). Asks the
 * service for a one-time handle, hands its `dproof-engage:` link to `onLink` (the command draws
 * it as a QR with its lifetime), waits by long-poll with the wait token only this wallet holds,
 * then answers the counter's OpenID4VP request like `wallet present` does. Between asks it waits
 * what the service's Retry-After says (holder/await-counter-request.ts).
 */
import { AppError } from '../errors.js';
import { awaitCounterRequest } from '../holder/await-counter-request.js';
import { presentToVerifier, type PresentResult } from './present-to-verifier.js';
import { call, checkUrl, failed, fetchForWallet, jsonAnswer } from './wallet-http.js';
import type { Wallet } from './wallet-file.js';

export interface EngageOptions {
  /** The service (default: the issuer of the wallet's first key-bound credential). */
  service?: string;
  disclose?: string[];
  fetch?: typeof fetch;
  onLink: (link: string, expiresIn: number) => void;
  /** Waits `ms` between asks (tests pass one that does not really wait). */
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch (tests pass their clock). */
  now?: () => number;
}

/** How long the service is asked to hold each wait, and how long the wallet waits for its answer. */
const WAIT_SECONDS = 20;
const WAIT_TIMEOUT_MS = (WAIT_SECONDS + 10) * 1000;

export async function engageAtCounter(wallet: Wallet, opts: EngageOptions): Promise<PresentResult> {
  const f = opts.fetch ?? fetch;
  const first = wallet.credentials.find((c) => c.key !== null);
  const service = (opts.service ?? first?.credential_issuer ?? '').replace(/\/+$/, '');
  if (!service) throw new AppError('credential_not_in_wallet', 'no key-bound credential in this wallet to present; receive one first');
  const created = await call(f, checkUrl(`${service}/v1/wallet/engagements`, 'engagement endpoint'), { method: 'POST' }, 'engagement');
  if (typeof created.link !== 'string' || typeof created.wait_token !== 'string' || typeof created.expires_in !== 'number')
    throw failed('the engagement endpoint answered without a link and a wait token', 'present_failed');
  const now = opts.now ?? Date.now;
  const expiresAt = now() + created.expires_in * 1000;
  opts.onLink(created.link, created.expires_in);
  const waitUrl = checkUrl(`${service}/v1/wallet/engagements/request?wait=${WAIT_SECONDS}`, 'engagement endpoint');
  const headers = { authorization: `Bearer ${created.wait_token}` };
  const end = await awaitCounterRequest({
    ask: async () => {
      // The service holds the answer up to WAIT_SECONDS: the deadline is past that, not the wallet's usual 15 s.
      const res = await fetchForWallet(f, waitUrl, { headers, accept: 'application/json', timeoutMs: WAIT_TIMEOUT_MS }, 'engagement');
      return { body: jsonAnswer(res, 'engagement'), retryAfter: res.headers.get('retry-after') };
    },
    sleep: opts.sleep,
    now,
    expiresAt,
  });
  if (end.status === 'requested') return presentToVerifier(wallet, { link: end.authorization_request, disclose: opts.disclose, fetch: f });
  if (end.status === 'expired')
    throw new AppError('engagement_expired', 'the QR expired before a counter scanned it; run dproof wallet engage again');
  throw failed('the engagement endpoint answered an unknown status', 'present_failed');
}
