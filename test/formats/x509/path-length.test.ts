/**
 * RFC 5280 §4.2.1.3: a leaf whose keyUsage is stated without digitalSignature signs nothing.
 * RFC 5280 §4.2.1.9: a CA's pathLenConstraint bounds the CA certificates under it, the trust
 * anchor's included (an IACA or issuer CA of pathLen 0 signs end-entity certificates only), in
 * every chain check (checkCertificateChain: imports, request objects, wallet providers, mdoc
 * x5chain; checkIssuerX5c: SD-JWT VC and status list x5c). And HAIP 1.0 §6.1.1: an SD-JWT VC's x5c
 * leaves the trust anchor out. Real certificates (@peculiar/x509), real signatures.
 */
import 'reflect-metadata';
import { beforeAll, it } from 'vitest';
import assert from 'node:assert/strict';
import { webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { checkCertificateChain } from '../../../src/formats/x509/check-certificate-chain.js';
import { checkIssuerX5c, type IssuerCaAnchor } from '../../../src/formats/x509/verify-jws-x5c.js';
import { FormatError } from '../../../src/formats/format-error.js';
import { ECDSA_P256 as ECDSA } from '../../helpers/make-test-ca.js';
import { webCertificateReader } from '../../../src/web/wallet/x509-reader.js';
import { X509RequestRefused } from '../../../src/holder/check-x509-request.js';

const DAY = 86_400_000;
const ISS = 'https://foreign.example';
type Keys = webcrypto.CryptoKeyPair;
interface Made {
  keys: Keys;
  cert: x509.X509Certificate;
}

const newKeys = async () => (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as Keys;

/** A CA (`pathLen` undefined: none stated) under `parent`, or self-signed without one. */
async function ca(name: string, pathLen: number | undefined, parent?: Made): Promise<Made> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '0a',
    subject: `CN=${name}`,
    issuer: parent ? parent.cert.subject : `CN=${name}`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    publicKey: keys.publicKey,
    signingKey: (parent ?? { keys }).keys.privateKey,
    signingAlgorithm: ECDSA,
    extensions: [
      new x509.BasicConstraintsExtension(true, pathLen, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  return { keys, cert };
}

async function leaf(parent: Made, usage = x509.KeyUsageFlags.digitalSignature): Promise<Made> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '0b',
    subject: 'CN=issuer',
    issuer: parent.cert.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    publicKey: keys.publicKey,
    signingKey: parent.keys.privateKey,
    signingAlgorithm: ECDSA,
    extensions: [new x509.KeyUsagesExtension(usage, true), new x509.SubjectAlternativeNameExtension([{ type: 'url', value: ISS }])],
  });
  return { keys, cert };
}

const der = (m: Made) => Buffer.from(m.cert.rawData);
const b64 = (m: Made) => der(m).toString('base64');
const node = (m: Made) => new X509Certificate(der(m));
const anchorOf = (m: Made): IssuerCaAnchor => ({ certificate: node(m), mayCertify: () => true, mayIssue: () => true });
const code = (c: string) => (e: unknown) => e instanceof FormatError && e.code === c;

let root0: Made, root1: Made, rootNone: Made, mid: Made, midUnder: Made, leafUnderMid: Made, leafUnderMidUnder: Made, leafUnderRoot0: Made;
let midUnder0: Made, leafUnderMid0: Made;
beforeAll(async () => {
  root0 = await ca('root pathLen 0', 0);
  root1 = await ca('root pathLen 1', 1);
  rootNone = await ca('root no pathLen', undefined);
  leafUnderRoot0 = await leaf(root0);
  // Intermediates under root1 and rootNone (same names, different keys: each chain its own).
  mid = await ca('mid', undefined, root1);
  midUnder = await ca('mid under mid', undefined, mid);
  leafUnderMid = await leaf(mid);
  leafUnderMidUnder = await leaf(midUnder);
  midUnder0 = await ca('mid under root0', undefined, root0);
  leafUnderMid0 = await leaf(midUnder0);
});

it('takes chains within every pathLenConstraint: a leaf under a pathLen 0 anchor, one CA under a pathLen 1 anchor', () => {
  const now = Date.now();
  assert.equal(checkCertificateChain([der(leafUnderRoot0)], { now, anchors: [node(root0)] }).trustedBy, 0);
  assert.equal(checkCertificateChain([der(leafUnderMid), der(mid)], { now, anchors: [node(root1)] }).trustedBy, 0);
  assert.equal(checkIssuerX5c([b64(leafUnderMid), b64(mid)], ISS, [anchorOf(root1)], now).anchor.certificate.subject, 'CN=root pathLen 1');
});

it("refuses a CA under an anchor of pathLen 0, and two under one of pathLen 1 (the anchor's constraint counts)", () => {
  const now = Date.now();
  assert.throws(
    () => checkCertificateChain([der(leafUnderMid0), der(midUnder0)], { now, anchors: [node(root0)] }),
    (e: unknown) => code('certificate_chain_invalid')(e) && /pathLenConstraint/.test((e as Error).message),
  );
  assert.throws(
    () => checkCertificateChain([der(leafUnderMidUnder), der(midUnder), der(mid)], { now, anchors: [node(root1)] }),
    code('certificate_chain_invalid'),
  );
  // The same chain ending at a self-signed root it carries (an import).
  assert.throws(() => checkCertificateChain([der(leafUnderMid0), der(midUnder0), der(root0)], { now }), code('certificate_chain_invalid'));
  // An SD-JWT VC's x5c.
  assert.throws(
    () => checkIssuerX5c([b64(leafUnderMid0), b64(midUnder0)], ISS, [anchorOf(root0)], now),
    code('issuer_certificate_invalid'),
  );
  assert.throws(
    () => checkIssuerX5c([b64(leafUnderMidUnder), b64(midUnder), b64(mid)], ISS, [anchorOf(root1)], now),
    code('issuer_certificate_invalid'),
  );
});

it('refuses a pathLen 0 intermediate with a CA under it, whatever the anchor allows', async () => {
  const now = Date.now();
  const strictMid = await ca('mid pathLen 0', 0, rootNone);
  const sub = await ca('sub', undefined, strictMid);
  const l = await leaf(sub);
  assert.throws(
    () => checkCertificateChain([der(l), der(sub), der(strictMid)], { now, anchors: [node(rootNone)] }),
    (e: unknown) => code('certificate_chain_invalid')(e) && /"CN=mid pathLen 0"/.test((e as Error).message),
  );
  const ok = await leaf(strictMid);
  assert.equal(checkCertificateChain([der(ok), der(strictMid)], { now, anchors: [node(rootNone)] }).trustedBy, 0);
});

it('refuses an SD-JWT VC x5c that carries the trust anchor itself (HAIP 1.0 §6.1.1)', () => {
  assert.throws(
    () => checkIssuerX5c([b64(leafUnderRoot0), b64(root0)], ISS, [anchorOf(root0)], Date.now()),
    (e: unknown) => code('issuer_certificate_invalid')(e) && /trust anchor itself/.test((e as Error).message),
  );
  assert.equal(checkIssuerX5c([b64(leafUnderRoot0)], ISS, [anchorOf(root0)], Date.now()).chain.length, 1);
});

it('refuses a leaf whose keyUsage is stated without digitalSignature, in every chain check', async () => {
  const now = Date.now();
  const encipherer = await leaf(root0, x509.KeyUsageFlags.keyEncipherment);
  assert.throws(
    () => checkCertificateChain([der(encipherer)], { now, anchors: [node(root0)] }),
    (e: unknown) => code('certificate_chain_invalid')(e) && /digitalSignature/.test((e as Error).message),
  );
  assert.throws(() => checkCertificateChain([der(encipherer), der(root0)], { now }), code('certificate_chain_invalid'));
  assert.throws(() => checkIssuerX5c([b64(encipherer)], ISS, [anchorOf(root0)], now), code('issuer_certificate_usage_invalid'));
});

it("keeps the same rules in the web wallet's reader (@peculiar/x509 and WebCrypto)", async () => {
  const now = Date.now();
  const refused = (e: unknown) => e instanceof X509RequestRefused;
  const read = (anchor: Made, chain: Made[]) => webCertificateReader([der(anchor)]).checkChain(chain.map(der), now);
  assert.equal((await read(root0, [leafUnderRoot0])).subject, 'CN=issuer');
  assert.equal((await read(root1, [leafUnderMid, mid])).subject, 'CN=issuer');
  await assert.rejects(
    read(root0, [leafUnderMid0, midUnder0]),
    (e: unknown) => refused(e) && /pathLenConstraint/.test((e as Error).message),
  );
  await assert.rejects(read(root1, [leafUnderMidUnder, midUnder, mid]), refused);
  await assert.rejects(
    read(root0, [await leaf(root0, x509.KeyUsageFlags.keyEncipherment)]),
    (e: unknown) => refused(e) && /digitalSignature/.test((e as Error).message),
  );
});

it('refuses an x5c that carries any trust anchor, whichever anchor it would end at (the order of the trust list changes nothing)', () => {
  const now = Date.now();
  for (const anchors of [
    [anchorOf(root1), anchorOf(mid)],
    [anchorOf(mid), anchorOf(root1)],
  ])
    assert.throws(() => checkIssuerX5c([b64(leafUnderMid), b64(mid)], ISS, anchors, now), code('issuer_certificate_invalid'));
  assert.equal(checkIssuerX5c([b64(leafUnderMid)], ISS, [anchorOf(root1), anchorOf(mid)], now).chain.length, 1);
});

it('refuses a certificate whose keyUsage extension cannot be read with a 4xx code, not a bare error', async () => {
  const now = Date.now();
  const keys = await newKeys();
  // keyUsage (2.5.29.15) holding an INTEGER where RFC 5280 §4.2.1.3 puts a BIT STRING.
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '0c',
    subject: 'CN=issuer',
    issuer: root0.cert.subject,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 30 * DAY),
    publicKey: keys.publicKey,
    signingKey: root0.keys.privateKey,
    signingAlgorithm: ECDSA,
    extensions: [
      new x509.Extension('2.5.29.15', true, new Uint8Array([0x02, 0x01, 0x05])),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: ISS }]),
    ],
  });
  const bad: Made = { keys, cert };
  assert.throws(() => checkCertificateChain([der(bad)], { now, anchors: [node(root0)] }), code('certificate_invalid'));
  // Under an anchor, OpenSSL's issuer check already fails on it; refused as a FormatError either way.
  assert.throws(
    () => checkIssuerX5c([b64(bad)], ISS, [anchorOf(root0)], now),
    (e: unknown) => e instanceof FormatError && e.code.startsWith('issuer_certificate_'),
  );
});
