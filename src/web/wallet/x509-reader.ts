/**
 * The web wallet's certificate reader for X.509 verifier identities (holder/check-x509-request.ts
 * holds the rules): @peculiar/x509 parses the certificates and checks their signatures with
 * WebCrypto. Loaded only when a request names an X.509 client identifier (a dynamic import: its
 * ~200 kB stay out of wallet.js).
 *
 * The path checks mirror formats/x509/check-certificate-chain.ts (node:crypto, the CLI's): every
 * certificate inside its validity (RFC 5280 §4.1.2.5), each signed by the next, every signer a CA
 * (§4.2.1.9), a leaf that is neither a CA nor self-signed (HAIP 1.0) and whose keyUsage, when
 * stated, allows digitalSignature (§4.2.1.3), a top that is, or is signed by, one of the wallet's
 * anchors — a self-signed root the chain brings along proves nothing — and every CA's
 * pathLenConstraint kept, the anchor's included (§4.2.1.9).
 */
// @peculiar/x509 registers its parsers with tsyringe, which needs Reflect metadata; first, so it runs first.
import 'reflect-metadata/lite';
import {
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  X509Certificate,
} from '@peculiar/x509';
import type { JWK } from 'jose';
import { X509RequestRefused, type CertificateReader } from '../../holder/check-x509-request.js';
import { pathLengthBreach } from '../../formats/x509/path-length.js';

/** What the constructor takes, named without the DOM's BufferSource (the module is also type-checked, and tested, under node's types). */
type CertificateBytes = ConstructorParameters<typeof X509Certificate>[0];

const isCa = (c: X509Certificate): boolean => c.getExtension(BasicConstraintsExtension)?.ca === true;
const inValidity = (c: X509Certificate, now: number): boolean => c.notBefore.getTime() <= now && now <= c.notAfter.getTime();
const signedBy = async (child: X509Certificate, parent: X509Certificate): Promise<boolean> =>
  child.issuer === parent.subject && (await child.verify({ publicKey: parent.publicKey, signatureOnly: true }).catch(() => false));
const sameBytes = (a: ArrayBuffer, b: ArrayBuffer): boolean => {
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

const publicPart = ({ kty, crv, x, y }: JWK): JWK => ({ kty, crv, x, y });

function parse(der: Uint8Array): X509Certificate {
  try {
    return new X509Certificate(der as CertificateBytes);
  } catch {
    throw new X509RequestRefused('chain_untrusted', 'a certificate of the chain cannot be parsed');
  }
}

/** Anchors are DER certificates (GET /v1/wallet/trust-anchors). */
export function webCertificateReader(anchorDers: readonly Uint8Array[]): CertificateReader {
  const anchors = anchorDers.map((d) => {
    try {
      return new X509Certificate(d as CertificateBytes);
    } catch {
      return undefined;
    }
  });
  return {
    hasAnchors: anchors.some((a) => a !== undefined),
    async checkChain(x5c, now) {
      const certs = x5c.map(parse);
      for (const c of certs)
        if (!inValidity(c, now)) throw new X509RequestRefused('certificate_expired', `certificate "${c.subject}" is not valid now`);
      for (let i = 0; i + 1 < certs.length; i++) {
        if (!isCa(certs[i + 1]!) || !(await signedBy(certs[i]!, certs[i + 1]!)))
          throw new X509RequestRefused('chain_untrusted', `certificate ${i} is not signed by certificate ${i + 1}`);
      }
      const leaf = certs[0]!;
      if (isCa(leaf)) throw new X509RequestRefused('chain_untrusted', 'the leaf certificate is a CA certificate');
      if (leaf.issuer === leaf.subject) throw new X509RequestRefused('chain_untrusted', 'the leaf certificate is self-signed');
      const usage = leaf.getExtension(KeyUsagesExtension);
      if (usage && !(usage.usages & KeyUsageFlags.digitalSignature))
        throw new X509RequestRefused('chain_untrusted', "the leaf certificate's keyUsage does not allow digitalSignature");
      const top = certs[certs.length - 1]!;
      let path: X509Certificate[] | undefined;
      for (const a of anchors) {
        if (!a) continue;
        if (sameBytes(a.rawData, top.rawData) ? certs.length > 1 : isCa(a) && inValidity(a, now) && (await signedBy(top, a))) {
          path = sameBytes(a.rawData, top.rawData) ? certs : [...certs, a];
          break;
        }
      }
      if (!path) throw new X509RequestRefused('chain_untrusted', 'the chain does not lead to a trusted anchor');
      const breach = pathLengthBreach(
        path.map((c) => ({ pathLength: c.getExtension(BasicConstraintsExtension)?.pathLength, selfIssued: c.subject === c.issuer })),
      );
      if (breach)
        throw new X509RequestRefused(
          'chain_untrusted',
          `certificate ${breach.index} allows ${breach.max} CA certificate(s) under it (pathLenConstraint)`,
        );
      // WebCrypto reads the SPKI (and refuses a point off the curve); the JWK goes through the gate after.
      const key = await crypto.subtle
        .importKey('spki', leaf.publicKey.rawData, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify'])
        .catch(() => undefined);
      if (!key) throw new X509RequestRefused('bad_signature', "the verifier's certificate holds no P-256 key");
      const san = leaf.getExtension(SubjectAlternativeNameExtension);
      return {
        der: new Uint8Array(leaf.rawData),
        jwk: publicPart((await crypto.subtle.exportKey('jwk', key)) as JWK),
        dnsNames: (san?.names.items ?? []).filter((n) => n.type === 'dns').map((n) => n.value.toLowerCase()),
        subject: leaf.subject,
      };
    },
  };
}
