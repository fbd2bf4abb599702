/**
 * Runs a table of hostile-input cases over real HTTP (app.inject) on every store target, with
 * one app per file and store. Each case: prepare the request (which may set state up) →
 * snapshot the store → send (with a timeout: a hang fails) → exact status and code → the
 * store differs from the snapshot only as the case declares.
 *
 * `verdict: true` marks the counter verification endpoint, whose refusal is a verdict
 * (200, `verdict: "rejected"`, `code`) that always leaves one receipt (DESIGN.md: every
 * verification leaves a receipt); the receipt must carry the same verdict and code.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { storeTargets } from '../../helpers/stores.js';
import { scaled } from '../../helpers/time-scale.js';
import { startSecurityFixture, type SecurityFixture } from './fixture.js';
import { assertStateChanges, takeSnapshot, type ExpectedChanges, type SnapshotDiff, type SnapshotTable } from './state-snapshot.js';

export interface SecurityCase {
  name: string;
  /** Builds the request; may prepare state (before the snapshot is taken). */
  request(f: SecurityFixture): InjectOptions | Promise<InjectOptions>;
  status: number;
  /** problem+json `code`, OAuth `error`, or the verdict `code`. */
  code: string;
  verdict?: boolean;
  /**
   * OpenID4VP direct_post of a presentation that fails: 200 `{status: "rejected"}` (§8.2), the
   * request is answered (one modified row) and the stored result carries `code`.
   */
  directPost?: boolean;
  changes?: ExpectedChanges;
  /** Extra assertions on the answer and on what changed. */
  check?(res: LightMyRequestResponse, f: SecurityFixture, diffs: Record<SnapshotTable, SnapshotDiff>): void | Promise<void>;
}

export const REQUEST_TIMEOUT_MS = scaled(10_000);

export async function injectWithTimeout(f: SecurityFixture, opts: InjectOptions, ms = REQUEST_TIMEOUT_MS): Promise<LightMyRequestResponse> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms (a hang)`)), ms);
  });
  try {
    return await Promise.race([f.t.app.inject(opts), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The stable code of an answer: problem `code`, OAuth `error`, or a verdict's `code`. */
export function answerCode(res: LightMyRequestResponse): { code: unknown; body: Record<string, unknown> } {
  let body: Record<string, unknown> = {};
  try {
    body = res.json<Record<string, unknown>>();
  } catch {
    /* not JSON: code stays undefined */
  }
  return { code: body.code ?? body.error, body };
}

function mergeChanges(a: ExpectedChanges, b: ExpectedChanges = {}): ExpectedChanges {
  const out: ExpectedChanges = { ...a };
  for (const [k, v] of Object.entries(b) as [SnapshotTable, { added?: number; modified?: number }][]) {
    out[k] = { added: (out[k]?.added ?? 0) + (v.added ?? 0), modified: (out[k]?.modified ?? 0) + (v.modified ?? 0) };
  }
  return out;
}

export async function runCase(f: SecurityFixture, c: SecurityCase): Promise<void> {
  const opts = await c.request(f);
  const before = await takeSnapshot(f.t.runtime.store);
  const res = await injectWithTimeout(f, opts);
  const { code, body } = answerCode(res);
  const expectedStatus = c.verdict || c.directPost ? 200 : c.status;
  assert.equal(res.statusCode, expectedStatus, `status (body: ${res.body.slice(0, 500)})`);
  assert.ok(!('stack' in body), 'no stack trace in an answer');
  if (c.directPost) {
    assert.equal(body.status, 'rejected', res.body.slice(0, 500));
  } else if (c.verdict) {
    assert.equal(body.verdict, 'rejected', res.body.slice(0, 500));
    assert.equal(body.code, c.code, `verdict code (checks: ${JSON.stringify(body.checks)})`);
    assert.equal(body.claims, undefined, 'a rejected verdict discloses no claims');
  } else {
    assert.equal(code, c.code, `error code (body: ${res.body.slice(0, 500)})`);
    const type = String(res.headers['content-type'] ?? '');
    assert.ok(
      type.startsWith('application/problem+json') || (type.startsWith('application/json') && typeof body.error === 'string'),
      `error shape (${type})`,
    );
  }
  const afterSnap = await takeSnapshot(f.t.runtime.store);
  const expected = c.verdict
    ? mergeChanges({ verification_receipts: { added: 1 } }, c.changes)
    : c.directPost
      ? // An answered request (even a refused one) keeps its holder's result for the redirect_uri:
        // one response_code row (issue 19), besides the request marked answered.
        mergeChanges({ verifier_requests: { modified: 1 }, consumed_nonces: { added: 1 } }, c.changes)
      : (c.changes ?? {});
  const diffs = assertStateChanges(before, afterSnap, expected);
  if (c.verdict) {
    const receipt = diffs.verification_receipts.added[0]!;
    assert.equal(receipt.verdict, 'rejected');
    assert.equal(receipt.code, c.code);
  }
  if (c.directPost) {
    const answered = diffs.verifier_requests.modified[0]!.after;
    assert.equal(answered.status, 'rejected');
    assert.equal((JSON.parse(String(answered.result)) as { code: string }).code, c.code);
  }
  await c.check?.(res, f, diffs);
}

/** One describe per store target; one app for the whole table. */
export function runSecurityCases(
  section: string,
  cases: readonly SecurityCase[],
  opts: { env?: Record<string, string>; extra?: (fixture: () => SecurityFixture) => void } = {},
): void {
  const names = new Set<string>();
  for (const c of cases) {
    assert.ok(!names.has(c.name), `duplicate case name: ${c.name}`);
    names.add(c.name);
  }
  for (const backend of storeTargets()) {
    describe(`SECURITY.md ${section} (${backend})`, () => {
      let f: SecurityFixture & { close(): Promise<void> };
      beforeAll(async () => {
        f = await startSecurityFixture(backend, opts.env);
      });
      afterAll(async () => f?.close());
      for (const c of cases) it(c.name, () => runCase(f, c));
      opts.extra?.(() => f);
    });
  }
}
