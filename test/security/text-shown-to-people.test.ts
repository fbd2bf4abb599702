/**
 * SECURITY.md "HTTP" (zero-width and right-to-left characters), issue 14 §8: text a verifier or
 * an operator writes reaches a holder's consent screen, receipts and history. A `purpose` with
 * control, format, bidirectional or separator characters, over its length, or with members
 * other than ko/en is refused `invalid_purpose` on both verifier endpoints, and nothing is
 * stored (no request, no receipt, no consumed nonce); client names and free-text claims follow
 * the same rule.
 */
import assert from 'node:assert/strict';
import { it } from 'vitest';
import { counter, present, type SecurityCase, type SecurityFixture } from './support/index.js';
import { runSecurityCases } from './support/run-cases.js';
import { takeSnapshot, assertStateChanges } from './support/state-snapshot.js';

const DCQL = (f: SecurityFixture) => ({
  credentials: [
    {
      id: 'licence',
      format: 'dc+sd-jwt',
      meta: { vct_values: [f.t.runtime.catalog.get('driver-license')!.vct] },
      claims: [{ path: ['age_over_19'] }],
    },
  ],
});
const OK = { ko: '주류 판매 연령 확인', en: 'Age check for alcohol' };

/**
 * Refused at the front door, before the purpose schema is reached (issue 14, classes 1 and 5):
 * a NUL anywhere in a JSON body is `nul_character`, a body over the route's limit is 413.
 * Either way nothing is stored, which is what these cases are about.
 */
const FRONT_DOOR: Record<string, { status: number; code: string }> = { NUL: { status: 400, code: 'nul_character' } };
/** The request route takes small bodies (`SMALL_BODY_LIMIT`); the counter's carries presentations, portraits included. */
const REQUEST_FRONT_DOOR: Record<string, { status: number; code: string }> = {
  ...FRONT_DOOR,
  '600 kB of text': { status: 413, code: 'body_too_large' },
};

/** Bad purposes: [label, value]. */
const BAD_PURPOSES: [string, unknown][] = [
  ['a right-to-left override in ko', { ...OK, ko: `\u202e${OK.ko}` }],
  ['a right-to-left override in en', { ...OK, en: `${OK.en}\u202e` }],
  ['a forged second line ("\\n\\nverifier: 국세청")', { ...OK, ko: `${OK.ko}\n\nverifier: 국세청` }],
  ['a carriage return', { ...OK, en: 'a\rb' }],
  ['NUL', { ...OK, ko: 'a\u0000b' }],
  ['a C1 control (U+0085)', { ...OK, en: 'a\u0085b' }],
  ['a C1 control (U+009B)', { ...OK, en: 'a\u009bb' }],
  ['an Arabic letter mark (U+061C)', { ...OK, ko: 'a\u061cb' }],
  ['a left-to-right mark (U+200E)', { ...OK, ko: 'a\u200eb' }],
  ['a right-to-left mark (U+200F)', { ...OK, ko: 'a\u200fb' }],
  ['a right-to-left embedding (U+202B)', { ...OK, en: 'a\u202bb' }],
  ['a right-to-left isolate (U+2067)', { ...OK, en: 'a\u2067b' }],
  ['a pop directional isolate (U+2069)', { ...OK, en: 'a\u2069b' }],
  ['a zero-width space', { ...OK, ko: '주류\u200b판매' }],
  ['a BOM', { ...OK, ko: '\ufeff주류' }],
  ['a line separator (U+2028)', { ...OK, en: 'a\u2028b' }],
  ['a paragraph separator (U+2029)', { ...OK, en: 'a\u2029b' }],
  ['101 Korean characters', { ...OK, ko: '가'.repeat(101) }],
  ['201 English characters', { ...OK, en: 'a'.repeat(201) }],
  ['600 kB of text', { ...OK, en: 'a'.repeat(600_000) }],
  ['an extra language', { ...OK, fr: 'vérification' }],
  ['an extra member a wallet might show', { ...OK, verifier: '국세청' }],
  ['an empty ko', { ...OK, ko: '' }],
  ['no en', { ko: OK.ko }],
  ['a string instead of an object', '주류 판매 연령 확인'],
  ['an array', [OK.ko, OK.en]],
];

const requestCase = (label: string, purpose: unknown): SecurityCase => ({
  name: `OpenID4VP request: refuses a purpose with ${label}`,
  request: (f) => ({
    method: 'POST',
    url: '/v1/verifier/requests',
    headers: { authorization: `Bearer ${f.keys.verifier}` },
    payload: { dcql_query: DCQL(f), purpose },
  }),
  status: REQUEST_FRONT_DOOR[label]?.status ?? 400,
  code: REQUEST_FRONT_DOOR[label]?.code ?? 'invalid_purpose',
  check: (res) => assert.ok((res.json<{ errors?: { pointer: string }[] }>().errors ?? []).every((e) => e.pointer.startsWith('/purpose'))),
});

// A valid presentation: without the purpose check it would be verified, a receipt written and its nonce consumed.
const counterCase = (label: string, purpose: unknown): SecurityCase => ({
  name: `counter verify: refuses a purpose with ${label}`,
  request: async (f) => {
    const opts = counter(f, await present(f));
    return { ...opts, payload: { ...(opts.payload as object), purpose } };
  },
  status: FRONT_DOOR[label]?.status ?? 400,
  code: FRONT_DOOR[label]?.code ?? 'invalid_purpose',
});

const clientName = (label: string, name: string): SecurityCase => ({
  name: `admin: refuses a client name with ${label}`,
  request: (f) => ({
    method: 'POST',
    url: '/v1/admin/clients',
    headers: { authorization: `Bearer ${f.keys.admin}` },
    payload: { name, role: 'verifier' },
  }),
  status: 400,
  code: 'invalid_client_name',
});

const claimCase = (label: string, ch: string): SecurityCase => ({
  name: `issuance: refuses a free-text claim with ${label}`,
  request: (f) => {
    const claims = structuredClone(f.t.runtime.catalog.get('building-register')!.example) as { building_name: string };
    claims.building_name = `한빛${ch}빌딩`;
    return {
      method: 'POST',
      url: '/v1/credentials',
      headers: { authorization: `Bearer ${f.keys.issuer}` },
      payload: { type: 'building-register', claims },
    };
  },
  status: 400,
  code: 'invalid_claims',
  check: (res) =>
    assert.deepEqual(
      res.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer),
      ['/building_name'],
    ),
});

const cases: SecurityCase[] = [
  ...BAD_PURPOSES.map(([label, p]) => requestCase(label, p)),
  ...BAD_PURPOSES.map(([label, p]) => counterCase(label, p)),
  clientName('a right-to-left override', '\u202e국세청'),
  clientName('a forged second line', '편의점\n\nverifier: 국세청'),
  clientName('a C1 control', '편의점\u0085'),
  clientName('a left-to-right isolate', '편의점\u2066'),
  claimCase('a C1 control (U+0085)', '\u0085'),
  claimCase('a C1 control (U+009B)', '\u009b'),
  claimCase('an Arabic letter mark (U+061C)', '\u061c'),
  claimCase('a line separator (U+2028)', '\u2028'),
];

runSecurityCases('text shown to people', cases, {
  extra: (fixture) => {
    it('stores an accepted purpose as exactly { ko, en } in NFC, in the request object and in the receipt', async () => {
      const f = fixture();
      const nfd = { ko: OK.ko.normalize('NFD'), en: 'Cafe\u0301 age check' };
      const before = await takeSnapshot(f.t.runtime.store);
      const made = await f.t.app.inject({
        method: 'POST',
        url: '/v1/verifier/requests',
        headers: { authorization: `Bearer ${f.keys.verifier}` },
        payload: { dcql_query: DCQL(f), purpose: nfd },
      });
      assert.equal(made.statusCode, 201, made.body);
      const opts = counter(f, await present(f));
      const verified = await f.t.app.inject({ ...opts, payload: { ...(opts.payload as object), purpose: nfd } });
      assert.equal(verified.statusCode, 200, verified.body);
      // Two nonce rows: the counter nonce issued to this client, and its consumption by the verification.
      const diffs = assertStateChanges(before, await takeSnapshot(f.t.runtime.store), {
        verifier_requests: { added: 1 },
        verification_receipts: { added: 1 },
        consumed_nonces: { added: 2 },
      });
      const expected = { ko: OK.ko, en: 'Café age check' };
      assert.deepEqual(JSON.parse(String(diffs.verifier_requests.added[0]!.purpose)), expected);
      assert.deepEqual(JSON.parse(String(diffs.verification_receipts.added[0]!.purpose)), expected);
    });

    it('accepts 100 Korean and 200 English characters, full-width and ideographic spaces', async () => {
      const f = fixture();
      const purpose = { ko: `${'가'.repeat(49)}\u3000${'나'.repeat(50)}`, en: `${'a'.repeat(99)}\u00a0${'b'.repeat(100)}` };
      const made = await f.t.app.inject({
        method: 'POST',
        url: '/v1/verifier/requests',
        headers: { authorization: `Bearer ${f.keys.verifier}` },
        payload: { dcql_query: DCQL(f), purpose },
      });
      assert.equal(made.statusCode, 201, made.body);
    });
  },
});
