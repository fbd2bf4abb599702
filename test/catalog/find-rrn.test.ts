/**
 * The 주민등록번호 filter sees through the ways people (and attackers) write the number:
 * full-width digits, any dash, the minus sign, dots, middle dots, spaces, zero-width characters
 * (NFKC, then every separator run counts as one). Dates, phone numbers and other numbers that
 * appear in claims are not mistaken for one.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { looksLikeRrn } from '../../src/catalog/find-rrn.js';
import { validateClaims } from '../../src/catalog/validate-claims.js';
import { AppError } from '../../src/errors.js';
import { shippedType } from './temp-catalog.js';

const FULL_WIDTH = (s: string) => s.replace(/[0-9-]/g, (c) => (c === '-' ? '－' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)));

const RRN_FORMS: [string, string][] = [
  ['ASCII hyphen', '900101-1234567'],
  ['no separator', '9001011234567'],
  ['full-width digits and hyphen', FULL_WIDTH('900101-1234567')],
  ['full-width digits, no separator', FULL_WIDTH('9001011234567')],
  ['en dash', '900101–1234567'],
  ['em dash', '900101—1234567'],
  ['minus sign', '900101−1234567'],
  ['hyphen U+2010', '900101‐1234567'],
  ['non-breaking hyphen', '900101‑1234567'],
  ['small hyphen-minus', '900101﹣1234567'],
  ['dot', '900101.1234567'],
  ['full-width dot', '900101．1234567'],
  ['middle dot', '900101·1234567'],
  ['katakana middle dot', '900101・1234567'],
  ['space', '900101 1234567'],
  ['spaces around a dash', '900101 - 1234567'],
  ['ideographic space', '900101\u30001234567'],
  ['no-break space', '900101\u00a01234567'],
  ['zero-width space inside the digits', '9001\u200b01-12345\u200b67'],
  ['mixed: full-width front, en dash, ASCII back', `${FULL_WIDTH('900101')}–1234567`],
  ['mixed: dot and space', '900101. 1234567'],
  ['inside a sentence', '본인 ９００１０１ — ２２３４５６７ 확인'],
  ['foreigner number (back half 5-8)', '010203-5123456'],
];

const NOT_RRN: [string, string][] = [
  ['a date', '2024-01-15'],
  ['a dotted date', '2024. 01. 15.'],
  ['a date and a time', '2024-01-15 12:30:45'],
  ['a mobile number', '010-1234-5678'],
  ['a full-width mobile number', FULL_WIDTH('010-1234-5678')],
  ['a Seoul number', '02-123-4567'],
  ['a business number', '123-45-67890'],
  ['a driving licence number', '11-23-123456-12'],
  ['a card-like number', '1234-5678-9012-3456'],
  ['a back half starting with 0 or 9', '900101-0234567 900101-9234567'],
  ['a month 13', '901301-1234567'],
  ['a longer run of digits', '19900101-12345678'],
  ['an amount', '1,234,567원'],
];

describe('resident registration number filter', () => {
  for (const [label, text] of RRN_FORMS) {
    it(`finds a number written with ${label}`, () => assert.equal(looksLikeRrn(text), true, text));
  }
  for (const [label, text] of NOT_RRN) {
    it(`does not mistake ${label} for one`, () => assert.equal(looksLikeRrn(text), false, text));
  }

  it('refuses issuance with rrn_not_allowed for every written form, without echoing the value', async () => {
    const building = await shippedType('building-register');
    for (const [, text] of RRN_FORMS) {
      const claims = structuredClone(building.example) as { owners: { name: string }[] };
      claims.owners[1]!.name = `김도현 ${text}`.slice(0, 40);
      assert.throws(
        () => validateClaims(building, claims),
        (e: unknown) => {
          assert.ok(e instanceof AppError);
          // A zero-width space is refused first as an unsafe character; every other form is the RRN rule.
          assert.equal(e.code, text.includes('\u200b') ? 'invalid_claims' : 'rrn_not_allowed', text);
          assert.ok(!JSON.stringify(e.details).includes('1234567'));
          return true;
        },
      );
    }
  });
});
