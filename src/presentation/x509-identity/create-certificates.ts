/**
 * Certificates for an X.509 verifier identity, made with @peculiar/x509:
 * - a development chain: a throw-away self-signed root (its private key is never kept) that
 *   signs a leaf for our verifier key, subjectAltName dNSName = the host of PUBLIC_URL;
 * - a PKCS#10 CSR signed by our verifier key, to send to a CA.
 * The verifier key stays in the key backend: it signs through our Signer, never exported.
 */
import 'reflect-metadata';
import { webcrypto, randomBytes } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { JWK } from 'jose';
import type { Signer } from '../../keys/signer.js';
import { signerWebCrypto } from '../../keys/signer-web-crypto.js';

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

const serial = () => {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f; // a positive INTEGER (RFC 5280 §4.1.2.2)
  return b.toString('hex');
};

const importPublic = (jwk: JWK) =>
  webcrypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, { name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'verify',
  ]);

export interface DevChain {
  /** DER certificates, leaf first, without the trust anchor (HAIP: x5c excludes it). */
  x5c: Uint8Array[];
  /** The self-signed root a wallet is given as its trust anchor. */
  anchor: Uint8Array;
}

export async function createDevChain(opts: { publicJwk: JWK; dnsName: string; now: number; leafDays?: number }): Promise<DevChain> {
  if (opts.publicJwk.kty !== 'EC' || opts.publicJwk.crv !== 'P-256') throw new Error('X.509 verifier keys are ES256 (P-256)');
  const root = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const notBefore = new Date(opts.now - 60_000);
  const rootName = `CN=digital-proof development root for ${opts.dnsName}, O=digital-proof (development)`;
  const rootCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: rootName,
    notBefore,
    notAfter: new Date(opts.now + 2 * 365 * DAY),
    signingAlgorithm: ECDSA,
    keys: root,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(root.publicKey),
    ],
  });
  const leafKey = await importPublic(opts.publicJwk);
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${opts.dnsName}, O=digital-proof verifier (development)`,
    issuer: rootCert.subject,
    notBefore,
    notAfter: new Date(opts.now + (opts.leafDays ?? 365) * DAY),
    signingAlgorithm: ECDSA,
    publicKey: leafKey,
    signingKey: root.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: opts.dnsName }]),
      await x509.AuthorityKeyIdentifierExtension.create(root.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(leafKey),
    ],
  });
  return { x5c: [new Uint8Array(leaf.rawData)], anchor: new Uint8Array(rootCert.rawData) };
}

/** PKCS#10 request for a CA: subject CN and SAN dNSName = dnsName, signed by the verifier key. */
export async function createCsr(opts: { signer: Signer; dnsName: string; organization?: string }): Promise<string> {
  const { crypto, privateKey } = signerWebCrypto(opts.signer);
  const publicKey = await importPublic(opts.signer.publicJwk);
  const org = opts.organization ? `, O=${opts.organization.replace(/[,=+<>#;"\\]/g, ' ')}` : '';
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    {
      name: `CN=${opts.dnsName}${org}`,
      keys: { publicKey, privateKey },
      signingAlgorithm: ECDSA,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: opts.dnsName }]),
      ],
    },
    crypto,
  );
  return csr.toString('pem');
}

export const toPem = (der: Uint8Array): string => new x509.X509Certificate(der).toString('pem');
