/**
 * The Status List Token in CWT format (draft-ietf-oauth-status-list §5.2): the draft's own example
 * read by the same reader our tokens are read with (so the reader's expectations are the spec's),
 * and our tokens verified by an independent COSE implementation (cose-kit's Sign1 builds the
 * Sig_structure and checks the signature), ES256 and EdDSA, with and without a certificate chain.
 * The COSE_Sign1 is taken apart here and handed to cose-kit's Sign1: its own `coseVerify` decodes
 * through the process's cbor-x, where @owf/mdoc (loaded with our mdoc code) took tag 18.
 */
import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decoder } from 'cbor-x';
import { Sign1 } from 'cose-kit';
import { fixedClock } from '../../src/clock.js';
import { StatusList } from '../../src/formats/status-list/status-list-codec.js';
import { signStatusListCwt, STATUS_LIST_CWT_MEDIA_TYPE } from '../../src/formats/status-list/status-list-cwt.js';
import { buildStatusListTokenPayload } from '../../src/formats/status-list/status-list-token.js';
import type { Signer } from '../../src/keys/signer.js';
import { newSigner } from '../formats/helpers.js';

const URI = 'https://issuer.example/status/7';
const clock = fixedClock(Date.UTC(2026, 0, 1));
const example = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'status-list', 'status-list-cwt-example.json'), 'utf8'),
) as {
  hex: string;
  kid: string;
  sub: string;
  iat: number;
  exp: number;
  ttl: number;
  bits: number;
  lst_hex: string;
};

/** Maps as maps: CWT claims and COSE headers have integer keys. */
const cbor = new Decoder({ mapsAsObjects: false, useRecords: false });
const decode = (bytes: Uint8Array): unknown => cbor.decode(bytes);

interface ReadCwt {
  sign1: Sign1;
  protectedHeader: Map<number, unknown>;
  unprotected: Map<number, unknown>;
  claims: Map<number, unknown>;
}

/** Reads a CWT Status List Token the way §5.2 describes it, checking each MUST it can see without a key. */
function readStatusListCwt(bytes: Uint8Array): ReadCwt {
  // §5.2: a tagged COSE_Sign1: the head 0xd2 is tag 18 (RFC 8949 §3.4), not the CWT tag 61
  // (0xd8 0x3d). Read by hand: @owf/mdoc, loaded with our mdoc code, registers its own cbor-x
  // decoder for tag 18.
  assert.equal(bytes[0], 0xd2, 'tagged COSE_Sign1 (18)');
  const sign1: unknown = decode(bytes.subarray(1));
  assert.ok(Array.isArray(sign1) && sign1.length === 4, 'COSE_Sign1 is an array of four');
  const [protectedBytes, unprotected, payload, signature] = sign1 as [Uint8Array, unknown, Uint8Array, Uint8Array];
  assert.ok(protectedBytes instanceof Uint8Array && payload instanceof Uint8Array && signature instanceof Uint8Array);
  assert.ok(unprotected instanceof Map, 'unprotected header is a map');
  const protectedHeader: unknown = decode(protectedBytes);
  assert.ok(protectedHeader instanceof Map, 'protected header is a map');
  // §5.2: protected `16` (typ) is the media type.
  assert.equal(protectedHeader.get(16), STATUS_LIST_CWT_MEDIA_TYPE);
  const claims: unknown = decode(payload);
  assert.ok(claims instanceof Map, 'claims are a map with integer keys');
  return { sign1: new Sign1(protectedBytes, unprotected, payload, signature), protectedHeader, unprotected, claims };
}

/** The §4.3 StatusList structure: `bits`, and `lst` as the compressed bytes. */
function readList(claims: Map<number, unknown>): { bits: unknown; bytes: Buffer } {
  const list = claims.get(65533);
  assert.ok(list instanceof Map, 'status_list (65533) is a map');
  const lst = list.get('lst');
  assert.ok(lst instanceof Uint8Array, 'lst is a byte string');
  return { bits: list.get('bits'), bytes: inflateSync(lst) };
}

describe('the draft’s CWT example (§5.2)', () => {
  test('reads as a tagged COSE_Sign1 with typ, kid and the claims its annotation shows', () => {
    const { protectedHeader, unprotected, claims } = readStatusListCwt(Buffer.from(example.hex, 'hex'));
    assert.equal(protectedHeader.get(1), -7);
    assert.equal(Buffer.from(unprotected.get(4) as Uint8Array).toString('utf8'), example.kid);
    assert.equal(claims.get(2), example.sub);
    assert.equal(claims.get(6), example.iat);
    assert.equal(claims.get(4), example.exp);
    assert.equal(claims.get(65534), example.ttl);
    const { bits, bytes } = readList(claims);
    assert.equal(bits, example.bits);
    // §4.1's first example: the byte array [0xb9, 0xa3].
    assert.deepEqual([...bytes], [0xb9, 0xa3]);
  });
});

async function ourToken(signer: Signer): Promise<{ bytes: Uint8Array; list: StatusList }> {
  const list = new StatusList(1024, 2);
  list.set(0, 1);
  list.set(513, 2);
  list.set(1023, 3);
  const payload = buildStatusListTokenPayload({
    uri: URI,
    list,
    clock,
    expiresInSeconds: 3600,
    ttlSeconds: 300,
    iss: 'https://issuer.example',
  });
  return { bytes: await signStatusListCwt(payload, signer), list };
}

describe('our CWT Status List Tokens', () => {
  for (const alg of ['ES256', 'EdDSA'] as const) {
    test(`${alg}: cose-kit verifies the signature; the claims are the JWT form's`, async () => {
      const { signer } = await newSigner(alg);
      const { bytes, list } = await ourToken(signer);
      const key = createPublicKey({ key: signer.publicJwk as never, format: 'jwk' });
      const { sign1, protectedHeader, unprotected, claims } = readStatusListCwt(bytes);
      assert.equal(await sign1.verify(key), true);
      assert.equal(protectedHeader.get(1), alg === 'ES256' ? -7 : -8);
      if (alg === 'ES256') {
        // The protected header's bytes are the draft example's, byte for byte.
        const [draft] = decode(Buffer.from(example.hex, 'hex').subarray(1)) as [Uint8Array];
        const [ours] = decode(bytes.subarray(1)) as [Uint8Array];
        assert.equal(Buffer.from(ours).toString('hex'), Buffer.from(draft).toString('hex'));
      }
      assert.equal(Buffer.from(unprotected.get(4) as Uint8Array).toString('utf8'), signer.kid);
      assert.equal(unprotected.has(33), false, 'no x5chain without a certificate');
      const iat = Math.floor(clock.now() / 1000);
      assert.equal(claims.get(1), 'https://issuer.example');
      assert.equal(claims.get(2), URI);
      assert.equal(claims.get(6), iat);
      assert.equal(claims.get(4), iat + 3600);
      assert.equal(claims.get(65534), 300);
      const read = readList(claims);
      assert.equal(read.bits, 2);
      assert.deepEqual([...read.bytes], [...list.toBytes()]);
    });
  }

  test('a tampered claim fails cose-kit’s verification', async () => {
    const { signer } = await newSigner('ES256');
    const { bytes } = await ourToken(signer);
    const tampered = Buffer.from(bytes);
    const at = tampered.indexOf(Buffer.from(URI));
    tampered[at + URI.length - 1] = '8'.charCodeAt(0);
    const key = createPublicKey({ key: signer.publicJwk as never, format: 'jwk' });
    assert.equal(await readStatusListCwt(tampered).sign1.verify(key), false);
  });

  test('a certified signer’s chain goes under x5chain (33), DER, leaf first', async () => {
    const { signer } = await newSigner('ES256');
    const chain = [Buffer.from('leaf certificate').toString('base64'), Buffer.from('intermediate').toString('base64')];
    const { bytes } = await ourToken({ ...signer, x5c: chain, sign: (input) => signer.sign(input) });
    const { unprotected } = readStatusListCwt(bytes);
    const x5chain = unprotected.get(33) as Uint8Array[];
    assert.deepEqual(
      x5chain.map((der) => Buffer.from(der).toString('base64')),
      chain,
    );
    const single = readStatusListCwt((await ourToken({ ...signer, x5c: [chain[0]!], sign: (input) => signer.sign(input) })).bytes);
    assert.equal(
      Buffer.from(single.unprotected.get(33) as Uint8Array).toString('base64'),
      chain[0],
      'one certificate is a bstr (RFC 9360 §2)',
    );
  });
});
