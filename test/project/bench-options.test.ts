/**
 * The bench tools' numeric options (bench/cli-options.ts): a word, an empty value, a fraction
 * where a count is asked or a number out of range is refused with a sentence naming the option
 * and its range; before, `--seconds soon` ran the bench on NaN.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { readNumber } from '../../bench/cli-options.js';

describe('bench options', () => {
  it('takes numbers in range, and the fallback when the option is absent', () => {
    assert.deepEqual(readNumber('seconds', '2.5', 8, 0.1, 3600), { value: 2.5 });
    assert.deepEqual(readNumber('seconds', undefined, 8, 0.1, 3600), { value: 8 });
    assert.deepEqual(readNumber('repeat', '3', 1, 1, 100, true), { value: 3 });
  });

  it('refuses words, empty values, fractions for counts and numbers out of range, naming the option', () => {
    for (const [given, integer] of [
      ['soon', false],
      ['', false],
      [' ', false],
      ['NaN', false],
      ['Infinity', false],
      ['0', false],
      ['3601', false],
      ['1.5', true],
      ['2x', true],
    ] as const) {
      const read = readNumber('seconds', given, 8, 0.1, 3600, integer);
      assert.ok('error' in read, `${JSON.stringify(given)} was taken`);
      assert.match(read.error, /^--seconds takes a (whole )?number from 0\.1 to 3600, not /);
    }
  });
});
