/**
 * Whatever we fetch (issuer metadata, JWK Sets, status lists, the wallet's calls) is UTF-8 text
 * (RFC 8259 §8.1, RFC 7519 §7.2). An answer holding bytes that are not UTF-8 is refused as
 * unreadable, not read with U+FFFD in their place (so two different answers never read as one
 * text); valid UTF-8, Korean included, and a leading byte order mark still read. Real HTTP on a
 * real port, Node's own fetch.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAppError } from '../../src/errors.js';
import { fetchCapped, OutboundFetchError } from '../../src/http-client/fetch-capped.js';
import { fetchText } from '../../src/verification/fetch-json.js';
import { call } from '../../src/wallet/wallet-http.js';

const utf8 = (s: string) => Buffer.from(s, 'utf8');
/** Bodies by path: bad ones hold a stray continuation byte, an overlong "/", a UTF-16 surrogate, a cut sequence. */
const BODIES: Record<string, Buffer> = {
  '/stray': Buffer.concat([utf8('{"name":"'), Buffer.from([0xff]), utf8('"}')]),
  '/overlong': Buffer.concat([utf8('{"path":"'), Buffer.from([0xc0, 0xaf]), utf8('"}')]),
  '/surrogate': Buffer.concat([utf8('{"name":"'), Buffer.from([0xed, 0xa0, 0x80]), utf8('"}')]),
  '/cut': Buffer.concat([utf8('{"name":"최'), Buffer.from([0xec, 0x84]), utf8('"}')]),
  '/korean': utf8('{"name":"최서연"}'),
  '/bom': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('{"name":"최서연"}')]),
};
const BAD = ['/stray', '/overlong', '/surrogate', '/cut'];

describe('outbound answers must be UTF-8', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const body = BODIES[req.url ?? ''];
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(body ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const read = (path: string) => fetchCapped(fetch, base + path, { accept: 'application/json', maxBytes: 4096, timeoutMs: 10_000 });

  it('refuses an answer with bytes that are not UTF-8 as unreadable', async () => {
    for (const path of BAD) {
      await assert.rejects(read(path), (e: unknown) => {
        assert.ok(e instanceof OutboundFetchError, `${path}: ${String(e)}`);
        assert.equal(e.reason, 'unreadable', path);
        assert.match(e.message, /not UTF-8/);
        return true;
      });
    }
  });

  it('reads valid UTF-8, and drops a leading byte order mark', async () => {
    assert.equal((await read('/korean')).text, '{"name":"최서연"}');
    assert.equal((await read('/bom')).text, '{"name":"최서연"}');
  });

  it('gives the verifier fetch_failed and the wallet receive_failed for such an answer, saying why', async () => {
    for (const path of BAD) {
      const verifier = await fetchText(fetch, base + path, 'application/json').then(
        () => assert.fail(`${path} was read`),
        (e: unknown) => e,
      );
      assert.ok(isAppError(verifier));
      assert.equal(verifier.code, 'fetch_failed');
      assert.match(verifier.message, /not UTF-8/);
      const wallet = await call(fetch, base + path, {}, 'issuer metadata').then(
        () => assert.fail(`${path} was read`),
        (e: unknown) => e,
      );
      assert.ok(isAppError(wallet));
      assert.equal(wallet.code, 'receive_failed');
      assert.match(wallet.message, /not UTF-8/);
    }
    assert.deepEqual(await call(fetch, `${base}/korean`, {}, 'issuer metadata'), { name: '최서연' });
  });
});
