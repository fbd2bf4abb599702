import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { ES256, digest } from '@sd-jwt/crypto-nodejs';
import { jwtVerify, createLocalJWKSet, decodeProtectedHeader, type JWK } from 'jose';
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { parseSdJwt } from '../../src/formats/sd-jwt/parse-sd-jwt.js';
import { parseCompactJws } from '../../src/formats/jose/parse-compact-jws.js';
import { verifySdJwtVc } from '../../src/formats/sd-jwt-vc/verify-sd-jwt-vc.js';

const holderJwk = () => {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as JWK;
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
};

/** Counts every digest in `_sd` arrays and `...` array entries of the signed payload. */
function countDigests(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + (x && typeof x === 'object' && '...' in x ? 1 : countDigests(x)), 0);
  if (v && typeof v === 'object') {
    return Object.entries(v).reduce((n, [k, x]) => n + (k === '_sd' ? (x as unknown[]).length : countDigests(x)), 0);
  }
  return 0;
}

for (const backend of storeTargets()) {
  describe(`POST /v1/credentials on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    let jwks: { keys: JWK[] };
    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true });
      issuerKey = await t.apiKey('issuer');
      jwks = t.runtime.keys.jwks();
    });
    afterAll(() => t.close());

    const issue = (body: unknown, key = issuerKey) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/credentials',
        headers: { authorization: `Bearer ${key}` },
        payload: body as Record<string, unknown>,
      });

    const theirVerifier = () =>
      new SDJwtVcInstance({
        hasher: digest,
        verifier: async (data, sig) => {
          const { kid } = decodeProtectedHeader(`${data}.${sig}`);
          const jwk = jwks.keys.find((k) => k.kid === kid) as JWK;
          return (await ES256.getVerifier(jwk))(data, sig);
        },
      });

    it('issues every catalogue type as SD-JWT VC that the OpenWallet Foundation verifier accepts with the same claims', async () => {
      for (const type of t.runtime.catalog.types) {
        const res = await issue({ type: type.id, claims: type.example, holder_jwk: holderJwk() });
        assert.equal(res.statusCode, 201, `${type.id}: ${res.body}`);
        const body = res.json() as { id: string; format: string; credential: string; status: { list: string; index: number } };
        assert.equal(body.format, 'dc+sd-jwt');
        const theirs = await theirVerifier().verify(body.credential);
        const claims = theirs.payload as Record<string, unknown>;
        assert.equal(claims.vct, type.vct);
        assert.equal(claims.iss, t.config.publicUrl);
        for (const [k, v] of Object.entries(type.example)) assert.deepEqual(claims[k], v, `${type.id}.${k}`);
        const header = parseCompactJws(parseSdJwt(body.credential).jwt).header;
        assert.equal(header.typ, 'dc+sd-jwt');
        assert.deepEqual((claims.status as { status_list: unknown }).status_list, { idx: body.status.index, uri: body.status.list });
        // Ours agrees.
        const ours = await verifySdJwtVc(body.credential, {
          resolveIssuerKey: ({ kid }) => {
            const k = t.runtime.keys.verificationKey(kid ?? '');
            return k && { jwk: k.jwk, alg: k.alg };
          },
          clock: t.runtime.clock,
          skewSeconds: 60,
        });
        assert.deepEqual(ours.payload, claims);
      }
    });

    it('computes the age predicates and never takes them from the caller', async () => {
      const type = t.runtime.catalog.get('resident-id');
      assert.ok(type);
      const res = await issue({ type: 'resident-id', claims: { ...type.example, birth_date: '1950-03-01' } });
      const claims = (await theirVerifier().verify(res.json().credential)).payload as Record<string, unknown>;
      assert.equal(claims.age_over_14, true);
      assert.equal(claims.age_over_19, true);
      assert.equal(claims.age_over_65, true);
      const young = await issue({ type: 'resident-id', claims: { ...type.example, birth_date: '2015-06-01' } });
      const yc = (await theirVerifier().verify(young.json().credential)).payload as Record<string, unknown>;
      assert.deepEqual([yc.age_over_14, yc.age_over_19, yc.age_over_65], [false, false, false]);
      const supplied = await issue({ type: 'resident-id', claims: { ...type.example, age_over_19: true } });
      assert.equal(supplied.statusCode, 400);
      assert.equal(supplied.json().code, 'derived_claim_supplied');
    });

    it('binds the credential to the holder key and pads every credential of a type to the same number of digests', async () => {
      const type = t.runtime.catalog.get('resident-id');
      assert.ok(type);
      const jwk = holderJwk();
      const counts = new Set<number>();
      const salts = new Set<string>();
      const minimal: Record<string, unknown> = Object.fromEntries(type.claimsSchema.required.map((k) => [k, type.example[k]]));
      for (const claims of [type.example, minimal]) {
        const res = await issue({ type: 'resident-id', claims, holder_jwk: jwk });
        const { jwt, disclosures } = parseSdJwt(res.json().credential);
        const payload = parseCompactJws(jwt).payload as Record<string, unknown>;
        assert.deepEqual((payload.cnf as { jwk: unknown }).jwk, jwk);
        assert.equal(payload._sd_alg, 'sha-256');
        counts.add(countDigests(payload));
        for (const d of disclosures) salts.add((JSON.parse(Buffer.from(d, 'base64url').toString()) as string[])[0] as string);
      }
      assert.equal(counts.size, 1, `digest counts differ: ${[...counts].join(', ')}`);
      for (const s of salts) assert.equal(Buffer.from(s, 'base64url').length, 16, '128-bit salts');
    });

    it('issues a VC-JWT with the VC 2.0 context, validity and a credentialStatus on the same list', async () => {
      const type = t.runtime.catalog.types.find((x) => x.formats.includes('vc+jwt'));
      assert.ok(type, 'some type allows vc+jwt');
      const res = await issue({ type: type.id, claims: type.example, format: 'vc+jwt' });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json();
      const { payload, protectedHeader } = await jwtVerify(body.credential, createLocalJWKSet(jwks), { typ: 'vc+jwt' });
      assert.equal(protectedHeader.typ, 'vc+jwt');
      const vc = payload as Record<string, unknown>;
      assert.equal((vc['@context'] as string[])[0], 'https://www.w3.org/ns/credentials/v2');
      assert.ok((vc.type as string[]).includes('VerifiableCredential'));
      assert.ok(typeof vc.validFrom === 'string' && typeof vc.validUntil === 'string');
      const status = vc.credentialStatus as Record<string, unknown>;
      assert.equal(status.statusListCredential, body.status.list);
      assert.equal(Number(status.statusListIndex), body.status.index);
    });

    it('keeps only metadata in the registry, never claim values', async () => {
      const type = t.runtime.catalog.get('driver-license');
      assert.ok(type);
      const res = await issue({ type: 'driver-license', claims: type.example, holder_jwk: holderJwk() });
      const rec = await t.runtime.store.credentials.get(res.json().id);
      assert.ok(rec);
      const stored = JSON.stringify(rec);
      for (const v of [type.example.family_name, type.example.given_name, type.example.document_number, type.example.birth_date]) {
        assert.ok(!stored.includes(String(v)), `registry holds ${String(v)}`);
      }
      assert.equal(rec.type, 'driver-license');
      assert.match(rec.holder_jkt ?? '', /^[A-Za-z0-9_-]{43}$/);
    });

    it('hands out random status indices, never twice', async () => {
      const type = t.runtime.catalog.get('vaccination-record');
      assert.ok(type);
      const indices: number[] = [];
      for (let i = 0; i < 20; i++) indices.push((await issue({ type: type.id, claims: type.example })).json().status.index as number);
      assert.equal(new Set(indices).size, indices.length);
      const ascending = indices.every((v, i) => i === 0 || v > (indices[i - 1] as number));
      const consecutive = indices.every((v, i) => i === 0 || v === (indices[i - 1] as number) + 1);
      assert.ok(!ascending && !consecutive, 'indices are not a sequence');
    });

    const bad: [string, () => Promise<Record<string, unknown>>, number, string][] = [
      ['unknown type', async () => ({ type: 'no-such-type', claims: {} }), 400, 'unknown_credential_type'],
      [
        'a schema violation',
        async () => ({ type: 'resident-id', claims: { ...t.runtime.catalog.get('resident-id')?.example, birth_date: 'yesterday' } }),
        400,
        'invalid_claims',
      ],
      [
        'an extra claim',
        async () => ({ type: 'resident-id', claims: { ...t.runtime.catalog.get('resident-id')?.example, favourite_colour: 'blue' } }),
        400,
        'invalid_claims',
      ],
      [
        'a holder JWK with a private part',
        async () => ({
          type: 'resident-id',
          claims: t.runtime.catalog.get('resident-id')?.example,
          holder_jwk: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
        }),
        400,
        'invalid_holder_jwk',
      ],
      [
        'a holder JWK on an unsupported curve',
        async () => ({
          type: 'resident-id',
          claims: t.runtime.catalog.get('resident-id')?.example,
          holder_jwk: generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ format: 'jwk' }),
        }),
        400,
        'invalid_holder_jwk',
      ],
      [
        'valid_until in the past',
        async () => ({ type: 'resident-id', claims: t.runtime.catalog.get('resident-id')?.example, valid_until: '2020-01-01T00:00:00Z' }),
        400,
        'valid_until_in_past',
      ],
      [
        'valid_until beyond the type maximum',
        async () => ({ type: 'resident-id', claims: t.runtime.catalog.get('resident-id')?.example, valid_until: '2999-01-01T00:00:00Z' }),
        400,
        'valid_until_too_late',
      ],
      [
        'a format the API does not know',
        async () => ({ type: 'resident-id', claims: t.runtime.catalog.get('resident-id')?.example, format: 'jwt_vc_json' }),
        400,
        'invalid_request',
      ],
    ];
    for (const [what, body, status, code] of bad) {
      it(`refuses ${what} with ${code} and stores nothing`, async () => {
        const before = await t.runtime.store.credentials.count();
        const res = await issue(await body());
        assert.equal(res.statusCode, status, res.body);
        assert.equal(res.json().code, code);
        assert.equal(await t.runtime.store.credentials.count(), before);
      });
    }

    it('refuses a verifier key with 403 and a client limited to other types with 403 type_not_allowed', async () => {
      const type = t.runtime.catalog.get('resident-id');
      const v = await issue({ type: 'resident-id', claims: type?.example }, await t.apiKey('verifier'));
      assert.equal(v.statusCode, 403);
      assert.equal(v.json().code, 'wrong_role');
      const narrow = await issue({ type: 'resident-id', claims: type?.example }, await t.apiKey('issuer', { types: ['driver-license'] }));
      assert.equal(narrow.statusCode, 403);
      assert.equal(narrow.json().code, 'type_not_allowed');
    });

    it('serves a status list that the OpenWallet Foundation reader decodes', async () => {
      const type = t.runtime.catalog.get('local-tax-payment');
      const body = (await issue({ type: 'local-tax-payment', claims: type?.example })).json();
      const res = await fetch(body.status.list);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/statuslist+jwt');
      assert.match(res.headers.get('cache-control') ?? '', /max-age=\d+/);
      assert.ok(res.headers.get('etag'));
      const token = await res.text();
      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { typ: 'statuslist+jwt' });
      assert.equal(payload.sub, body.status.list);
      assert.ok(typeof payload.ttl === 'number' && typeof payload.exp === 'number');
      const list = getListFromStatusListJWT(token);
      assert.ok(list.statusList.length >= 131072 / 4, 'at least 131,072 entries');
      assert.equal(list.getStatus(body.status.index), 0);
      const again = await fetch(body.status.list, { headers: { 'if-none-match': res.headers.get('etag') as string } });
      assert.equal(again.status, 304);
    });
  });
}
