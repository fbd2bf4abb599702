/**
 * The mdoc round trip with our own parts only, over real HTTP, on each store: the operator makes
 * the IACA root and a document signer with the CLI (`dproof keys iaca`, `keys ds`); the agency
 * offers a mobile ID as `mso_mdoc`; the CLI wallet receives it; a verifier asks with DCQL
 * `mso_mdoc`; the CLI wallet answers with a DeviceResponse; our verifier trusts our own IACA and
 * reads exactly the asked elements; suspend, reinstate and revoke change the next answer.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { runDproof } from '../helpers/spawn-server.js';
import { makeOffer } from '../openid4vci/vci-helpers.js';

const MDL = 'org.iso.18013.5.1.mDL';
const ISO = 'org.iso.18013.5.1';
const KR_MDL = 'kr.go.knpa.mdl.1';
const RESIDENT = 'kr.go.mois.resident_id.1';

interface Outcome {
  status: string;
  result?: { verdict: string; code: string; credentials: Record<string, { code: string; claims?: Record<string, unknown> }[]> };
}

for (const backend of storeTargets()) {
  describe(`mdoc round trip with the CLI (operator, agency, wallet, verifier) on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    let verifierKey: string;
    let dir: string;
    let env: Record<string, string>;

    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true, env: { RATE_LIMIT_PER_MINUTE: '0' } });
      // The operator, with the CLI on the same store and key folder as the running service.
      const iaca = await runDproof(['keys', 'iaca', '--name', '경찰청 mDL IACA'], t.target.env);
      assert.equal(iaca.code, 0, iaca.stderr);
      const ds = await runDproof(['keys', 'ds'], t.target.env);
      assert.equal(ds.code, 0, ds.stderr);
      // The service picks new keys up within KEY_REFRESH_MS; the test does not wait for it.
      await t.runtime.keys.refresh();
      issuerKey = await t.apiKey('issuer');
      verifierKey = await t.apiKey('verifier');
      dir = mkdtempSync(join(tmpdir(), 'dproof-mdoc-round-'));
      env = { DPROOF_WALLET: join(dir, 'wallet.json') };
      assert.equal((await runDproof(['wallet', 'init'], env)).code, 0);
    });
    afterAll(async () => {
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const receive = async (type: string): Promise<string> => {
      const example = t.runtime.catalog.get(type)!.example;
      const offer = await makeOffer(t, issuerKey, { type, claims: example, format: 'mso_mdoc' });
      const got = await runDproof(['wallet', 'receive', offer.offer, '--json'], env);
      assert.equal(got.code, 0, got.stderr);
      const [held] = JSON.parse(got.stdout) as { id: string; format: string; kind: string }[];
      assert.equal(held?.format, 'mso_mdoc');
      return held.id;
    };

    /** A verifier request, the CLI wallet's answer, and what the verifier reads. */
    const presentOnce = async (
      credentials: unknown[],
      responseMode = 'direct_post',
    ): Promise<{ cli: { code: number | null; stderr: string }; outcome: Outcome }> => {
      const req = await t.app.inject({
        method: 'POST',
        url: '/v1/verifier/requests',
        headers: { authorization: `Bearer ${verifierKey}` },
        payload: { dcql_query: { credentials }, response_mode: responseMode, purpose: { ko: '신원 확인', en: 'Identity check' } },
      });
      assert.equal(req.statusCode, 201, req.body);
      const { id, authorization_request } = req.json<{ id: string; authorization_request: string }>();
      const cli = await runDproof(['wallet', 'present', authorization_request, '--json'], env);
      const outcome = (
        await t.app.inject({ method: 'GET', url: `/v1/verifier/requests/${id}`, headers: { authorization: `Bearer ${verifierKey}` } })
      ).json<Outcome>();
      return { cli, outcome };
    };

    const mdlQuery = [
      {
        id: 'mdl',
        format: 'mso_mdoc',
        meta: { doctype_value: MDL },
        claims: [{ path: [ISO, 'family_name'] }, { path: [KR_MDL, 'age_over_19'], intent_to_retain: false }],
      },
    ];

    const registryId = async (type: string): Promise<string> => {
      const list = await t.app.inject({
        method: 'GET',
        url: `/v1/credentials?type=${type}`,
        headers: { authorization: `Bearer ${issuerKey}` },
      });
      assert.equal(list.statusCode, 200, list.body);
      const items = list.json<{ items: { id: string; format?: string }[] }>().items;
      assert.equal(items.length, 1, list.body);
      return items[0]!.id;
    };

    const changeStatus = async (id: string, action: 'suspend' | 'reinstate' | 'revoke') => {
      const r = await t.app.inject({
        method: 'POST',
        url: `/v1/credentials/${id}/${action}`,
        headers: { authorization: `Bearer ${issuerKey}` },
        payload: { reason: 'test' },
      });
      assert.equal(r.statusCode, 200, r.body);
    };

    /** The next presentations until the verifier's answer has this code (status lists may be cached briefly). */
    const presentUntil = async (credentials: unknown[], code: string): Promise<Outcome> => {
      let last: Outcome = { status: '' };
      for (let i = 0; i < 20; i++) {
        last = (await presentOnce(credentials)).outcome;
        if ((last.result?.code ?? '') === code) return last;
        await new Promise((r) => setTimeout(r, 250));
      }
      return last;
    };

    it('issues a driver licence mdoc to the CLI wallet; the verifier reads exactly family_name and age_over_19', async () => {
      const held = await receive('driver-license');
      const shown = JSON.parse((await runDproof(['wallet', 'show', held], env)).stdout) as { doctype: string };
      assert.equal(shown.doctype, MDL);
      const { cli, outcome } = await presentOnce(mdlQuery);
      assert.equal(cli.code, 0, cli.stderr);
      assert.equal(outcome.status, 'verified', JSON.stringify(outcome));
      const example = t.runtime.catalog.get('driver-license')!.example;
      assert.deepEqual(outcome.result?.credentials.mdl?.[0]?.claims, {
        [ISO]: { family_name: example.family_name },
        [KR_MDL]: { age_over_19: true },
      });
    });

    it('over direct_post.jwt too: the CLI wallet binds the encryption key thumbprint in the SessionTranscript', async () => {
      const { cli, outcome } = await presentOnce(mdlQuery, 'direct_post.jwt');
      assert.equal(cli.code, 0, cli.stderr);
      assert.equal(outcome.status, 'verified', JSON.stringify(outcome));
      assert.deepEqual(Object.keys(outcome.result?.credentials.mdl?.[0]?.claims ?? {}), [ISO, KR_MDL]);
    });

    it('a second mobile ID (resident-id, its own doctype) goes the same way', async () => {
      await receive('resident-id');
      const { cli, outcome } = await presentOnce([
        {
          id: 'rid',
          format: 'mso_mdoc',
          meta: { doctype_value: RESIDENT },
          claims: [{ path: [RESIDENT, 'given_name'] }, { path: [RESIDENT, 'age_over_14'] }],
        },
      ]);
      assert.equal(cli.code, 0, cli.stderr);
      assert.equal(outcome.status, 'verified', JSON.stringify(outcome));
      assert.deepEqual(outcome.result?.credentials.rid?.[0]?.claims, {
        [RESIDENT]: { given_name: t.runtime.catalog.get('resident-id')!.example.given_name, age_over_14: true },
      });
    });

    it('a verifier limited to driver-license may ask for its doctype, and no other (type_not_allowed)', async () => {
      const limited = await t.apiKey('verifier', { types: ['driver-license'] });
      const ask = (doctype: string, ns: string) =>
        t.app.inject({
          method: 'POST',
          url: '/v1/verifier/requests',
          headers: { authorization: `Bearer ${limited}` },
          payload: {
            dcql_query: {
              credentials: [{ id: 'q', format: 'mso_mdoc', meta: { doctype_value: doctype }, claims: [{ path: [ns, 'family_name'] }] }],
            },
          },
        });
      const other = await ask(RESIDENT, RESIDENT);
      assert.equal(other.statusCode, 400, other.body);
      assert.equal(other.json<{ code: string }>().code, 'type_not_allowed');
      const mine = await ask(MDL, ISO);
      assert.equal(mine.statusCode, 201, mine.body);
      const cli = await runDproof(
        ['wallet', 'present', mine.json<{ authorization_request: string }>().authorization_request, '--json'],
        env,
      );
      assert.equal(cli.code, 0, cli.stderr);
      const outcome = (
        await t.app.inject({
          method: 'GET',
          url: `/v1/verifier/requests/${mine.json<{ id: string }>().id}`,
          headers: { authorization: `Bearer ${limited}` },
        })
      ).json<Outcome>();
      assert.equal(outcome.status, 'verified', JSON.stringify(outcome));
    });

    it('suspend → credential_suspended; reinstate → verified again; revoke → credential_revoked', async () => {
      const id = await registryId('driver-license');
      await changeStatus(id, 'suspend');
      const suspended = await presentUntil(mdlQuery, 'credential_suspended');
      assert.equal(suspended.status, 'rejected', JSON.stringify(suspended));
      assert.equal(suspended.result?.credentials.mdl?.[0]?.code, 'credential_suspended');
      await changeStatus(id, 'reinstate');
      const back = await presentUntil(mdlQuery, 'verified');
      assert.equal(back.status, 'verified', JSON.stringify(back));
      await changeStatus(id, 'revoke');
      const revoked = await presentUntil(mdlQuery, 'credential_revoked');
      assert.equal(revoked.status, 'rejected', JSON.stringify(revoked));
      assert.equal(revoked.result?.code, 'credential_revoked');
    });
  });
}
