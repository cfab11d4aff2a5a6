/**
 * OCPI DateTime: formatting (strict) and parsing (tolerant, with every tolerance named).
 *
 * The spec format (all versions): `YYYY-MM-DDThh:mm:ss`, optional fractional seconds (2.2.1+
 * says so; 2.1.1's ISO 8601 allows them too), always UTC, the `Z` optional because its absence
 * means UTC, at most 25 characters. An explicit offset is not the spec's format, not even
 * `+00:00`; peers send them anyway, so the parser converts them and says it did.
 */

/**
 * Deviations from the strict output format the parser accepts, each reported when used:
 * - MISSING_Z: no zone designator. The spec allows it (it means UTC); named because we never
 *   write it that way and a caller may want to know.
 * - ZERO_OFFSET: `+00:00`, `-00:00` or `+0000` instead of `Z` (the spec says +00:00 is not UTC
 *   notation; the instant is the same).
 * - NON_ZERO_OFFSET: a local time with an offset (`+02:00`); converted to UTC.
 * - LOWERCASE_DESIGNATOR: `t` or `z` in lower case (RFC 3339 allows it, the spec's examples don't).
 * - SPACE_SEPARATOR: a space between date and time (RFC 3339 allows it for readability).
 * - LONG_FRACTION: more than 3 fractional digits; the value is truncated to milliseconds.
 * - OVERLONG: longer than the type's string(25) (only possible with a long fraction and/or offset).
 */
export const DATETIME_TOLERANCES = [
  'MISSING_Z',
  'ZERO_OFFSET',
  'NON_ZERO_OFFSET',
  'LOWERCASE_DESIGNATOR',
  'SPACE_SEPARATOR',
  'LONG_FRACTION',
  'OVERLONG',
] as const;
export type DateTimeTolerance = (typeof DATETIME_TOLERANCES)[number];

/** The spec's maximum length of a DateTime (string(25)). */
export const DATETIME_MAX_LENGTH = 25;

export type DateTimeParseResult =
  | { ok: true; date: Date; tolerances: DateTimeTolerance[] }
  | { ok: false; error: string };

export interface FormatDateTimeOptions {
  /**
   * `seconds` (default) or `milliseconds`. Seconds by default because every version's examples
   * use whole seconds and 2.1.1 never mentions fractions, so old peers' parsers may reject them.
   * The value is truncated, never rounded up: a `last_updated` written a little early is still
   * matched by `date_from` = that value (inclusive), one written late could be skipped.
   */
  precision?: 'seconds' | 'milliseconds';
}

/** Formats an instant as an OCPI DateTime: UTC, `Z`, e.g. `2015-06-29T20:39:09Z`. */
export function formatDateTime(value: Date | number, options: FormatDateTimeOptions = {}): string {
  const ms = typeof value === 'number' ? value : value.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('formatDateTime: not a valid date');
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ, or ±YYYYYY-… outside years 0–9999
  if (iso.length !== 24) throw new RangeError(`formatDateTime: year outside 0000-9999 (${iso})`);
  return options.precision === 'milliseconds' ? iso : `${iso.slice(0, 19)}Z`;
}

const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})([Tt ])(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

export interface ParseDateTimeOptions {
  /**
   * Tolerances to accept (default: all of DATETIME_TOLERANCES). Pass [] for the spec's format
   * only; MISSING_Z is the spec's own and always accepted (still reported).
   */
  allow?: readonly DateTimeTolerance[];
}

/**
 * Parses an OCPI DateTime. Returns the instant and the tolerances that were needed, or an error
 * saying what is wrong. Calendar dates are checked (no 31 February); leap seconds are rejected.
 */
export function parseDateTime(text: string, options: ParseDateTimeOptions = {}): DateTimeParseResult {
  if (typeof text !== 'string') return { ok: false, error: 'a DateTime must be a string' };
  const m = PATTERN.exec(text);
  if (m === null) {
    return { ok: false, error: `'${text}' is not a DateTime (expected e.g. 2015-06-29T20:39:09Z)` };
  }
  const [, y, mo, d, sep, h, mi, s, fraction, z, sign, oh, om] = m;
  const tolerances: DateTimeTolerance[] = [];
  if (sep === ' ') tolerances.push('SPACE_SEPARATOR');
  if (sep === 't' || z === 'z') tolerances.push('LOWERCASE_DESIGNATOR');
  if (fraction !== undefined && fraction.length > 3) tolerances.push('LONG_FRACTION');
  let offsetMinutes = 0;
  if (sign !== undefined) {
    offsetMinutes = (Number(oh) * 60 + Number(om)) * (sign === '-' ? -1 : 1);
    if (Number(oh) > 23 || Number(om) > 59)
      return { ok: false, error: `'${text}' has an invalid UTC offset` };
    tolerances.push(offsetMinutes === 0 ? 'ZERO_OFFSET' : 'NON_ZERO_OFFSET');
  } else if (z === undefined) {
    tolerances.push('MISSING_Z');
  }
  if (text.length > DATETIME_MAX_LENGTH) tolerances.push('OVERLONG');

  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, error: `'${text}' is not a calendar date` };
  }
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, error: `'${text}' is not a time of day` };

  const allowed = options.allow ?? DATETIME_TOLERANCES;
  const refused = tolerances.filter((t) => t !== 'MISSING_Z' && !allowed.includes(t));
  if (refused.length > 0)
    return { ok: false, error: `'${text}' needs a tolerance not allowed: ${refused.join(', ')}` };

  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second, millis);
  return { ok: true, date: new Date(local.getTime() - offsetMinutes * 60_000), tolerances };
}

/** Parses and re-formats as the strict OCPI form (with milliseconds when the input had any). */
export function normalizeDateTime(text: string, options: ParseDateTimeOptions = {}): string | undefined {
  const parsed = parseDateTime(text, options);
  if (!parsed.ok) return undefined;
  const precision = parsed.date.getTime() % 1000 === 0 ? 'seconds' : 'milliseconds';
  return formatDateTime(parsed.date, { precision });
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
