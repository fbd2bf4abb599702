/**
 * Every outbound GET (issuer metadata, JWK Sets, status lists, the reference wallet's calls) goes
 * through here: a deadline that covers the body too, no redirects followed (a redirect could lead
 * anywhere), and a byte cap enforced while the body streams in. A `content-length` over the cap is
 * refused before the body is read; without one (chunked) or with a lying one, reading stops and
 * the connection is aborted the moment the cap is crossed, so a 64 MiB answer costs us the cap,
 * not 64 MiB.
 *
 * Built on Node's `fetch` (undici) with a reader loop rather than `node:http`: the callers and
 * their tests inject a `fetch`-shaped function, and aborting the request's signal makes undici
 * destroy the socket. undici inflates a `content-encoding` body (gzip, deflate, br) itself; the
 * cap counts the inflated bytes we read, so a compressed bomb stops at the same cap.
 */

export type Fetcher = (url: string, init?: RequestInit) => Promise<Response>;

export type OutboundFailure = 'unreachable' | 'too_large' | 'unreadable';

export class OutboundFetchError extends Error {
  constructor(
    readonly reason: OutboundFailure,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundFetchError';
  }
}

export interface CappedFetchOptions {
  accept: string;
  maxBytes: number;
  timeoutMs: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string | URLSearchParams;
}

export interface CappedResponse {
  status: number;
  headers: Headers;
  text: string;
}

export async function fetchCapped(fetcher: Fetcher, url: string, o: CappedFetchOptions): Promise<CappedResponse> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new OutboundFetchError('unreachable', 'timed out')), o.timeoutMs);
  try {
    let res: Response;
    try {
      res = await fetcher(url, {
        method: o.method ?? 'GET',
        // `identity`: we ask for no compression; undici still inflates one a server sends anyway.
        headers: { accept: o.accept, 'accept-encoding': 'identity', ...o.headers },
        ...(o.body !== undefined && { body: o.body }),
        redirect: 'manual',
        signal: abort.signal,
      });
    } catch {
      throw abortReason(abort) ?? new OutboundFetchError('unreachable', 'could not reach the server');
    }
    const bytes = await readCapped(res, o.maxBytes, abort);
    return { status: res.status, headers: res.headers, text: decodeUtf8(bytes) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Every answer we read is JSON, a JWT or a form: UTF-8 text (RFC 8259 §8.1, RFC 7519 §7.2,
 * RFC 6749 Appendix B). A default TextDecoder turns bytes that are not UTF-8 into U+FFFD and
 * carries on, so two different answers would read as one text; a fatal one refuses them. A
 * leading byte order mark is dropped, as RFC 8259 lets a parser do.
 */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new OutboundFetchError('unreadable', 'the answer is not UTF-8 text');
  }
}

/** Why we aborted (deadline), when we did; a plain network failure has none. */
const abortReason = (abort: AbortController): OutboundFetchError | undefined =>
  abort.signal.reason instanceof OutboundFetchError ? abort.signal.reason : undefined;

/** Reads at most `maxBytes` of the body; one byte more aborts the request and throws `too_large`. */
async function readCapped(res: Response, maxBytes: number, abort: AbortController): Promise<Uint8Array> {
  const tooLarge = () => {
    const e = new OutboundFetchError('too_large', `answer larger than ${maxBytes} bytes`);
    abort.abort(e);
    return e;
  };
  const declared = res.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    void res.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let step: Awaited<ReturnType<typeof reader.read>>;
    try {
      step = await reader.read();
    } catch {
      throw abortReason(abort) ?? new OutboundFetchError('unreadable', 'the answer could not be read');
    }
    if (step.done) break;
    total += step.value.byteLength;
    if (total > maxBytes) {
      const e = tooLarge();
      void reader.cancel().catch(() => {});
      throw e;
    }
    chunks.push(step.value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
