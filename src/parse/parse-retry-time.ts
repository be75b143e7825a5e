import { utcIsoString } from './utc-iso-string';

/**
 * Reads the retry times Exchange prints and returns them as ISO-8601 UTC, or undefined when the
 * text is not a time we can read without guessing.
 *
 * - `6/14/2023 9:41:07 AM`: message trace LRT and NDR attempt lines. Exchange Online writes them
 *   in US order (M/D/YYYY with AM/PM) and in UTC. Without AM/PM and with both numbers <= 12 the
 *   order is a guess, so we give up.
 * - `14.06.2023 09:41:07`: the day-first form localised tenants show.
 * - `2023-06-14T09:41:07.123Z`: the EOP tag `[server time id]`; no zone means UTC.
 * - `Wed, 14 Jun 2023 09:41:07 +0000`: RFC 5322 dates in DSN `Last-Attempt-Date:` (RFC 3464 §2.3.7).
 */
const US_OR_SLASH = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s{1,3}(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s{0,2}([AaPp])\.?[Mm]\.?)?$/;
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})\s{1,3}(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,7}))?)?\s?(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;
const RFC5322 =
  /^(?:[A-Za-z]{3},\s{0,3})?(\d{1,2})\s{1,3}([A-Za-z]{3})\s{1,3}(\d{4})\s{1,3}(\d{1,2}):(\d{2})(?::(\d{2}))?\s{0,3}([+-]\d{4}|UT|UTC|GMT|Z)?(?:\s{0,3}\([^()]{0,40}\))?$/i;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function parseRetryTime(raw: string): string | undefined {
  const millis = retryTimeMillis(raw);
  return millis === undefined ? undefined : utcIsoString(millis);
}

/** The same reading as UTC milliseconds: enough to know whether the time is readable, without formatting it. */
export function retryTimeMillis(raw: string): number | undefined {
  const text = raw.trim();
  if (text.length === 0 || text.length > 80) return undefined;

  let m = US_OR_SLASH.exec(text);
  if (m) {
    const first = Number(m[1]);
    const second = Number(m[2]);
    const meridiem = m[7]?.toLowerCase();
    let month = first;
    let day = second;
    if (first > 12 && second <= 12) {
      month = second;
      day = first;
    } else if (!meridiem && first <= 12 && second <= 12 && first !== second) {
      return undefined;
    }
    let hour = Number(m[4]);
    if (meridiem) {
      if (hour < 1 || hour > 12) return undefined;
      hour = (hour % 12) + (meridiem === 'p' ? 12 : 0);
    }
    return toUtcMillis(Number(m[3]), month, day, hour, Number(m[5]), Number(m[6] ?? 0), 0, 0);
  }

  m = DOTTED.exec(text);
  if (m) return toUtcMillis(Number(m[3]), Number(m[2]), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), 0, 0);

  m = ISO.exec(text);
  if (m) {
    const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
    return toUtcMillis(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), millis, zoneOffsetMinutes(m[8]));
  }

  m = RFC5322.exec(text);
  if (m) {
    const month = MONTHS.indexOf(m[2].toLowerCase()) + 1;
    if (month === 0) return undefined;
    return toUtcMillis(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), 0, zoneOffsetMinutes(m[7]));
  }
  return undefined;
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (!zone || !/^[+-]/.test(zone)) return 0;
  const digits = zone.replace(':', '');
  const sign = digits[0] === '-' ? -1 : 1;
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
}

function toUtcMillis(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
  offsetMinutes: number,
): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  // Date.UTC rolls 2/30 over to 3/2 and reads years 0-99 as 1900-1999: neither is the date that was written.
  if (year < 100 || day > daysInMonth(year, month)) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return leap ? 29 : 28;
}
