import { describe, expect, it } from 'vitest';
import { parseRetryTime } from '../../src/parse/parse-retry-time';

describe('parseRetryTime', () => {
  it('reads Exchange US times with AM/PM as UTC', () => {
    expect(parseRetryTime('6/14/2023 9:41:07 AM')).toBe('2023-06-14T09:41:07.000Z');
    expect(parseRetryTime('6/14/2023 9:41:07 PM')).toBe('2023-06-14T21:41:07.000Z');
    expect(parseRetryTime('12/1/2023 12:00:00 AM')).toBe('2023-12-01T00:00:00.000Z');
    expect(parseRetryTime('12/1/2023 12:30 PM')).toBe('2023-12-01T12:30:00.000Z');
  });

  it('reads day-first dates only when they cannot be US dates', () => {
    expect(parseRetryTime('14/06/2023 09:41:07')).toBe('2023-06-14T09:41:07.000Z');
    expect(parseRetryTime('14.06.2023 09:41:07')).toBe('2023-06-14T09:41:07.000Z');
    expect(parseRetryTime('06/07/2023 09:41:07')).toBeUndefined();
  });

  it('reads ISO and RFC 5322 times with their offsets', () => {
    expect(parseRetryTime('2023-06-14T09:41:07.1234567Z')).toBe('2023-06-14T09:41:07.123Z');
    expect(parseRetryTime('2023-06-14T11:41:07+02:00')).toBe('2023-06-14T09:41:07.000Z');
    expect(parseRetryTime('Thu, 15 Jun 2023 09:41:07 -0500')).toBe('2023-06-15T14:41:07.000Z');
  });

  it('rejects impossible dates and non-times', () => {
    expect(parseRetryTime('2/30/2023 9:41:07 AM')).toBeUndefined();
    expect(parseRetryTime('6/14/2023 13:41:07 PM')).toBeUndefined();
    expect(parseRetryTime('soon')).toBeUndefined();
    expect(parseRetryTime('')).toBeUndefined();
  });
});
