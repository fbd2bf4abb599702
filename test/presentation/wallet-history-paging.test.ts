/**
 * GET /v1/wallet/history, a page at a time: `limit` (1–100, default 100) and the opaque `cursor`
 * of the previous page's `next`, newest first by (time, receipt id), each page asked with a new
 * history token; the reference wallet (`dproof wallet history`, fetchHistory) follows `next` to
 * the last page, and lists a receipt once when several credentials are bound to the key that
 * presented. The query takes no other parameter, none twice. The Authorization header is read
 * as RFC 6750 / RFC 9110 write it; a refusal of the token's key or validity is history_token_invalid
 * in words about a history token (en and ko), never a credential's; a jti is spent per holder key.
 * On both stores.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { receiptRecord } from '../helpers/receipt-record.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { runDproof } from '../helpers/spawn-server.js';
import { storeTargets } from '../helpers/stores.js';
import { generateHolderKey, nowSeconds } from './helpers.js';
import { createHistoryToken } from '../../src/wallet/create-history-token.js';
import { fetchHistory, type HistoryEntry } from '../../src/wallet/fetch-history.js';
import { writeWallet, type Wallet } from '../../src/wallet/wallet-file.js';
import type { HolderKey } from '../../src/wallet/holder-key.js';
import { signCompactJws } from '../../src/formats/jose/sign-compact-jws.js';
import type { JsonObject } from '../../src/formats/jose/types.js';
import { encodeHistoryCursor, HISTORY_TYP } from '../../src/presentation/list-holder-history.js';
import type { ReceiptRecord } from '../../src/store/repositories/receipts-repo.js';

interface Page {
  holder_jkt: string;
  items: { id: string; at: string }[];
  next?: string | null;
}
interface Problem {
  code: string;
  detail: string;
}

/** Receipts for one holder: three to a millisecond, so the order within a millisecond matters. */
const RECEIPTS = 250;

for (const backend of storeTargets()) {
  describe(`the holder history, page by page, on ${backend}`, () => {
    let t: TestApp;
    let holder: HolderKey;
    let other: HolderKey;
    /** The holder's receipt ids, newest first, as the store orders them. */
    let order: string[];
    const base = Date.now() - 86_400_000;

    const receipt = (jkt: string, at: number): ReceiptRecord => receiptRecord({ holder_jkt: jkt, at });
    const aud = () => `${t.config.publicUrl}/v1/wallet/history`;
    const token = (key: HolderKey = holder, jti?: string) =>
      createHistoryToken({ holderSigner: key.signer, aud: aud(), iat: nowSeconds(), ...(jti !== undefined && { jti }) });
    const get = (query: string, authorization: string | undefined, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'GET',
        url: `/v1/wallet/history${query}`,
        headers: { ...headers, ...(authorization !== undefined && { authorization }) },
      });
    const page = async (query = '', key: HolderKey = holder): Promise<Page> => {
      const res = await get(query, `Bearer ${await token(key)}`);
      assert.equal(res.statusCode, 200, `${query}: ${res.body}`);
      return res.json<Page>();
    };
    /** Every page from the newest with `limit`, each with a new token. */
    const allPages = async (limit?: number): Promise<Page[]> => {
      const pages: Page[] = [];
      let cursor: string | null | undefined;
      do {
        const q = new URLSearchParams();
        if (limit !== undefined) q.set('limit', String(limit));
        if (cursor) q.set('cursor', cursor);
        const s = q.toString();
        pages.push(await page(s ? `?${s}` : ''));
        cursor = pages[pages.length - 1]!.next;
        assert.ok(pages.length <= RECEIPTS + 1, 'paging ends');
      } while (cursor);
      return pages;
    };
    /** A reference wallet holding `key` and, bound to it, one credential per id (from this service unless `issuerOf` says). */
    const walletOf = (key: HolderKey, ids: string[], issuerOf = (_id: string) => t.config.publicUrl): Wallet => ({
      version: 1,
      created_at: new Date().toISOString(),
      keys: [{ kid: key.signer.kid, jwk: key.privateJwk, created_at: new Date().toISOString() }],
      credentials: ids.map((id) => ({
        id,
        credential_issuer: issuerOf(id),
        credential_configuration_id: 'driver-license',
        format: 'dc+sd-jwt',
        kind: 'driver-license',
        key: key.signer.kid,
        credential: 'unused',
        received_at: new Date().toISOString(),
        expires_at: null,
      })),
    });
    const refusal = async (query: string, authorization: string | undefined, status: number, headers: Record<string, string> = {}) => {
      const res = await get(query, authorization, headers);
      assert.equal(res.statusCode, status, `${query} ${authorization?.slice(0, 40)}: ${res.body}`);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      return res.json<Problem>();
    };

    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true });
      holder = await generateHolderKey();
      other = await generateHolderKey('EdDSA');
      const store = t.runtime.store;
      await Promise.all([
        ...Array.from({ length: RECEIPTS }, (_, i) => store.receipts.insert(receipt(holder.signer.kid, base + Math.floor(i / 3)))),
        ...Array.from({ length: 5 }, (_, i) => store.receipts.insert(receipt(other.signer.kid, base + i))),
      ]);
      order = (
        await store.db
          .selectFrom('verification_receipts')
          .select('id')
          .where('holder_jkt', '=', holder.signer.kid)
          .orderBy('at', 'desc')
          .orderBy('id', 'desc')
          .execute()
      ).map((r) => r.id);
      assert.equal(order.length, RECEIPTS);
    });
    afterAll(() => t.close());

    it('lists every receipt: pages of 100, newest first, the last one saying next: null', async () => {
      const pages = await allPages();
      assert.deepEqual(
        pages.map((p) => p.items.length),
        [100, 100, 50],
      );
      assert.ok(pages.slice(0, -1).every((p) => typeof p.next === 'string' && /^[A-Za-z0-9_-]+$/.test(p.next)));
      assert.equal(pages[2]!.next, null);
      assert.ok(pages.every((p) => p.holder_jkt === holder.signer.kid));
      assert.deepEqual(
        pages.flatMap((p) => p.items.map((i) => i.id)),
        order,
      );
    });

    it('pages with a smaller limit cross receipts of the same millisecond without losing or repeating one', async () => {
      for (const limit of [7, 1]) {
        const pages = await allPages(limit);
        assert.equal(pages.length, Math.ceil(RECEIPTS / limit));
        assert.ok(pages.every((p) => p.items.length === limit || p === pages[pages.length - 1]));
        assert.deepEqual(
          pages.flatMap((p) => p.items.map((i) => i.id)),
          order,
          `limit ${limit}`,
        );
      }
    });

    it('keeps its pages when a receipt is recorded while the holder pages', async () => {
      const first = await page('?limit=100');
      const newer = receipt(holder.signer.kid, Date.now());
      await t.runtime.store.receipts.insert(newer);
      try {
        const second = await page(`?limit=100&cursor=${first.next}`);
        assert.deepEqual(
          second.items.map((i) => i.id),
          order.slice(100, 200),
        );
        assert.equal((await page('?limit=1')).items[0]?.id, newer.id);
      } finally {
        await t.runtime.store.db.deleteFrom('verification_receipts').where('id', '=', newer.id).execute();
      }
    });

    it('lists only the key’s own receipts, whatever cursor it sends', async () => {
      const mine = await page('?limit=3');
      const theirs = await page(`?cursor=${mine.next}`, other);
      assert.equal(theirs.holder_jkt, other.signer.kid);
      assert.equal(theirs.items.length, 5);
      assert.equal(theirs.next, null);
    });

    it('refuses a limit outside 1–100, an unknown parameter and one sent twice (400), and the token is not spent', async () => {
      const tok = await token();
      for (const q of [
        'limit=500',
        'limit=101',
        'limit=0',
        'limit=-1',
        'limit=1.5',
        'limit=abc',
        'limit=',
        'page=2',
        'offset=100',
        'limit=5&limit=6',
        'cursor=a&cursor=b',
        'limit=500&page=2&cursor=x',
        'limit=01',
      ]) {
        assert.equal((await refusal(`?${q}`, `Bearer ${tok}`, 400)).code, 'invalid_request', q);
      }
      const res = await get('?limit=2', `Bearer ${tok}`);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<Page>().items.length, 2);
    });

    it('refuses a cursor it did not write (400 invalid_cursor, in Korean too), and the token is not spent', async () => {
      const tok = await token();
      const b64 = (s: string) => Buffer.from(s).toString('base64url');
      const good = encodeHistoryCursor({ at: base, id: order[0]! });
      for (const cursor of [
        'x',
        b64('not json'),
        b64('{"at":1,"id":"a"}'),
        b64('[1]'),
        b64('[-1,"a"]'),
        b64('[1.5,"a"]'),
        b64('["1","a"]'),
        b64('[1,""]'),
        b64(`[1,"${'a'.repeat(65)}"]`),
        b64(`[${base}, "${order[0]}"]`), // not the spelling this service writes
        `${good}A`,
        `${'A'.repeat(257)}`,
        'a%2Bb',
        'WzEsImEiXQ==',
      ]) {
        const p = await refusal(`?cursor=${cursor}`, `Bearer ${tok}`, 400);
        assert.equal(p.code, 'invalid_cursor', cursor);
        assert.match(p.detail, /cursor/);
      }
      const ko = await refusal('?cursor=x', `Bearer ${tok}`, 400, { 'accept-language': 'ko' });
      assert.match(ko.detail, /목록 페이지 위치\(cursor\)/);
      assert.equal((await get(`?cursor=${good}`, `Bearer ${tok}`)).statusCode, 200);
    });

    it('reads Authorization as RFC 6750 / RFC 9110 do: the scheme in any case, one or more spaces', async () => {
      for (const scheme of ['bearer ', 'BEARER ', 'BeArEr ', 'Bearer  ', 'Bearer    ', 'Bearer\t']) {
        const res = await get('?limit=1', `${scheme}${await token()}`);
        assert.equal(res.statusCode, 200, `${JSON.stringify(scheme)}: ${res.body}`);
      }
    });

    it('says missing_history_token only when no Bearer token is sent; a token too long or not a JWS is history_token_invalid', async () => {
      for (const authorization of [
        undefined,
        '',
        'Bearer',
        'Bearer ',
        'bearer   ',
        'Basic abc',
        'Bearerabc.def.ghi',
        `DPoP ${await token()}`,
      ]) {
        const p = await refusal('', authorization, 401);
        assert.equal(p.code, 'missing_history_token', JSON.stringify(authorization));
      }
      const long = await refusal('', `Bearer ${'A'.repeat(8193)}`, 401);
      assert.equal(long.code, 'history_token_invalid');
      assert.match(long.detail, /longer than 8192 characters/);
      const longKo = await refusal('', `Bearer ${'A'.repeat(8193)}`, 401, { 'accept-language': 'ko' });
      assert.match(longKo.detail, /8192자보다 깁니다/);
      for (const bad of ['eyJ+.e30.c2ln', `${await token()} extra`, 'a/b']) {
        const p = await refusal('', `Bearer ${bad}`, 401);
        assert.equal(p.code, 'history_token_invalid', bad);
        assert.match(p.detail, /not a compact JWS/);
        const ko = await refusal('', `Bearer ${bad}`, 401, { 'accept-language': 'ko' });
        assert.match(ko.detail, /이력 토큰이 간결 직렬화\(compact\) JWS 형식이 아닙니다/);
      }
    });

    it('refuses a bad header jwk and an expired or not yet valid token with history_token_invalid, in words about the history token', async () => {
      const signed = (header: JsonObject, payload: JsonObject, key: HolderKey = holder) =>
        signCompactJws(
          { typ: HISTORY_TYP, jwk: key.publicJwk as JsonObject, ...header },
          { aud: aud(), iat: nowSeconds(), jti: randomBytes(16).toString('base64url'), cnf: { jkt: key.signer.kid }, ...payload },
          key.signer,
        );
      const zeroEd25519 = { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) };
      const cases: { name: string; code: string; token: () => Promise<string>; en: RegExp; ko: RegExp }[] = [
        {
          name: 'a jwk with the private d',
          code: 'history_token_invalid',
          token: () => signed({ jwk: holder.privateJwk as JsonObject }, {}),
          en: /header jwk is not a canonical public P-256 or Ed25519 key: key has private members/,
          ko: /이력 토큰 헤더의 키\(jwk\)/,
        },
        {
          name: 'the all-zero Ed25519 key',
          code: 'history_token_invalid',
          token: () => signed({ jwk: zeroEd25519 }, { cnf: { jkt: 'x' } }, other),
          en: /header jwk is not a canonical public P-256 or Ed25519 key/,
          ko: /이력 토큰 헤더의 키\(jwk\)/,
        },
        {
          name: 'exp: 1',
          code: 'history_token_invalid',
          token: () => signed({}, { exp: 1 }),
          en: /history token has expired/,
          ko: /이력 토큰의 만료 시각\(exp\)이 지났습니다/,
        },
        {
          name: 'nbf in an hour',
          code: 'history_token_invalid',
          token: () => signed({}, { nbf: nowSeconds() + 3600 }),
          en: /history token is not valid yet/,
          ko: /이력 토큰의 효력 시작 시각\(nbf\)/,
        },
      ];
      for (const c of cases) {
        const en = await refusal('', `Bearer ${await c.token()}`, 401);
        assert.equal(en.code, c.code, c.name);
        assert.match(en.detail, c.en, c.name);
        const ko = await refusal('', `Bearer ${await c.token()}`, 401, { 'accept-language': 'ko' });
        assert.equal(ko.code, c.code, c.name);
        assert.match(ko.detail, c.ko, c.name);
        // Never the credential's words: no 증명서 (credential), no cnf.
        assert.doesNotMatch(ko.detail, /증명서|cnf/, c.name);
      }
    });

    it('spends a jti per holder key: another key may use the same value, the same key may not', async () => {
      const jti = randomBytes(16).toString('base64url');
      assert.equal((await get('?limit=1', `Bearer ${await token(holder, jti)}`)).statusCode, 200);
      const theirs = await get('?limit=1', `Bearer ${await token(other, jti)}`);
      assert.equal(theirs.statusCode, 200, theirs.body);
      assert.equal(theirs.json<Page>().holder_jkt, other.signer.kid);
      assert.equal((await refusal('', `Bearer ${await token(holder, jti)}`, 401)).code, 'history_token_reused');
      assert.equal((await refusal('', `Bearer ${await token(other, jti)}`, 401)).code, 'history_token_reused');
    });

    it('the reference wallet (dproof wallet history) follows next to the last page, a new token for each', async () => {
      const wallet = walletOf(holder, ['cred-1']);
      const urls: string[] = [];
      const seen: string[] = [];
      const entries = await fetchHistory(wallet, {
        fetch: (input, init) => {
          urls.push(String(input));
          seen.push(String(new Headers(init?.headers).get('authorization')));
          return fetch(input, init);
        },
      });
      assert.deepEqual(
        entries.map((e) => e.receipt.id),
        order,
      );
      assert.equal(urls.length, 3);
      assert.equal(urls[0], aud());
      assert.match(urls[1]!, /\/v1\/wallet\/history\?cursor=[A-Za-z0-9_-]+$/);
      assert.equal(new Set(seen).size, 3, 'one token per page');
    });

    it('dproof wallet history lists each receipt once when two credentials are bound to one key, table and --json', async () => {
      const shared = await generateHolderKey();
      const presented = Array.from({ length: 4 }, (_, i) =>
        receiptRecord({ holder_jkt: shared.signer.kid, at: base + 1000 + i, verifier_name: `Shop ${i}` }),
      );
      for (const r of presented) await t.runtime.store.receipts.insert(r);
      const newestFirst = presented.map((r) => r.id).reverse();
      const dir = mkdtempSync(join(tmpdir(), 'dproof-history-'));
      try {
        const file = join(dir, 'wallet.json');
        const env = { DPROOF_WALLET: file };
        for (const [wallet, args] of [
          // Both from this service.
          [walletOf(shared, ['cred-a', 'cred-b']), []],
          // Issued by two services, both asked at this one with the same key.
          [
            walletOf(shared, ['cred-a', 'cred-b'], (id) => (id === 'cred-a' ? t.config.publicUrl : 'https://other.example')),
            ['--service', t.config.publicUrl],
          ],
        ] as [Wallet, string[]][]) {
          writeWallet(file, wallet);
          const json = await runDproof(['wallet', 'history', '--json', ...args], env);
          assert.equal(json.code, 0, json.stderr);
          const entries = JSON.parse(json.stdout) as HistoryEntry[];
          assert.deepEqual(
            entries.map((e) => e.receipt.id),
            newestFirst,
          );
          // The receipt names the key, not which of its credentials was shown: both are named.
          assert.ok(
            entries.every((e) => e.credential === 'cred-a' && e.credentials.join() === 'cred-a,cred-b'),
            json.stdout,
          );

          const table = await runDproof(['wallet', 'history', ...args], env);
          assert.equal(table.code, 0, table.stderr);
          const rows = table.stdout.trim().split('\n').slice(1);
          assert.deepEqual(
            rows.map((row) => /Shop \d/.exec(row)?.[0]),
            ['Shop 3', 'Shop 2', 'Shop 1', 'Shop 0'],
            table.stdout,
          );
          assert.ok(
            rows.every((row) => row.endsWith('cred-a,cred-b')),
            table.stdout,
          );
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await t.runtime.store.db.deleteFrom('verification_receipts').where('holder_jkt', '=', shared.signer.kid).execute();
      }
    });
  });
}
