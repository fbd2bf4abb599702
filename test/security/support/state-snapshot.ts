/**
 * "Nothing stored changed" (SECURITY.md, preamble): a snapshot of every table a hostile request
 * could touch, taken before and after the request and compared row by row. A case may declare
 * the changes its endpoint makes by design (a counter verification always leaves a receipt; a
 * wrong tx_code is counted on its offer); any other difference fails the case.
 */
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/store.js';

/** Table → primary key column. */
export const SNAPSHOT_TABLES = {
  credentials: 'id',
  status_lists: 'id',
  api_clients: 'id',
  signing_keys: 'kid',
  audit_events: 'id',
  vci_offers: 'id',
  vci_access_tokens: 'token_hash',
  vci_nonces: 'nonce_hash',
  verifier_requests: 'id',
  verification_receipts: 'id',
  consumed_nonces: 'nonce_hash',
} as const;

export type SnapshotTable = keyof typeof SNAPSHOT_TABLES;
export type Snapshot = Record<SnapshotTable, Map<string, Record<string, unknown>>>;

/** Rows added and rows modified that a case expects (exact counts); everything else must be equal. */
export type ExpectedChanges = Partial<Record<SnapshotTable, { added?: number; modified?: number }>>;

export async function takeSnapshot(store: Store): Promise<Snapshot> {
  const snap = {} as Snapshot;
  for (const [table, key] of Object.entries(SNAPSHOT_TABLES) as [SnapshotTable, string][]) {
    const rows = (await store.db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
    snap[table] = new Map(rows.map((r) => [String(r[key]), { ...r }]));
  }
  return snap;
}

export interface SnapshotDiff {
  added: Record<string, unknown>[];
  modified: { before: Record<string, unknown>; after: Record<string, unknown> }[];
  removed: Record<string, unknown>[];
}

export function diffTable(before: Map<string, Record<string, unknown>>, after: Map<string, Record<string, unknown>>): SnapshotDiff {
  const d: SnapshotDiff = { added: [], modified: [], removed: [] };
  for (const [id, row] of after) {
    const old = before.get(id);
    if (!old) d.added.push(row);
    else if (JSON.stringify(old) !== JSON.stringify(row)) d.modified.push({ before: old, after: row });
  }
  for (const [id, row] of before) if (!after.has(id)) d.removed.push(row);
  return d;
}

/** Asserts that `after` differs from `before` exactly as `expected` says; returns the diffs. */
export function assertStateChanges(before: Snapshot, after: Snapshot, expected: ExpectedChanges = {}): Record<SnapshotTable, SnapshotDiff> {
  const diffs = {} as Record<SnapshotTable, SnapshotDiff>;
  for (const table of Object.keys(SNAPSHOT_TABLES) as SnapshotTable[]) {
    const d = diffTable(before[table], after[table]);
    diffs[table] = d;
    const want = expected[table] ?? {};
    const got = { added: d.added.length, modified: d.modified.length, removed: d.removed.length };
    assert.deepEqual(
      got,
      { added: want.added ?? 0, modified: want.modified ?? 0, removed: 0 },
      `stored state of ${table} changed: ${JSON.stringify(got)}`,
    );
  }
  return diffs;
}
