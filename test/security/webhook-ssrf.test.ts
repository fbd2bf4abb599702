/**
 * Webhooks cannot be aimed at our own network (issue 14, class 7: blind SSRF). At creation a
 * `webhook_url` naming localhost or a loopback, private, link-local, unique-local, CGNAT,
 * multicast or metadata address (IPv4-mapped forms too) is refused with `webhook_url_internal`
 * and nothing is stored; at send time the host name is resolved and the POST is refused when
 * any answer is internal (DNS rebinding), goes to exactly the checked address, and follows no
 * redirect. WEBHOOK_ALLOW_HOSTS lets an operator name internal receivers.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from '../../src/config.js';
import { isInternalAddress } from '../../src/http-client/internal-addresses.js';
import type { ResolveHost } from '../../src/http-client/post-to-public-host.js';
import { sendWebhook } from '../../src/presentation/send-webhook.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { rowCount } from '../helpers/row-count.js';

const INTERNAL_URLS = [
  'https://169.254.169.254/latest/meta-data/',
  'https://10.0.0.1/hook',
  'https://172.16.5.4/hook',
  'https://192.168.1.10/hook',
  'https://100.64.0.1/hook',
  'https://127.0.0.1:8443/hook',
  'https://127.1/hook', // the URL parser makes it 127.0.0.1
  'https://2130706433/hook', // 127.0.0.1 as one number
  'https://0x7f000001/hook',
  'https://0.0.0.0/hook',
  'https://224.0.0.1/hook',
  'https://[::1]:8443/hook',
  'https://[::]/hook',
  'https://[fe80::1]/hook',
  'https://[fd00:ec2::254]/latest/meta-data/',
  'https://[fc00::1]/hook',
  'https://[::ffff:127.0.0.1]/hook',
  'https://[::ffff:169.254.169.254]/hook',
  'https://[::ffff:a00:1]/hook',
  'https://[ff02::1]/hook',
  'https://localhost:8443/hook',
  'https://LOCALHOST./hook',
  'https://api.localhost/hook',
];

describe('internal address ranges', () => {
  const internal = [
    '127.0.0.1',
    '127.255.255.254',
    '10.1.2.3',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.127.0.1',
    '0.0.0.0',
    '239.1.1.1',
    '::1',
    '::',
    'fe80::abcd',
    'fd00:ec2::254',
    'fc12::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    'ff05::2',
    '64:ff9b::7f00:1',
  ];
  const external = [
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '169.255.0.1',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
  ];
  for (const a of internal) it(`counts ${a} as internal`, () => assert.equal(isInternalAddress(a), true));
  for (const a of external) it(`counts ${a} as public`, () => assert.equal(isInternalAddress(a), false));

  it('refuses a WEBHOOK_ALLOW_HOSTS entry that is not a host, address or range, naming the variable', () => {
    for (const bad of ['http://x', '10.0.0.0/33', '::1/129', 'a b', '10.0.0.0/8/1']) {
      assert.throws(
        () => loadConfig({ WEBHOOK_ALLOW_HOSTS: bad }),
        (e: unknown) => e instanceof ConfigError && e.variable === 'WEBHOOK_ALLOW_HOSTS',
        bad,
      );
    }
    assert.deepEqual(loadConfig({ WEBHOOK_ALLOW_HOSTS: ' hooks.internal , 10.0.0.0/8,::1 ' }).webhookAllowHosts, [
      'hooks.internal',
      '10.0.0.0/8',
      '::1',
    ]);
    assert.deepEqual(loadConfig({}).webhookAllowHosts, []);
  });
});

/** A local receiver that counts the POSTs it gets and answers `status` (with a Location when 3xx). */
async function receiver(status = 204, location?: string): Promise<{ server: Server; port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => res.writeHead(status, location ? { location } : {}).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

for (const backend of storeTargets()) {
  describe(`webhook URLs to internal addresses (${backend})`, () => {
    let t: TestApp;
    let allowing: TestApp;
    let production: TestApp;
    let verifierKey: string;
    const DCQL = () => ({
      credentials: [
        {
          id: 'licence',
          format: 'dc+sd-jwt',
          meta: { vct_values: [t.runtime.catalog.get('driver-license')!.vct] },
          claims: [{ path: ['family_name'] }],
        },
      ],
    });
    const create = async (app: TestApp, key: string, webhook_url: string) =>
      app.app.inject({
        method: 'POST',
        url: '/v1/verifier/requests',
        headers: { authorization: `Bearer ${key}` },
        payload: { dcql_query: DCQL(), webhook_url },
      });
    const count = (app: TestApp) => rowCount(app, 'verifier_requests');

    beforeAll(async () => {
      t = await startTestApp({ store: backend });
      verifierKey = await t.apiKey('verifier');
      allowing = await startTestApp({ store: backend, env: { WEBHOOK_ALLOW_HOSTS: 'hooks.internal,10.0.0.0/8,localhost' } });
      production = await startTestApp({
        store: backend,
        env: { NODE_ENV: 'production', DPROOF_KEY_PASSPHRASE: 'a passphrase for tests', WEBHOOK_ALLOW_HOSTS: 'hooks.internal' },
      });
    });
    afterAll(async () => {
      await t?.close();
      await allowing?.close();
      await production?.close();
    });

    it('refuses every internal webhook_url with 400 webhook_url_internal and stores no request', async () => {
      const before = await count(t);
      for (const url of INTERNAL_URLS) {
        const res = await create(t, verifierKey, url);
        assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
        assert.match(String(res.headers['content-type']), /application\/problem\+json/);
        assert.equal(res.json().code, 'webhook_url_internal', url);
      }
      assert.equal(await count(t), before);
    });

    it('accepts a public https webhook_url (201), so the refusals above are about the address', async () => {
      const res = await create(t, verifierKey, 'https://hooks.example/done');
      assert.equal(res.statusCode, 201, res.body);
    });

    it('accepts internal receivers the operator allow-listed by name or range, and only those', async () => {
      const key = await allowing.apiKey('verifier');
      for (const url of ['https://hooks.internal/done', 'https://10.2.3.4/done', 'http://localhost:8080/done']) {
        assert.equal((await create(allowing, key, url)).statusCode, 201, url);
      }
      for (const url of ['https://192.168.1.1/done', 'https://[::1]/done', 'https://169.254.169.254/']) {
        assert.equal((await create(allowing, key, url)).json().code, 'webhook_url_internal', url);
      }
      assert.equal(
        (await create(allowing, key, 'http://hooks.example/done')).json().code,
        'invalid_webhook_url',
        'plain http only to a listed host',
      );
    });

    it('refuses plain http in production even to an allow-listed host', async () => {
      const key = await production.apiKey('verifier');
      const before = await count(production);
      assert.equal((await create(production, key, 'http://hooks.internal/done')).json().code, 'invalid_webhook_url');
      assert.equal((await create(production, key, 'https://hooks.internal/done')).statusCode, 201);
      assert.equal(await count(production), before + 1);
    });

    describe('at send time', () => {
      const send = async (url: string, resolveHost: ResolveHost, allow: string[] = []) =>
        sendWebhook({ ...t.runtime, config: { ...t.runtime.config, webhookAllowHosts: allow }, resolveHost }, url, {
          clientId: 'c',
          requestId: 'r',
          status: 'verified',
        });
      const answers =
        (...addresses: string[]): ResolveHost =>
        async () =>
          addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

      it('refuses a public-looking name that resolves to an internal address (DNS rebinding); the receiver gets nothing', async () => {
        const r = await receiver();
        try {
          for (const resolved of [['127.0.0.1'], ['93.184.215.14', '127.0.0.1'], ['::ffff:127.0.0.1'], ['169.254.169.254']]) {
            const outcome = await send(`http://hooks.example:${r.port}/hook`, answers(...resolved));
            assert.deepEqual(outcome, { sent: false, reason: 'internal_address' }, resolved.join(','));
          }
          assert.deepEqual(r.hits, []);
        } finally {
          r.server.close();
        }
      });

      it('refuses a literal internal address even if it got stored, without resolving anything', async () => {
        let asked = 0;
        const outcome = await send('https://169.254.169.254/latest/meta-data/', async () => (asked++, []));
        assert.deepEqual(outcome, { sent: false, reason: 'internal_address' });
        assert.equal(asked, 0);
      });

      it('delivers to an allow-listed name or range, connecting to the address it checked (one resolution)', async () => {
        const r = await receiver();
        try {
          assert.deepEqual(await send(`http://hooks.internal:${r.port}/a`, answers('127.0.0.1'), ['hooks.internal']), {
            sent: true,
            status: 204,
          });
          // The range allows 127.0.0.1; a second resolution (10.0.0.1, not allowed) would be refused.
          let asked = 0;
          const rebinding: ResolveHost = async () =>
            asked++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.0.0.1', family: 4 }];
          assert.deepEqual(await send(`http://hooks.example:${r.port}/b`, rebinding, ['127.0.0.0/8']), { sent: true, status: 204 });
          assert.equal(asked, 1, 'the name is resolved once, and that answer is the one connected to');
          assert.deepEqual(r.hits, ['POST /a', 'POST /b']);
        } finally {
          r.server.close();
        }
      });

      it('answers not_signed, without throwing or posting, when no key can sign the webhook', async () => {
        const r = await receiver();
        try {
          // Only the configured algorithm's key signs webhooks; this runtime has no EdDSA key.
          assert.equal(t.runtime.keys.hasActive('EdDSA'), false);
          const outcome = await sendWebhook(
            {
              ...t.runtime,
              config: { ...t.runtime.config, keyAlg: 'EdDSA', webhookAllowHosts: ['hooks.internal'] },
              resolveHost: answers('127.0.0.1'),
            },
            `http://hooks.internal:${r.port}/hook`,
            { clientId: 'c', requestId: 'r', status: 'verified' },
          );
          assert.deepEqual(outcome, { sent: false, reason: 'not_signed' });
          assert.deepEqual(r.hits, []);
        } finally {
          r.server.close();
        }
      });

      it('does not follow a redirect, not even to an allowed receiver', async () => {
        const target = await receiver();
        const redirecting = await receiver(307, `http://127.0.0.1:${target.port}/stolen`);
        try {
          const outcome = await send(`http://hooks.internal:${redirecting.port}/hook`, answers('127.0.0.1'), [
            'hooks.internal',
            '127.0.0.0/8',
          ]);
          assert.deepEqual(outcome, { sent: true, status: 307 });
          assert.equal(redirecting.hits.length, 1);
          assert.deepEqual(target.hits, []);
        } finally {
          target.server.close();
          redirecting.server.close();
        }
      });
    });
  });
}
