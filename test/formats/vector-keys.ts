/** Keys and settings of the spec vectors (test/fixtures/vectors/.../settings.yml). */
import type { JWK } from 'jose';
import { publicPart, readVectorYaml, signerFromJwk } from './helpers.js';

interface Settings {
  identifiers: { issuer: string; verifier: string };
  key_settings: { issuer_keys?: JWK[]; issuer_key?: JWK; holder_key: JWK };
  key_binding_nonce: string;
}

export async function vectorSettings(dir: 'sd-jwt' | 'sd-jwt-vc') {
  const s = readVectorYaml<Settings>(`${dir}/settings.yml`);
  const issuerPrivate = s.key_settings.issuer_key ?? s.key_settings.issuer_keys![0]!;
  return {
    issuerJwk: publicPart(issuerPrivate),
    holderJwk: publicPart(s.key_settings.holder_key),
    holderSigner: await signerFromJwk(s.key_settings.holder_key),
    nonce: s.key_binding_nonce,
    verifier: s.identifiers.verifier,
  };
}
