/** What the tests driving @sphereon/oid4vci-client share: a holder key with its proof callback, and an SD-JWT's payload. */
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';

/** A P-256 holder key and the signCallback Sphereon's client calls for its key proofs. */
export function sphereonHolder() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  const publicJwk: JWK = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  const signCallback = async (args: { header: Record<string, unknown>; payload: Record<string, unknown> }) => {
    // Sphereon puts kid or jwk in the header as told; we always send the jwk (this issuer needs it).
    const { kid: _kid, ...header } = args.header;
    return new SignJWT(args.payload).setProtectedHeader({ ...header, alg: 'ES256', jwk: publicJwk } as never).sign(privateKey);
  };
  return { publicJwk, signCallback };
}

/** The issuer-signed JWT payload of an SD-JWT (not verified: the tests check what was issued). */
export const sdJwtPayload = (sdJwt: string) =>
  JSON.parse(Buffer.from(sdJwt.split('~')[0]!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
