/**
 * The mdoc parse check on hostile CBOR (issue 16, SECURITY.md "Tokens"): our own walk refuses
 * each kind with its code before @owf/mdoc decodes anything; and the OpenID4VP 1.0 Annex B.2.6.1
 * (redirect) and B.2.6.2 (Digital Credentials API) SessionTranscripts match the spec's example bytes.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mdocVerification } from '../../../src/formats/mdoc/verification-adapter.js';
import { openId4VpSessionTranscript } from '../../../src/formats/mdoc/verify-device-signature.js';
import { checkCborLimits, MAX_BYTES } from '../../../src/formats/mdoc/check-cbor-limits.js';
import { toJsonValue } from '../../../src/formats/mdoc/parse-element-value.js';
import { cborDecode, DateOnly } from '@owf/mdoc';
import { calculateJwkThumbprint } from 'jose';
import { openId4VpHandover } from '../../../src/formats/mdoc/build-device-authentication.js';

const b64u = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');
const refusal = (text: string): string | undefined => {
  try {
    mdocVerification.parsePresentation(text);
    return undefined;
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe('the mdoc parse check', () => {
  it('does not take a JWT or an SD-JWT for a DeviceResponse', () => {
    assert.equal(mdocVerification.parsePresentation('eyJhbGciOiJFUzI1NiJ9.e30.c2ln'), undefined);
    assert.equal(mdocVerification.parsePresentation('eyJhbGciOiJFUzI1NiJ9.e30.c2ln~'), undefined);
    assert.equal(mdocVerification.parsePresentation('not base64url!'), undefined);
  });

  it('refuses indefinite lengths', () => {
    assert.equal(refusal(b64u('bf616101ff')), 'mdoc_cbor_indefinite_length');
    assert.equal(refusal(b64u('a1616181' + '5f41004100ff')), 'mdoc_cbor_indefinite_length');
  });

  it('refuses a map with the same key twice', () => {
    assert.equal(refusal(b64u('a2616101616102')), 'mdoc_cbor_duplicate_key');
    assert.equal(refusal(b64u('a16161d81847a2616101616102')), 'mdoc_cbor_duplicate_key');
  });

  it('refuses tags other than tdate, full-date and embedded CBOR', () => {
    assert.equal(refusal(b64u('a16161c100')), 'mdoc_cbor_unexpected_tag'); // epoch time
    assert.equal(refusal(b64u('a16161d2840000f600')), 'mdoc_cbor_unexpected_tag'); // tagged COSE_Sign1 (18)
    assert.equal(refusal(b64u('a16161d9d9f700')), 'mdoc_cbor_unexpected_tag'); // self-described CBOR
  });

  it('refuses huge maps and arrays from their header, before reading their entries', () => {
    assert.equal(refusal(b64u('b90800')), 'mdoc_cbor_too_wide');
    assert.equal(refusal(b64u('9a7fffffff')), 'mdoc_cbor_too_wide');
    assert.equal(refusal(b64u('5bffffffffffffffff')), 'mdoc_cbor_too_wide'); // a byte string longer than the input
  });

  it('refuses deep nesting, counting embedded CBOR', () => {
    assert.equal(refusal(b64u('81'.repeat(30) + '00')), 'mdoc_cbor_too_deep');
    assert.equal(refusal(b64u('81'.repeat(20) + 'd81846' + '81'.repeat(5) + '00')), 'mdoc_cbor_too_deep');
  });

  it('refuses inputs over the size cap and floods of small items', () => {
    const big = Buffer.concat([Buffer.from('5a00032000', 'hex'), Buffer.alloc(0x32000)]);
    assert.ok(big.length > MAX_BYTES);
    assert.equal(refusal(big.toString('base64url')), 'mdoc_cbor_too_large');
    const many = Buffer.concat([
      Buffer.from('9903e8', 'hex'),
      ...Array.from({ length: 1000 }, () => Buffer.from('9903e8' + '00'.repeat(1000), 'hex')),
    ]);
    assert.equal(refusal(many.toString('base64url')), 'mdoc_cbor_too_large');
  });

  it('refuses truncated CBOR, bytes after it, reserved encodings and text that is not UTF-8', () => {
    assert.equal(refusal(b64u('a26161')), 'mdoc_cbor_malformed');
    assert.equal(refusal(b64u('a000')), 'mdoc_cbor_malformed');
    assert.equal(refusal(b64u('1c')), 'mdoc_cbor_malformed');
    assert.equal(refusal(b64u('a161ff00')), 'mdoc_cbor_malformed');
    assert.equal(refusal(b64u('a16161d81801')), 'mdoc_cbor_malformed'); // #6.24 of an integer
    assert.equal(refusal(b64u('a16161d81842a000')), 'mdoc_cbor_malformed'); // #6.24 with bytes after its item
  });

  it('takes a string cut off by the end of the input for truncation, not for a string too wide', () => {
    assert.equal(refusal(b64u('a1616158ff' + '00'.repeat(16))), 'mdoc_cbor_malformed'); // 255 bytes declared, 16 left
    assert.equal(refusal(b64u('a16161' + '7a00001000' + '61'.repeat(8))), 'mdoc_cbor_malformed'); // text, 4096 declared
    assert.equal(refusal(b64u('a16161d8185a00001000a0')), 'mdoc_cbor_malformed'); // #6.24 whose bytes run past the end
  });

  it('refuses well-formed CBOR that is not a DeviceResponse', () => {
    assert.equal(refusal(b64u('a1616101')), 'mdoc_malformed');
    assert.equal(refusal(b64u('a26776657273696f6e63312e306673746174757300')), 'mdoc_document_count');
  });

  it("refuses a DeviceResponse reporting the wallet's error (status 10, 11, 12) as that, and a status ISO does not define as malformed", () => {
    const withStatus = (hex: string) => b64u('a26776657273696f6e63312e30667374617475' + '73' + hex);
    for (const s of ['0a', '0b', '0c']) assert.equal(refusal(withStatus(s)), 'mdoc_device_response_error', s);
    for (const s of ['01', '0d', '1863', '20']) assert.equal(refusal(withStatus(s)), 'mdoc_malformed', s);
  });
});

describe('the text of a tdate (tag 0) and a full-date (tag 1004)', () => {
  const textHex = (t: string) =>
    (t.length < 24 ? (0x60 + t.length).toString(16) : '78' + t.length.toString(16)) + Buffer.from(t).toString('hex');
  const tagged = (tagHex: string, t: string) => Buffer.from('a16161' + tagHex + textHex(t), 'hex');
  const code = (bytes: Uint8Array): string | undefined => {
    try {
      checkCborLimits(bytes);
      return undefined;
    } catch (e) {
      return (e as { code: string }).code;
    }
  };

  it('takes RFC 3339 date-times, fractions, offsets and a leap second', () => {
    for (const t of ['2026-01-02T03:04:05Z', '2024-02-29T23:59:60Z', '2026-01-02T03:04:05.123Z', '2026-01-02T12:04:05+09:00'])
      assert.equal(code(tagged('c0', t)), undefined, t);
  });

  it('refuses a tdate that is not an RFC 3339 date-time (RFC 8949 §3.4.1, RFC 4287 §3.3)', () => {
    for (const t of [
      'not a date',
      '2026-01-02',
      '2026-01-02t03:04:05z',
      '2026-01-02 03:04:05Z',
      '2026-01-02T03:04:05',
      '2026-01-02T24:00:00Z',
      '2026-01-02T03:60:00Z',
      '2025-02-29T00:00:00Z',
      '2026-01-02T03:04:05+0900',
      '2026-01-02T03:04:05.Z',
      '+02026-01-02T03:04:05Z',
    ])
      assert.equal(code(tagged('c0', t)), 'mdoc_malformed', t);
    assert.equal(code(Buffer.from('a16161c000', 'hex')), 'mdoc_malformed'); // 0(0): no text at all
  });

  it('refuses a full-date that is not an RFC 3339 full-date (RFC 8943 §2)', () => {
    for (const t of ['1990-03-01', '2000-02-29']) assert.equal(code(tagged('d903ec', t)), undefined, t);
    for (const t of ['1990-02-30', '1900-02-29', '1990-13-01', '1990-3-1', '1990-03-01T00:00:00Z'])
      assert.equal(code(tagged('d903ec', t)), 'mdoc_malformed', t);
    assert.equal(code(Buffer.from('a16161d903ec1a00bc614e', 'hex')), 'mdoc_malformed'); // 1004(12345678)
  });

  it('refuses a map key that is neither text nor an integer, and takes integer keys (COSE, DigestIDs)', () => {
    assert.equal(code(Buffer.from('a1410001', 'hex')), 'mdoc_malformed'); // { h'00': 1 }
    assert.equal(code(Buffer.from('a1f401', 'hex')), 'mdoc_malformed'); // { false: 1 }
    assert.equal(code(Buffer.from('a18000', 'hex')), 'mdoc_malformed'); // { []: 0 }
    assert.equal(code(Buffer.from('a2012620f6', 'hex')), undefined); // { 1: -7, -1: null }
  });
});

describe('element values as JSON', () => {
  it('reads bytes, tdate, full-date and maps, and refuses dates that are no dates and maps with other keys', () => {
    assert.equal(toJsonValue(Uint8Array.of(0xff, 0xd8)), '_9g');
    assert.equal(toJsonValue(new Date('2026-01-02T03:04:05Z')), '2026-01-02T03:04:05.000Z');
    assert.equal(toJsonValue(new DateOnly('1990-03-01')), '1990-03-01');
    assert.deepEqual(toJsonValue(new Map([['vehicle_category_code', 'B']])), { vehicle_category_code: 'B' });
    assert.throws(() => toJsonValue(new Date('not a date')), { code: 'mdoc_malformed' });
    assert.throws(() => toJsonValue(new Map([[1, 'x']])), { code: 'mdoc_malformed' });
    assert.throws(() => toJsonValue(new Map([['__proto__', 'x']])), { code: 'mdoc_malformed' });
    assert.throws(() => toJsonValue(Number.NaN), { code: 'mdoc_malformed' });
  });
});

describe('the OpenID4VP SessionTranscript (Annex B.2.6.1)', () => {
  it("matches the spec's example bytes", () => {
    const st = openId4VpSessionTranscript({
      clientId: 'x509_san_dns:example.com',
      nonce: 'exc7gBkxjx1rdc9udRrveKvSsJIq80avlXeLHhGwqtA',
      jwkThumbprint: Buffer.from('4283ec927ae0f208daaa2d026a814f2b22dca52cf85ffa8f3f8626c6bd669047', 'hex'),
      responseUri: 'https://example.com/response',
    });
    assert.equal(
      Buffer.from(st).toString('hex'),
      '83f6f682714f70656e494434565048616e646f7665725820048bc053c00442af9b8eed494cefdd9d95240d254b046b11b68013722aad38ac',
    );
  });
});

describe('the OpenID4VP SessionTranscript over the Digital Credentials API (Annex B.2.6.2)', () => {
  // The spec's example: origin https://example.com, its nonce, and the SHA-256 JWK thumbprint of its example key.
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    x: 'DxiH5Q4Yx3UrukE2lWCErq8N8bqC9CHLLrAwLz5BmE0',
    y: 'XtLM4-3h5o3HUH0MHVJV0kyq0iBlrBwlh8qEDMZ4-Pc',
    use: 'enc',
    alg: 'ECDH-ES',
    kid: '1',
  } as const;
  const nonce = 'exc7gBkxjx1rdc9udRrveKvSsJIq80avlXeLHhGwqtA';

  it("matches the spec's example bytes: OpenID4VPDCAPIHandoverInfo, the handover and the SessionTranscript", async () => {
    const jkt = Buffer.from(await calculateJwkThumbprint(jwk, 'sha256'), 'base64url');
    assert.equal(jkt.toString('hex'), '4283ec927ae0f208daaa2d026a814f2b22dca52cf85ffa8f3f8626c6bd669047');
    const handover = openId4VpHandover({ origin: 'https://example.com', nonce, jwkThumbprint: jkt });
    assert.equal(handover.name, 'OpenID4VPDCAPIHandover');
    assert.equal(
      Buffer.from(handover.info).toString('hex'),
      '837368747470733a2f2f6578616d706c652e636f6d782b6578633767426b786a7831726463397564527276654b7653734a4971383061766c58654c4868477771744158204283ec927ae0f208daaa2d026a814f2b22dca52cf85ffa8f3f8626c6bd669047',
    );
    assert.equal(
      Buffer.from(openId4VpSessionTranscript({ origin: 'https://example.com', nonce, jwkThumbprint: jkt })).toString('hex'),
      '83f6f682764f70656e4944345650444341504948616e646f7665725820fbece366f4212f9762c74cfdbf83b8c69e371d5d68cea09cb4c48ca6daab761a',
    );
  });

  it('puts null where dc_api has no encryption key, and the origin bare (no origin: prefix)', () => {
    const plain = openId4VpHandover({ origin: 'https://example.com', nonce });
    assert.deepEqual(cborDecode(plain.info), ['https://example.com', nonce, null]);
    assert.notEqual(
      Buffer.from(openId4VpSessionTranscript({ origin: 'https://example.com', nonce })).toString('hex'),
      Buffer.from(openId4VpSessionTranscript({ origin: 'https://other.example', nonce })).toString('hex'),
    );
  });
});
