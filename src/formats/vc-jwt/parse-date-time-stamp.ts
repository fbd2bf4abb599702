/**
 * `validFrom` / `validUntil` are XML Schema 1.1 `dateTimeStamp` strings (VCDM 2.0 §4.9): a date,
 * a time and a mandatory time zone, e.g. `2010-01-01T19:23:24Z` or `2010-01-01T20:23:24+01:00`.
 *
 * We accept four-digit years only (0001-9999) and no `24:00:00`, both legal in XSD but of no use
 * for credentials, and check the day against the month (`Date.parse` accepts 30 February).
 */
const DATE_TIME_STAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

const daysInMonth = (year: number, month: number): number => {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
};

/** Milliseconds since the epoch, or `undefined` when `value` is not a dateTimeStamp. */
export const parseDateTimeStamp = (value: unknown): number | undefined => {
  if (typeof value !== 'string') return undefined;
  const m = DATE_TIME_STAMP.exec(value);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const [sign, tzHour, tzMinute] = [m[8], Number(m[9] ?? 0), Number(m[10] ?? 0)];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  // XSD: time zone offsets run from -14:00 to +14:00.
  if (tzHour > 14 || tzMinute > 59 || (tzHour === 14 && tzMinute !== 0)) return undefined;
  const fraction = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
  const offsetMs = (sign === '-' ? -1 : 1) * (tzHour * 60 + tzMinute) * 60_000;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, fraction);
  return utc.getTime() - offsetMs;
};

/** `2010-01-01T19:23:24Z`: UTC, whole seconds. */
export const formatDateTimeStamp = (date: Date): string => {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid Date');
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
};
