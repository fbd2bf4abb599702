/**
 * Age predicates computed at issuance from `birth_date`, on the calendar of Korea
 * (Asia/Seoul: UTC+9 all year, no daylight saving since 1988), whatever the server's zone.
 *
 * - `age_over_14`, `age_over_65`: full age (만 나이, 민법 §158: age counts the day of birth and
 *   is expressed in completed years). True from the N-th birthday on.
 * - `age_over_19`: the youth-protection rule used for alcohol and tobacco sales (청소년보호법 §2
 *   제1호: a youth is a person under 19 in full age, except one who reaches 19 during the year
 *   from 1 January of that year). So `age_over_19` is true from 1 January of the year one turns
 *   19, that is when `today.year - birth.year >= 19`, even before the birthday.
 *
 * 29 February: a full-age anniversary falling on 29 February of a common year is taken as
 * 1 March. This follows the civil-law calendar count: a period in years that starts on a day the
 * final year lacks ends on the last day of that month (민법 §160 ③), i.e. at the end of
 * 28 February, so the new age begins on 1 March.
 */
import { badRequest } from '../errors.js';
import type { Claims, CredentialType, DerivedClaimName } from './types.js';
import { ownFieldError } from '../verdict/field-messages.js';

export type DerivedClaims = Partial<Record<DerivedClaimName, boolean>>;

export interface DeriveOptions {
  /** The instant of issuance (a Date or epoch milliseconds); read on the Seoul calendar. */
  readonly today: Date | number;
}

interface CalendarDate {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number;
}

const SEOUL_OFFSET_MS = 9 * 60 * 60 * 1000;

/** The calendar date in Asia/Seoul at an instant. */
export function seoulDate(instant: Date | number): CalendarDate {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('deriveClaims: today is not a valid time');
  const d = new Date(ms + SEOUL_OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const compare = (a: CalendarDate, b: CalendarDate) => a.year - b.year || a.month - b.month || a.day - b.day;

/** True when `today` is on or after the `years`-th birthday (full age, 29 Feb → 1 Mar). */
export function hasFullAge(birth: CalendarDate, today: CalendarDate, years: number): boolean {
  const year = birth.year + years;
  const anniversary =
    birth.month === 2 && birth.day === 29 && !isLeapYear(year) ? { year, month: 3, day: 1 } : { year, month: birth.month, day: birth.day };
  return compare(today, anniversary) >= 0;
}

/** True from 1 January of the year one turns 19 (청소년보호법 §2 제1호). */
export const isOver19ForYouthProtection = (birth: CalendarDate, today: CalendarDate): boolean => today.year - birth.year >= 19;

const RULES: Record<DerivedClaimName, (birth: CalendarDate, today: CalendarDate) => boolean> = {
  age_over_14: (b, t) => hasFullAge(b, t, 14),
  age_over_19: isOver19ForYouthProtection,
  age_over_65: (b, t) => hasFullAge(b, t, 65),
};

function parseBirthDate(value: unknown): CalendarDate {
  const m = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  const date = m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : undefined;
  const check = date && new Date(Date.UTC(date.year, date.month - 1, date.day));
  if (!date || !check || check.getUTCMonth() + 1 !== date.month || check.getUTCDate() !== date.day) {
    throw badRequest('invalid_claims', 'birth_date is needed to derive age claims', {
      errors: [ownFieldError('/birth_date', 'notDate')],
    });
  }
  return date;
}

/**
 * The type's derived claims for validated `claims` at `today`. Empty when the type derives none.
 * Throws 400 `invalid_claims` (pointer `/birth_date`) when birth_date is missing, not a date, or
 * after today on the Seoul calendar.
 */
export function deriveClaims(type: CredentialType, claims: Claims, { today }: DeriveOptions): DerivedClaims {
  if (type.derivedClaims.length === 0) return {};
  const birth = parseBirthDate(claims.birth_date);
  const now = seoulDate(today);
  if (compare(birth, now) > 0) {
    throw badRequest('invalid_claims', 'birth_date is after the date of issuance', {
      errors: [ownFieldError('/birth_date', 'inFuture')],
    });
  }
  const out: DerivedClaims = {};
  for (const name of type.derivedClaims) out[name] = RULES[name](birth, now);
  return out;
}
