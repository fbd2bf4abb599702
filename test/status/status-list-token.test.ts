import { test, describe } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixedClock } from '../../src/clock.js';
import { StatusList } from '../../src/formats/status-list/status-list-codec.js';
import {
  buildStatusListTokenPayload,
  checkStatusListToken,
  readStatus,
  signStatusListToken,
  STATUS_LIST_JWT_TYP,
} from '../../src/formats/status-list/status-list-token.js';
import { STATUS_INVALID, STATUS_SUSPENDED } from '../../src/formats/status-list/status-list-status-types.js';
import { createTestSigner } from './test-signer.js';

interface JwtExample {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  compact: string;
}
const example = JSON.parse(
  readFileSync(new URL('../fixtures/status-list/status-list-jwt-example.json', import.meta.url), 'utf8'),
) as JwtExample;

const URI = 'https://example.com/statuslists/1';
const beforeExpiry = fixedClock(1_700_000_000_000);
const assertCode = (fn: () => unknown, code: string) => assert.throws(fn, (e: unknown) => (e as { code?: string }).code === code);
const check = (header: Record<string, unknown>, payload: Record<string, unknown>, clock = beforeExpiry) =>
  checkStatusListToken({ header, payload, uri: URI, clock });

describe('building and signing a status list token', () => {
  test('builds sub, iat, exp, ttl and status_list from the clock and the list', () => {
    const list = new StatusList(16, 2);
    list.set(3, STATUS_SUSPENDED);
    const payload = buildStatusListTokenPayload({
      uri: URI,
      list,
      clock: fixedClock(1_686_920_170_500),
      expiresInSeconds: 86_400,
      ttlSeconds: 43_200,
    });
    assert.deepEqual(payload, {
      sub: URI,
      iat: 1_686_920_170,
      exp: 1_687_006_570,
      ttl: 43_200,
      status_list: { bits: 2, lst: list.encode() },
    });
  });

  test('signs a compact JWS whose header names statuslist+jwt and the signer key', async () => {
    const signer = await createTestSigner();
    const token = await signStatusListToken({ uri: URI, list: new StatusList(8, 1), clock: beforeExpiry, signer });
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
    assert.deepEqual(header, { typ: STATUS_LIST_JWT_TYP, alg: 'ES256', kid: signer.kid });
  });

  test('refuses a ttl that is not positive and a uri that is not a URI', () => {
    const list = new StatusList(8, 1);
    for (const ttlSeconds of [0, -5, Number.NaN]) {
      assertCode(() => buildStatusListTokenPayload({ uri: URI, list, clock: beforeExpiry, ttlSeconds }), 'status_list_token_bad_ttl');
    }
    assertCode(() => buildStatusListTokenPayload({ uri: 'not a uri', list, clock: beforeExpiry }), 'status_reference_malformed');
  });
});

describe('checking a status list token (§8.3)', () => {
  test('accepts the draft example and reads its statuses', () => {
    const checked = check(example.header, example.payload);
    assert.equal(checked.sub, URI);
    assert.equal(checked.ttl, 43_200);
    assert.deepEqual(
      [0, 1, 2, 3].map((i) => readStatus(checked.list, i)),
      [1, 0, 0, 1],
    );
  });

  test('accepts the claims of the draft example response, which also carry iss', () => {
    const [h, p] = example.compact.split('.') as [string, string];
    const decode = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(readStatus(check(decode(h), decode(p)).list, 0), STATUS_INVALID);
  });

  test('rejects a typ other than exactly statuslist+jwt with status_list_token_bad_typ', () => {
    for (const typ of ['JWT', 'application/statuslist+jwt', 'StatusList+JWT', undefined]) {
      assertCode(() => check({ ...example.header, typ }, example.payload), 'status_list_token_bad_typ');
    }
  });

  test('rejects a sub that is not the uri the token was fetched from with status_list_token_sub_mismatch', () => {
    for (const sub of ['https://example.com/statuslists/2', 'https://example.com/statuslists/1/', 'HTTPS://example.com/statuslists/1']) {
      assertCode(() => check(example.header, { ...example.payload, sub }), 'status_list_token_sub_mismatch');
    }
  });

  test('rejects missing sub, iat or status_list with status_list_token_missing_claim', () => {
    for (const claim of ['sub', 'iat', 'status_list']) {
      const payload = { ...example.payload };
      delete payload[claim];
      assertCode(() => check(example.header, payload), 'status_list_token_missing_claim');
    }
  });

  test('rejects claims of the wrong JSON type with status_list_token_bad_claim', () => {
    for (const patch of [{ sub: 1 }, { iat: '1686920170' }, { exp: '2291720170' }, { status_list: [] }, { status_list: 'x' }]) {
      assertCode(() => check(example.header, { ...example.payload, ...patch }), 'status_list_token_bad_claim');
    }
  });

  test('rejects an expired token with status_list_token_expired, honouring the tolerance', () => {
    const exp = example.payload['exp'] as number;
    assertCode(() => check(example.header, example.payload, fixedClock(exp * 1000)), 'status_list_token_expired');
    assertCode(() => check(example.header, example.payload, fixedClock(exp * 1000 + 5_000)), 'status_list_token_expired');
    const lenient = checkStatusListToken({
      header: example.header,
      payload: example.payload,
      uri: URI,
      clock: fixedClock(exp * 1000),
      clockToleranceSeconds: 30,
    });
    assert.equal(lenient.exp, exp);
  });

  test('rejects a token whose nbf is in the future with status_list_token_not_yet_valid, honouring the tolerance', () => {
    const iat = example.payload['iat'] as number;
    const at = fixedClock(iat * 1000);
    assertCode(() => check(example.header, { ...example.payload, nbf: iat + 60 }, at), 'status_list_token_not_yet_valid');
    assertCode(() => check(example.header, { ...example.payload, nbf: 'soon' }, at), 'status_list_token_bad_claim');
    assert.equal(check(example.header, { ...example.payload, nbf: iat }, at).iat, iat);
    const lenient = checkStatusListToken({
      header: example.header,
      payload: { ...example.payload, nbf: iat + 20 },
      uri: URI,
      clock: at,
      clockToleranceSeconds: 30,
    });
    assert.equal(lenient.iat, iat);
  });

  test('accepts a token without exp or ttl', () => {
    const payload = { ...example.payload };
    delete payload['exp'];
    delete payload['ttl'];
    const checked = check(example.header, payload, fixedClock(9_999_999_999_000));
    assert.equal(checked.exp, undefined);
    assert.equal(checked.ttl, undefined);
  });

  test('rejects a ttl that is not a positive number with status_list_token_bad_ttl', () => {
    for (const ttl of [0, -1, '43200', null])
      assertCode(() => check(example.header, { ...example.payload, ttl }), 'status_list_token_bad_ttl');
  });

  test('rejects bad bits and a bad lst inside status_list', () => {
    assertCode(
      () => check(example.header, { ...example.payload, status_list: { bits: 3, lst: 'eNrbuRgAAhcBXQ' } }),
      'status_list_bad_bits',
    );
    assertCode(() => check(example.header, { ...example.payload, status_list: { bits: 1 } }), 'status_list_malformed');
    assertCode(
      () => check(example.header, { ...example.payload, status_list: { bits: 1, lst: 'eNrbuRgAAhcBXQ==' } }),
      'status_list_malformed',
    );
  });

  test('applies the maxBytes cap to the list inside the token', () => {
    const payload = { ...example.payload, status_list: { bits: 1, lst: new StatusList(8 * 4096, 1).encode() } };
    assertCode(
      () => checkStatusListToken({ header: example.header, payload, uri: URI, clock: beforeExpiry, maxBytes: 1024 }),
      'status_list_too_large',
    );
  });

  test('rejects an index outside the list with status_index_out_of_range', () => {
    const { list } = check(example.header, example.payload);
    for (const idx of [16, -1, 1.5, '0', undefined]) assertCode(() => readStatus(list, idx), 'status_index_out_of_range');
    assert.equal(readStatus(list, 15), 1);
  });
});
