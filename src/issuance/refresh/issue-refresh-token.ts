/**
 * Refresh tokens (RFC 6749 §1.5, §6; OpenID4VCI §6.2 allows one with the access token; HAIP
 * recommends them), issued with every access token when REFRESH_TOKEN_TTL_SECONDS is above 0:
 * opaque 256-bit random strings of which only the SHA-256 is stored, as access tokens. Bound to
 * the DPoP key of the token request (RFC 9449 §5: a public client's refresh token is bound to the
 * key its access token is) and to the attested wallet client. Claims of the Authorization Code
 * Flow are kept sealed under the refresh token as well, so a refresh can re-seal them under the
 * new access token without any key in the store (claims-seal.ts).
 */
import type { Insertable } from 'kysely';
import type { VciRefreshTokensTable } from '../../store/schema.js';
import type { Config } from '../../config.js';
import { sealClaims } from '../authorization/claims-seal.js';
import { hashSecret, newSecret } from '../vci-secrets.js';

export interface NewRefreshToken {
  token: string;
  row: Insertable<VciRefreshTokensTable>;
}

export function newRefreshToken(
  config: Pick<Config, 'refreshTokenTtlSeconds'>,
  v: {
    offerId: string;
    now: number;
    dpopJkt?: string | null | undefined;
    walletClient?: string | null | undefined;
    walletInstanceJkt?: string | null | undefined;
    claims?: string | undefined;
  },
): NewRefreshToken | undefined {
  if (config.refreshTokenTtlSeconds <= 0) return undefined;
  const token = newSecret();
  return {
    token,
    row: {
      token_hash: hashSecret(token),
      offer_id: v.offerId,
      dpop_jkt: v.dpopJkt ?? null,
      wallet_client: v.walletClient ?? null,
      wallet_instance_jkt: v.walletInstanceJkt ?? null,
      claims: v.claims === undefined ? null : sealClaims(v.claims, token),
      created_at: v.now,
      expires_at: v.now + config.refreshTokenTtlSeconds * 1000,
      used_at: null,
    },
  };
}

/** How long the offer (its claims) must stay: as long as the access token, or the refresh token when longer. */
export const grantExpiresAt = (accessExpiresAt: number, refresh: NewRefreshToken | undefined): number =>
  Math.max(accessExpiresAt, Number(refresh?.row.expires_at ?? 0));
