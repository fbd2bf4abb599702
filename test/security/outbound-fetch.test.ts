/**
 * Outbound fetches stop at their byte cap (issue 14, class 4): issuer metadata, JWK Sets, status
 * lists, the reference wallet's JSON calls and its request-object fetch, each against a local
 * server whose body never ends (chunked, a 64 MiB content-length, gzip over endless zeros). Each
 * is refused with its stable code, and the server sees the connection closed after about the cap
 * (socket buffers add a few MiB), not after 64 MiB. A status list that is a small zlib bomb is
 * refused by the inflate cap (entries × bits / 8) without the process growing by the bomb's size.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createDeflate } from 'node:zlib';
import { fixedClock } from '../../src/clock.js';
import { isAppError } from '../../src/errors.js';
import { signCompactJws } from '../../src/formats/jose/sign-compact-jws.js';
import { StatusList } from '../../src/formats/status-list/status-list-codec.js';
import { signStatusListToken } from '../../src/formats/status-list/status-list-token.js';
import { MAX_FETCH_BYTES } from '../../src/verification/fetch-json.js';
import { IssuerTrust } from '../../src/verification/issuer-trust.js';
import { StatusChecker } from '../../src/verification/status-checker.js';
import { call, WALLET_MAX_BYTES } from '../../src/wallet/wallet-http.js';
import { presentToVerifier } from '../../src/wallet/present-to-verifier.js';
import { startHostileServer, type EndlessMode, type HostileServer } from '../helpers/hostile-http-server.js';
import { createTestSigner, type TestSigner } from '../status/test-signer.js';

/** Loopback socket buffers can hold several MiB past the point where the client stopped reading. */
const SOCKET_SLACK = 16 * 1024 * 1024;
const clock = fixedClock(Date.now());

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(isAppError(e), `an AppError, got ${String(e)}`);
    return e.code;
  }
  assert.fail('the fetch was not refused');
}

/** Resolves with what the server wrote before the client closed; fails if it never closes. */
async function closedAfter(server: HostileServer, path: string): Promise<number> {
  const served = server.served.filter((s) => s.path === path).at(-1);
  assert.ok(served, `the server was asked for ${path}`);
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`${path}: the client never closed the connection`)), 10_000).unref(),
  );
  return Promise.race([served.closed, timeout]);
}

describe('outbound fetches stop at their byte cap', () => {
  let server: HostileServer;
  let iss: string;
  let signer: TestSigner;

  const trust = () =>
    new IssuerTrust({
      ownIssuer: 'https://own.example',
      ownKeys: { verificationKey: () => undefined, publishedKeys: () => [] },
      trusted: [{ issuer: iss, types: [] }],
      fetch,
      clock,
    });
  const checker = () =>
    new StatusChecker({
      trust: trust(),
      fetch,
      clock,
      skewSeconds: 60,
      ownPrefix: 'https://own.example/status/',
      readOwn: () => Promise.reject(new Error('not ours')),
    });

  beforeAll(async () => {
    server = await startHostileServer();
    iss = server.url;
    signer = await createTestSigner();
  });
  afterAll(() => server?.close());

  const kinds: { name: string; path: string; cap: number; code: string; setup?: () => void; run: () => Promise<unknown> }[] = [
    {
      name: 'issuer metadata',
      path: '/.well-known/jwt-vc-issuer',
      cap: MAX_FETCH_BYTES,
      code: 'fetch_too_large',
      run: () => trust().resolveKey({ iss, kid: 'k', alg: 'ES256' }),
    },
    {
      name: 'JWK Set',
      path: '/jwks',
      cap: MAX_FETCH_BYTES,
      code: 'fetch_too_large',
      setup: () => server.routes.set('/.well-known/jwt-vc-issuer', { json: { issuer: iss, jwks_uri: `${iss}/jwks` } }),
      run: () => trust().resolveKey({ iss, kid: 'k', alg: 'ES256' }),
    },
    {
      name: 'status list',
      path: '/status/1',
      cap: MAX_FETCH_BYTES,
      code: 'status_list_too_large',
      run: () => checker().read({ uri: `${iss}/status/1`, idx: 0 }, iss),
    },
    {
      name: 'wallet JSON call',
      path: '/offer',
      cap: WALLET_MAX_BYTES,
      code: 'answer_too_large',
      run: () => call(fetch, `${iss}/offer`, {}, 'credential offer'),
    },
    {
      name: 'wallet request object',
      path: '/request',
      cap: WALLET_MAX_BYTES,
      code: 'answer_too_large',
      run: () =>
        presentToVerifier(
          { version: 1, created_at: new Date().toISOString(), keys: [], credentials: [] },
          {
            link: `openid4vp://?client_id=${encodeURIComponent('decentralized_identifier:did:web:127.0.0.1')}&request_uri=${encodeURIComponent(`${iss}/request`)}`,
          },
        ),
    },
  ];
  const modes: EndlessMode[] = ['chunked', 'declared', 'gzip'];

  for (const kind of kinds) {
    for (const mode of modes) {
      it(`refuses an endless ${mode} ${kind.name} with ${kind.code} and closes the connection near the cap`, async () => {
        server.routes.clear();
        kind.setup?.();
        server.routes.set(kind.path, { endless: mode });
        assert.equal(await codeOf(kind.run()), kind.code);
        const written = await closedAfter(server, kind.path);
        // gzip: a few kB on the wire are megabytes inflated, so only the close is observable.
        if (mode !== 'gzip') assert.ok(written < kind.cap + SOCKET_SLACK, `${written} bytes written before the close`);
        if (mode === 'chunked') assert.ok(written > kind.cap, 'the body really went past the cap');
      });
    }
  }

  it('reads a status list under the cap, and refuses a zlib bomb by its inflate cap without growing by the bomb', async () => {
    server.routes.clear();
    server.routes.set('/.well-known/jwt-vc-issuer', { json: { issuer: iss, jwks: { keys: [signer.publicJwk] } } });
    const ok = await signStatusListToken({
      uri: `${iss}/status/ok`,
      list: new StatusList(131072, 1),
      clock,
      expiresInSeconds: 3600,
      ttlSeconds: 60,
      signer,
    });
    server.routes.set('/status/ok', { text: ok, type: 'application/statuslist+jwt' });
    // 256 MiB of zeros deflate to about 256 kB: under the 4 MiB fetch cap, far over 2^24 × 1 / 8 = 2 MiB inflated.
    const lst = await deflatedZeros(256 * 1024 * 1024);
    assert.ok(lst.length < MAX_FETCH_BYTES / 4, `the bomb is small (${lst.length} characters)`);
    const now = Math.floor(clock.now() / 1000);
    const bomb = await signCompactJws(
      { typ: 'statuslist+jwt' },
      { sub: `${iss}/status/bomb`, iat: now, exp: now + 3600, ttl: 60, status_list: { bits: 1, lst } },
      signer,
    );
    server.routes.set('/status/bomb', { text: bomb, type: 'application/statuslist+jwt' });

    const c = checker();
    assert.equal(await c.read({ uri: `${iss}/status/ok`, idx: 7 }, iss), 0, 'a good list from the same server reads');
    const rssBefore = process.memoryUsage().rss;
    assert.equal(await codeOf(c.read({ uri: `${iss}/status/bomb`, idx: 0 }, iss)), 'status_list_too_large');
    const grown = process.memoryUsage().rss - rssBefore;
    assert.ok(grown < 64 * 1024 * 1024, `RSS grew by ${grown} bytes; the bomb inflates to 256 MiB`);
  });
});

/** Deflates `size` zero bytes in 1 MiB steps (never holding them all) into base64url. */
async function deflatedZeros(size: number): Promise<string> {
  const z = createDeflate({ level: 9 });
  const out: Buffer[] = [];
  z.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((r) => z.on('end', r));
  const step = Buffer.alloc(1024 * 1024);
  for (let n = 0; n < size; n += step.length) {
    if (!z.write(step)) await new Promise((r) => z.once('drain', r));
  }
  z.end();
  await done;
  return Buffer.concat(out).toString('base64url');
}
