import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { startTestApp } from '../helpers/test-app.js';
import { accessToken, codeOf, credentialRequest, fetchOffer, holderKey, makeOffer, nonce, proof } from './vci-helpers.js';

describe('OpenID4VCI logs', () => {
  it('carry no offer reference, pre-authorized code, tx_code, access token, c_nonce, proof or claim', async () => {
    let logs = '';
    const sink = new Writable({ write(chunk, _enc, cb) { logs += String(chunk); cb(); } });
    const t = await startTestApp({ logDestination: sink, env: { RATE_LIMIT_PER_MINUTE: '0' } });
    try {
      const type = t.runtime.catalog.get('resident-id');
      const o = await makeOffer(t, await t.apiKey('issuer'), { type: 'resident-id', claims: type?.example, tx_code: true });
      const ref = o.credential_offer_uri.split('/').pop() as string;
      await fetchOffer(t, o);
      await t.app.inject({ method: 'GET', url: new URL(o.qr_svg).pathname });
      const code = await codeOf(t, o);
      const token = await accessToken(t, o);
      const c = await nonce(t);
      const jwt = await proof(holderKey(), { aud: t.config.publicUrl, nonce: c });
      const res = await credentialRequest(t, token, { credential_configuration_id: 'resident-id', proofs: { jwt: [jwt] } });
      assert.equal(res.statusCode, 200);
      await credentialRequest(t, undefined, {}, `/openid4vci/credential?access_token=${token}`);
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(logs.includes('"route":"/openid4vci/credential-offer/:ref"'), 'offer requests are logged by route');
      for (const secret of [ref, code, token, c, jwt.split('.')[2] as string, '최']) {
        assert.ok(!logs.includes(secret), `log must not contain ${secret.slice(0, 8)}…`);
      }
      // The tx_code is six digits, which timestamps contain by chance: look for it as a value.
      const tx = o.tx_code as string;
      for (const form of [`"${tx}"`, `=${tx}`]) assert.ok(!logs.includes(form), 'log must not contain the tx_code');
    } finally {
      await t.close();
    }
  });
});
