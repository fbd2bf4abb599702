/**
 * Issuance refusals not covered elsewhere: a valid_until that is not a date-time (over HTTP), and
 * mso_mdoc asked for a type that is not a mobile ID.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { rowCount } from '../helpers/row-count.js';
import { resolveType } from '../../src/issuance/issue-credential.js';
import { isAppError } from '../../src/errors.js';

describe('issuance refusals', () => {
  let t: TestApp;
  let issuer: string;
  beforeAll(async () => {
    t = await startTestApp();
    issuer = await t.apiKey('issuer');
  });
  afterAll(() => t.close());

  it('refuses a valid_until that is not an RFC 3339 date-time with 400 invalid_valid_until, and stores nothing', async () => {
    const type = t.runtime.catalog.get('resident-id')!;
    const before = await rowCount(t, 'credentials');
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/credentials',
      headers: { authorization: `Bearer ${issuer}` },
      payload: { type: 'resident-id', claims: type.example, format: 'vc+jwt', valid_until: 'next year' },
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().code, 'invalid_valid_until');
    assert.equal(await rowCount(t, 'credentials'), before);
  });

  it('refuses mso_mdoc for a type that is not a mobile ID (no mdoc layout) with unsupported_format', () => {
    assert.ok(!t.runtime.catalog.get('local-tax-payment')!.formats.includes('mso_mdoc'));
    assert.throws(
      () => resolveType(t.runtime.catalog, null, 'local-tax-payment', 'mso_mdoc'),
      (e) => isAppError(e) && e.code === 'unsupported_format' && e.status === 400,
    );
  });
});
