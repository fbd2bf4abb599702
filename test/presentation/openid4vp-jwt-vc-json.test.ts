/**
 * W3C VCs over OpenID4VP 1.0 (DCQL `format: jwt_vc_json`, Annex B.1) end to end: our VC-JWT
 * (issued through the API or received by the CLI wallet over OpenID4VCI) answers a query with
 * `meta.type_values` and claims paths `["credentialSubject", …]`, as the issuer metadata publishes
 * them. An independent library (@openid4vc/openid4vp + `dcql`) reads our request and its query
 * matches the credential. The credential is disclosed whole (no selective disclosure): the result
 * says so and keeps only the asked claims. Then each refusal with its code, nothing stored changed.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { DcqlQuery } from 'dcql';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { runDproof } from '../helpers/spawn-server.js';
import { makeOffer } from '../openid4vci/vci-helpers.js';
import {
  generateHolderKey,
  injectFetch,
  issueViaApi,
  postDirectPost,
  readRequestResult,
  revokeViaApi,
  verifyJwtWithDidDocument,
} from './helpers.js';
import { createHolderPresentation } from '../../src/wallet/create-holder-presentation.js';

const PUBLIC_URL = 'https://verifier.example';

interface CredentialResult {
  verdict: string;
  code: string;
  claims?: Record<string, unknown>;
  disclosure?: { selective: boolean; carried: string[] };
  credential: { format: string } | null;
}
interface Result {
  verdict: string;
  code: string;
  verdict_message: { ko: string; en: string };
  credentials: Record<string, CredentialResult[]>;
}

const query = (o: { typeValues?: string[][]; rchb?: boolean; claims?: unknown[] } = {}) => ({
  credentials: [
    {
      id: 'licence',
      format: 'jwt_vc_json',
      meta: { type_values: o.typeValues ?? [['VerifiableCredential', 'DriverLicense']] },
      ...(o.rchb !== undefined ? { require_cryptographic_holder_binding: o.rchb } : { require_cryptographic_holder_binding: false }),
      claims: o.claims ?? [{ path: ['credentialSubject', 'family_name'] }, { path: ['credentialSubject', 'birth_date'] }],
    },
  ],
});

for (const backend of storeTargets()) {
  describe(`W3C VC-JWT over OpenID4VP 1.0 (jwt_vc_json) on ${backend}`, () => {
    let t: TestApp;
    let verifierKey: string;
    let issuerKey: string;
    let vc: { id: string; credential: string };

    beforeAll(async () => {
      t = await startTestApp({ store: backend, env: { PUBLIC_URL } });
      verifierKey = await t.apiKey('verifier');
      issuerKey = await t.apiKey('issuer');
      vc = await issueViaApi(t, issuerKey, 'driver-license', undefined, 'vc+jwt');
    });
    afterAll(async () => t?.close());

    const createRequest = (dcql_query: unknown) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/verifier/requests',
        headers: { authorization: `Bearer ${verifierKey}` },
        payload: { dcql_query, purpose: { ko: '운전면허 확인', en: 'Licence check' } },
      });

    async function openRequest(dcql: unknown = query()) {
      const res = await createRequest(dcql);
      assert.equal(res.statusCode, 201, res.body);
      const { id, request_uri, authorization_request } = res.json<{ id: string; request_uri: string; authorization_request: string }>();
      const ro = await t.app.inject({ method: 'GET', url: new URL(request_uri).pathname });
      assert.equal(ro.statusCode, 200, ro.body);
      const p = decodeJwt(ro.body) as { state: string; nonce: string; client_id: string; client_metadata: Record<string, unknown> };
      return { id, state: p.state, nonce: p.nonce, clientId: p.client_id, clientMetadata: p.client_metadata, link: authorization_request };
    }

    const answer = (state: string, presentation: string) => postDirectPost(t.app, state, { licence: [presentation] });
    const result = (id: string) => readRequestResult<Result>(t.app, verifierKey, id);

    async function presentFlow(presentation: string, dcql?: unknown) {
      const req = await openRequest(dcql);
      const res = await answer(req.state, presentation);
      assert.equal(res.statusCode, 200, res.body);
      return result(req.id);
    }

    it('an independent library reads the request and its DCQL query matches our VC-JWT; the verifier verifies it', async () => {
      const req = await openRequest();
      // Annex B.1.3.1.3: vp_formats_supported names jwt_vc_json with the JOSE algorithms we accept.
      assert.deepEqual((req.clientMetadata.vp_formats_supported as Record<string, unknown>).jwt_vc_json, {
        alg_values: ['ES256', 'EdDSA'],
      });
      const f = injectFetch(t.app);
      const lib = new Openid4vpClient({
        callbacks: {
          fetch: f as never,
          hash: (data: Uint8Array, alg: string) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
          verifyJwt: verifyJwtWithDidDocument(f, PUBLIC_URL),
        } as never,
      });
      const parsed = lib.parseOpenid4vpAuthorizationRequest({ authorizationRequest: req.link });
      const resolved = await lib.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params as never });
      const dcql = resolved.dcql?.query;
      assert.ok(dcql, 'the library found the DCQL query');
      const payload = decodeJwt(vc.credential);
      const matched = DcqlQuery.query(DcqlQuery.parse(dcql as never), [
        { credential_format: 'jwt_vc_json', type: payload.type as string[], claims: payload as never, cryptographic_holder_binding: false },
      ]);
      assert.equal(matched.can_be_satisfied, true, JSON.stringify(matched.credential_matches));

      const res = await answer(req.state, vc.credential);
      const answered = res.json<{ status: string; redirect_uri: string }>();
      assert.equal(answered.status, 'verified');
      // The holder's result says everything in the credential was sent, not "only the requested items".
      const holder = await t.app.inject({
        method: 'GET',
        url: new URL(answered.redirect_uri).pathname,
        headers: { accept: 'application/json' },
      });
      assert.equal(holder.statusCode, 200, holder.body);
      assert.match(holder.json<{ message: { en: string } }>().message.en, /all of its items were sent/);
      const r = await result(req.id);
      assert.equal(r.verdict, 'verified');
      const c = r.credentials.licence![0]!;
      assert.equal(c.credential?.format, 'vc+jwt');
      // Only the asked claims are kept; the result says the whole credential was sent.
      assert.deepEqual(Object.keys(c.claims!).sort(), ['birth_date', 'family_name']);
      assert.equal(c.disclosure?.selective, false);
      assert.ok(c.disclosure!.carried.includes('given_name') && c.disclosure!.carried.length > 2, JSON.stringify(c.disclosure));
      assert.match(r.verdict_message.en, /sent whole/);
      assert.match(r.verdict_message.ko, /전체가 제출/);
    });

    it('matches any one type_values set (Annex B.1.1) and refuses a credential of none', async () => {
      const ok = await presentFlow(vc.credential, query({ typeValues: [['ResidentId'], ['DriverLicense']] }));
      assert.equal(ok.verdict, 'verified', JSON.stringify(ok));
      const r = await presentFlow(vc.credential, query({ typeValues: [['VerifiableCredential', 'ResidentId']] }));
      assert.equal(r.verdict, 'rejected');
      assert.equal(r.credentials.licence![0]!.code, 'type_values_mismatch');
      assert.ok(!r.credentials.licence![0]!.claims, 'no claims from a refused credential');
    });

    it('refuses a forged issuer signature, an asked trusted authority, a missing claim, another format and a second answer', async () => {
      const [h, p, s] = vc.credential.split('.');
      const forged = JSON.parse(Buffer.from(p!, 'base64url').toString()) as { credentialSubject: Record<string, unknown> };
      forged.credentialSubject.family_name = '김';
      const tampered = `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`;
      assert.equal((await presentFlow(tampered)).credentials.licence![0]!.code, 'jws_signature_invalid');

      // §6.1.1.1: a VC-JWT carries no X.509 chain, so no asked authority (aki) can match it.
      const aki = { credentials: [{ ...query().credentials[0], trusted_authorities: [{ type: 'aki', values: ['AAAA'] }] }] };
      assert.equal((await presentFlow(vc.credential, aki)).credentials.licence![0]!.code, 'trusted_authority_mismatch');

      const missing = await presentFlow(vc.credential, query({ claims: [{ path: ['credentialSubject', 'no_such_claim'] }] }));
      assert.equal(missing.credentials.licence![0]!.code, 'claim_missing');

      const holder = await generateHolderKey();
      const sd = await issueViaApi(t, issuerKey, 'driver-license', holder);
      const req = await openRequest();
      const { presentation } = await createHolderPresentation({
        credential: sd.credential,
        disclose: ['family_name'],
        holderSigner: holder.signer,
        aud: req.clientId,
        nonce: req.nonce,
        iat: Math.floor(t.clock.now() / 1000),
      });
      await answer(req.state, presentation);
      assert.equal((await result(req.id)).credentials.licence![0]!.code, 'format_not_accepted');
      // The request took its one answer: a second (the same VC again) is refused, the result unchanged.
      const again = await answer(req.state, vc.credential);
      assert.equal(again.statusCode, 400);
      assert.equal((await result(req.id)).credentials.licence![0]!.code, 'format_not_accepted');
    });

    it('refuses a query that requires holder binding (our VC-JWTs carry no holder key), and stores no request', async () => {
      const count = async () => (await t.runtime.store.db.selectFrom('verifier_requests').select('id').execute()).length;
      const before = await count();
      for (const dcql of [
        query({ rchb: true }),
        { credentials: [{ ...query().credentials[0], require_cryptographic_holder_binding: undefined }] },
      ]) {
        const res = await createRequest(JSON.parse(JSON.stringify(dcql)));
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
        assert.equal(res.json<{ code: string }>().code, 'dcql_holder_binding_unavailable');
      }
      for (const [bad, code] of [
        [{ credentials: [{ ...query().credentials[0], meta: {} }] }, 'invalid_dcql_query'],
        [{ credentials: [{ ...query().credentials[0], meta: { type_values: [[]] } }] }, 'invalid_dcql_query'],
      ] as const) {
        const res = await createRequest(bad);
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json<{ code: string }>().code, code);
      }
      assert.equal(await count(), before);
    });

    it('refuses a revoked VC-JWT (its Token Status List entry) and an expired one (injectable clock)', async () => {
      const revoked = await issueViaApi(t, issuerKey, 'driver-license', undefined, 'vc+jwt');
      await revokeViaApi(t, issuerKey, revoked.id);
      assert.equal((await presentFlow(revoked.credential)).credentials.licence![0]!.code, 'credential_revoked');
      // Past validUntil (the type's default validity is 365 days).
      t.clock.advance(400 * 24 * 3600 * 1000);
      assert.equal((await presentFlow(vc.credential)).credentials.licence![0]!.code, 'jwt_expired');
    });
  });

  describe(`dproof wallet presents a VC-JWT for a jwt_vc_json query on ${backend}`, () => {
    let t: TestApp;
    let dir: string;
    let env: Record<string, string>;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true });
      dir = mkdtempSync(join(tmpdir(), 'dproof-vcjwt-'));
      env = { DPROOF_WALLET: join(dir, 'wallet.json') };
      assert.equal((await runDproof(['wallet', 'init'], env)).code, 0);
    });
    afterAll(async () => {
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('receives the VC-JWT over OpenID4VCI and answers the request with it, whole; the verifier verifies it', async () => {
      const issuerKey = await t.apiKey('issuer');
      const verifierKey = await t.apiKey('verifier');
      const type = t.runtime.catalog.get('driver-license')!;
      const offer = await makeOffer(t, issuerKey, { type: 'driver-license', claims: type.example, format: 'vc+jwt' });
      const got = await runDproof(['wallet', 'receive', offer.offer, '--json'], env);
      assert.equal(got.code, 0, got.stderr);
      const req = await t.app.inject({
        method: 'POST',
        url: '/v1/verifier/requests',
        headers: { authorization: `Bearer ${verifierKey}` },
        payload: { dcql_query: query({ claims: [{ path: ['credentialSubject', 'family_name'] }] }) },
      });
      assert.equal(req.statusCode, 201, req.body);
      const { id, authorization_request } = req.json<{ id: string; authorization_request: string }>();
      const r = await runDproof(['wallet', 'present', authorization_request, '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { disclosed: Record<string, { claims: string[] }> };
      // The wallet tells its user everything was sent, not only family_name.
      assert.ok(out.disclosed.licence!.claims.includes('family_name') && out.disclosed.licence!.claims.length > 1);
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/verifier/requests/${id}`,
        headers: { authorization: `Bearer ${verifierKey}` },
      });
      const body = res.json<{ status: string; result: Result }>();
      assert.equal(body.status, 'verified', res.body);
      assert.deepEqual(body.result.credentials.licence![0]!.claims, { family_name: type.example.family_name });
    });
  });
}
