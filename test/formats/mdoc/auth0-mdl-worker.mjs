// An issuer and a wallet we did not write: @auth0/mdl, in a worker thread of its own. It runs
// apart because it and @owf/mdoc (our parser) both register CBOR tag 24 with the one cbor-x
// they share, and cbor-x keeps one decoder per tag per module graph.
//
// Messages: { id, op: 'issue' | 'present', ...args } → { id, result } or { id, error }.
import { parentPort } from 'node:worker_threads';
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { createRequire } from 'node:module';

// CommonJS both: @auth0/mdl registers its tag 24 DataItem with the CommonJS cbor-x it requires,
// which is another module instance than the ES module build of cbor-x.
const require = createRequire(import.meta.url);
const { Encoder } = require('cbor-x');
const { Document, MDoc, DeviceResponse, parse, DataItem } = require('@auth0/mdl');
// @auth0/mdl's own CBOR settings; its DataItem is tag 24 in this worker's cbor-x.
const cbor = new Encoder({ tagUint8Array: false, useRecords: false, mapsAsObjects: false, variableMapSize: true });
const cborEncode = (v) => cbor.encode(v);
const cborDecode = (b) => cbor.decode(b);

const b64u = (bytes) => Buffer.from(bytes).toString('base64url');

/**
 * The OpenID4VP 1.0 SessionTranscript as #6.24 bytes, computed here, apart from the verifier:
 * Annex B.2.6.1 for a redirect request, B.2.6.2 (OpenID4VPDCAPIHandover) when `origin` is given.
 */
function sessionTranscriptBytes({ clientId, nonce, responseUri, origin, jwkThumbprint }) {
  const jkt = jwkThumbprint ? Buffer.from(jwkThumbprint, 'base64url') : null;
  const [name, info] =
    origin !== undefined
      ? ['OpenID4VPDCAPIHandover', cborEncode([origin, nonce, jkt])]
      : ['OpenID4VPHandover', cborEncode([clientId, nonce, jkt, responseUri])];
  const hash = createHash('sha256').update(info).digest();
  return cborEncode(DataItem.fromData([null, null, [name, hash]]));
}

/** Changes the signed MSO (a status entry, another docType) and signs it again with the DS key: what an issuer could do. */
function resignMso(mdocBytes, change, dsJwk) {
  const top = cborDecode(mdocBytes);
  const doc = top.get('documents')[0];
  const issuerAuth = doc.get('issuerSigned').get('issuerAuth');
  const [protectedBytes, unprotected, payload] = issuerAuth;
  const mso = cborDecode(payload).data;
  if (change.status)
    mso.set(
      'status',
      new Map([
        [
          'status_list',
          new Map([
            ['idx', change.status.idx],
            ['uri', change.status.uri],
          ]),
        ],
      ]),
    );
  if (change.docType) mso.set('docType', change.docType);
  // A device key that is no point of P-256 (x = 0).
  if (change.badDeviceKey) mso.get('deviceKeyInfo').get('deviceKey').set(-2, Buffer.alloc(32));
  const newPayload = cborEncode(DataItem.fromData(mso));
  const toBeSigned = cborEncode(['Signature1', protectedBytes, Buffer.alloc(0), newPayload]);
  const signature = sign('sha256', toBeSigned, { key: createPrivateKey({ key: dsJwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' });
  doc.get('issuerSigned').set('issuerAuth', [protectedBytes, unprotected, newPayload, signature]);
  return cborEncode(top);
}

async function issue({ dsJwk, certificatesPem, docType, namespaces, deviceJwk, validity, change }) {
  let d = new Document(docType);
  for (const [ns, values] of Object.entries(namespaces)) d = d.addIssuerNameSpace(ns, values);
  const doc = await d
    .useDigestAlgorithm('SHA-256')
    .addValidityInfo({
      signed: new Date(validity.signed),
      validFrom: new Date(validity.validFrom),
      validUntil: new Date(validity.validUntil),
    })
    .addDeviceKeyInfo({ deviceKey: deviceJwk })
    .sign({ issuerPrivateKey: dsJwk, issuerCertificate: certificatesPem, alg: 'ES256' });
  let bytes = new MDoc([doc]).encode();
  if (change) bytes = resignMso(bytes, change, dsJwk);
  return b64u(bytes);
}

async function present({ mdoc, docType, fields, deviceJwk, transcript }) {
  const pd = {
    id: 'request',
    input_descriptors: [
      {
        id: docType,
        format: { mso_mdoc: { alg: ['ES256'] } },
        constraints: {
          limit_disclosure: 'required',
          fields: fields.map(([ns, el]) => ({ path: [`$['${ns}']['${el}']`], intent_to_retain: false })),
        },
      },
    ],
  };
  const response = await DeviceResponse.from(parse(Buffer.from(mdoc, 'base64url')))
    .usingPresentationDefinition(pd)
    .usingSessionTranscriptBytes(Buffer.from(sessionTranscriptBytes(transcript)))
    .authenticateWithSignature(deviceJwk, 'ES256')
    .sign();
  return b64u(response.encode());
}

const ops = { issue, present };
parentPort.on('message', async (m) => {
  try {
    parentPort.postMessage({ id: m.id, result: await ops[m.op](m) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e?.stack ?? e) });
  }
});
