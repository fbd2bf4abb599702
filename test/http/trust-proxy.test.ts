/**
 * TRUST_PROXY: behind a load balancer every phone arrives from the balancer's address, and the
 * per-address ceilings would count them all as one. With the balancers' addresses in TRUST_PROXY
 * the client address is read from their X-Forwarded-For; from anyone else the header is ignored,
 * since any client can write it.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { logSink } from '../helpers/log-sink.js';

describe('TRUST_PROXY', () => {
  it('takes addresses and CIDR ranges, and names itself for anything else', () => {
    assert.deepEqual(loadConfig({}, '/srv').trustProxy, []);
    assert.deepEqual(loadConfig({ TRUST_PROXY: ' 10.0.0.0/8, 127.0.0.1,::1, fd00::/8 ' }, '/srv').trustProxy, [
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
      'fd00::/8',
    ]);
    for (const bad of ['true', 'loopback', '10.0.0.0/33', '::/129', '10.0.0.1/8/8', 'lb.example.kr', '10.0.0.0/x', '1'])
      assert.throws(
        () => loadConfig({ TRUST_PROXY: bad }, '/srv'),
        (e: unknown) => e instanceof ConfigError && /TRUST_PROXY/.test(e.message),
        bad,
      );
  });

  // The nonce endpoint is anonymous and counted per client address only.
  const nonce = (t: TestApp, remoteAddress: string, forwardedFor?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/openid4vci/nonce',
      remoteAddress,
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    });
  const statuses = async (t: TestApp, requests: [remote: string, forwarded?: string][]) => {
    const out: number[] = [];
    for (const [remote, forwarded] of requests) out.push((await nonce(t, remote, forwarded)).statusCode);
    return out;
  };

  describe('with the balancer trusted', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { TRUST_PROXY: '10.0.0.0/8', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '2' } });
    });
    afterAll(() => t?.close());

    it('counts each phone the balancer forwards on its own, and the nearest untrusted address of a chain', async () => {
      assert.deepEqual(
        await statuses(t, [
          ['10.0.0.5', '203.0.113.1'],
          ['10.0.0.6', '203.0.113.1'],
          ['10.0.0.5', '203.0.113.1'],
          ['10.0.0.5', '203.0.113.2'],
          // What the phone wrote itself stays on the left; the balancer appended what it saw.
          ['10.0.0.5', '198.51.100.9, 203.0.113.2'],
          ['10.0.0.5', '203.0.113.2'],
        ]),
        [200, 200, 429, 200, 200, 429],
      );
    });

    it('ignores X-Forwarded-For from an address it does not trust', async () => {
      assert.deepEqual(
        await statuses(t, [
          ['198.51.100.7', '203.0.113.50'],
          ['198.51.100.7', '203.0.113.51'],
          ['198.51.100.7', '203.0.113.52'],
        ]),
        [200, 200, 429],
      );
    });
  });

  describe('unset', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '2' } });
    });
    afterAll(() => t?.close());

    it('counts an IPv6 address by its /64, as the engagement waits do', async () => {
      assert.deepEqual(
        await statuses(t, [['2001:db8:0:1::1'], ['2001:db8:0:1::2'], ['2001:db8:0:1:ffff::3'], ['2001:db8:0:2::1']]),
        [200, 200, 429, 200],
      );
    });

    it('says once in the log that a forwarded request came while TRUST_PROXY is unset', async () => {
      const sink = logSink();
      const logged = await startTestApp({ logDestination: sink.stream, env: { LOG_LEVEL: 'warn' } });
      try {
        await nonce(logged, '10.0.0.5');
        assert.doesNotMatch(sink.text(), /TRUST_PROXY/);
        await nonce(logged, '10.0.0.5', '203.0.113.1');
        await nonce(logged, '10.0.0.5', '203.0.113.2');
        assert.equal(sink.lines().filter((l) => l.includes('TRUST_PROXY is unset')).length, 1);
      } finally {
        await logged.close();
      }
    });

    it('counts the connecting address, whatever X-Forwarded-For says', async () => {
      assert.deepEqual(
        await statuses(t, [
          ['10.0.0.5', '203.0.113.1'],
          ['10.0.0.5', '203.0.113.2'],
          ['10.0.0.5', '203.0.113.3'],
        ]),
        [200, 200, 429],
      );
    });
  });
});
