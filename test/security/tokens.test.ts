/**
 * SECURITY.md "Tokens", parsing and validity: malformed compact JWS, strict JSON, time claims.
 * Sent where this service reads a JWS: the issuer-signed JWT of a counter presentation
 * (a verdict), and the holder history token (401).
 */
import {
  b64,
  b64json,
  counter,
  credentialParts,
  history,
  historyToken,
  nowS,
  reissue,
  signRaw,
  type SecurityCase,
} from './support/index.js';
import { runSecurityCases } from './support/run-cases.js';
import type { SecurityFixture } from './support/fixture.js';

/** The fixture credential's JWT split into its three encoded segments. */
const segs = (f: SecurityFixture) => credentialParts(f).jwt.split('.') as [string, string, string];
/** A presentation whose issuer JWT is `jwt` (no KB-JWT: these fail before key binding). */
const asPresentation = (f: SecurityFixture, jwt: string) => counter(f, `${jwt}~${credentialParts(f).disclosures.join('~')}~`);
const withHeader = (f: SecurityFixture, header: string) => asPresentation(f, `${header}.${segs(f)[1]}.${segs(f)[2]}`);
const withPayload = (f: SecurityFixture, payload: string) => asPresentation(f, `${segs(f)[0]}.${payload}.${segs(f)[2]}`);
const headerJson = (f: SecurityFixture) => JSON.stringify(credentialParts(f).header);
const payloadJson = (f: SecurityFixture) => JSON.stringify(credentialParts(f).payload);

/** Re-signed by our issuer with the payload text edited: the signature is fine, the claims are not. */
async function signedPayloadText(f: SecurityFixture, edit: (json: string) => string) {
  return asPresentation(f, await signRaw(f.issuerSigner, credentialParts(f).header, b64(edit(payloadJson(f)))));
}
const setClaim = (name: string, raw: string) => (json: string) =>
  json.replace(/^\{/, `{"${name}":${raw},`).replace(new RegExp(`,"${name}":[^,}]*`), '');

const malformed = (name: string, request: SecurityCase['request']): SecurityCase => ({
  name,
  request,
  status: 200,
  verdict: true,
  code: 'jws_malformed',
});

const cases: SecurityCase[] = [
  // Characters outside base64url, wrong segment count, empty segments, JSON serialisation, JWE.
  malformed('rejects a "+" in the header segment (base64, not base64url)', (f) => withHeader(f, `${segs(f)[0].slice(0, -1)}+`)),
  malformed('rejects a "/" in the payload segment', (f) => withPayload(f, `/${segs(f)[1].slice(1)}`)),
  malformed('rejects "=" padding on a segment', (f) => withPayload(f, `${segs(f)[1]}==`)),
  malformed('rejects a space inside a segment', (f) => withPayload(f, `${segs(f)[1].slice(0, 10)} ${segs(f)[1].slice(10)}`)),
  malformed('rejects a percent-encoded segment', (f) => withHeader(f, `%7B${segs(f)[0].slice(3)}`)),
  malformed('rejects non-canonical base64url (trailing bits set)', (f) => {
    const h = b64json({ ...credentialParts(f).header, p: 'x' });
    const rem = h.length % 4;
    if (rem === 0) return withHeader(f, `${h.slice(0, -1)}`);
    const last = h[h.length - 1]!;
    return withHeader(f, h.slice(0, -1) + (last === 'A' ? 'B' : String.fromCharCode(last.charCodeAt(0) | 1)));
  }),
  malformed('rejects two segments', (f) => asPresentation(f, `${segs(f)[0]}.${segs(f)[1]}`)),
  malformed('rejects four segments', (f) => asPresentation(f, `${credentialParts(f).jwt}.${segs(f)[2]}`)),
  malformed('rejects a JWE (five segments) where a JWS is expected', (f) =>
    asPresentation(
      f,
      `${b64json({ alg: 'RSA-OAEP', enc: 'A256GCM', typ: 'dc+sd-jwt' })}.${b64('k'.repeat(32))}.${b64('iv')}.${segs(f)[1]}.${b64('tag')}`,
    ),
  ),
  malformed('rejects an empty header segment', (f) => withHeader(f, '')),
  malformed('rejects an empty payload segment', (f) => withPayload(f, '')),
  malformed('rejects an empty signature segment (an unsecured JWT)', (f) =>
    asPresentation(f, `${b64json({ alg: 'none', typ: 'dc+sd-jwt' })}.${segs(f)[1]}.`),
  ),
  malformed('rejects the JWS JSON serialisation where compact is expected', (f) =>
    asPresentation(f, JSON.stringify({ protected: segs(f)[0], payload: segs(f)[1], signature: segs(f)[2] })),
  ),
  malformed('rejects the flattened JSON serialisation with leading whitespace', (f) =>
    asPresentation(f, ` {"protected":"${segs(f)[0]}","payload":"${segs(f)[1]}","signature":"${segs(f)[2]}"}`),
  ),
  // Invalid UTF-8, duplicate member names, non-object values.
  malformed('rejects invalid UTF-8 in the header', (f) =>
    withHeader(
      f,
      b64(Buffer.concat([Buffer.from('{"alg":"ES256","typ":"dc+sd-jwt","x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])),
    ),
  ),
  malformed('rejects invalid UTF-8 in the payload', (f) =>
    withPayload(
      f,
      b64(Buffer.concat([Buffer.from(payloadJson(f).slice(0, -1)), Buffer.from(',"x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])),
    ),
  ),
  malformed('rejects an overlong UTF-8 encoding in the payload', (f) =>
    withPayload(
      f,
      b64(Buffer.concat([Buffer.from(payloadJson(f).slice(0, -1)), Buffer.from(',"x":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')])),
    ),
  ),
  malformed('rejects a byte order mark before the header JSON', (f) =>
    withHeader(f, b64(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(headerJson(f))]))),
  ),
  malformed('rejects a header with alg twice', (f) => withHeader(f, b64(headerJson(f).replace(/^\{/, '{"alg":"none",')))),
  malformed('rejects a header with typ twice', (f) => withHeader(f, b64(headerJson(f).replace(/\}$/, ',"typ":"dc+sd-jwt"}')))),
  malformed('rejects a payload with iss twice', (f) =>
    withPayload(f, b64(payloadJson(f).replace(/^\{/, '{"iss":"https://evil.example",'))),
  ),
  malformed('rejects a duplicate member hidden by a \\u escape', (f) =>
    withPayload(f, b64(payloadJson(f).replace(/^\{/, '{"\\u0069ss":"https://evil.example",'))),
  ),
  malformed('rejects a duplicate member nested inside cnf', (f) =>
    withPayload(f, b64(payloadJson(f).replace('"cnf":{', '"cnf":{"jwk":{},'))),
  ),
  malformed('rejects a payload that is a JSON array', (f) => withPayload(f, b64json([credentialParts(f).payload]))),
  malformed('rejects a payload that is a JSON string', (f) => withPayload(f, b64json('iss'))),
  malformed('rejects a payload that is JSON null', (f) => withPayload(f, b64('null'))),
  malformed('rejects a payload that is not JSON at all', (f) => withPayload(f, b64('{iss: "x"}'))),
  malformed('rejects a header that is a JSON array', (f) => withHeader(f, b64json([credentialParts(f).header]))),
  malformed('rejects a header without alg', (f) => withHeader(f, b64json({ typ: 'dc+sd-jwt', kid: credentialParts(f).header.kid }))),
  malformed('rejects a header whose alg is not a string', (f) => withHeader(f, b64json({ ...credentialParts(f).header, alg: ['ES256'] }))),
  malformed('rejects a header whose kid is not a string', (f) =>
    withHeader(f, b64json({ ...credentialParts(f).header, kid: { $ne: null } })),
  ),
  malformed('rejects a payload nested 10,000 deep', (f) => withPayload(f, b64(`{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`))),
  {
    name: 'rejects a crit header parameter',
    request: (f) => withHeader(f, b64json({ ...credentialParts(f).header, crit: ['exp'] })),
    status: 200,
    verdict: true,
    code: 'jws_crit_unsupported',
  },
  {
    name: 'rejects an unencoded payload (b64: false)',
    request: (f) => withHeader(f, b64json({ ...credentialParts(f).header, b64: false })),
    status: 200,
    verdict: true,
    code: 'jws_b64_unsupported',
  },
  // Non-numeric or non-finite exp / nbf / iat, signed by our issuer so only the claim is wrong.
  {
    name: 'rejects exp given as a string',
    request: (f) => signedPayloadText(f, setClaim('exp', `"${nowS() + 3600}"`)),
    status: 200,
    verdict: true,
    code: 'jwt_time_claim_invalid',
  },
  {
    // I-JSON (RFC 7493 §2.2): the token parser refuses the number before any claim is read.
    name: 'rejects a payload whose exp overflows to Infinity (1e400)',
    request: (f) => signedPayloadText(f, setClaim('exp', '1e400')),
    status: 200,
    verdict: true,
    code: 'jws_malformed',
  },
  {
    name: 'rejects exp null',
    request: (f) => signedPayloadText(f, setClaim('exp', 'null')),
    status: 200,
    verdict: true,
    code: 'jwt_time_claim_invalid',
  },
  {
    name: 'rejects nbf given as a boolean',
    request: (f) => signedPayloadText(f, setClaim('nbf', 'true')),
    status: 200,
    verdict: true,
    code: 'jwt_time_claim_invalid',
  },
  {
    // I-JSON (RFC 7493 §2.2): the token parser refuses the number before any claim is read.
    name: 'rejects a payload whose nbf is -Infinity (-1e400)',
    request: (f) => signedPayloadText(f, setClaim('nbf', '-1e400')),
    status: 200,
    verdict: true,
    code: 'jws_malformed',
  },
  {
    name: 'rejects iat given as an object',
    request: (f) => signedPayloadText(f, setClaim('iat', '{"n":1}')),
    status: 200,
    verdict: true,
    code: 'jwt_time_claim_invalid',
  },
  // Expired, not yet valid, issued in the future beyond the allowed skew.
  {
    name: 'rejects an expired credential',
    request: async (f) =>
      asPresentation(
        f,
        await reissue(f, (_h, p) => {
          p.exp = nowS() - 3600;
        }),
      ),
    status: 200,
    verdict: true,
    code: 'jwt_expired',
  },
  {
    name: 'rejects a credential expired just beyond the skew',
    request: async (f) =>
      asPresentation(
        f,
        await reissue(f, (_h, p) => {
          p.exp = nowS() - 62;
        }),
      ),
    status: 200,
    verdict: true,
    code: 'jwt_expired',
  },
  {
    name: 'rejects a credential not yet valid (nbf in an hour)',
    request: async (f) =>
      asPresentation(
        f,
        await reissue(f, (_h, p) => {
          p.nbf = nowS() + 3600;
        }),
      ),
    status: 200,
    verdict: true,
    code: 'jwt_not_yet_valid',
  },
  {
    name: 'rejects a credential issued in the future beyond the skew',
    request: async (f) =>
      asPresentation(
        f,
        await reissue(f, (_h, p) => {
          p.iat = nowS() + 600;
        }),
      ),
    status: 200,
    verdict: true,
    code: 'jwt_iat_in_future',
  },
  // The holder history token: the same parser, answered with 401.
  {
    name: 'history: rejects a token with characters outside base64url',
    request: () => ({ method: 'GET', url: '/v1/wallet/history', headers: { authorization: 'Bearer eyJ+.e30.c2ln' } }),
    status: 401,
    code: 'history_token_invalid',
  },
  {
    name: 'history: rejects a token with two segments',
    request: async (f) => history((await historyToken(f)).split('.').slice(0, 2).join('.')),
    status: 401,
    code: 'jws_malformed',
  },
  {
    name: 'history: rejects a token with an empty signature',
    request: async (f) => history(`${(await historyToken(f)).split('.').slice(0, 2).join('.')}.`),
    status: 401,
    code: 'jws_malformed',
  },
  {
    name: 'history: rejects duplicate member names in the header',
    request: async (f) => {
      const [, p, s] = (await historyToken(f)).split('.');
      return history(
        `${b64(`{"typ":"dproof-history+jwt","alg":"ES256","alg":"none","jwk":${JSON.stringify(f.holder.publicJwk)}}`)}.${p}.${s}`,
      );
    },
    status: 401,
    code: 'jws_malformed',
  },
  {
    name: 'history: rejects a payload that is an array',
    request: async (f) => {
      const [h, , s] = (await historyToken(f)).split('.');
      return history(`${h}.${b64('[]')}.${s}`);
    },
    status: 401,
    code: 'jws_malformed',
  },
  {
    name: 'history: rejects iat as a string',
    request: async (f) => history(await historyToken(f, { payload: { iat: String(nowS()) } })),
    status: 401,
    code: 'jwt_time_claim_invalid',
  },
  {
    name: 'history: rejects exp in the past',
    request: async (f) => history(await historyToken(f, { payload: { exp: nowS() - 3600 } })),
    status: 401,
    code: 'history_token_invalid',
  },
  {
    name: 'history: rejects iat in the future',
    request: async (f) => history(await historyToken(f, { payload: { iat: nowS() + 600 } })),
    status: 401,
    code: 'jwt_iat_in_future',
  },
  {
    name: 'history: rejects a stale iat',
    request: async (f) => history(await historyToken(f, { payload: { iat: nowS() - 3600 } })),
    status: 401,
    code: 'jwt_iat_too_old',
  },
  {
    name: 'history: rejects a token without iat',
    request: async (f) => {
      const tok = await historyToken(f, { payload: { iat: null } });
      return history(tok);
    },
    status: 401,
    code: 'jwt_time_claim_invalid',
  },
];

runSecurityCases('Tokens: parsing and validity', cases);
