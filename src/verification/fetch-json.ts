/**
 * Outbound HTTP for verification (issuer metadata, JWK Sets, status lists) through the one capped
 * client (`http-client/fetch-capped.ts`): a timeout, a streaming size cap, no redirects followed,
 * and one error class when the other side cannot be reached, answers with an error or too much.
 */
import { AppError } from '../errors.js';
import { fetchCapped, OutboundFetchError, type Fetcher } from '../http-client/fetch-capped.js';
import { jsonShapeFault } from '../formats/jose/json-shape.js';
import { MAX_JSON_DEPTH } from '../formats/jose/parse-json.js';

export type { Fetcher };

const TIMEOUT_MS = 5000;
/** A status list of 16 M two-bit entries compresses far below this; more is an attack. */
export const MAX_FETCH_BYTES = 4 * 1024 * 1024;

export class FetchFailed extends AppError {
  constructor(message: string, code: 'fetch_failed' | 'fetch_too_large' = 'fetch_failed') {
    super(code, message, { status: 502 });
  }
}

/** The answer was over MAX_FETCH_BYTES (declared or streamed): reading stopped there. */
export class FetchTooLarge extends FetchFailed {
  constructor(message: string) {
    super(message, 'fetch_too_large');
  }
}

export async function fetchText(fetcher: Fetcher, url: string, accept: string): Promise<string> {
  let res;
  try {
    res = await fetchCapped(fetcher, url, { accept, maxBytes: MAX_FETCH_BYTES, timeoutMs: TIMEOUT_MS });
  } catch (e) {
    if (e instanceof OutboundFetchError && e.reason === 'too_large') throw new FetchTooLarge('answer too large');
    throw new FetchFailed(e instanceof OutboundFetchError && e.reason === 'unreadable' ? e.message : 'could not reach the server');
  }
  if (res.status !== 200) throw new FetchFailed(`answered HTTP ${res.status}`);
  return res.text;
}

/**
 * The shape a peer's JSON (issuer metadata, a JWK Set) may have, checked before it is parsed, as
 * request bodies and token JSON are (json-shape.ts): a JWK named `x` twice reads as one key here
 * and another in a library that keeps the first member, and 4 MB of one flat object would take
 * `JSON.parse` seconds. Real metadata nests under 10 deep and has tens of members per object.
 */
const PEER_JSON = { maxDepth: MAX_JSON_DEPTH, maxMembers: 1000, maxItems: 10_000 } as const;

export async function fetchJsonObject(fetcher: Fetcher, url: string): Promise<Record<string, unknown>> {
  const text = await fetchText(fetcher, url, 'application/json');
  const fault = jsonShapeFault(text, PEER_JSON);
  if (fault === 'duplicate_name') throw new FetchFailed('answer names a JSON member twice in one object');
  if (fault === 'forbidden_name') throw new FetchFailed('answer names a JSON member __proto__');
  if (fault === 'unrepresentable_number') throw new FetchFailed('answer holds a JSON number out of range (it would read as Infinity or 0)');
  if (fault) throw new FetchFailed('answer nests JSON deeper or wider than any metadata does');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FetchFailed('answer is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FetchFailed('answer is not a JSON object');
  return value as Record<string, unknown>;
}
