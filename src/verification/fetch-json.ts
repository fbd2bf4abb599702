/**
 * Outbound HTTP for verification (issuer metadata, JWK Sets, status lists): a timeout, a size
 * cap, no redirects followed (a redirect could lead anywhere), and one error code when the
 * other side cannot be reached or answers with an error.
 */
import { AppError } from '../errors.js';

export type Fetcher = (url: string, init?: RequestInit) => Promise<Response>;

const TIMEOUT_MS = 5000;
/** A status list of 16 M two-bit entries compresses far below this; more is an attack. */
const MAX_BYTES = 4 * 1024 * 1024;

export class FetchFailed extends AppError {
  constructor(message: string) {
    super('fetch_failed', 502, message);
  }
}

export async function fetchText(fetcher: Fetcher, url: string, accept: string): Promise<string> {
  let res: Response;
  try {
    res = await fetcher(url, { headers: { accept }, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    throw new FetchFailed('could not reach the server');
  }
  if (res.status !== 200) throw new FetchFailed(`answered HTTP ${res.status}`);
  const length = Number(res.headers.get('content-length') ?? '0');
  if (length > MAX_BYTES) throw new FetchFailed('answer too large');
  const text = await res.text().catch(() => {
    throw new FetchFailed('answer could not be read');
  });
  if (text.length > MAX_BYTES) throw new FetchFailed('answer too large');
  return text;
}

export async function fetchJsonObject(fetcher: Fetcher, url: string): Promise<Record<string, unknown>> {
  const text = await fetchText(fetcher, url, 'application/json');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FetchFailed('answer is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FetchFailed('answer is not a JSON object');
  return value as Record<string, unknown>;
}
