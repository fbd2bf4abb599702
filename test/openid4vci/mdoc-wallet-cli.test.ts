/** `dproof wallet receive / list / show` with mdoc credentials (ISO/IEC 18013-5 IssuerSigned). */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { runDproof } from '../helpers/spawn-server.js';
import { makeOffer } from './vci-helpers.js';
import { makeMdocIssuerKeys } from './make-mdoc-issuer-keys.js';

for (const backend of storeTargets()) {
  describe(`dproof wallet with mdoc credentials on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    let dir: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true, env: { RATE_LIMIT_PER_MINUTE: '0' } });
      issuerKey = await t.apiKey('issuer');
      dir = mkdtempSync(join(tmpdir(), 'dproof-mdoc-wallet-'));
      await makeMdocIssuerKeys(t);
    });
    afterAll(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('receives a batch of mdoc civil-servant IDs (checked: signature, digests, docType, our device key), lists and shows them', async () => {
      const env = { DPROOF_WALLET: join(dir, 'w.json') };
      assert.equal((await runDproof(['wallet', 'init'], env)).code, 0);
      const type = t.runtime.catalog.get('civil-servant-id')!;
      const offer = await makeOffer(t, issuerKey, { type: type.id, claims: type.example, format: 'mso_mdoc' });
      const got = await runDproof(['wallet', 'receive', offer.offer, '--batch', '2', '--json'], env);
      assert.equal(got.code, 0, got.stderr);
      const list = JSON.parse((await runDproof(['wallet', 'list', '--json'], env)).stdout) as {
        id: string;
        format: string;
        kind: string;
        key: string;
      }[];
      assert.equal(list.length, 2);
      assert.deepEqual(
        list.map((c) => [c.format, c.kind]),
        [
          ['mso_mdoc', 'kr.go.mpm.civil_servant_id.1'],
          ['mso_mdoc', 'kr.go.mpm.civil_servant_id.1'],
        ],
      );
      assert.notEqual(list[0]!.key, list[1]!.key);
      const shown = JSON.parse((await runDproof(['wallet', 'show', list[0]!.id], env)).stdout) as {
        doctype: string;
        claims: Record<string, Record<string, unknown>>;
      };
      assert.equal(shown.doctype, 'kr.go.mpm.civil_servant_id.1');
      const ns = shown.claims['kr.go.mpm.civil_servant_id.1']!;
      assert.equal(ns.family_name, type.example.family_name);
      assert.equal(ns.birth_date, type.example.birth_date, 'a full-date reads back as YYYY-MM-DD');
      assert.equal(typeof ns.age_over_19, 'boolean');
      assert.equal(ns.portrait, type.example.portrait, 'the portrait bytes read back as the base64url the issuer sent');
      const unknown = await runDproof(['wallet', 'show', 'nope'], env);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /no credential nope in this wallet/);
    });

    it('refuses an mdoc whose issuerAuth names alg in both headers (RFC 9052 §3), though its signature still verifies', async () => {
      const env = { DPROOF_WALLET: join(dir, 'w3.json') };
      assert.equal((await runDproof(['wallet', 'init'], env)).code, 0);
      const type = t.runtime.catalog.get('resident-id')!;
      const offer = await makeOffer(t, issuerKey, { type: type.id, claims: type.example, format: 'mso_mdoc' });
      let sent = '';
      // The unprotected header {33: x5chain} becomes {1: -7, 33: x5chain}: maps and arrays count
      // their items, not bytes, and the unprotected header is not signed, so all else still holds.
      const tamper: typeof fetch = async (input, init) => {
        const res = await fetch(input, init);
        if (!String(input).endsWith('/openid4vci/credential')) return res;
        const body = (await res.json()) as { credentials: { credential: string }[] };
        const bytes = Buffer.from(body.credentials[0]!.credential, 'base64url');
        const at = bytes.indexOf(Buffer.from([0xa1, 0x18, 0x21, 0x59]));
        assert.ok(at > 0 && bytes.indexOf(Buffer.from([0xa1, 0x18, 0x21, 0x59]), at + 1) === -1, 'one unprotected header with an x5chain');
        const forged = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xa2, 0x01, 0x26]), bytes.subarray(at + 1)]);
        body.credentials[0]!.credential = forged.toString('base64url');
        sent = body.credentials[0]!.credential;
        return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      };
      const { receiveCredentials } = await import('../../src/wallet/receive-credentials.js');
      const wallet = JSON.parse(readFileSync(env.DPROOF_WALLET, 'utf8'));
      await assert.rejects(
        receiveCredentials(wallet, { offerLink: offer.offer, fetch: tamper }),
        /not a well-formed base64url IssuerSigned/,
      );
      // The web wallet's check refuses the same credential.
      // Imported by path, as the page loads it: it is typed against the DOM.
      const web = (await import(pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'web', 'wallet', 'mdoc.ts')).href)) as {
        checkReceivedMdoc(credential: unknown, expected: { docType: unknown; kid: string }): Promise<unknown>;
      };
      // The page speaks Korean first (src/web/shared/i18n.ts), so its refusal here is the Korean sentence.
      await assert.rejects(
        web.checkReceivedMdoc(sent, { docType: type.mdoc?.doctype, kid: 'any' }),
        /발급기관이 보낸 증명서의 형식이 올바르지 않습니다/,
      );
    });

    it('refuses an mdoc whose element was changed after signing (digest mismatch), keeping nothing', async () => {
      const env = { DPROOF_WALLET: join(dir, 'w2.json') };
      assert.equal((await runDproof(['wallet', 'init'], env)).code, 0);
      const type = t.runtime.catalog.get('resident-id')!;
      const offer = await makeOffer(t, issuerKey, { type: type.id, claims: type.example, format: 'mso_mdoc' });
      // A tampering issuer: the service's answer with one claim value changed (same length, so the CBOR stays well-formed).
      const tamper: typeof fetch = async (input, init) => {
        const res = await fetch(input, init);
        if (!String(input).endsWith('/openid4vci/credential')) return res;
        const body = (await res.json()) as { credentials: { credential: string }[] };
        const bytes = Buffer.from(body.credentials[0]!.credential, 'base64url');
        const name = Buffer.from(type.example.given_name as string);
        const at = bytes.indexOf(name);
        bytes[at + name.length - 1] ^= 1;
        body.credentials[0]!.credential = bytes.toString('base64url');
        return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      };
      const { receiveCredentials } = await import('../../src/wallet/receive-credentials.js');
      const wallet = JSON.parse(readFileSync(env.DPROOF_WALLET, 'utf8'));
      await assert.rejects(
        receiveCredentials(wallet, { offerLink: offer.offer, fetch: tamper }),
        /does not match its digest|not a well-formed base64url IssuerSigned/,
      );
      writeFileSync(env.DPROOF_WALLET, JSON.stringify(wallet));
      assert.equal((JSON.parse((await runDproof(['wallet', 'list', '--json'], env)).stdout) as unknown[]).length, 0);
    });
  });
}
