import type { KeyRecord } from '../store/repositories/keys-repo.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** What operators see of a key: metadata and the public JWK, never private material. */
export const viewKey = (k: KeyRecord) => ({
  kid: k.kid,
  alg: k.alg,
  state: k.state,
  created_at: new Date(k.createdAt).toISOString(),
  activated_at: iso(k.activatedAt),
  retiring_at: iso(k.retiringAt),
  retired_at: iso(k.retiredAt),
  jwk: k.publicJwk,
});
