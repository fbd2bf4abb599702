/**
 * The counter challenge as the clerk's screen shows it and a wallet scans it:
 * `dproof-counter:?aud=<audience>&nonce=<nonce>`. Pure (no server code): the CLI wallet and the
 * web wallet read it, the verifier page writes it. The audience names ONE verifier client and
 * the nonce was issued to that client for the counter channel (issue-counter-nonce.ts).
 */
export const COUNTER_CHALLENGE_SCHEME = 'dproof-counter:';

export interface CounterChallenge {
  aud: string;
  nonce: string;
}

export const counterChallengeLink = (c: CounterChallenge): string =>
  `${COUNTER_CHALLENGE_SCHEME}?${new URLSearchParams({ aud: c.aud, nonce: c.nonce }).toString()}`;

/** The challenge in `text`, or undefined when it is not one (wrong scheme, missing or odd values). */
export function parseCounterChallenge(text: string): CounterChallenge | undefined {
  const s = text.trim();
  if (!s.startsWith(`${COUNTER_CHALLENGE_SCHEME}?`) || s.length > 2048) return undefined;
  const q = new URLSearchParams(s.slice(COUNTER_CHALLENGE_SCHEME.length + 1));
  const aud = q.get('aud');
  const nonce = q.get('nonce');
  if (!aud || !nonce || !URL.canParse(aud) || !/^[A-Za-z0-9._~-]{22,128}$/.test(nonce)) return undefined;
  return { aud, nonce };
}
