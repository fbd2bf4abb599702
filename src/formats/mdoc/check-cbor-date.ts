/**
 * The text inside the two date tags an mdoc may carry, checked against its grammar (pure: the web
 * wallet's CBOR walk uses it too):
 *
 * - tag 0, tdate (RFC 8949 §3.4.1): the RFC 3339 `date-time` production as refined by RFC 4287
 *   §3.3, so `T` and `Z` upper case and no space between date and time;
 * - tag 1004, full-date (RFC 8943 §2): the RFC 3339 `full-date` production.
 *
 * A date that does not exist (February 30, hour 24) is refused too: RFC 3339 §5.7 bounds every field.
 */

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;

const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** RFC 3339 §5.7: date-mday 01–28, 29, 30 or 31 by month and year. */
function daysIn(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** RFC 3339 `full-date`: YYYY-MM-DD of a day that exists. */
export function isRfc3339FullDate(text: string): boolean {
  const m = FULL_DATE.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

/** RFC 3339 `date-time` (RFC 4287 §3.3: upper-case T and Z); seconds up to 60 for a leap second (§5.7). */
export function isRfc3339DateTime(text: string): boolean {
  const m = DATE_TIME.exec(text);
  if (!m || !isRfc3339FullDate(m[1]!)) return false;
  const [hour, minute, second] = [Number(m[2]), Number(m[3]), Number(m[4])];
  if (hour > 23 || minute > 59 || second > 60) return false;
  return m[5] === undefined || (Number(m[5]) <= 23 && Number(m[6]) <= 59);
}
