// The mdoc library's own in-process rates, the yardstick of the HTTP mdoc scenarios: @auth0/mdl
// issues an mDL with the same namespaces and elements as our driver licence, and verifies a
// DeviceResponse disclosing the same two elements over an OpenID4VP SessionTranscript, in a loop.
// It runs in a worker thread of its own: it and @owf/mdoc (our code, loaded by the bench) register
// CBOR tag 24 with the one cbor-x they share (see test/formats/mdoc/auth0-mdl-worker.mjs).
//
// workerData: { seconds, docType, namespaces, fields, dsJwk, dsPem, iacaPem, deviceJwk } → posts { issue, verify } (ops/s) and
// { issueCpuMs, verifyCpuMs } (the process's CPU per op: a figure the machine's other load moves less).
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Encoder } = require('cbor-x');
const { Document, MDoc, DeviceResponse, Verifier, parse, DataItem } = require('@auth0/mdl');
const cbor = new Encoder({ tagUint8Array: false, useRecords: false, mapsAsObjects: false, variableMapSize: true });

const { seconds, docType, namespaces, fields, dsJwk, dsPem, iacaPem, deviceJwk } = workerData;
const { d: _d, ...devicePublic } = deviceJwk;

/** ops/s, and the process's CPU per op in ms (every thread: WebCrypto signs in libuv's pool). */
async function measure(op) {
  for (let i = 0; i < 20; i++) await op();
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const end = start + seconds * 1000;
  let n = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 10; i++) await op();
    n += 10;
  }
  const cpu = process.cpuUsage(cpu0);
  return { rate: n / ((performance.now() - start) / 1000), cpuMs: (cpu.user + cpu.system) / 1000 / n };
}

async function issue() {
  let d = new Document(docType);
  for (const [ns, values] of Object.entries(namespaces)) d = d.addIssuerNameSpace(ns, values);
  const now = Date.now();
  const doc = await d
    .useDigestAlgorithm('SHA-256')
    .addValidityInfo({ signed: new Date(now), validFrom: new Date(now), validUntil: new Date(now + 365 * 86_400_000) })
    .addDeviceKeyInfo({ deviceKey: devicePublic })
    .sign({ issuerPrivateKey: dsJwk, issuerCertificate: dsPem, alg: 'ES256' });
  return new MDoc([doc]).encode();
}

// OpenID4VP 1.0 Annex B.2.6.1, as the verifier would build it for one request.
const info = cbor.encode(['x509_san_dns:verifier.example', 'n-0123456789abcdef', null, 'https://verifier.example/openid4vp/response']);
const transcript = cbor.encode(DataItem.fromData([null, null, ['OpenID4VPHandover', createHash('sha256').update(info).digest()]]));

const issued = await issue();
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
const response = (
  await DeviceResponse.from(parse(issued))
    .usingPresentationDefinition(pd)
    .usingSessionTranscriptBytes(Buffer.from(transcript))
    .authenticateWithSignature(deviceJwk, 'ES256')
    .sign()
).encode();
const verifier = new Verifier([iacaPem]);
await verifier.verify(response, { encodedSessionTranscript: transcript }); // throws if it does not verify

const issuing = await measure(issue);
const verifying = await measure(() => verifier.verify(response, { encodedSessionTranscript: transcript }));
parentPort.postMessage({ issue: issuing.rate, verify: verifying.rate, issueCpuMs: issuing.cpuMs, verifyCpuMs: verifying.cpuMs });
