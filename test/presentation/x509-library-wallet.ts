/**
 * An independent wallet for X.509 verifier identities: @openid4vc/openid4vp with callbacks that
 * check the request's x5c chain against the trust anchors it is given (node:crypto), the JWS
 * under the leaf (jose), and encrypt direct_post.jwt / dc_api.jwt answers (jose).
 */
import { createHash, X509Certificate } from 'node:crypto';
import { CompactEncrypt, compactVerify, importJWK, importX509, type JWK } from 'jose';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { sanDnsNames } from '../../src/formats/x509/check-certificate-chain.js';
import { createVerifierIdentity, SERVICE_OWNER } from '../../src/presentation/x509-identity/manage-verifier-identities.js';
import type { TestApp } from '../helpers/test-app.js';
import { injectFetch } from './helpers.js';

/** An independent wallet: @openid4vc/openid4vp, x5c checked against the trust anchors it is given. */
export function libraryWallet(fetch: ReturnType<typeof injectFetch>, anchors: X509Certificate[]) {
  const pem = (b64: string) => `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----`;
  return new Openid4vpClient({
    callbacks: {
      fetch: fetch as never,
      hash: (data: Uint8Array, alg: string) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
      verifyJwt: async (signer: { method: string; x5c?: string[]; alg: string }, jwt: { compact: string }) => {
        if (signer.method !== 'x5c' || !signer.x5c?.length) return { verified: false };
        const certs = signer.x5c.map((c) => new X509Certificate(Buffer.from(c, 'base64')));
        for (let i = 0; i + 1 < certs.length; i++) if (!certs[i]!.verify(certs[i + 1]!.publicKey)) return { verified: false };
        const top = certs[certs.length - 1]!;
        if (!anchors.some((a) => top.checkIssued(a) && top.verify(a.publicKey))) return { verified: false };
        try {
          await compactVerify(jwt.compact, await importX509(pem(signer.x5c[0]!), signer.alg));
          return { verified: true, signerJwk: certs[0]!.publicKey.export({ format: 'jwk' }) as never };
        } catch {
          return { verified: false };
        }
      },
      getX509CertificateMetadata: (cert: string) => ({
        sanDnsNames: sanDnsNames(new X509Certificate(Buffer.from(cert, 'base64'))),
        sanUriNames: [],
      }),
      signJwt: async () => {
        throw new Error('not used');
      },
      // direct_post.jwt (HAIP): ECDH-ES to the request's ephemeral key in client_metadata.jwks.
      encryptJwe: async (e: { publicJwk: JWK & { kid?: string }; alg: string; enc: string; apu?: string; apv?: string }, data: string) => {
        const jwe = await new CompactEncrypt(new TextEncoder().encode(data))
          .setProtectedHeader({ alg: e.alg, enc: e.enc, ...(e.publicJwk.kid && { kid: e.publicJwk.kid }) })
          .setKeyManagementParameters({
            ...(e.apu && { apu: Buffer.from(e.apu, 'base64url') }),
            ...(e.apv && { apv: Buffer.from(e.apv, 'base64url') }),
          })
          .encrypt(await importJWK(e.publicJwk, e.alg));
        return { jwe, encryptionJwk: e.publicJwk };
      },
      decryptJwe: async () => {
        throw new Error('not used');
      },
    } as never,
  });
}

/** The service's development X.509 identity for `verifier.example`, and a library wallet that trusts its root. */
export async function devIdentityWallet(t: TestApp) {
  const created = await createVerifierIdentity(
    { store: t.runtime.store, keyStore: t.runtime.keyStore, clock: t.runtime.clock, actor: 'test' },
    { owner: SERVICE_OWNER, dnsName: 'verifier.example', mode: 'dev' },
  );
  const anchor = new X509Certificate(created.anchorPem!);
  const fetch = injectFetch(t.app);
  return { anchor, x509Hash: created.identity.x509_hash!, fetch, wallet: libraryWallet(fetch, [anchor]) };
}
