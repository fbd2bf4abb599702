/**
 * The weighted-list reader of content negotiation (src/http/weighted-list.ts): quoted parameter
 * values (RFC 9110 §5.6.4) split nothing, and empty members (§5.6.1) are ignored, not counted.
 */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { parseWeightedList } from '../../src/http/weighted-list.js';

it('keeps a comma or semicolon inside a quoted parameter value, escapes included, out of the splitting', () => {
  assert.deepEqual(parseWeightedList('application/statuslist+jwt;foo="a,b";q=0'), [{ name: 'application/statuslist+jwt', q: 0 }]);
  assert.deepEqual(parseWeightedList('a/b;x="1;q=0";q=0.5, c/d'), [
    { name: 'a/b', q: 0.5 },
    { name: 'c/d', q: 1 },
  ]);
  assert.deepEqual(parseWeightedList('a/b;x="say \\"hi, there\\"";q=0.2, c/d;q=0'), [
    { name: 'a/b', q: 0.2 },
    { name: 'c/d', q: 0 },
  ]);
});

it('ignores empty members without counting them, and still refuses more than the members allowed', () => {
  assert.deepEqual(parseWeightedList(`${','.repeat(100)}*/*`, 32), [{ name: '*/*', q: 1 }]);
  assert.deepEqual(parseWeightedList(' , gzip;q=0 ,, identity ,', 32), [
    { name: 'gzip', q: 0 },
    { name: 'identity', q: 1 },
  ]);
  assert.equal(parseWeightedList(Array.from({ length: 33 }, (_, i) => `a/t${i}`).join(','), 32), undefined);
  assert.equal(parseWeightedList(Array.from({ length: 32 }, (_, i) => `a/t${i}`).join(','), 32)?.length, 32);
});
