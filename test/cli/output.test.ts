import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { table } from '../../src/cli/output.js';

describe('CLI tables', () => {
  it('line columns up by terminal cells, so Korean names (two cells a syllable) do not push the next column', () => {
    const out = table(
      [
        { name: '편의점 A', verdict: 'verified' },
        { name: 'Bank', verdict: 'rejected' },
      ],
      ['name', 'verdict'],
    ).split('\n');
    // "편의점 A" is 8 cells wide (3 syllables × 2 + space + A), "NAME" 4, "Bank" 4: VERDICT starts at cell 10.
    assert.deepEqual(out, ['NAME      VERDICT', '편의점 A  verified', 'Bank      rejected']);
  });
});
