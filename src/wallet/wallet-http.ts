/** HTTP for the reference wallet: URL rules, JSON calls, and one error code for a peer's refusal. */
import { AppError } from '../errors.js';

/** What a wallet says when a peer answers something it must refuse. */
export type WalletFetchCode = 'receive_failed' | 'present_failed' | 'answer_too_large';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { fetchCapped, OutboundFetchError, type CappedResponse, type Fetcher } from '../http-client/fetch-capped.js';

/** Room for a batch of credentials with portraits; an answer past this is refused mid-stream. */
export const WALLET_MAX_BYTES = 8 * 1024 * 1024;
const WALLET_TIMEOUT_MS = 15_000;

export const failed = (message: string, code: WalletFetchCode = 'receive_failed') => new AppError(code, message, { status: 502 });

/** The spec wants https; plain http is accepted only on this machine (development). */
export function checkUrl(raw: unknown, what: string): string {
  if (typeof raw !== 'string') throw failed(`${what} is missing`);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw failed(`${what} is not a URL`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) throw failed(`${what} must use https: ${raw}`);
  return raw;
}

/** One capped GET/POST (see http-client/fetch-capped.ts); `code` names the wallet operation. */
export async function fetchForWallet(
  f: Fetcher,
  url: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | URLSearchParams;
    accept: string;
    /** A long-poll's deadline (default WALLET_TIMEOUT_MS). */
    timeoutMs?: number;
  },
  what: string,
  code: WalletFetchCode = 'receive_failed',
): Promise<CappedResponse> {
  try {
    return await fetchCapped(f, url, { ...init, timeoutMs: init.timeoutMs ?? WALLET_TIMEOUT_MS, maxBytes: WALLET_MAX_BYTES });
  } catch (e) {
    // Its own code: a peer that floods the wallet is not the same fault as one that is down.
    if (e instanceof OutboundFetchError && e.reason === 'too_large')
      throw failed(`${what}: ${url} answered more than ${WALLET_MAX_BYTES} bytes`, 'answer_too_large');
    if (e instanceof OutboundFetchError && e.reason === 'unreadable')
      throw failed(`${what}: ${url} answered something unreadable (${e.message})`, code);
    throw failed(`${what}: ${url} did not answer`, code);
  }
}

export async function call(
  f: Fetcher,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | URLSearchParams },
  what: string,
): Promise<JsonObject> {
  return jsonAnswer(await fetchForWallet(f, url, { ...init, accept: 'application/json' }, what), what);
}

/** The JSON object a 2xx answer carries; a refusal becomes `<what> refused: <error> (<description>)`. */
export function jsonAnswer(res: CappedResponse, what: string): JsonObject {
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    body = undefined;
  }
  if (res.status < 200 || res.status > 299) {
    const err =
      isJsonObject(body) && typeof body.error === 'string'
        ? `${body.error}${typeof body.error_description === 'string' ? ` (${body.error_description})` : ''}`
        : `HTTP ${res.status}`;
    throw failed(`${what} refused: ${err}`);
  }
  if (!isJsonObject(body)) throw failed(`${what} did not answer with a JSON object`);
  return body;
}
