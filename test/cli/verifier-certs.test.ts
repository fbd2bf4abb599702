/**
 * `dproof verifier-certs` and `dproof wallet present` with X.509 verifier identities: a
 * development chain, a CSR signed by a CA and imported, rotation (the previous identity becomes
 * retiring, requests made under its x509_hash still verify), and the CLI wallet's checks.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { runDproof } from '../helpers/spawn-server.js';
import { makeOffer } from '../openid4vci/vci-helpers.js';
import { AGE_CHECK_PURPOSE, ageOver19Query, createDcqlRequest, postVerifierRequest } from '../presentation/helpers.js';

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

interface IdentityView {
  id: string;
  owner: string;
  state: string;
  dns_name: string;
  x509_hash: string | null;
}

/** A test CA that signs what a CSR asks for (or, for the refusals, something else). */
async function testCa() {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Test CA',
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    signingAlgorithm: ECDSA,
    keys,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const issue = async (csrPem: string, o: { dns?: string | null; notAfter?: Date; publicKey?: webcrypto.CryptoKey } = {}) => {
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    assert.ok(await csr.verify(), 'the CSR is signed by the key it names');
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber: '02',
      subject: csr.subject,
      issuer: cert.subject,
      notBefore: new Date(Date.now() - DAY),
      notAfter: o.notAfter ?? new Date(Date.now() + 10 * DAY),
      signingAlgorithm: ECDSA,
      publicKey: o.publicKey ?? (await csr.publicKey.export()),
      signingKey: keys.privateKey,
      extensions: o.dns === null ? [] : [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: o.dns ?? '127.0.0.1' }])],
    });
    return `${leaf.toString('pem')}\n${cert.toString('pem')}\n`;
  };
  return { cert, issue };
}

for (const backend of storeTargets()) {
  describe(`dproof verifier-certs and the CLI wallet on ${backend}`, () => {
    let t: TestApp;
    let verifierKey: string;
    let dir: string;
    let env: Record<string, string>;
    let walletEnv: Record<string, string>;
    let anchorFile: string;
    const json = async <T>(...args: string[]): Promise<T> => {
      const r = await runDproof([...args, '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as T;
    };
    const query = (id = 'adult') => ageOver19Query(t.runtime.catalog.get('driver-license')!.vct, id);
    const request = (body: Record<string, unknown>) =>
      createDcqlRequest(t.app, verifierKey, query(), { purpose: AGE_CHECK_PURPOSE, ...body });
    const present = (link: string, ...more: string[]) => runDproof(['wallet', 'present', link, '--json', ...more], walletEnv);

    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true });
      env = { ...t.target.env, PUBLIC_URL: t.config.publicUrl };
      verifierKey = await t.apiKey('verifier');
      const issuerKey = await t.apiKey('issuer');
      dir = mkdtempSync(join(tmpdir(), 'dproof-x509-'));
      walletEnv = { DPROOF_WALLET: join(dir, 'wallet.json') };
      assert.equal((await runDproof(['wallet', 'init'], walletEnv)).code, 0);
      const type = t.runtime.catalog.get('driver-license')!;
      const offer = await makeOffer(t, issuerKey, { type: 'driver-license', claims: type.example });
      assert.equal((await runDproof(['wallet', 'receive', offer.offer, '--json'], walletEnv)).code, 0);
    });
    afterAll(async () => {
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('an X.509 request before any identity exists is refused with no_verifier_identity', async () => {
      const res = await postVerifierRequest(t.app, verifierKey, query('a'), { client_id_prefix: 'x509_hash' });
      assert.equal(res.statusCode, 409);
      assert.equal(res.json<{ code: string }>().code, 'no_verifier_identity');
    });

    it('create makes a development chain; the CLI wallet answers x509_hash and x509_san_dns (request_uri_method=post) given the root', async () => {
      const created = await json<{ identity: IdentityView; trust_anchor_file: string }>('verifier-certs', 'create');
      assert.equal(created.identity.state, 'active');
      assert.equal(created.identity.owner, 'service');
      assert.equal(created.identity.dns_name, '127.0.0.1');
      anchorFile = created.trust_anchor_file;
      assert.ok(existsSync(anchorFile));

      const byHash = await request({ client_id_prefix: 'x509_hash' });
      const r1 = await present(byHash.authorization_request, '--trust-anchor', anchorFile);
      assert.equal(r1.code, 0, r1.stderr);
      const out1 = JSON.parse(r1.stdout) as {
        verifier: { client_id: string; name: string | null; purpose: { en: string } };
        result: { verdict: string };
      };
      assert.equal(out1.verifier.client_id, `x509_hash:${created.identity.x509_hash}`);
      assert.equal(out1.verifier.purpose.en, 'Age check for alcohol');
      assert.ok(out1.verifier.name, 'client_metadata.client_name shown');
      assert.equal(out1.result.verdict, 'verified');

      const bySan = await request({ client_id_prefix: 'x509_san_dns', request_uri_method: 'post' });
      const r2 = await present(bySan.authorization_request, '--trust-anchor', anchorFile);
      assert.equal(r2.code, 0, r2.stderr);
      assert.equal((JSON.parse(r2.stdout) as { result: { verdict: string } }).result.verdict, 'verified');
    });

    it("a verifier client's default prefix applies to requests that name none; a request's own prefix wins", async () => {
      const me = (await t.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${verifierKey}` } })).json<{
        id: string;
      }>();
      const bogus = await runDproof(['verifier-certs', 'prefix', me.id, 'redirect_uri'], env);
      assert.equal(bogus.code, 1);
      assert.match(bogus.stderr, /must be decentralized_identifier, x509_san_dns or x509_hash/);
      assert.equal((await runDproof(['verifier-certs', 'prefix', me.id, 'x509_hash'], env)).code, 0);
      assert.match((await request({})).authorization_request, /client_id=x509_hash%3A/);
      assert.match(
        (await request({ client_id_prefix: 'decentralized_identifier' })).authorization_request,
        /client_id=decentralized_identifier%3A/,
      );
      assert.equal((await runDproof(['verifier-certs', 'prefix', me.id, 'none'], env)).code, 0);
      assert.match((await request({})).authorization_request, /client_id=decentralized_identifier%3A/);
    });

    it('the CLI wallet refuses an X.509 verifier without a trust anchor, or under another root', async () => {
      const req = await request({ client_id_prefix: 'x509_san_dns' });
      const none = await present(req.authorization_request);
      assert.equal(none.code, 1);
      assert.match(none.stderr, /trust anchor/);
      const other = join(dir, 'other-root.pem');
      writeFileSync(other, (await testCa()).cert.toString('pem'));
      const wrong = await present(req.authorization_request, '--trust-anchor', other);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /not trusted/);
    });

    it('create --csr, a CA signs it, import activates it; the previous identity is retiring and its x509_hash requests still verify', async () => {
      const old = await request({ client_id_prefix: 'x509_hash' });
      const ca = await testCa();
      const made = await json<{ identity: IdentityView; csr: string }>('verifier-certs', 'create', '--csr', '--organization', 'Bank A');
      assert.equal(made.identity.state, 'pending');
      assert.match(made.csr, /^-----BEGIN CERTIFICATE REQUEST-----/);
      const chainFile = join(dir, 'chain.pem');

      // Refusals: each with its code (the CLI prints the message).
      const bad = async (pem: string, re: RegExp) => {
        writeFileSync(chainFile, pem);
        const r = await runDproof(['verifier-certs', 'import', made.identity.id, chainFile], env);
        assert.equal(r.code, 1);
        assert.match(r.stderr, re);
      };
      await bad('not a certificate', /no PEM CERTIFICATE/);
      await bad(await ca.issue(made.csr, { dns: 'bank.example' }), /no subjectAltName dNSName 127\.0\.0\.1/);
      await bad(await ca.issue(made.csr, { dns: null }), /no subjectAltName/);
      const stranger = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
        'sign',
        'verify',
      ])) as webcrypto.CryptoKeyPair;
      await bad(await ca.issue(made.csr, { publicKey: stranger.publicKey }), /another key/);
      const otherCa = await testCa();
      const [leafOnly] = (await ca.issue(made.csr)).split(/(?<=-----END CERTIFICATE-----)/);
      await bad(`${leafOnly}\n${otherCa.cert.toString('pem')}`, /not signed by certificate 1/);

      writeFileSync(chainFile, await ca.issue(made.csr));
      const imported = await json<{ identity: IdentityView; retiring: string }>('verifier-certs', 'import', made.identity.id, chainFile);
      assert.equal(imported.identity.state, 'active');
      const list = await json<IdentityView[]>('verifier-certs', 'list');
      assert.equal(list.find((i) => i.id === imported.retiring)?.state, 'retiring');
      const again = await runDproof(['verifier-certs', 'import', made.identity.id, chainFile], env);
      assert.match(again.stderr, /imported once/);

      // The request made before the rotation is still signed by the certificate its client_id names.
      const r = await present(old.authorization_request, '--trust-anchor', anchorFile);
      assert.equal(r.code, 0, r.stderr);
      // New requests use the CA-issued certificate; the wallet trusts that CA.
      const fresh = await request({ client_id_prefix: 'x509_san_dns' });
      const caFile = join(dir, 'ca.pem');
      writeFileSync(caFile, ca.cert.toString('pem'));
      const r2 = await present(fresh.authorization_request, '--trust-anchor', caFile);
      assert.equal(r2.code, 0, r2.stderr);
      assert.equal(readFileSync(caFile, 'utf8').startsWith('-----BEGIN CERTIFICATE-----'), true);

      const retired = await json<IdentityView>('verifier-certs', 'retire', imported.retiring);
      assert.equal(retired.state, 'retired');
      const stillActive = await runDproof(['verifier-certs', 'retire', imported.identity.id], env);
      assert.equal(stillActive.code, 1);
    });
  });
}
