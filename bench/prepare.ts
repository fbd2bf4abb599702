/**
 * Inputs prepared before a timed run, so the run measures one endpoint only: single-use
 * OpenID4VCI grants (offer → token → nonce → proof) and single-use counter presentations
 * (each with its own nonce, as replay protection demands).
 */
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import type { JWK } from 'jose';
import { createHolderPresentation } from '../src/wallet/create-holder-presentation.js';
import { generateHolderKey } from '../src/wallet/holder-key.js';

const b64u = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** An openid4vci-proof+jwt signed with node:crypto (fast enough to make thousands before a run). */
function proofJwt(aud: string, nonce: string): string {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' }) as JWK;
  const input = `${b64u({ alg: 'ES256', typ: 'openid4vci-proof+jwt', jwk: { kty, crv, x, y } })}.${b64u({ aud, nonce, iat: Math.floor(Date.now() / 1000) })}`;
  const sig = sign('sha256', Buffer.from(input), {
    key: createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })),
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${sig.toString('base64url')}`;
}

async function json(url: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const r = await fetch(url, init);
  if (!r.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${r.status} ${await r.text()}`);
  return (await r.json()) as Record<string, unknown>;
}

export interface VciGrant {
  accessToken: string;
  body: string;
}

export async function prepareVciGrants(base: string, issuerKey: string, type: string, claims: object, n: number): Promise<VciGrant[]> {
  const out: VciGrant[] = [];
  const auth = { authorization: `Bearer ${issuerKey}`, 'content-type': 'application/json' };
  const work = async () => {
    while (out.length < n) {
      const offer = await json(`${base}/v1/offers`, { method: 'POST', headers: auth, body: JSON.stringify({ type, claims }) });
      const ref = await json(offer.credential_offer_uri as string);
      const code = (ref.grants as Record<string, { 'pre-authorized_code': string }>)[
        'urn:ietf:params:oauth:grant-type:pre-authorized_code'
      ]?.['pre-authorized_code'] as string;
      const token = await json(`${base}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
          'pre-authorized_code': code,
        }).toString(),
      });
      const { c_nonce } = (await json(`${base}/openid4vci/nonce`, { method: 'POST' })) as { c_nonce: string };
      out.push({
        accessToken: token.access_token as string,
        body: JSON.stringify({ credential_configuration_id: type, proofs: { jwt: [proofJwt(base, c_nonce)] } }),
      });
    }
  };
  await Promise.all([work(), work(), work(), work()]);
  return out.slice(0, n);
}

/** Counter presentations of one holder-bound credential, each over a fresh nonce the verifier client's counter issued. */
export async function prepareCounterPresentations(
  base: string,
  issuerKey: string,
  verifierKey: string,
  type: string,
  claims: object,
  disclose: string[],
  n: number,
): Promise<string[]> {
  const holder = await generateHolderKey();
  const { credential } = (await json(`${base}/v1/credentials`, {
    method: 'POST',
    headers: { authorization: `Bearer ${issuerKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type, claims, holder_jwk: holder.publicJwk }),
  })) as { credential: string };
  const iat = Math.floor(Date.now() / 1000);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const { aud, nonce } = (await json(`${base}/v1/verifier/counter-nonces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${verifierKey}` },
    })) as { aud: string; nonce: string };
    out.push((await createHolderPresentation({ credential, disclose, holderSigner: holder.signer, aud, nonce, iat })).presentation);
  }
  return out;
}
