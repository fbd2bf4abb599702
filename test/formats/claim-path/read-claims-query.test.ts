import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { readClaimsQuery } from '../../../src/formats/claim-path/read-claims-query.js';

describe("a wallet's reading of a DCQL credential query's claims", () => {
  it('reads no claims as "nothing selectively disclosable"', () => {
    assert.deepEqual(readClaimsQuery({ id: 'q' }), { ok: true, asked: { claims: [] } });
  });

  it("keeps pointers and values, and turns claim_sets ids into indexes in the verifier's order", () => {
    const r = readClaimsQuery({
      claims: [
        { id: 'a', path: ['age_over_19'], values: [true] },
        { id: 'b', path: ['birth_date'] },
        { id: 'n', path: ['nationalities', 1] },
      ],
      claim_sets: [['n', 'b'], ['a']],
    });
    assert.deepEqual(r, {
      ok: true,
      asked: {
        claims: [
          { path: ['age_over_19'], values: [true] },
          { path: ['birth_date'], values: undefined },
          { path: ['nationalities', 1], values: undefined },
        ],
        claimSets: [[2, 1], [0]],
      },
    });
  });

  const refused: [string, unknown][] = [
    ['a query that is not an object', 'x'],
    ['claim_sets without claims', { claim_sets: [['a']] }],
    ['empty claims', { claims: [] }],
    ['a path that is not a pointer', { claims: [{ path: 'a.b' }] }],
    ['a negative index', { claims: [{ path: ['a', -1] }] }],
    ['empty values', { claims: [{ path: ['a'], values: [] }] }],
    ['values holding an object', { claims: [{ path: ['a'], values: [{}] }] }],
    ['empty claim_sets', { claims: [{ id: 'a', path: ['a'] }], claim_sets: [] }],
    ['an option naming an unknown id', { claims: [{ id: 'a', path: ['a'] }], claim_sets: [['b']] }],
    ['an empty option', { claims: [{ id: 'a', path: ['a'] }], claim_sets: [[]] }],
  ];
  for (const [what, q] of refused) it(`refuses ${what}`, () => assert.equal(readClaimsQuery(q).ok, false));
});
