import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { matchClaimsQuery, type ClaimsQueryEntry } from '../../../src/formats/claim-path/match-claims-query.js';
import type { JsonObject } from '../../../src/formats/jose/types.js';

const held: JsonObject = {
  family_name: '김',
  age_over_19: true,
  birth_date: '1990-01-02',
  postal_code: 90210,
  nationalities: ['KR', 'US'],
  address: { locality: '서울' },
};

describe('DCQL claim selection for one credential (OpenID4VP §6.4.1)', () => {
  it('asks for every claim when there are no claim_sets', () => {
    assert.deepEqual(matchClaimsQuery(held, [{ path: ['family_name'] }, { path: ['address', 'locality'] }]), { ok: true, chosen: [0, 1] });
  });

  it('asks for nothing when claims is absent', () => {
    assert.deepEqual(matchClaimsQuery(held, []), { ok: true, chosen: [] });
  });

  it('fails with claim_missing when one asked claim is absent', () => {
    assert.deepEqual(matchClaimsQuery(held, [{ path: ['family_name'] }, { path: ['given_name'] }]), { ok: false, code: 'claim_missing' });
  });

  describe('values (§6.3): type and value must both match', () => {
    const cases: [string, ClaimsQueryEntry, boolean][] = [
      ['a string among the values', { path: ['family_name'], values: ['이', '김'] }, true],
      ['a boolean', { path: ['age_over_19'], values: [true] }, true],
      ['a number', { path: ['postal_code'], values: [90210] }, true],
      ['a number given as a string does not match', { path: ['postal_code'], values: ['90210'] }, false],
      ['a boolean given as a string does not match', { path: ['age_over_19'], values: ['true'] }, false],
      ['another value', { path: ['family_name'], values: ['박'] }, false],
      ['one of the elements a null path selects', { path: ['nationalities', null], values: ['US'] }, true],
      ['the element an index selects, not another', { path: ['nationalities', 0], values: ['US'] }, false],
    ];
    for (const [what, entry, ok] of cases) {
      it(`${ok ? 'matches' : 'refuses'} ${what}`, () => {
        assert.deepEqual(matchClaimsQuery(held, [entry]), ok ? { ok: true, chosen: [0] } : { ok: false, code: 'claim_value_mismatch' });
      });
    }
    it('reports a missing claim before a value mismatch', () => {
      assert.deepEqual(matchClaimsQuery(held, [{ path: ['family_name'], values: ['박'] }, { path: ['given_name'] }]), {
        ok: false,
        code: 'claim_missing',
      });
    });
  });

  describe('claim_sets: the first option satisfied, never more', () => {
    const claims: ClaimsQueryEntry[] = [
      { path: ['age_over_21'] },
      { path: ['age_over_19'] },
      { path: ['birth_date'] },
      { path: ['family_name'], values: ['박'] },
    ];
    it('prefers the first option that is satisfied', () => {
      assert.deepEqual(matchClaimsQuery(held, claims, [[0], [1], [2]]), { ok: true, chosen: [1] });
      assert.deepEqual(matchClaimsQuery(held, claims, [[2], [1]]), { ok: true, chosen: [2] });
    });
    it('takes an option with several claims only when all are there', () => {
      assert.deepEqual(
        matchClaimsQuery(held, claims, [
          [0, 1],
          [1, 2],
        ]),
        { ok: true, chosen: [1, 2] },
      );
    });
    it('treats a value mismatch as an absent claim', () => {
      assert.deepEqual(matchClaimsQuery(held, claims, [[3], [2]]), { ok: true, chosen: [2] });
    });
    it('fails with claim_missing when no option is satisfied', () => {
      assert.deepEqual(matchClaimsQuery(held, claims, [[0], [3]]), { ok: false, code: 'claim_missing' });
    });
  });
});
