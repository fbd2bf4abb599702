/** A verification receipt row for tests that write receipts straight into the store (history paging, group commits). */
import { randomUUID } from 'node:crypto';
import type { ReceiptRecord } from '../../src/store/repositories/receipts-repo.js';

/** A verified counter receipt for `age_over_19` of a driver's licence; `over` replaces any member. */
export const receiptRecord = (over: Partial<ReceiptRecord> = {}): ReceiptRecord => ({
  id: randomUUID(),
  client_id: 'c1',
  verifier_name: 'Counter',
  request_id: null,
  channel: 'counter',
  purpose: null,
  credential_type: 'driver-license',
  issuer: null,
  claim_names: '["age_over_19"]',
  verdict: 'verified',
  code: 'ok',
  holder_jkt: null,
  at: Date.now(),
  ...over,
});
