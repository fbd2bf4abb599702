/**
 * Interoperability with the OpenWallet Foundation's sd-jwt-js status list package
 * (@sd-jwt/jwt-status-list 0.19) and with `jose` for the signature.
 */
import { test, describe } from 'vitest';
import assert from 'node:assert/strict';
import { getListFromStatusListJWT, StatusList as OwfStatusList } from '@sd-jwt/jwt-status-list';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { fixedClock } from '../../src/clock.js';
import { StatusList, type StatusListBits } from '../../src/formats/status-list/status-list-codec.js';
import { checkStatusListToken, readStatus, signStatusListToken } from '../../src/formats/status-list/status-list-token.js';
import { createTestSigner } from './test-signer.js';

const URI = 'https://issuer.example/status/7';
const clock = fixedClock(Date.UTC(2025, 0, 1));

/** Deterministic statuses: a mix of every value the bit width allows. */
const statusesFor = (bits: StatusListBits, size: number): number[] =>
  Array.from({ length: size }, (_, i) => (((i * 2654435761) >>> 0) % 7 === 0 ? ((i >>> 3) % (2 ** bits - 1)) + 1 : 0));

describe('list encoding interop with @sd-jwt/jwt-status-list', () => {
  for (const bits of [1, 2, 4, 8] as const) {
    test(`their StatusList reads a ${bits}-bit list we encode`, () => {
      const statuses = statusesFor(bits, 4096);
      const ours = new StatusList(statuses.length, bits);
      statuses.forEach((s, i) => ours.set(i, s));
      const theirs = OwfStatusList.decompressStatusList(ours.encode(), bits);
      statuses.forEach((s, i) => assert.equal(theirs.getStatus(i), s, `index ${i}`));
    });

    test(`we read a ${bits}-bit list their StatusList encodes`, () => {
      const statuses = statusesFor(bits, 4096);
      const lst = new OwfStatusList([...statuses], bits).compressStatusList();
      const ours = StatusList.decode(lst, bits);
      assert.equal(ours.size, statuses.length);
      statuses.forEach((s, i) => assert.equal(ours.get(i), s, `index ${i}`));
    });
  }
});

describe('status list token interop', () => {
  test('a token we sign verifies with jose and parses with getListFromStatusListJWT', async () => {
    const signer = await createTestSigner();
    const list = new StatusList(1024, 2);
    list.set(0, 1);
    list.set(513, 2);
    list.set(1023, 3);
    const token = await signStatusListToken({ uri: URI, list, clock, expiresInSeconds: 3600, ttlSeconds: 300, signer });

    const { payload, protectedHeader } = await jwtVerify(token, signer.publicKey, {
      typ: 'statuslist+jwt',
      subject: URI,
      algorithms: ['ES256'],
      currentDate: new Date(clock.now()),
    });
    assert.equal(protectedHeader.kid, signer.kid);
    assert.equal(payload['ttl'], 300);
    assert.equal(payload.exp, payload.iat! + 3600);

    const theirs = getListFromStatusListJWT(token);
    assert.equal(theirs.getBitsPerStatus(), 2);
    for (let i = 0; i < list.size; i++) assert.equal(theirs.getStatus(i), list.get(i), `index ${i}`);

    const checked = checkStatusListToken({ header: decodeProtectedHeader(token), payload, uri: URI, clock });
    assert.deepEqual(
      [0, 1, 513, 1023].map((i) => readStatus(checked.list, i)),
      [1, 0, 2, 3],
    );
  });

  test('jose rejects the token once the signature is tampered with', async () => {
    const signer = await createTestSigner();
    const token = await signStatusListToken({ uri: URI, list: new StatusList(8, 1), clock, signer });
    const other = await createTestSigner();
    await assert.rejects(jwtVerify(token, other.publicKey, { currentDate: new Date(clock.now()) }), {
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
  });
});
