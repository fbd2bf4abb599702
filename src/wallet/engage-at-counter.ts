/**
 * `wallet engage`: the CLI wallet's side of the counter engagement (the small QR). Asks the
 * service for a one-time handle, hands its `dproof-engage:` link to `onLink` (the command draws
 * it as a QR with its lifetime), waits by long-poll with the wait token only this wallet holds,
 * then answers the counter's OpenID4VP request like `wallet present` does.
 */
import { AppError } from '../errors.js';
import { presentToVerifier, type PresentResult } from './present-to-verifier.js';
import { call, checkUrl, failed } from './wallet-http.js';
import type { Wallet } from './wallet-file.js';

export interface EngageOptions {
  /** The service (default: the issuer of the wallet's first key-bound credential). */
  service?: string;
  disclose?: string[];
  fetch?: typeof fetch;
  onLink: (link: string, expiresIn: number) => void;
}

export async function engageAtCounter(wallet: Wallet, opts: EngageOptions): Promise<PresentResult> {
  const f = opts.fetch ?? fetch;
  const first = wallet.credentials.find((c) => c.key !== null);
  const service = (opts.service ?? first?.credential_issuer ?? '').replace(/\/+$/, '');
  if (!service) throw new AppError('credential_not_in_wallet', 'no key-bound credential in this wallet to present; receive one first');
  const created = await call(f, checkUrl(`${service}/v1/wallet/engagements`, 'engagement endpoint'), { method: 'POST' }, 'engagement');
  if (typeof created.link !== 'string' || typeof created.wait_token !== 'string' || typeof created.expires_in !== 'number')
    throw failed('the engagement endpoint answered without a link and a wait token', 'present_failed');
  opts.onLink(created.link, created.expires_in);
  const waitUrl = checkUrl(`${service}/v1/wallet/engagements/request?wait=20`, 'engagement endpoint');
  for (;;) {
    const w = await call(f, waitUrl, { headers: { authorization: `Bearer ${created.wait_token}` } }, 'engagement');
    if (w.status === 'requested' && typeof w.authorization_request === 'string')
      return presentToVerifier(wallet, { link: w.authorization_request, disclose: opts.disclose, fetch: f });
    if (w.status === 'expired')
      throw new AppError('engagement_expired', 'the QR expired before a counter scanned it; run dproof wallet engage again');
    if (w.status !== 'waiting') throw failed('the engagement endpoint answered an unknown status', 'present_failed');
  }
}
