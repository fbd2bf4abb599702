import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';

for (const backend of storeTargets()) {
  describe(`suspend, reinstate and revoke on ${backend}`, () => {
    let t: TestApp;
    let issuer: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true });
      issuer = await t.apiKey('issuer');
    });
    afterAll(() => t.close());

    const issue = async (key = issuer) => {
      const type = t.runtime.catalog.get('disability-eligibility');
      const r = await t.app.inject({
        method: 'POST',
        url: '/v1/credentials',
        headers: { authorization: `Bearer ${key}` },
        payload: { type: 'disability-eligibility', claims: type?.example },
      });
      assert.equal(r.statusCode, 201, r.body);
      return r.json() as { id: string; status: { list: string; index: number } };
    };
    const change = (id: string, action: string, body: unknown = { reason: '분실 신고 (reported lost)' }, key = issuer) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/credentials/${id}/${action}`,
        headers: { authorization: `Bearer ${key}` },
        payload: body as Record<string, unknown>,
      });
    /** Waits until the served list shows `want` at the index (the publisher re-checks at most once a second). */
    const served = async (c: { status: { list: string; index: number } }, want: number) => {
      const deadline = Date.now() + 5000;
      for (;;) {
        const got = getListFromStatusListJWT(await (await fetch(c.status.list)).text()).getStatus(c.status.index);
        if (got === want || Date.now() > deadline) return got;
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    it('walks valid → suspended → valid → revoked, and the served list follows', async () => {
      const c = await issue();
      assert.equal(await served(c, 0), 0);
      const s = await change(c.id, 'suspend');
      assert.equal(s.statusCode, 200, s.body);
      assert.equal(s.json().status, 'suspended');
      assert.equal(await served(c, 2), 2);
      assert.equal((await change(c.id, 'reinstate')).json().status, 'valid');
      assert.equal(await served(c, 0), 0);
      assert.equal((await change(c.id, 'revoke')).json().status, 'revoked');
      assert.equal(await served(c, 1), 1);
    });

    it('shows a change on the node that made it at the next read, without waiting', async () => {
      const c = await issue();
      const read = async () => getListFromStatusListJWT(await (await fetch(c.status.list)).text()).getStatus(c.status.index);
      assert.equal(await read(), 0);
      assert.equal((await change(c.id, 'suspend')).statusCode, 200);
      assert.equal(await read(), 2);
      assert.equal((await change(c.id, 'revoke')).statusCode, 200);
      assert.equal(await read(), 1);
    });

    it('keeps revocation final and refuses changes that do not apply, changing nothing', async () => {
      const c = await issue();
      const cases: [string, string, number, string][] = [
        ['reinstate', 'valid', 409, 'credential_not_suspended'],
        ['revoke', 'valid', 200, ''],
        ['revoke', 'revoked', 409, 'credential_already_revoked'],
        ['reinstate', 'revoked', 409, 'credential_revoked'],
        ['suspend', 'revoked', 409, 'credential_revoked'],
      ];
      for (const [action, from, status, code] of cases) {
        const r = await change(c.id, action);
        assert.equal(r.statusCode, status, `${action} from ${from}: ${r.body}`);
        if (code) assert.equal(r.json().code, code);
        assert.equal(
          (await t.runtime.store.credentials.get(c.id))?.status,
          1 - (from === 'valid' && status === 409 ? 1 : 0),
          `${action} left it as it was`,
        );
      }
      const twice = await issue();
      assert.equal((await change(twice.id, 'suspend')).statusCode, 200);
      const again = await change(twice.id, 'suspend');
      assert.equal(again.json().code, 'credential_already_suspended');
    });

    it('revokes whatever a suspension or reinstatement racing it does; a refusal names the status that refused', async () => {
      // Under PostgreSQL's READ COMMITTED the rival can commit between the revocation's read and
      // its UPDATE; the revocation must then read again, not answer "already revoked".
      for (let round = 0; round < 48; round++) {
        const c = await issue();
        const suspendedFirst = round % 2 === 1;
        if (suspendedFirst) assert.equal((await change(c.id, 'suspend')).statusCode, 200);
        const [revoke, rival] = await Promise.all([change(c.id, 'revoke'), change(c.id, suspendedFirst ? 'reinstate' : 'suspend')]);
        assert.equal(revoke.statusCode, 200, `round ${round}: ${revoke.body}`);
        assert.equal((await t.runtime.store.credentials.get(c.id))?.status, 1, `round ${round}: revoked at the end`);
        // The rival went first (200) or found the credential revoked.
        if (rival.statusCode !== 200) assert.equal(rival.json().code, 'credential_revoked', `round ${round}`);
        const events = await t.runtime.store.audit.forSubject(`credential:${c.id}`);
        assert.equal(events.at(-1)?.action, 'credential.revoke');
        // Each event's `from` is the status it really moved from.
        const chain = events.map((e) => [e.detail?.from, e.detail?.to]);
        for (let i = 1; i < chain.length; i++) assert.equal(chain[i]![0], chain[i - 1]![1], `round ${round}: ${JSON.stringify(chain)}`);
      }
    });

    it('answers unknown credentials, other issuers and missing reasons with their codes', async () => {
      const c = await issue();
      assert.equal((await change('00000000-0000-0000-0000-000000000000', 'revoke')).json().code, 'credential_not_found');
      const other = await change(c.id, 'revoke', undefined, await t.apiKey('issuer'));
      assert.equal(other.statusCode, 404);
      assert.equal(other.json().code, 'credential_not_found');
      assert.equal((await change(c.id, 'revoke', {})).json().code, 'invalid_request');
      assert.equal((await change(c.id, 'revoke', { reason: '   ' })).json().code, 'invalid_reason');
      const verifier = await change(c.id, 'revoke', undefined, await t.apiKey('verifier'));
      assert.equal(verifier.statusCode, 403);
      assert.equal((await t.runtime.store.credentials.get(c.id))?.status, 0, 'nothing changed');
      const admin = await change(c.id, 'suspend', undefined, await t.apiKey('admin'));
      assert.equal(admin.statusCode, 200, 'an admin may change any credential');
    });

    it('audits who changed what, when and why, without claim values', async () => {
      const c = await issue();
      await change(c.id, 'suspend', { reason: '이의 신청 검토 중' });
      await change(c.id, 'revoke', { reason: 'fraud confirmed' });
      const events = await t.runtime.store.audit.forSubject(`credential:${c.id}`);
      assert.deepEqual(
        events.map((e) => [e.action, e.detail?.reason, e.detail?.to]),
        [
          ['credential.suspend', '이의 신청 검토 중', 'suspended'],
          ['credential.revoke', 'fraud confirmed', 'revoked'],
        ],
      );
      assert.ok(events.every((e) => e.actor.startsWith('client:') && e.at > 0));
      const example = t.runtime.catalog.get('disability-eligibility')?.example ?? {};
      const text = JSON.stringify(events);
      for (const v of [example.family_name, example.given_name]) assert.ok(!text.includes(String(v)));
    });

    it('lists issued credentials as metadata, newest first, an issuer seeing only its own', async () => {
      const mine = await t.apiKey('issuer');
      const a = await issue(mine);
      const b = await issue(mine);
      const r = await t.app.inject({ method: 'GET', url: '/v1/credentials?limit=1', headers: { authorization: `Bearer ${mine}` } });
      const page = r.json() as { items: { id: string }[]; next: string };
      assert.deepEqual(
        page.items.map((x) => x.id),
        [b.id],
      );
      const r2 = await t.app.inject({
        method: 'GET',
        url: `/v1/credentials?limit=5&before=${page.next}`,
        headers: { authorization: `Bearer ${mine}` },
      });
      assert.deepEqual(
        (r2.json() as { items: { id: string }[] }).items.map((x) => x.id),
        [a.id],
      );
      assert.ok(!r2.body.includes('family_name'));
    });
  });
}
