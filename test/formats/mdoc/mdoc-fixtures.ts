/**
 * Test issuing authorities, document signers and device keys (made with @peculiar/x509 and
 * WebCrypto), and the independent issuer + wallet (@auth0/mdl) in its own worker thread.
 */
import 'reflect-metadata';
import { Worker } from 'node:worker_threads';
import { webcrypto } from 'node:crypto';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
import * as x509 from '@peculiar/x509';
import type { JWK } from 'jose';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface Iaca {
  pem: string;
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

export interface DocumentSigner {
  pem: string;
  privateJwk: JWK;
}

export async function makeIaca(name = 'CN=Test IACA, C=KR', o: { notAfter?: Date } = {}): Promise<Iaca> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name,
    notBefore: new Date(Date.now() - DAY),
    notAfter: o.notAfter ?? new Date(Date.now() + 3650 * DAY),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { pem: cert.toString('pem'), cert, keys };
}

export async function makeDocumentSigner(
  iaca: Iaca,
  o: { notBefore?: Date; notAfter?: Date; usage?: number; eku?: string[]; aki?: boolean; subject?: string } = {},
): Promise<DocumentSigner> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: o.subject ?? 'CN=Test DS, C=KR',
    issuer: iaca.cert.subject,
    notBefore: o.notBefore ?? new Date(Date.now() - DAY),
    notAfter: o.notAfter ?? new Date(Date.now() + 365 * DAY),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: iaca.keys.privateKey,
    extensions: [
      new x509.KeyUsagesExtension(o.usage ?? x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(o.eku ?? ['1.0.18013.5.1.2'], true),
      // RFC 5280 §4.2.1.1: the IACA's key identifier (SHA-1 of its public key), as ISO 18013-5 Annex B.1.4 asks.
      ...(o.aki ? [await x509.AuthorityKeyIdentifierExtension.create(iaca.keys.publicKey)] : []),
    ],
  });
  return { pem: cert.toString('pem'), privateJwk: (await webcrypto.subtle.exportKey('jwk', keys.privateKey)) as JWK };
}

/** The base64url KeyIdentifier a DS made with `aki: true` names (DCQL trusted_authorities type aki). */
export async function iacaKeyId(iaca: Iaca): Promise<string> {
  const ext = await x509.AuthorityKeyIdentifierExtension.create(iaca.keys.publicKey);
  return Buffer.from(ext.keyId!, 'hex').toString('base64url');
}

export async function makeDeviceKey(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const privateJwk = (await webcrypto.subtle.exportKey('jwk', keys.privateKey)) as JWK;
  const { d: _d, ...publicJwk } = privateJwk;
  return { privateJwk, publicJwk };
}

export const MDL = 'org.iso.18013.5.1.mDL';
export const MDL_NS = 'org.iso.18013.5.1';

export const mdlValues = () => ({
  family_name: '홍',
  given_name: '길동',
  birth_date: '1990-03-01',
  issue_date: '2025-01-02',
  expiry_date: '2035-01-01',
  issuing_country: 'KR',
  issuing_authority: '서울지방경찰청',
  document_number: '11-24-123456-70',
  un_distinguishing_sign: 'ROK',
  age_over_19: true,
});

export interface IssueArgs {
  ds: DocumentSigner;
  docType?: string;
  namespaces?: Record<string, Record<string, unknown>>;
  deviceJwk: JWK;
  validity?: { signed: number; validFrom: number; validUntil: number };
  /** Re-sign the MSO with a status entry or another docType. */
  change?: { status?: { idx: number; uri: string }; docType?: string; badDeviceKey?: boolean };
}

export interface PresentArgs {
  mdoc: string;
  docType?: string;
  fields: [string, string][];
  deviceJwk: JWK;
  /** `jwkThumbprint`: base64url RFC 7638 thumbprint of the verifier's encryption key (direct_post.jwt). */
  /** A redirect request's handover (Annex B.2.6.1), or with `origin` a DC API request's (B.2.6.2); jwkThumbprint base64url. */
  transcript:
    | { clientId: string; nonce: string; responseUri: string; jwkThumbprint?: string }
    | { origin: string; nonce: string; jwkThumbprint?: string };
}

/** @auth0/mdl as issuer and wallet, in a worker thread. */
export class IndependentMdocParty {
  private worker = new Worker(new URL('./auth0-mdl-worker.mjs', import.meta.url));
  private next = 0;
  private pending = new Map<number, { resolve: (v: string) => void; reject: (e: Error) => void }>();

  constructor() {
    this.worker.on('error', (e) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    });
    this.worker.on('message', (m: { id: number; result?: string; error?: string }) => {
      const p = this.pending.get(m.id)!;
      this.pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(m.result!);
    });
  }

  private call(op: string, args: object): Promise<string> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, ...args });
    });
  }

  issue(a: IssueArgs): Promise<string> {
    const now = Date.now();
    return this.call('issue', {
      dsJwk: a.ds.privateJwk,
      certificatesPem: a.ds.pem,
      docType: a.docType ?? MDL,
      namespaces: a.namespaces ?? { [MDL_NS]: mdlValues() },
      deviceJwk: a.deviceJwk,
      validity: a.validity ?? { signed: now - 60_000, validFrom: now - 60_000, validUntil: now + 365 * DAY },
      change: a.change,
    });
  }

  present(a: PresentArgs): Promise<string> {
    return this.call('present', { ...a, docType: a.docType ?? MDL });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}
