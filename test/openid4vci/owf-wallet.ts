/** The OpenWallet Foundation's @openid4vc/openid4vci client as a test wallet (P-256 keys, jose signing). */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { Openid4vciClient } from '@openid4vc/openid4vci';
import { clientAuthenticationAnonymous, setGlobalConfig, type JwtSigner } from '@openid4vc/oauth2';
import { SignJWT, importJWK, type JWK } from 'jose';

// The test server speaks http on 127.0.0.1; the library refuses non-https URLs unless told.
setGlobalConfig({ allowInsecureUrls: true });

const keys = new Map<string, JWK>();

/** A fresh P-256 holder key the wallet below can sign with. */
export function walletKey(): { privateJwk: JWK; publicJwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string } } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  const publicJwk = { kty: 'EC', crv: 'P-256', x: jwk.x as string, y: jwk.y as string } as const;
  keys.set(publicJwk.x, jwk);
  return { privateJwk: jwk, publicJwk };
}

/** The wallet's callbacks (for an Openid4vciClient or an Oauth2Client): it signs with the keys walletKey() made. */
export const owfCallbacks = {
  fetch,
  hash: (data: Uint8Array, alg: string) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
  generateRandom: (n: number) => randomBytes(n),
  clientAuthentication: clientAuthenticationAnonymous(),
  signJwt: async (signer: JwtSigner, { header, payload }: { header: Record<string, unknown>; payload: Record<string, unknown> }) => {
    if (signer.method !== 'jwk') throw new Error('test wallet signs with jwk only');
    const priv = keys.get(signer.publicJwk.x as string);
    if (!priv) throw new Error('unknown key');
    const jwt = await new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(await importJWK(priv, 'ES256'));
    return { jwt, signerJwk: signer.publicJwk };
  },
};

export const owfWallet = (): Openid4vciClient => new Openid4vciClient({ callbacks: owfCallbacks });

/** The credential strings of a credential response (`credentials[].credential`). */
export const credentialsOf = (r: { credentials?: unknown[] }): string[] =>
  (r.credentials ?? []).map((c) => (typeof c === 'object' && c !== null && 'credential' in c ? c.credential : c) as string);
