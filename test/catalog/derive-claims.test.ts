import { test } from 'vitest';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { deriveClaims, hasFullAge, seoulDate } from '../../src/catalog/derive-claims.js';
import { AppError } from '../../src/errors.js';
import { shippedType } from './temp-catalog.js';

/** Derived claims of a resident-id (which derives all three) for a birth date at an instant. */
async function ages(birthDate: string, instant: string) {
  const rid = await shippedType('resident-id');
  return deriveClaims(rid, { ...rid.example, birth_date: birthDate }, { today: new Date(instant) });
}

// 청소년보호법 §2 제1호: 19 counts from 1 January of the year one turns 19 (alcohol and tobacco).

test('age_over_19 (youth-protection rule): born 2007-12-31 is true from 1 January 2026 in Seoul, a day before turning 18', async () => {
  assert.equal((await ages('2007-12-31', '2025-12-31T14:59:59.999Z')).age_over_19, false); // 2025-12-31 23:59:59 KST
  assert.equal((await ages('2007-12-31', '2025-12-31T15:00:00Z')).age_over_19, true); // 2026-01-01 00:00 KST
});

test('age_over_19 (youth-protection rule): born 2008-01-01 is false through 31 December 2026 and true on 1 January 2027 in Seoul', async () => {
  assert.equal((await ages('2008-01-01', '2026-12-31T14:59:59Z')).age_over_19, false); // 2026-12-31 23:59:59 KST
  assert.equal((await ages('2008-01-01', '2026-12-31T15:00:00Z')).age_over_19, true); // 2027-01-01 00:00 KST
});

test('age_over_19 (youth-protection rule) is true all through the year one turns 19, before the birthday', async () => {
  // Born 2008-06-30: on 1 January 2027 in Seoul the full age is 18, yet the rule already says 19.
  assert.equal(hasFullAge({ year: 2008, month: 6, day: 30 }, seoulDate(Date.parse('2026-12-31T15:00:00Z')), 19), false);
  assert.equal((await ages('2008-06-30', '2026-12-31T15:00:00Z')).age_over_19, true);
  assert.equal((await ages('2008-06-30', '2026-12-31T14:59:59Z')).age_over_19, false);
});

test('age_over_19 ignores the UTC date: 2026-12-31 in UTC is already 2027 in Seoul', async () => {
  const instant = '2026-12-31T20:00:00Z';
  assert.equal(new Date(instant).getUTCFullYear(), 2026);
  assert.equal((await ages('2008-06-30', instant)).age_over_19, true);
});

test('age_over_14 is full age: true from the 14th birthday in Seoul, not before', async () => {
  assert.equal((await ages('2012-03-10', '2026-03-09T14:59:59Z')).age_over_14, false); // 2026-03-09 23:59:59 KST
  assert.equal((await ages('2012-03-10', '2026-03-09T15:00:00Z')).age_over_14, true); // 2026-03-10 00:00 KST
});

test('age_over_14 for someone born on 29 February turns true on 1 March of the common year (민법 §160 ③)', async () => {
  assert.equal((await ages('2012-02-29', '2026-02-28T14:00:00Z')).age_over_14, false); // 2026-02-28 23:00 KST
  assert.equal((await ages('2012-02-29', '2026-02-28T15:00:00Z')).age_over_14, true); // 2026-03-01 00:00 KST
});

test('age_over_65 is full age: true from the 65th birthday in Seoul, not before', async () => {
  assert.equal((await ages('1961-11-22', '2026-11-21T14:59:59Z')).age_over_65, false);
  assert.equal((await ages('1961-11-22', '2026-11-21T15:00:00Z')).age_over_65, true);
});

test('age_over_65 for someone born on 29 February 1960 turns true on 1 March 2025', async () => {
  assert.equal((await ages('1960-02-29', '2025-02-28T12:00:00Z')).age_over_65, false);
  assert.equal((await ages('1960-02-29', '2025-02-28T15:00:00Z')).age_over_65, true);
});

test('29 February as an ordinary full-age anniversary: a leap-year birthday is kept in a leap year', () => {
  // 14 and 65 are not multiples of 4, so their 29 February anniversaries always fall in common years;
  // the rule itself keeps 29 February when the anniversary year is leap.
  const birth = { year: 2000, month: 2, day: 29 };
  assert.equal(hasFullAge(birth, { year: 2004, month: 2, day: 28 }, 4), false);
  assert.equal(hasFullAge(birth, { year: 2004, month: 2, day: 29 }, 4), true);
});

test('full age agrees with the calendar roll-over of Date.UTC for every birth date and day', () => {
  const day = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true });
  fc.assert(
    fc.property(day, day, fc.constantFrom(14, 65), (b, t, years) => {
      const birth = { year: b.getUTCFullYear(), month: b.getUTCMonth() + 1, day: b.getUTCDate() };
      const today = { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
      // Date.UTC rolls 29 February of a common year over to 1 March: an independent oracle.
      const anniversary = Date.UTC(birth.year + years, birth.month - 1, birth.day);
      const todayMs = Date.UTC(today.year, today.month - 1, today.day);
      return hasFullAge(birth, today, years) === todayMs >= anniversary;
    }),
    { numRuns: 2000 },
  );
});

test('epoch milliseconds work as well as a Date', async () => {
  const rid = await shippedType('resident-id');
  const claims = { ...rid.example, birth_date: '2007-12-31' };
  assert.deepEqual(
    deriveClaims(rid, claims, { today: Date.parse('2025-12-31T15:00:00Z') }),
    deriveClaims(rid, claims, { today: new Date('2025-12-31T15:00:00Z') }),
  );
});

test('only the derived claims of the type are returned', async () => {
  const vacc = await shippedType('vaccination-record');
  assert.deepEqual(Object.keys(deriveClaims(vacc, vacc.example, { today: new Date('2026-11-22T00:00:00Z') })), ['age_over_14']);
  const building = await shippedType('building-register');
  assert.deepEqual(deriveClaims(building, building.example, { today: new Date() }), {});
});

test('the shipped examples give the intended ages on 22 November 2026', async () => {
  const today = new Date('2026-11-22T00:00:00Z');
  const rid = await shippedType('resident-id');
  assert.deepEqual(deriveClaims(rid, rid.example, { today }), { age_over_14: true, age_over_19: true, age_over_65: false });
  const dl = await shippedType('driver-license');
  assert.deepEqual(deriveClaims(dl, dl.example, { today }), { age_over_19: true, age_over_65: true });
});

test('a birth date after the day of issuance is refused at /birth_date', async () => {
  await assert.rejects(ages('2027-01-02', '2027-01-01T14:00:00Z'), (e: unknown) => {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, 'invalid_claims');
    assert.deepEqual(e.details?.errors, [
      { pointer: '/birth_date', message: 'must not be in the future', ko: '오늘보다 늦은 날짜일 수 없습니다.' },
    ]);
    return true;
  });
  // Born "today" in Seoul while it is still yesterday in UTC: accepted.
  assert.equal((await ages('2027-01-02', '2027-01-01T15:00:00Z')).age_over_14, false);
});

test('a missing or malformed birth date is refused at /birth_date', async () => {
  const rid = await shippedType('resident-id');
  for (const birth_date of [undefined, '2023-02-30', '20070101']) {
    assert.throws(() => deriveClaims(rid, { ...rid.example, birth_date: birth_date ?? null }, { today: new Date() }), {
      code: 'invalid_claims',
    });
  }
});
