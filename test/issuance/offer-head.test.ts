import { test } from 'vitest';
import assert from 'node:assert/strict';
import { isSealed, sealClaims } from '../../src/issuance/authorization/claims-seal.js';
import { CLAIMS_HEAD_CHARS } from '../../src/store/repositories/vci-repo.js';

// The token step reads only an offer's head (vci-repo.ts): the claims' first CLAIMS_HEAD_CHARS
// characters must still tell an Authorization Code Flow offer's sealed claims from plain ones, or
// its authorization code would be redeemable as a pre-authorized code.
test('the first characters of stored claims tell sealed text from plain JSON', () => {
  const sealed = sealClaims(JSON.stringify({ family_name: '홍' }), 'an authorization code');
  assert.equal(isSealed(sealed.slice(0, CLAIMS_HEAD_CHARS)), true);
  assert.equal(isSealed(JSON.stringify({ family_name: '홍', portrait: '_9j_AAAA' }).slice(0, CLAIMS_HEAD_CHARS)), false);
});
