import { test } from 'vitest';
import assert from 'node:assert/strict';
import { buildStatusClaim, readStatusReference } from '../../src/formats/status-list/status-list-reference.js';

const assertCode = (fn: () => unknown, code: string) => assert.throws(fn, (e: unknown) => (e as { code?: string }).code === code);
const URI = 'https://example.com/statuslists/1';

test('builds the status claim of §6.2 and reads it back', () => {
  const status = buildStatusClaim({ idx: 0, uri: URI });
  assert.deepEqual(status, { status_list: { idx: 0, uri: URI } });
  assert.deepEqual(readStatusReference({ iss: 'https://example.com/issuer', status }), { idx: 0, uri: URI });
});

test('reads the status claim of the draft example referenced token', () => {
  const payload = { _sd_alg: 'sha-256', status: { status_list: { idx: 0, uri: URI } }, sub: '6c5c0a49-b589-431d-bae7-219122a9ec2c' };
  assert.deepEqual(readStatusReference(payload), { idx: 0, uri: URI });
});

test('reports a missing status or status_list with status_reference_missing', () => {
  assertCode(() => readStatusReference({}), 'status_reference_missing');
  assertCode(() => readStatusReference({ status: { other_mechanism: {} } }), 'status_reference_missing');
});

test('reports a malformed idx or uri with status_reference_malformed', () => {
  for (const status of [
    [],
    'x',
    { status_list: [] },
    { status_list: { idx: -1, uri: URI } },
    { status_list: { idx: '0', uri: URI } },
    { status_list: { idx: 1.5, uri: URI } },
    { status_list: { idx: 0 } },
    { status_list: { idx: 0, uri: 'relative/path' } },
  ]) {
    assertCode(() => readStatusReference({ status }), 'status_reference_malformed');
  }
  assertCode(() => buildStatusClaim({ idx: -3, uri: URI }), 'status_reference_malformed');
});
