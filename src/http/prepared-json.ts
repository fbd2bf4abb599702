import { hash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseWeightedList } from './weighted-list.js';

/** Bodies below this size are sent as they are: gzip would save a few bytes for more CPU. */
const GZIP_MIN_BYTES = 1024;

/**
 * A public JSON body that changes only when its source does (the catalogue, issuer metadata),
 * serialized once and sent as bytes. Serializing the ~100 kB catalogue and issuer metadata per
 * request cost ~2 ms of CPU on anonymous endpoints; sent prepared, a request costs what any small
 * answer does. It carries a strong ETag (304 on If-None-Match) and a gzip variant made on first
 * use. Hand-written because @fastify/etag and @fastify/compress hash and compress per request,
 * which is the cost this removes.
 */
export class PreparedJson {
  readonly body: Buffer;
  readonly etag: string;
  #gzip: { body: Buffer; etag: string } | null | undefined;

  /** `serialized` as a route's serializer gives it (`reply.serialize`) or JSON text. */
  constructor(serialized: string | Buffer | ArrayBuffer) {
    this.body =
      typeof serialized === 'string' ? Buffer.from(serialized, 'utf8') : Buffer.isBuffer(serialized) ? serialized : Buffer.from(serialized);
    this.etag = `"${hash('sha256', this.body, 'base64url').slice(0, 27)}"`;
  }

  /** The gzip variant, or null when it would not be smaller. A strong ETag names one coding (RFC 9110 §8.8.3). */
  gzip(): { body: Buffer; etag: string } | null {
    if (this.#gzip === undefined) {
      const body = this.body.length >= GZIP_MIN_BYTES ? gzipSync(this.body) : undefined;
      this.#gzip = body && body.length < this.body.length ? { body, etag: `${this.etag.slice(0, -1)}-gzip"` } : null;
    }
    return this.#gzip;
  }
}

/**
 * Keeps the prepared body of the last source seen: `get(source, make)` serializes again only when
 * `source` is another object (a rotated key set, new request-encryption keys).
 */
export class PreparedJsonCache<S> {
  #source: S | undefined;
  #prepared: PreparedJson | undefined;

  get(source: S, make: () => string | Buffer | ArrayBuffer): PreparedJson {
    if (this.#prepared === undefined || this.#source !== source) {
      this.#prepared = new PreparedJson(make());
      this.#source = source;
    }
    return this.#prepared;
  }
}

/** Sends a prepared body: gzip when the client accepts it, 304 when its If-None-Match names the representation. */
export function sendPreparedJson(request: FastifyRequest, reply: FastifyReply, prepared: PreparedJson): FastifyReply {
  const gzip = prepared.gzip();
  const chosen = gzip && acceptsGzip(request.headers['accept-encoding']) ? gzip : { body: prepared.body, etag: prepared.etag };
  if (gzip) reply.header('vary', 'accept-encoding');
  reply.header('etag', chosen.etag);
  if (noneMatches(request.headers['if-none-match'], chosen.etag)) return reply.code(304).send();
  if (chosen !== gzip) return reply.type('application/json; charset=utf-8').send(chosen.body);
  return reply.type('application/json; charset=utf-8').header('content-encoding', 'gzip').send(chosen.body);
}

/**
 * RFC 9110 §12.5.3: gzip (or x-gzip, or `*` when gzip is not named) with a q-value above 0. A
 * malformed q-value (`q=abc`, `q=2`) does not count as acceptance: the plain body is always safe.
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let star: boolean | undefined;
  for (const { name, q } of parseWeightedList(header) ?? []) {
    if (name === 'gzip' || name === 'x-gzip') return q > 0;
    if (name === '*') star = q > 0;
  }
  return star === true;
}

/** RFC 9110 §13.1.2: If-None-Match matches by weak comparison, or on `*`. */
export function noneMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || (tag.startsWith('W/') ? tag.slice(2) : tag) === etag;
  });
}
