/**
 * `wallet qr`: a presentation for a counter (DESIGN flow 3). The KB-JWT's `aud` and `nonce` come
 * from the counter's challenge (`dproof-counter:?aud=…&nonce=…`, issued to that verifier client
 * and accepted once, only there), `iat` now; portraits are refused (they never go in a QR).
 */
import QRCode from 'qrcode';
import { badRequest } from '../errors.js';
import { parseClaimPathName } from '../formats/claim-path/claim-path-name.js';
import { parseCounterChallenge } from '../holder/counter-challenge-link.js';
import { createHolderPresentation } from './create-holder-presentation.js';
import { holderSignerFromJwk } from './holder-key.js';
import type { Wallet } from './wallet-file.js';

export async function createCounterPresentation(
  wallet: Wallet,
  opts: { credentialId: string; disclose: string[]; challenge: string; now?: () => Date },
): Promise<{ presentation: string; aud: string }> {
  const cred = wallet.credentials.find((c) => c.id === opts.credentialId);
  if (!cred) throw badRequest('credential_not_in_wallet', `no credential ${opts.credentialId} in this wallet; see dproof wallet list`);
  if (cred.format !== 'dc+sd-jwt' || cred.key === null)
    throw badRequest('not_presentable', 'only key-bound SD-JWT VCs can be shown at a counter');
  if (opts.disclose.length === 0) throw badRequest('nothing_disclosed', 'choose the claims to show with --disclose');
  if (opts.disclose.some((p) => parseClaimPathName(p)?.[0] === 'portrait'))
    throw badRequest('portrait_in_qr', 'a portrait never goes in a QR code');
  const key = wallet.keys.find((k) => k.kid === cred.key);
  if (!key) throw badRequest('wallet_corrupt', `the key of credential ${cred.id} is missing`);
  const challenge = parseCounterChallenge(opts.challenge);
  if (!challenge)
    throw badRequest('invalid_challenge', "the counter challenge is a dproof-counter:?aud=…&nonce=… link; scan it from the clerk's screen");
  const holder = await holderSignerFromJwk(key.jwk);
  const now = opts.now?.() ?? new Date();
  const { presentation } = await createHolderPresentation({
    credential: cred.credential,
    disclose: opts.disclose,
    holderSigner: holder.signer,
    aud: challenge.aud,
    nonce: challenge.nonce,
    iat: Math.floor(now.getTime() / 1000),
  });
  return { presentation, aud: challenge.aud };
}

/**
 * The QR version a presentation needs at level L, or a refusal in Korean and English that offers
 * the smaller choice: never the QR library's own message ("The amount of data is too big…").
 */
export function counterQrVersion(presentation: string): number {
  try {
    return QRCode.create(presentation, { errorCorrectionLevel: 'L' }).version;
  } catch {
    const bytes = Buffer.byteLength(presentation, 'utf8');
    throw badRequest(
      'qr_too_large',
      `고른 항목이 QR 하나에 담기지 않습니다 (${bytes}바이트). 항목을 줄이거나(예: --disclose age_over_19) 작은 연결 QR(dproof wallet engage)을 보여 주십시오. / ` +
        `The chosen claims do not fit in one QR (${bytes} bytes). Disclose fewer (e.g. --disclose age_over_19), or show the small engagement QR instead (dproof wallet engage).`,
    );
  }
}

/** Renders a presentation as a QR code (error correction L: the presentations are long). */
export async function renderCounterQr(presentation: string, format: 'svg' | 'png' | 'terminal'): Promise<string | Buffer> {
  counterQrVersion(presentation);
  const opts = { errorCorrectionLevel: 'L' as const, margin: 2 };
  if (format === 'png') return QRCode.toBuffer(presentation, { ...opts, type: 'png', scale: 4 });
  if (format === 'svg') return QRCode.toString(presentation, { ...opts, type: 'svg' });
  return QRCode.toString(presentation, { ...opts, type: 'terminal', small: true });
}
