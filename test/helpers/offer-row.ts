/**
 * An unredeemed offer row as vci-repo.ts stores it, for store tests that need offers: a
 * resident-id offer of client c1 unless `other` names other values.
 */
import type { Insertable } from 'kysely';
import type { VciOffersTable } from '../../src/store/schema.js';

export const offerRow = (
  id: string,
  createdAt: number,
  expiresAt: number,
  other: Partial<Insertable<VciOffersTable>> = {},
): Insertable<VciOffersTable> => ({
  id,
  ref_hash: `ref-${id}`,
  code_hash: `code-${id}`,
  client_id: 'c1',
  type: 'resident-id',
  format: 'dc+sd-jwt',
  configuration_id: 'resident-id',
  claims: `{"id":"${id}"}`,
  tx_code_hash: null,
  tx_code_length: null,
  created_at: createdAt,
  expires_at: expiresAt,
  redeemed_at: null,
  burned_at: null,
  issued_at: null,
  ...other,
});
