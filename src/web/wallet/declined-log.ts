/**
 * The attempts this wallet did not present (the holder declined, or no valid card could answer):
 * the service keeps no receipt of those (a decline carries no holder key), so the wallet keeps
 * its own short log, and the history shows them next to the service's receipts. Only the
 * verifier's name, the purpose, the time and the reason: no claim, no key, no token.
 */
import type { Receipt } from './history.js';

const KEY = 'dproof.wallet.declined';
const MAX = 100;

export interface DeclinedAttempt {
  id: string;
  at: string;
  verifier: { client_id?: string; name?: string };
  purpose?: { ko?: string; en?: string } | null;
  /** The card status that kept the card from being offered, or 'declined' when the holder chose so. */
  reason: 'revoked' | 'suspended' | 'expired' | 'no_credential' | 'declined';
}

const REASONS: readonly string[] = ['revoked', 'suspended', 'expired', 'no_credential', 'declined'] satisfies DeclinedAttempt['reason'][];
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
/** The text members of an object kept in storage; anything else in it is left out. */
const texts = (x: unknown, names: readonly string[]): Record<string, string> =>
  Object.fromEntries(names.flatMap((n) => (isObj(x) && typeof x[n] === 'string' ? [[n, x[n]]] : [])));

/**
 * One kept attempt, as this page writes it. localStorage holds whatever was put there (by hand, an
 * older build, another script): an entry without its time or a known reason is left out, and only
 * the text of its verifier and purpose is kept, so the history never meets a value it cannot show.
 */
function readEntry(x: unknown): DeclinedAttempt[] {
  if (!isObj(x) || typeof x.at !== 'string' || typeof x.reason !== 'string' || !REASONS.includes(x.reason)) return [];
  return [
    {
      id: typeof x.id === 'string' ? x.id : '',
      at: x.at,
      verifier: texts(x.verifier, ['client_id', 'name']),
      purpose: isObj(x.purpose) ? texts(x.purpose, ['ko', 'en']) : null,
      reason: x.reason as DeclinedAttempt['reason'],
    },
  ];
}

export function readDeclined(): DeclinedAttempt[] {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(list) ? list.flatMap(readEntry) : [];
  } catch {
    return [];
  }
}

export function recordDeclined(attempt: Omit<DeclinedAttempt, 'id' | 'at'>): void {
  const entry: DeclinedAttempt = { ...attempt, id: crypto.randomUUID(), at: new Date().toISOString() };
  localStorage.setItem(KEY, JSON.stringify([entry, ...readDeclined()].slice(0, MAX)));
}

/** One list, newest first: the service's receipts and this wallet's declined attempts. */
export function mergeHistory(receipts: readonly Receipt[], declined: readonly DeclinedAttempt[]): (Receipt | DeclinedAttempt)[] {
  return [...receipts, ...declined].sort((a, b) => b.at.localeCompare(a.at));
}

export const isDeclined = (x: Receipt | DeclinedAttempt): x is DeclinedAttempt => 'reason' in x;
