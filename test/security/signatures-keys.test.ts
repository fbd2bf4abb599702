/**
 * SECURITY.md "Tokens", signatures and keys: the alg allow-list, HS256 with a public key as the
 * secret, keys and URLs named in headers (never trusted, never fetched), opaque `kid`, ECDSA
 * r / s out of range and DER signatures. Issuer JWTs go through the counter verifier (a
 * verdict); holder history tokens are answered with 401.
 */
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { generateHolderKey } from '../../src/wallet/holder-key.js';
import {
  b64,
  b64json,
  counter,
  credentialParts,
  derSignature,
  fromB64,
  history,
  historyToken,
  P256_N,
  readRs,
  reissue,
  rsSignature,
  signRaw,
  type JsonObj,
  type SecurityCase,
} from './support/index.js';
import { runSecurityCases } from './support/run-cases.js';
import type { SecurityFixture } from './support/fixture.js';

const sdOf = (f: SecurityFixture, jwt: string) => counter(f, `${jwt}~${credentialParts(f).disclosures.join('~')}~`);
const segs = (f: SecurityFixture) => credentialParts(f).jwt.split('.') as [string, string, string];
/** The real header and payload with another signature. */
const withSig = (f: SecurityFixture, sig: string) => sdOf(f, `${segs(f)[0]}.${segs(f)[1]}.${sig}`);
/** The real payload and signature under another header (alg checked before any crypto). */
const withHeader = (f: SecurityFixture, header: JsonObj) => sdOf(f, `${b64json(header)}.${segs(f)[1]}.${segs(f)[2]}`);
const algCase = (alg: string): SecurityCase => ({
  name: `rejects alg ${JSON.stringify(alg)} before any crypto`,
  request: (f) => withHeader(f, { ...credentialParts(f).header, alg }),
  status: 200,
  verdict: true,
  code: 'jws_alg_not_allowed',
});
const kidCase = (what: string, kid: (f: SecurityFixture) => string): SecurityCase => ({
  name: `treats kid as an opaque lookup key: ${what} matches nothing`,
  request: async (f) =>
    sdOf(
      f,
      await reissue(f, (h) => {
        h.kid = kid(f);
      }),
    ),
  status: 200,
  verdict: true,
  code: 'jws_key_not_found',
});
/** Signed by an attacker key, with header members of the attacker's choosing. */
async function attackerSigned(
  f: SecurityFixture,
  header: (attackerJwk: JWK, attackerKid: string) => JsonObj,
  payload?: (p: JsonObj) => void,
) {
  const attacker = await generateHolderKey();
  const p = { ...credentialParts(f).payload };
  payload?.(p);
  return sdOf(f, await signRaw(attacker.signer, { typ: 'dc+sd-jwt', alg: 'ES256', ...header(attacker.publicJwk, attacker.signer.kid) }, p));
}
const noFetch = (_res: unknown, f: SecurityFixture) => assert.equal(f.canary.hits, 0, 'a URL from a token was fetched');
const hmac = (secret: string | Buffer, f: SecurityFixture) => {
  const h = b64json({ alg: 'HS256', typ: 'dc+sd-jwt', kid: credentialParts(f).header.kid });
  return `${h}.${segs(f)[1]}.${b64(
    createHmac('sha256', secret)
      .update(`${h}.${segs(f)[1]}`)
      .digest(),
  )}`;
};
const historySig =
  (sig: (s: string) => string): SecurityCase['request'] =>
  async (f) => {
    const [h, p, s] = (await historyToken(f)).split('.');
    return history(`${h}.${p}.${sig(s!)}`);
  };

const cases: SecurityCase[] = [
  ...[
    'none',
    'None',
    'NONE',
    'nOnE',
    'HS256',
    'HS384',
    'HS512',
    'RS256',
    'PS256',
    'ES384',
    'ES512',
    'ES256K',
    'es256',
    'ES256 ',
    'Ed25519',
    '',
  ].map(algCase),
  {
    name: 'rejects an HS256 token MACed with the issuer public JWK as the secret',
    request: (f) => sdOf(f, hmac(JSON.stringify(f.issuerSigner.publicJwk), f)),
    status: 200,
    verdict: true,
    code: 'jws_alg_not_allowed',
  },
  {
    name: 'rejects an HS256 token MACed with the issuer public key PEM as the secret',
    request: async (f) => {
      const { createPublicKey } = await import('node:crypto');
      const pem = createPublicKey({ key: f.issuerSigner.publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      return sdOf(f, hmac(pem, f));
    },
    status: 200,
    verdict: true,
    code: 'jws_alg_not_allowed',
  },
  {
    name: 'rejects EdDSA on a token whose kid names our ES256 key (one key, one alg)',
    request: (f) => withHeader(f, { ...credentialParts(f).header, alg: 'EdDSA' }),
    status: 200,
    verdict: true,
    code: 'jws_key_alg_mismatch',
  },
  // Keys and URLs in the header are never trusted or fetched.
  {
    name: 'ignores a jwk header: attacker key, no kid',
    request: (f) => attackerSigned(f, (jwk) => ({ jwk: jwk as JsonObj })),
    status: 200,
    verdict: true,
    code: 'jws_key_not_found',
  },
  {
    name: 'ignores a jwk header: attacker key named by its own kid',
    request: (f) => attackerSigned(f, (jwk, kid) => ({ jwk: jwk as JsonObj, kid })),
    status: 200,
    verdict: true,
    code: 'jws_key_not_found',
  },
  {
    name: 'ignores a jwk header next to our kid: the signature is checked with our key',
    request: (f) => attackerSigned(f, (jwk) => ({ jwk: jwk as JsonObj, kid: f.issuerSigner.kid })),
    status: 200,
    verdict: true,
    code: 'jws_signature_invalid',
  },
  {
    // HAIP §6.1.1: an x5c is the issuer key only through a chain to a configured anchor; it is
    // never taken as it stands, and a kid beside it does not rescue it (issuer-x5c.test.ts has the
    // well-formed chains from an untrusted CA).
    name: 'does not trust an x5c header next to our kid: checked as a chain, refused',
    request: (f) => attackerSigned(f, () => ({ x5c: [b64('not a certificate')], kid: f.issuerSigner.kid })),
    status: 200,
    verdict: true,
    code: 'issuer_certificate_invalid',
  },
  {
    name: 'never fetches a jku header (SSRF)',
    request: (f) => attackerSigned(f, (_j, kid) => ({ jku: `${f.canary.url}/jwks.json`, kid })),
    status: 200,
    verdict: true,
    code: 'jws_key_not_found',
    check: noFetch,
  },
  {
    name: 'never fetches an x5u header (SSRF)',
    request: (f) => attackerSigned(f, (_j, kid) => ({ x5u: `${f.canary.url}/cert.pem`, kid })),
    status: 200,
    verdict: true,
    code: 'jws_key_not_found',
    check: noFetch,
  },
  {
    name: 'never fetches metadata of an issuer not on the trust list (SSRF)',
    request: (f) =>
      attackerSigned(
        f,
        (_j, kid) => ({ jku: `${f.canary.url}/jwks.json`, kid }),
        (p) => {
          p.iss = f.canary.url;
        },
      ),
    status: 200,
    verdict: true,
    code: 'untrusted_issuer',
    check: noFetch,
  },
  {
    name: 'never fetches a status list on another origin than its issuer (SSRF)',
    request: async (f) =>
      sdOf(
        f,
        await reissue(f, (_h, p) => {
          p.status = { status_list: { idx: 1, uri: `${f.canary.url}/status/1` } };
        }),
      ),
    status: 200,
    verdict: true,
    code: 'status_list_uri_untrusted',
    check: noFetch,
  },
  // kid is an opaque lookup key.
  kidCase('a path', () => '../../keys/active.json'),
  kidCase('a file URL', () => 'file:///etc/passwd'),
  kidCase('SQL', () => "' OR '1'='1' --"),
  kidCase('SQL with a semicolon', () => "x'; DROP TABLE signing_keys; --"),
  kidCase('a 10 kB string', () => 'k'.repeat(10_240)),
  kidCase('a NUL byte after our kid', (f) => `${f.issuerSigner.kid}\u0000`),
  kidCase('our kid with a trailing space', (f) => `${f.issuerSigner.kid} `),
  kidCase('our kid upper-cased', (f) => f.issuerSigner.kid.toUpperCase()),
  kidCase('a wildcard', () => '*'),
  kidCase('a LIKE pattern', () => '%'),
  kidCase('an empty string', () => ''),
  // ECDSA r, s out of range; DER; wrong lengths; another token's signature.
  {
    name: 'rejects r = 0',
    request: (f) => withSig(f, rsSignature(0n, readRs(segs(f)[2]).s)),
    status: 200,
    verdict: true,
    code: 'jws_signature_invalid',
  },
  {
    name: 'rejects s = 0',
    request: (f) => withSig(f, rsSignature(readRs(segs(f)[2]).r, 0n)),
    status: 200,
    verdict: true,
    code: 'jws_signature_invalid',
  },
  {
    name: 'rejects r = n',
    request: (f) => withSig(f, rsSignature(P256_N, readRs(segs(f)[2]).s)),
    status: 200,
    verdict: true,
    code: 'jws_signature_invalid',
  },
  {
    name: 'rejects s = n',
    request: (f) => withSig(f, rsSignature(readRs(segs(f)[2]).r, P256_N)),
    status: 200,
    verdict: true,
    code: 'jws_signature_invalid',
  },
  {
    name: 'rejects r + n (the same r modulo n, above n)',
    request: (f) => {
      const { r, s } = readRs(segs(f)[2]);
      return r + P256_N < 2n ** 256n ? withSig(f, rsSignature(r + P256_N, s)) : withSig(f, rsSignature(2n ** 256n - 1n, s));
    },
    status: 200,
    verdict: true,
    code: 'jws_signature_invalid',
  },
  {
    name: 'rejects an all-zero signature',
    request: (f) => withSig(f, b64(Buffer.alloc(64))),
    status: 200,
    verdict: true,
    code: 'jws_signature_invalid',
  },
  {
    name: 'rejects an all-0xff signature',
    request: (f) => withSig(f, b64(Buffer.alloc(64, 0xff))),
    status: 200,
    verdict: true,
    code: 'jws_signature_invalid',
  },
  {
    name: 'rejects the valid signature DER-encoded',
    request: (f) => withSig(f, derSignature(segs(f)[2])),
    status: 200,
    verdict: true,
    code: 'jws_signature_invalid',
  },
  {
    name: 'rejects a signature cut to 63 bytes',
    request: (f) => withSig(f, b64(fromB64(segs(f)[2]).subarray(0, 63))),
    status: 200,
    verdict: true,
    code: 'jws_signature_invalid',
  },
  {
    name: 'rejects a signature padded to 65 bytes',
    request: (f) => withSig(f, b64(Buffer.concat([fromB64(segs(f)[2]), Buffer.from([0])]))),
    status: 200,
    verdict: true,
    code: 'jws_signature_invalid',
  },
  {
    name: 'rejects the signature of another token',
    request: async (f) =>
      withSig(
        f,
        (
          await reissue(f, (_h, p) => {
            p.x = 1;
          })
        ).split('.')[2]!,
      ),
    status: 200,
    verdict: true,
    code: 'jws_signature_invalid',
  },
  {
    name: 'rejects a payload changed after signing',
    request: (f) => sdOf(f, `${segs(f)[0]}.${b64json({ ...credentialParts(f).payload, exp: 4102444800 })}.${segs(f)[2]}`),
    status: 200,
    verdict: true,
    code: 'jws_signature_invalid',
  },
  {
    name: 'rejects a header member added after signing',
    request: (f) => withHeader(f, { ...credentialParts(f).header, x5t: 'AAAA' }),
    status: 200,
    verdict: true,
    code: 'jws_signature_invalid',
  },
  // The history token: a holder-held key, checked the same way.
  { name: 'history: rejects a DER-encoded signature', request: historySig(derSignature), status: 401, code: 'jws_signature_invalid' },
  { name: 'history: rejects r = 0', request: historySig((s) => rsSignature(0n, readRs(s).s)), status: 401, code: 'jws_signature_invalid' },
  {
    name: 'history: rejects s = n',
    request: historySig((s) => rsSignature(readRs(s).r, P256_N)),
    status: 401,
    code: 'jws_signature_invalid',
  },
  {
    name: 'history: rejects a token signed by a key other than its jwk',
    request: async (f) => history(await historyToken(f, { signer: (await generateHolderKey()).signer })),
    status: 401,
    code: 'jws_signature_invalid',
  },
  {
    name: 'history: rejects alg none',
    request: async (f) => history(await historyToken(f, { header: { alg: 'none' } })),
    status: 401,
    code: 'jws_alg_not_allowed',
  },
  {
    name: 'history: rejects HS256',
    request: async (f) => history(await historyToken(f, { header: { alg: 'HS256' } })),
    status: 401,
    code: 'jws_alg_not_allowed',
  },
  {
    name: 'history: rejects EdDSA over an EC key',
    request: async (f) => history(await historyToken(f, { header: { alg: 'EdDSA' } })),
    status: 401,
    code: 'jws_alg_not_allowed',
  },
  {
    name: 'history: rejects a jwk with private members',
    request: async (f) => history(await historyToken(f, { header: { jwk: f.holder.privateJwk as JsonObj } })),
    status: 401,
    code: 'history_token_invalid',
  },
  {
    name: 'history: rejects a symmetric jwk',
    request: async (f) => history(await historyToken(f, { header: { jwk: { kty: 'oct', k: b64('secret') } } })),
    status: 401,
    code: 'history_token_invalid',
  },
  {
    name: 'history: rejects a P-384 jwk',
    request: async (f) =>
      history(
        await historyToken(f, {
          header: { jwk: generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }) as JsonObj },
        }),
      ),
    status: 401,
    code: 'history_token_invalid',
  },
  {
    name: 'history: rejects cnf.jkt of another key',
    request: async (f) => history(await historyToken(f, { payload: { cnf: { jkt: (await generateHolderKey()).signer.kid } } })),
    status: 401,
    code: 'history_token_cnf_mismatch',
  },
  {
    name: 'history: rejects another aud',
    request: async (f) => history(await historyToken(f, { payload: { aud: 'https://evil.example/v1/wallet/history' } })),
    status: 401,
    code: 'history_token_aud_mismatch',
  },
  {
    name: 'history: rejects a short jti',
    request: async (f) => history(await historyToken(f, { payload: { jti: 'abc' } })),
    status: 401,
    code: 'history_token_jti_invalid',
  },
  {
    name: 'history: rejects the same token twice',
    request: async (f) => {
      const tok = await historyToken(f);
      assert.equal((await f.t.app.inject(history(tok))).statusCode, 200);
      return history(tok);
    },
    status: 401,
    code: 'history_token_reused',
  },
];

runSecurityCases('Tokens: signatures and keys', cases);
