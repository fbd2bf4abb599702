/**
 * ISO mdoc over OpenID4VP 1.0 end to end, through real HTTP: an issuer and a wallet we did not
 * write (@auth0/mdl, in its own worker) issue an mDL under a test IACA and answer our request
 * with a DeviceResponse bound to the Annex B SessionTranscript; our verifier (@owf/mdoc parse,
 * our checks) gives the verdict. Then what must fail, fails with its code: a response for
 * another request or verifier, an untrusted IACA, a tampered element, another docType, an
 * expired mdoc, a revoked or suspended one (the MSO `status` in our own Token Status List),
 * hostile CBOR, a doctype the IACA may not speak for, and the counter (no SessionTranscript).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { cborDecode, cborEncode, DataItem } from '@owf/mdoc';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { counterVerify, postDirectPost, readRequestResult, revokeViaApi } from './helpers.js';
import {
  IndependentMdocParty,
  makeDeviceKey,
  makeDocumentSigner,
  makeIaca,
  MDL,
  MDL_NS,
  type DocumentSigner,
  type Iaca,
} from '../formats/mdoc/mdoc-fixtures.js';

const PUBLIC_URL = 'https://verifier.example';
const RESIDENT = 'kr.go.mois.resident-id.1';

interface Result {
  verdict: string;
  code: string;
  credentials: Record<
    string,
    { verdict: string; code: string; claims?: Record<string, unknown>; credential: { format: string; issuer: string } | null }[]
  >;
  receipts: string[];
}

for (const backend of storeTargets()) {
  describe(`ISO mdoc over OpenID4VP 1.0 (mso_mdoc) on ${backend}`, () => {
    let t: TestApp;
    let verifierKey: string;
    let issuerKey: string;
    let party: IndependentMdocParty;
    let iaca: Iaca;
    let ds: DocumentSigner;
    let ownIaca: Iaca;
    let ownDs: DocumentSigner;
    let device: Awaited<ReturnType<typeof makeDeviceKey>>;
    let mdoc: string;

    beforeAll(async () => {
      party = new IndependentMdocParty();
      [iaca, ownIaca, device] = await Promise.all([makeIaca('CN=Test IACA, C=KR'), makeIaca('CN=Our IACA, C=KR'), makeDeviceKey()]);
      [ds, ownDs] = await Promise.all([makeDocumentSigner(iaca), makeDocumentSigner(ownIaca)]);
      const dir = mkdtempSync(join(tmpdir(), 'dproof-iaca-'));
      writeFileSync(join(dir, 'iaca.pem'), iaca.pem);
      t = await startTestApp({ store: backend, env: { PUBLIC_URL, TRUSTED_IACA_CERTS: `${join(dir, 'iaca.pem')}` } });
      // Our own IACA, as the issuance half will publish it (Runtime.ownIacaCertificates).
      t.runtime.ownIacaCertificates = () => [ownIaca.pem];
      verifierKey = await t.apiKey('verifier');
      issuerKey = await t.apiKey('issuer');
      mdoc = await party.issue({ ds, deviceJwk: device.publicJwk });
    });
    afterAll(async () => {
      await party?.close();
      await t?.close();
    });

    const mdlQuery = (
      claims: unknown[] = [{ path: [MDL_NS, 'family_name'] }, { path: [MDL_NS, 'age_over_19'], intent_to_retain: false }],
      doctype = MDL,
    ) => ({
      credentials: [{ id: 'mdl', format: 'mso_mdoc', meta: { doctype_value: doctype }, claims }],
    });

    async function createRequest(dcql_query: unknown) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/verifier/requests',
        headers: { authorization: `Bearer ${verifierKey}` },
        payload: { dcql_query, purpose: { ko: '운전면허 확인', en: 'Licence check' } },
      });
      return res;
    }

    /** What the wallet reads from the signed request object (by reference). */
    async function openRequest(dcql = mdlQuery()) {
      const res = await createRequest(dcql);
      assert.equal(res.statusCode, 201, res.body);
      const { id, request_uri } = res.json<{ id: string; request_uri: string }>();
      const ro = await t.app.inject({ method: 'GET', url: new URL(request_uri).pathname });
      assert.equal(ro.statusCode, 200, ro.body);
      const p = decodeJwt(ro.body) as { client_id: string; nonce: string; state: string; response_uri: string; dcql_query: unknown };
      assert.deepEqual(p.dcql_query, dcql);
      return { id, clientId: p.client_id, nonce: p.nonce, state: p.state, responseUri: p.response_uri };
    }

    async function answer(state: string, vp: string) {
      const res = await postDirectPost(t.app, state, { mdl: [vp] });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ status: string }>();
    }

    const result = (id: string) => readRequestResult<Result>(t.app, verifierKey, id);

    /** Request → the independent wallet answers by direct_post → the verifier's result. */
    async function presentFlow(
      o: {
        credential?: string;
        fields?: [string, string][];
        transcript?: Partial<{ clientId: string; nonce: string; responseUri: string }>;
        dcql?: ReturnType<typeof mdlQuery>;
        docType?: string;
        vp?: string;
      } = {},
    ) {
      const req = await openRequest(o.dcql);
      const vp =
        o.vp ??
        (await party.present({
          mdoc: o.credential ?? mdoc,
          ...(o.docType && { docType: o.docType }),
          fields: o.fields ?? [
            [MDL_NS, 'family_name'],
            [MDL_NS, 'age_over_19'],
          ],
          deviceJwk: device.privateJwk,
          transcript: { clientId: req.clientId, nonce: req.nonce, responseUri: req.responseUri, ...o.transcript },
        }));
      const answered = await answer(req.state, vp);
      return { answered, result: await result(req.id) };
    }

    it('verifies a DeviceResponse from an independent wallet, returning only the asked elements, with a receipt', async () => {
      const { answered, result: r } = await presentFlow({
        fields: [
          [MDL_NS, 'family_name'],
          [MDL_NS, 'age_over_19'],
          [MDL_NS, 'document_number'],
        ],
      });
      assert.equal(answered.status, 'verified');
      assert.equal(r.verdict, 'verified');
      const c = r.credentials.mdl![0]!;
      assert.equal(c.code, 'verified');
      assert.deepEqual(c.claims, { [MDL_NS]: { family_name: '홍', age_over_19: true } });
      assert.equal(c.credential?.format, 'mso_mdoc');
      assert.match(c.credential!.issuer, /^x509_hash:[A-Za-z0-9_-]{43}$/);
      assert.equal(r.receipts.length, 1);
      assert.ok(!JSON.stringify(decodeJwt(r.receipts[0]!)).includes('홍'), 'a receipt holds no claim value');
    });

    it('refuses a response made for another request (nonce), verifier (client_id) or Response URI', async () => {
      for (const transcript of [
        { nonce: 'another-request-nonce-0123456789' },
        { clientId: 'decentralized_identifier:did:web:other.example' },
        { responseUri: 'https://other.example/openid4vp/response' },
      ]) {
        const { answered, result: r } = await presentFlow({ transcript });
        assert.equal(answered.status, 'rejected');
        assert.equal(r.credentials.mdl![0]!.code, 'mdoc_device_signature_invalid', JSON.stringify(transcript));
      }
    });

    it('refuses the same DeviceResponse sent to a second request', async () => {
      const first = await openRequest();
      const vp = await party.present({
        mdoc,
        fields: [[MDL_NS, 'family_name']],
        deviceJwk: device.privateJwk,
        transcript: { clientId: first.clientId, nonce: first.nonce, responseUri: first.responseUri },
      });
      assert.equal((await answer(first.state, vp)).status, 'rejected'); // age_over_19 was asked and not sent
      assert.equal((await result(first.id)).credentials.mdl![0]!.code, 'claim_missing');
      const { result: r } = await presentFlow({ vp });
      assert.equal(r.credentials.mdl![0]!.code, 'mdoc_device_signature_invalid');
    });

    it('refuses an mdoc whose chain does not lead to a trusted IACA', async () => {
      const stranger = await makeDocumentSigner(await makeIaca('CN=Stranger IACA, C=XX'));
      const { result: r } = await presentFlow({ credential: await party.issue({ ds: stranger, deviceJwk: device.publicJwk }) });
      assert.equal(r.credentials.mdl![0]!.code, 'mdoc_iaca_untrusted');
    });

    it('refuses a document signer certificate that is expired or lacks the mdoc DS usage', async () => {
      const now = Date.now();
      const old = await makeDocumentSigner(iaca, { notBefore: new Date(now - 400 * 86_400_000), notAfter: new Date(now - 86_400_000) });
      const signedThen = now - 200 * 86_400_000;
      const { result: r1 } = await presentFlow({
        credential: await party.issue({
          ds: old,
          deviceJwk: device.publicJwk,
          validity: { signed: signedThen, validFrom: signedThen, validUntil: now + 86_400_000 },
        }),
      });
      assert.equal(r1.credentials.mdl![0]!.code, 'mdoc_certificate_invalid');
      const tls = await makeDocumentSigner(iaca, { eku: ['1.3.6.1.5.5.7.3.1'] });
      const { result: r2 } = await presentFlow({ credential: await party.issue({ ds: tls, deviceJwk: device.publicJwk }) });
      assert.equal(r2.credentials.mdl![0]!.code, 'mdoc_certificate_invalid');
    });

    it('refuses an mdoc whose document signer names another country than its IACA (ISO 18013-5 Annex B.1.4)', async () => {
      const foreign = await makeDocumentSigner(iaca, { subject: 'CN=Test DS, C=US' });
      const { result: r } = await presentFlow({ credential: await party.issue({ ds: foreign, deviceJwk: device.publicJwk }) });
      assert.equal(r.credentials.mdl![0]!.code, 'mdoc_certificate_invalid');
    });

    it('refuses an element changed after issuance (digest mismatch)', async () => {
      const req = await openRequest();
      const vp = await party.present({
        mdoc,
        fields: [
          [MDL_NS, 'family_name'],
          [MDL_NS, 'age_over_19'],
        ],
        deviceJwk: device.privateJwk,
        transcript: { clientId: req.clientId, nonce: req.nonce, responseUri: req.responseUri },
      });
      const bytes = Buffer.from(vp, 'base64url');
      const at = bytes.indexOf(Buffer.from('홍'));
      assert.ok(at > 0);
      Buffer.from('김').copy(bytes, at); // same length in UTF-8
      await answer(req.state, bytes.toString('base64url'));
      assert.equal((await result(req.id)).credentials.mdl![0]!.code, 'mdoc_digest_mismatch');
    });

    it('refuses a document whose docType is not the one the issuer signed', async () => {
      // The independent wallet would not present it, so the document's docType is changed in its answer.
      const req = await openRequest();
      const vp = await party.present({
        mdoc,
        fields: [[MDL_NS, 'family_name']],
        deviceJwk: device.privateJwk,
        transcript: { clientId: req.clientId, nonce: req.nonce, responseUri: req.responseUri },
      });
      const top = cborDecode<Map<string, Map<string, unknown>[]>>(Buffer.from(vp, 'base64url'));
      top.get('documents')![0]!.set('docType', 'org.iso.18013.5.1.mDX');
      await answer(req.state, Buffer.from(cborEncode(top)).toString('base64url'));
      assert.equal((await result(req.id)).credentials.mdl![0]!.code, 'mdoc_doctype_mismatch');
    });

    /** A DeviceResponse for a fresh request, changed by `fn` (on the decoded CBOR) before it is sent. */
    async function tamperedFlow(fn: (doc: Map<string, unknown>) => void, credential = mdoc): Promise<string> {
      const req = await openRequest();
      const vp = await party.present({
        mdoc: credential,
        fields: [
          [MDL_NS, 'family_name'],
          [MDL_NS, 'age_over_19'],
        ],
        deviceJwk: device.privateJwk,
        transcript: { clientId: req.clientId, nonce: req.nonce, responseUri: req.responseUri },
      });
      const top = cborDecode<Map<string, Map<string, unknown>[]>>(Buffer.from(vp, 'base64url'));
      fn(top.get('documents')![0]!);
      await answer(req.state, Buffer.from(cborEncode(top)).toString('base64url'));
      return (await result(req.id)).credentials.mdl![0]!.code;
    }
    const issuerAuthOf = (doc: Map<string, unknown>) => (doc.get('issuerSigned') as Map<string, unknown>).get('issuerAuth') as unknown[];

    it('refuses a changed issuer signature, a missing x5chain and a COSE alg off the list', async () => {
      assert.equal(
        await tamperedFlow((doc) => {
          const sig = issuerAuthOf(doc)[3] as Uint8Array;
          sig[10] ^= 1;
        }),
        'mdoc_issuer_signature_invalid',
      );
      assert.equal(await tamperedFlow((doc) => (issuerAuthOf(doc)[1] as Map<number, unknown>).delete(33)), 'mdoc_x5chain_missing');
      // ES512 (-36) is not on our list; refused before any crypto.
      assert.equal(await tamperedFlow((doc) => (issuerAuthOf(doc)[0] = Uint8Array.from([0xa1, 0x01, 0x38, 0x23]))), 'mdoc_alg_not_allowed');
    });

    it('refuses an element whose digestID the MSO does not hold', async () => {
      const code = await tamperedFlow((doc) => {
        const ns = (doc.get('issuerSigned') as Map<string, Map<string, DataItem[]>>).get('nameSpaces')!;
        const items = ns.get(MDL_NS)!;
        const item = items[0]!.data as Map<string, unknown>;
        item.set('digestID', 9999);
        items[0] = DataItem.fromData(item);
      });
      assert.equal(code, 'mdoc_digest_missing');
    });

    it('refuses device authentication by MAC, and a device key that is not a curve point', async () => {
      assert.equal(
        await tamperedFlow((doc) => {
          const deviceAuth = (doc.get('deviceSigned') as Map<string, Map<string, unknown>>).get('deviceAuth')!;
          deviceAuth.set('deviceMac', deviceAuth.get('deviceSignature'));
          deviceAuth.delete('deviceSignature');
        }),
        'mdoc_device_mac_unsupported',
      );
      const badKey = await party.issue({ ds, deviceJwk: device.publicJwk, change: { badDeviceKey: true } });
      assert.equal((await presentFlow({ credential: badKey })).result.credentials.mdl![0]!.code, 'mdoc_device_key_invalid');
    });

    it('refuses a malformed MSO status entry', async () => {
      const bad = await party.issue({ ds: ownDs, deviceJwk: device.publicJwk, change: { status: { idx: -1, uri: 'not a uri' } } });
      assert.equal((await presentFlow({ credential: bad })).result.credentials.mdl![0]!.code, 'mdoc_status_invalid');
    });

    it('refuses an expired mdoc and one not valid yet (validityInfo)', async () => {
      const now = Date.now();
      const expired = await party.issue({
        ds,
        deviceJwk: device.publicJwk,
        validity: { signed: now - 3_600_000, validFrom: now - 3_600_000, validUntil: now - 600_000 },
      });
      assert.equal((await presentFlow({ credential: expired })).result.credentials.mdl![0]!.code, 'mdoc_expired');
      const future = await party.issue({
        ds,
        deviceJwk: device.publicJwk,
        validity: { signed: now - 60_000, validFrom: now + 86_400_000, validUntil: now + 10 * 86_400_000 },
      });
      assert.equal((await presentFlow({ credential: future })).result.credentials.mdl![0]!.code, 'mdoc_not_yet_valid');
    });

    it('refuses a doctype the configured IACA may not speak for (TRUSTED_IACA_CERTS default: the mDL only)', async () => {
      const resident = await party.issue({
        ds,
        docType: RESIDENT,
        namespaces: { 'kr.go.mois.1': { family_name: '홍' } },
        deviceJwk: device.publicJwk,
      });
      const { result: r } = await presentFlow({
        credential: resident,
        docType: RESIDENT,
        fields: [['kr.go.mois.1', 'family_name']],
        dcql: mdlQuery([{ path: ['kr.go.mois.1', 'family_name'] }], RESIDENT),
      });
      assert.equal(r.credentials.mdl![0]!.code, 'issuer_not_authorized_for_type');
    });

    it('reads the MSO status from our own Token Status List: revoked and suspended mdocs are refused', async () => {
      // A status slot of ours, from a credential issued through the API; our IACA signs the mdoc.
      const issue = async () => {
        const type = t.runtime.catalog.get('driver-license')!;
        const res = await t.app.inject({
          method: 'POST',
          url: '/v1/credentials',
          headers: { authorization: `Bearer ${issuerKey}` },
          payload: { type: 'driver-license', claims: type.example },
        });
        assert.equal(res.statusCode, 201, res.body);
        const b = res.json<{ id: string; status: { list: string; index: number } }>();
        const own = await party.issue({
          ds: ownDs,
          deviceJwk: device.publicJwk,
          change: { status: { idx: b.status.index, uri: b.status.list } },
        });
        return { id: b.id, own };
      };
      const valid = await issue();
      const ok = await presentFlow({ credential: valid.own });
      assert.equal(ok.result.credentials.mdl![0]!.code, 'verified');
      assert.equal(ok.result.credentials.mdl![0]!.credential?.issuer, PUBLIC_URL);

      await revokeViaApi(t, issuerKey, valid.id);
      t.clock.advance(61_000); // past the status list's re-sign check
      assert.equal((await presentFlow({ credential: valid.own })).result.credentials.mdl![0]!.code, 'credential_revoked');

      const suspended = await issue();
      const res = await t.app.inject({
        method: 'POST',
        url: `/v1/credentials/${suspended.id}/suspend`,
        headers: { authorization: `Bearer ${issuerKey}` },
        payload: { reason: 'test' },
      });
      assert.equal(res.statusCode, 200, res.body);
      t.clock.advance(61_000);
      assert.equal((await presentFlow({ credential: suspended.own })).result.credentials.mdl![0]!.code, 'credential_suspended');
    });

    it('refuses hostile CBOR in the vp_token with its code, never a 500', async () => {
      for (const [hex, code] of [
        ['bf6776657273696f6e63312e30ff', 'mdoc_cbor_indefinite_length'],
        ['a26776657273696f6e63312e306776657273696f6e63312e30', 'mdoc_cbor_duplicate_key'],
        ['a16776657273696f6ec100', 'mdoc_cbor_unexpected_tag'],
        ['ba00100000', 'mdoc_cbor_too_wide'],
        ['a16776657273696f6e' + '78ff61', 'mdoc_cbor_malformed'], // a text of 255 bytes cut after one
        ['a26776657273696f6e63312e3066737461747573' + '00', 'mdoc_document_count'],
        ['a26776657273696f6e63312e3066737461747573' + '0a', 'mdoc_device_response_error'],
        ['a26776657273696f6e63312e3066737461747573' + '01', 'mdoc_malformed'], // no status ISO 18013-5 defines
        ['a26776657273696f6e63322e3066737461747573' + '00', 'mdoc_malformed'], // version "2.0"
      ] as const) {
        const { answered, result: r } = await presentFlow({ vp: Buffer.from(hex, 'hex').toString('base64url') });
        assert.equal(answered.status, 'rejected');
        assert.equal(r.credentials.mdl![0]!.code, code, hex);
      }
      // Text that is not base64url CBOR at all answers the mdoc query as a malformed mdoc, not as a
      // malformed JWS of the format that reads any other text.
      for (const vp of ['@@@@', 'eyJhbGciOiJFUzI1NiJ9.e30.sig', 'AAAA=']) {
        const { answered, result: r } = await presentFlow({ vp });
        assert.equal(answered.status, 'rejected');
        assert.equal(r.credentials.mdl![0]!.code, 'mdoc_malformed', vp);
      }
    });

    it('refuses an mdoc at the counter: its holder binding needs an OpenID4VP SessionTranscript', async () => {
      const vp = await party.present({
        mdoc,
        fields: [[MDL_NS, 'family_name']],
        deviceJwk: device.privateJwk,
        transcript: { clientId: 'x', nonce: 'y', responseUri: 'z' },
      });
      const res = await counterVerify(t.app, verifierKey, vp);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<{ code: string }>().code, 'mdoc_session_transcript_unavailable');
    });

    it('refuses DCQL mso_mdoc queries it cannot answer before storing anything', async () => {
      for (const q of [
        { credentials: [{ id: 'mdl', format: 'mso_mdoc', meta: {}, claims: [{ path: [MDL_NS, 'family_name'] }] }] },
        { credentials: [{ id: 'mdl', format: 'mso_mdoc', meta: { doctype_value: MDL }, claims: [{ path: [MDL_NS] }] }] },
        { credentials: [{ id: 'mdl', format: 'mso_mdoc', meta: { doctype_value: MDL }, claims: [{ path: [MDL_NS, 'family_name', 0] }] }] },
        {
          credentials: [
            {
              id: 'mdl',
              format: 'mso_mdoc',
              meta: { doctype_value: MDL },
              claims: [{ path: [MDL_NS, 'family_name'], intent_to_retain: 'yes' }],
            },
          ],
        },
        {
          credentials: [
            { id: 'x', format: 'dc+sd-jwt', meta: { vct_values: ['urn:x'] }, claims: [{ path: ['a'], intent_to_retain: true }] },
          ],
        },
      ]) {
        const res = await createRequest(q);
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json<{ code: string }>().code, 'invalid_dcql_query', JSON.stringify(q));
      }
    });

    it('publishes what it accepts for mso_mdoc in the verifier metadata', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/v1/verifier/identifier' });
      assert.deepEqual(res.json<{ vp_formats_supported: Record<string, unknown> }>().vp_formats_supported.mso_mdoc, {
        issuerauth_alg_values: [-7, -35, -8],
        deviceauth_alg_values: [-7, -35, -8],
      });
    });
  });
}
