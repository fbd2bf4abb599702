/**
 * TLS_CERT / TLS_KEY: the service serves HTTPS itself (for trying the web wallet on a phone, which
 * needs a secure context), PUBLIC_URL defaults to https, and bad files stop the start with a
 * message naming the variable.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';
// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs this polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

async function selfSigned(dir: string, name: string): Promise<{ cert: string; key: string; certPem: string }> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: 'CN=dproof dev',
      keys,
      signingAlgorithm: ALG,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
    },
    webcrypto,
  );
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`;
  const certPem = cert.toString('pem');
  writeFileSync(join(dir, `${name}-cert.pem`), certPem);
  writeFileSync(join(dir, `${name}-key.pem`), keyPem);
  return { cert: join(dir, `${name}-cert.pem`), key: join(dir, `${name}-key.pem`), certPem };
}

describe('HTTPS with TLS_CERT and TLS_KEY', () => {
  let dir: string;
  let good: Awaited<ReturnType<typeof selfSigned>>;
  let other: Awaited<ReturnType<typeof selfSigned>>;
  let t: TestApp;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dproof-tls-'));
    good = await selfSigned(dir, 'good');
    other = await selfSigned(dir, 'other');
    t = await startTestApp({ listen: true, env: { TLS_CERT: good.cert, TLS_KEY: good.key } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API and the pages over HTTPS with the configured certificate', async () => {
    assert.match(t.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    for (const path of ['/readyz', '/wallet']) {
      const status = await new Promise<number>((resolve, reject) => {
        // Trust exactly this certificate: the connection fails if the server showed another one.
        const req = request(`${t.url}${path}`, { ca: good.certPem }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, 200, path);
    }
  });

  it('makes https the default PUBLIC_URL', () => {
    assert.equal(loadConfig({ PORT: '8443', TLS_CERT: good.cert, TLS_KEY: good.key }).publicUrl, 'https://localhost:8443');
  });

  it('refuses to start with one file only, an unreadable file, a non-PEM certificate or a key of another certificate', () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ TLS_CERT: good.cert }, 'TLS_KEY', /both or neither/],
      [{ TLS_KEY: good.key }, 'TLS_CERT', /both or neither/],
      [{ TLS_CERT: join(dir, 'missing.pem'), TLS_KEY: good.key }, 'TLS_CERT', /cannot read .*ENOENT/],
      [{ TLS_CERT: good.key, TLS_KEY: good.key }, 'TLS_CERT', /not a PEM certificate/],
      [{ TLS_CERT: good.cert, TLS_KEY: other.key }, 'TLS_KEY', /is not the PEM private key of/],
    ];
    for (const [env, variable, message] of cases) {
      assert.throws(
        () => loadConfig(env),
        (e: unknown) => e instanceof ConfigError && e.variable === variable && message.test(e.message),
        JSON.stringify(env),
      );
    }
  });
});
