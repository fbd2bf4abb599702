/**
 * Property-based hostile input (fast-check): for any byte string, or a valid presentation /
 * proof mutated (characters flipped, inserted, deleted; Disclosures swapped, duplicated,
 * dropped; segments re-encoded), the SD-JWT parser and the Disclosure rules throw only stable
 * 4xx format errors, and the verifier and OpenID4VCI entry points answer a 4xx with a code or a
 * correct verdict: never a 500, an escaping exception, or a hang (each request has a timeout).
 *
 * Replay a failure with FC_SEED=<seed> (printed by fast-check); FC_RUNS scales the run count.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { isAppError } from '../../src/errors.js';
import { parseSdJwt } from '../../src/formats/sd-jwt/parse-sd-jwt.js';
import { processDisclosures } from '../../src/formats/sd-jwt/process-disclosures.js';
import { verifySdJwtVc } from '../../src/formats/sd-jwt-vc/verify-sd-jwt-vc.js';
import { storeTargets } from '../helpers/stores.js';
import { accessToken, holderKey, makeOffer, nonce as cNonce, PRE_AUTH, proof } from '../openid4vci/vci-helpers.js';
import { b64, b64json, counter, disclosure, present, type Json, type JsonObj } from './support/index.js';
import { startSecurityFixture, type SecurityFixture } from './support/fixture.js';
import { answerCode, injectWithTimeout } from './support/run-cases.js';

const seed = process.env.FC_SEED === undefined ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.FC_SEED);
const scale = Number(process.env.FC_RUNS ?? '1');
const runs = (n: number) => ({ numRuns: Math.max(1, Math.round(n * scale)), seed, endOnFailure: true });
console.log(`# fast-check seed ${seed} (replay with FC_SEED=${seed})`);

/** Only a stable 4xx refusal may escape the format code. */
function refusalOnly(e: unknown): void {
  if (!(isAppError(e) && e.status >= 400 && e.status < 500 && /^[a-z0-9_]+$/.test(e.code))) throw e;
}

// --- Arbitraries -----------------------------------------------------------------------------

const B64URL = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];
const segment = fc.oneof(
  fc.string({ unit: fc.constantFrom(...B64URL), maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => b64json(v)),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
/** Strings shaped like SD-JWTs, JWTs or nothing at all. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(segment, { maxLength: 6 }).map((s) => s.join('.')),
  fc
    .tuple(fc.array(segment, { minLength: 1, maxLength: 3 }), fc.array(segment, { maxLength: 5 }), fc.boolean())
    .map(([jwt, ds, end]) => `${jwt.join('.')}~${ds.join('~')}${end ? '~' : ''}`),
);

type Mutation =
  | { op: 'flip'; at: number }
  | { op: 'delete'; at: number }
  | { op: 'insert'; at: number; ch: string }
  | { op: 'swap'; a: number; b: number }
  | { op: 'duplicate'; a: number; b: number }
  | { op: 'drop'; a: number; b: number }
  | { op: 'reencode'; part: number; how: 'pad' | 'std' | 'space' | 'json' };
const mutation = fc.oneof(
  fc.record({ op: fc.constantFrom('flip' as const, 'delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), ch: fc.constantFrom('~', '.', 'A', '=', ' ', '\u0000', '가', '+', '/') }),
  fc.record({ op: fc.constantFrom('swap' as const, 'duplicate' as const, 'drop' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({
    op: fc.constant('reencode' as const),
    part: fc.nat(),
    how: fc.constantFrom('pad' as const, 'std' as const, 'space' as const, 'json' as const),
  }),
) as fc.Arbitrary<Mutation>;

/** Applies mutations to `text` (an SD-JWT, SD-JWT+KB or compact JWS). */
function mutate(text: string, ms: Mutation[]): string {
  let s = text;
  for (const m of ms) {
    if (m.op === 'flip' || m.op === 'delete' || m.op === 'insert') {
      if (s.length === 0) continue;
      const at = m.at % s.length;
      if (m.op === 'flip') s = s.slice(0, at) + String.fromCharCode(s.charCodeAt(at) ^ (1 + (m.at % 7))) + s.slice(at + 1);
      else if (m.op === 'delete') s = s.slice(0, at) + s.slice(at + 1);
      else if (m.op === 'insert') s = s.slice(0, at) + m.ch + s.slice(at);
      continue;
    }
    const parts = s.split('~');
    if (m.op === 'swap' || m.op === 'duplicate' || m.op === 'drop') {
      // Disclosures are parts[1 .. n-2]; the last part is the KB-JWT (or empty).
      const n = parts.length - 2;
      if (n < 1) continue;
      const a = 1 + (m.a % n);
      const b = 1 + (m.b % n);
      if (m.op === 'swap') [parts[a], parts[b]] = [parts[b]!, parts[a]!];
      else if (m.op === 'duplicate') parts.splice(b, 0, parts[a]!);
      else parts.splice(a, 1);
      s = parts.join('~');
      continue;
    }
    const i = m.part % parts.length;
    const target = parts[i]!;
    const segs = target.split('.');
    const j = m.part % segs.length;
    const seg = segs[j]!;
    if (m.how === 'pad') segs[j] = Buffer.from(seg, 'base64url').toString('base64');
    else if (m.how === 'std') segs[j] = seg.replace(/-/g, '+').replace(/_/g, '/');
    else if (m.how === 'space') segs[j] = `${seg.slice(0, 4)}\n${seg.slice(4)}`;
    else {
      try {
        segs[j] = b64(JSON.stringify(JSON.parse(Buffer.from(seg, 'base64url').toString('utf8')), null, 1));
      } catch {
        segs[j] = `${seg}A`;
      }
    }
    parts[i] = segs.join('.');
    s = parts.join('~');
  }
  return s;
}

// --- Pure: parser and Disclosure rules -------------------------------------------------------

const RESERVED = new Set(['_sd', '...', '_sd_alg']);
const claimName = fc.oneof(
  fc.constantFrom('_sd', '...', '_sd_alg', 'a', 'b', 'family_name', 'iss', 'cnf', '__proto__', 'constructor'),
  fc.string({ maxLength: 6 }),
);
const discl = fc.oneof(
  fc.tuple(fc.string({ maxLength: 8 }), claimName, fc.jsonValue({ maxDepth: 2 })).map((t) => disclosure(t as Json[])),
  fc.tuple(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })).map((t) => disclosure(t as Json[])),
  fc.jsonValue({ maxDepth: 2 }).map((v) => disclosure(b64json(v))),
  fc.string({ maxLength: 12 }).map((s) => disclosure(s)),
);

/** A payload whose `_sd` arrays and `{"...": digest}` elements reference (some of) the Disclosures. */
const sdPayload = fc
  .tuple(
    fc.array(discl, { maxLength: 6 }),
    fc.array(fc.nat(), { maxLength: 10 }),
    fc.array(fc.nat(), { maxLength: 4 }),
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(undefined, 'sha-256', 'SHA-256', 7),
  )
  .map(([ds, refs, arrRefs, extra, alg]) => {
    const digests = [...ds.map((d) => d.digest), 'decoy'];
    const payload: JsonObj = {
      plain: extra as Json,
      _sd: refs.map((r) => digests[r % digests.length]!),
      list: arrRefs.map((r) => ({ '...': digests[r % digests.length]! })),
    };
    if (alg !== undefined) payload._sd_alg = alg;
    return { payload, disclosures: ds.map((d) => d.encoded) };
  });

describe('SD-JWT parser and Disclosure rules (property)', () => {
  it('parseSdJwt accepts or refuses with a format code, for any text', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        try {
          const p = parseSdJwt(text);
          assert.ok(p.sdJwtWithoutKb.endsWith('~') && text.startsWith(p.sdJwtWithoutKb));
        } catch (e) {
          refusalOnly(e);
        }
      }),
      runs(2000),
    );
  });

  it('processDisclosures builds a payload with every Disclosure used and no reserved name, or refuses', () => {
    fc.assert(
      fc.property(sdPayload, ({ payload, disclosures }) => {
        try {
          const { claims, disclosedPaths } = processDisclosures(payload, disclosures);
          assert.equal(new Set(disclosures).size, disclosures.length, 'a repeated Disclosure was accepted');
          for (const path of disclosedPaths)
            assert.ok(!path.some((p) => typeof p === 'string' && RESERVED.has(p)), `reserved name disclosed: ${JSON.stringify(path)}`);
          assert.ok(!('_sd' in claims) && !('_sd_alg' in claims));
          assert.equal(Object.getPrototypeOf(claims), Object.prototype, 'prototype untouched');
        } catch (e) {
          refusalOnly(e);
        }
      }),
      runs(1500),
    );
  });

  it('verifySdJwtVc refuses any text with a format code (nothing is signed by a trusted key)', async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, async (text) => {
        try {
          await verifySdJwtVc(text, {
            resolveIssuerKey: () => undefined,
            clock: { now: () => Date.now() },
            skewSeconds: 60,
            kb: { required: true, nonce: 'n', aud: 'a', maxAgeSeconds: 60 },
          });
          assert.fail('verified without a trusted key');
        } catch (e) {
          refusalOnly(e);
        }
      }),
      runs(1000),
    );
  });
});

// --- HTTP entry points -----------------------------------------------------------------------

const OAUTH_CODES = new Set([
  'invalid_request',
  'invalid_grant',
  'unsupported_grant_type',
  'invalid_client',
  'invalid_credential_request',
  'unknown_credential_configuration',
  'invalid_proof',
  'invalid_nonce',
  'credential_request_denied',
  'invalid_token',
  'insufficient_scope',
  'rate_limited',
]);

/** 4xx with a stable code, or 200; never a 5xx, never a non-JSON answer. */
async function answer(f: SecurityFixture, opts: InjectOptions) {
  const res = await injectWithTimeout(f, opts, 10_000);
  const { code, body } = answerCode(res);
  assert.ok(res.statusCode < 500, `5xx: ${res.statusCode} ${res.body.slice(0, 300)}`);
  if (res.statusCode >= 400)
    assert.ok(typeof code === 'string' && /^[a-z0-9_]+$/.test(code), `4xx without a code: ${res.body.slice(0, 300)}`);
  return { res, code, body };
}

for (const backend of storeTargets()) {
  describe(`verifier and OpenID4VCI entry points under hostile input (property, ${backend})`, () => {
    let f: SecurityFixture & { close(): Promise<void> };
    beforeAll(async () => {
      f = await startSecurityFixture(backend);
    });
    afterAll(async () => f?.close());

    it('POST /v1/verifier/verify: any text is a 400 or a rejected verdict', async () => {
      await fc.assert(
        fc.asyncProperty(hostileText, async (text) => {
          const { res, body } = await answer(f, counter(f, text));
          if (res.statusCode === 200) assert.equal(body.verdict, 'rejected');
        }),
        runs(60),
      );
    });

    it('POST /v1/verifier/verify: a mutated valid presentation is rejected unless unchanged', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
          const original = await present(f);
          const mutated = mutate(original, ms);
          const { res, body } = await answer(f, counter(f, mutated));
          if (res.statusCode !== 200) return;
          if (body.verdict === 'verified') assert.equal(mutated, original, `a changed presentation verified: ${JSON.stringify(ms)}`);
          else assert.equal(typeof body.code, 'string');
        }),
        runs(60),
      );
    });

    it('POST /openid4vp/response (direct_post): any form is a 400 or an answered "rejected"', async () => {
      const vct = f.t.runtime.catalog.get('driver-license')!.vct;
      const newState = async () => {
        const res = await f.t.app.inject({
          method: 'POST',
          url: '/v1/verifier/requests',
          headers: { authorization: `Bearer ${f.keys.verifier}` },
          payload: { dcql_query: { credentials: [{ id: 'licence', format: 'dc+sd-jwt', meta: { vct_values: [vct] } }] } },
        });
        const id = res.json<{ id: string }>().id;
        return (await f.t.runtime.store.db.selectFrom('verifier_requests').select('state').where('id', '=', id).executeTakeFirstOrThrow())
          .state;
      };
      const vpToken = fc.oneof(
        hostileText,
        fc
          .dictionary(fc.constantFrom('licence', 'other', '__proto__'), fc.oneof(hostileText, fc.array(hostileText, { maxLength: 3 })))
          .map((o) => JSON.stringify(o)),
        fc.array(mutation, { maxLength: 2 }).map((ms) => ({ ms })),
      );
      await fc.assert(
        fc.asyncProperty(vpToken, fc.boolean(), fc.option(fc.string({ maxLength: 30 })), async (token, realState, error) => {
          const state = realState ? await newState() : 'A'.repeat(22);
          const vp = typeof token === 'string' ? token : JSON.stringify({ licence: mutate(await present(f), token.ms) });
          const form = new URLSearchParams({ vp_token: vp, state, ...(error !== null && { error }) }).toString();
          const { res, body, code } = await answer(f, {
            method: 'POST',
            url: '/openid4vp/response',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: form,
          });
          if (res.statusCode === 200) assert.equal(body.status, 'rejected', `direct_post verified: ${form.slice(0, 200)}`);
          else assert.equal(code, 'invalid_request');
        }),
        runs(40),
      );
    });

    it('POST /oauth/token: any form is an OAuth error', async () => {
      const key = fc.oneof(
        fc.constantFrom('grant_type', 'pre-authorized_code', 'tx_code', 'client_id', '__proto__', 'constructor'),
        fc.string({ maxLength: 8 }),
      );
      const value = fc.oneof(fc.constant(PRE_AUTH), fc.string({ unit: 'binary', maxLength: 60 }));
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(key, value), { maxLength: 5 }),
          fc.constantFrom(
            'application/x-www-form-urlencoded',
            'application/json',
            'text/plain',
            'APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-8',
          ),
          async (pairs, type) => {
            const payload = type === 'application/json' ? JSON.stringify(Object.fromEntries(pairs)) : new URLSearchParams(pairs).toString();
            const { res, code } = await answer(f, { method: 'POST', url: '/oauth/token', headers: { 'content-type': type }, payload });
            assert.notEqual(res.statusCode, 200, 'a token for a made-up code');
            assert.ok(OAUTH_CODES.has(String(code)), `not an OAuth code: ${String(code)}`);
          },
        ),
        runs(80),
      );
    });

    it('POST /openid4vci/credential: any body or mutated proof is an OAuth error, or a credential for an intact proof', async () => {
      let token = await accessToken(
        f.t,
        await makeOffer(f.t, f.keys.issuer, { type: 'resident-id', claims: f.t.runtime.catalog.get('resident-id')!.example }),
      );
      const body = fc.oneof(
        fc.jsonValue({ maxDepth: 3 }).map((v) => ({ raw: v })),
        fc.array(mutation, { maxLength: 2 }).map((ms) => ({ ms })),
      );
      await fc.assert(
        fc.asyncProperty(body, async (b) => {
          let sent: unknown;
          let intact = false;
          if ('raw' in b) sent = b.raw;
          else {
            const p = await proof(holderKey(), { aud: f.issuer, nonce: await cNonce(f.t) });
            const m = mutate(p, b.ms);
            intact = m === p;
            sent = { credential_configuration_id: 'resident-id', proofs: { jwt: [m] } };
          }
          const { res, code } = await answer(f, {
            method: 'POST',
            url: '/openid4vci/credential',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            payload: JSON.stringify(sent),
          });
          if (res.statusCode === 200) {
            assert.ok(intact, 'a credential for a changed proof');
            token = await accessToken(
              f.t,
              await makeOffer(f.t, f.keys.issuer, { type: 'resident-id', claims: f.t.runtime.catalog.get('resident-id')!.example }),
            );
          } else assert.ok(OAUTH_CODES.has(String(code)), `not an OAuth code: ${String(code)}`);
        }),
        runs(50),
      );
    });
  });
}
