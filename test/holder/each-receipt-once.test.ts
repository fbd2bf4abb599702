/** Both wallets list a receipt once, whichever of their reads (one per holder key and service) listed it. */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { eachReceiptOnce } from '../../src/holder/history-pages.js';

it('lists a receipt once by its id, in the place of the first read that listed it, naming every read it came from', () => {
  const r = (id: string) => ({ id, at: id });
  const out = eachReceiptOnce([
    { receipts: [r('c'), r('a')], from: ['cred-1', 'cred-2'] },
    { receipts: [r('d'), r('c'), r('b'), r('a')], from: ['cred-3'] },
    { receipts: [r('a')], from: ['cred-1'] },
  ]);
  assert.deepEqual(
    out.map((x) => [x.receipt.id, x.from]),
    [
      ['c', ['cred-1', 'cred-2', 'cred-3']],
      ['a', ['cred-1', 'cred-2', 'cred-3']],
      ['d', ['cred-3']],
      ['b', ['cred-3']],
    ],
  );
});

it('keeps an item without a string id, never taking it for another', () => {
  const odd = [{ at: 'x' }, { id: 7 }, { at: 'x' }];
  assert.equal(eachReceiptOnce([{ receipts: odd, from: [1] }]).length, 3);
});
