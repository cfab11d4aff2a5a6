/**
 * Local time at a Location: Tariff restrictions (start_time/end_time, day_of_week,
 * start_date/end_date) are judged in the Location's IANA time zone.
 *
 * The runtime's time zone data (Intl) is the only source. Intl is slow (a formatToParts call costs
 * microseconds), and a pricing asks for the local time of every ChargingPeriod, so the UTC offset
 * is memoised per zone and UTC hour: the offset at the start and at the last second of the hour,
 * and when they differ, the second at which it changes (found by bisection, to the second, which
 * is the resolution of zone rules). A zone never changes offset twice within one hour.
 * The memo is a pure function's cache, not state: the same input always gives the same output.
 */
import { parseDateTime } from '../protocol/common/datetime.js';
import { enumValues } from '../protocol/common/primitives.js';
import { DayOfWeek } from '../protocol/v2_3_0/tariffs.js';

export const SECOND = 1000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** The local time of an instant in a time zone, in the terms Tariff restrictions use. */
export interface LocalTime {
  /** YYYY-MM-DD, comparable with start_date/end_date as strings. */
  date: string;
  dayOfWeek: DayOfWeek;
  /** Seconds since local midnight (0 ≤ n < 86400). */
  secondOfDay: number;
}

/**
 * The DayOfWeek enum's values, Monday first (the spec's order), as day numbers since 1970-01-01
 * (a Thursday) give them: (day + 3) mod 7.
 */
export const DAYS_OF_WEEK: readonly DayOfWeek[] = enumValues(DayOfWeek);

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    // Throws RangeError for an unknown zone; h23 so that midnight is 00, not 24.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws a RangeError naming the zone when the runtime does not know it. */
export function assertTimeZone(timeZone: string): void {
  try {
    formatterFor(timeZone);
  } catch {
    throw new RangeError(`unknown time zone '${timeZone}' (use an IANA name such as Europe/Amsterdam)`);
  }
}

/** Offset of the zone at `ms` straight from Intl, in ms (local = UTC + offset), whole seconds. */
function intlOffset(ms: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    fields.year ?? 0,
    (fields.month ?? 1) - 1,
    fields.day ?? 1,
    fields.hour ?? 0,
    fields.minute ?? 0,
    fields.second ?? 0,
  );
  return wall - Math.floor(ms / SECOND) * SECOND;
}

/** An hour in which the offset changes: `before` until the instant `at`, `after` from it. */
interface Change {
  at: number;
  before: number;
  after: number;
}

interface ZoneMemo {
  /** Zones that never change offset (UTC). */
  fixed?: number;
  hours: Map<number, number | Change>;
  /** The hour asked last and its entry: consecutive periods mostly fall in the same hour. */
  lastHour: number;
  lastEntry: number | Change;
}

const zones = new Map<string, ZoneMemo>();
/** Memo entries per zone before it is emptied (about 11 years of hours): bounds the memory. */
const MAX_HOURS = 100_000;
const FIXED_ZONES = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Etc/Zulu']);

let lastZone: string | undefined;
let lastMemo: ZoneMemo | undefined;

function memoOf(timeZone: string): ZoneMemo {
  if (timeZone === lastZone && lastMemo !== undefined) return lastMemo;
  let memo = zones.get(timeZone);
  if (memo === undefined) {
    assertTimeZone(timeZone);
    memo = { hours: new Map(), lastHour: Number.NaN, lastEntry: 0 };
    if (FIXED_ZONES.has(timeZone)) memo.fixed = 0;
    zones.set(timeZone, memo);
  }
  lastZone = timeZone;
  lastMemo = memo;
  return memo;
}

function hourEntry(hour: number, timeZone: string): number | Change {
  const start = hour * HOUR;
  const last = start + HOUR - SECOND;
  const before = intlOffset(start, timeZone);
  const after = intlOffset(last, timeZone);
  if (before === after) return before;
  let lo = start; // offset `before`
  let hi = last; // offset `after`
  while (hi - lo > SECOND) {
    const mid = lo + Math.floor((hi - lo) / (2 * SECOND)) * SECOND;
    if (intlOffset(mid, timeZone) === before) lo = mid;
    else hi = mid;
  }
  return { at: hi, before, after };
}

/** UTC offset of the zone at the instant `ms`, in ms: local wall clock = ms + offset. */
export function utcOffset(ms: number, timeZone: string): number {
  const memo = memoOf(timeZone);
  if (memo.fixed !== undefined) return memo.fixed;
  const hour = Math.floor(ms / HOUR);
  let entry: number | Change | undefined;
  if (hour === memo.lastHour) entry = memo.lastEntry;
  else {
    entry = memo.hours.get(hour);
    if (entry === undefined) {
      if (memo.hours.size >= MAX_HOURS) memo.hours.clear();
      entry = hourEntry(hour, timeZone);
      memo.hours.set(hour, entry);
    }
    memo.lastHour = hour;
    memo.lastEntry = entry;
  }
  if (typeof entry === 'number') return entry;
  return ms < entry.at ? entry.before : entry.after;
}

/** The local wall-clock time of `ms` written as if it were UTC, in ms. */
export function wallClock(ms: number, timeZone: string): number {
  return ms + utcOffset(ms, timeZone);
}

/** The instants in (from, to) at which the zone's offset changes, in order. */
export function offsetChanges(from: number, to: number, timeZone: string): number[] {
  const out: number[] = [];
  const visit = (a: number, b: number) => {
    if (b - a <= HOUR) {
      // At most one change in an hour: inside one of the (one or two) hour entries, or exactly at
      // the start of b's hour, which no entry records (each hour's own offset is then constant).
      const add = (at: number) => {
        if (at > from && at < to && !out.includes(at)) out.push(at);
      };
      for (const ms of [a, b]) {
        utcOffset(ms, timeZone); // fills the hour's entry
        const entry = memoOf(timeZone).hours.get(Math.floor(ms / HOUR));
        if (typeof entry === 'object') add(entry.at);
      }
      const hourStart = Math.floor(b / HOUR) * HOUR;
      if (hourStart > a && utcOffset(hourStart - 1, timeZone) !== utcOffset(hourStart, timeZone)) {
        add(hourStart);
      }
      return;
    }
    // A week without a net change is taken to have none: no zone changes twice within a week
    // (the closest are Morocco's Ramadan changes, about a month apart).
    if (b - a <= 7 * DAY && utcOffset(a, timeZone) === utcOffset(b, timeZone)) return;
    const mid = a + Math.floor((b - a) / 2);
    visit(a, mid);
    visit(mid, b);
  };
  if (memoOf(timeZone).fixed === undefined) visit(from, to);
  return out.sort((x, y) => x - y);
}

/** Day number (days since 1970-01-01) of a wall-clock time. */
export function dayNumber(wallMs: number): number {
  return Math.floor(wallMs / DAY);
}

/** Monday = 0 … Sunday = 6. */
export function dayIndex(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** "YYYY-MM-DD" → day number; undefined when not a calendar date of that form. */
export function parseLocalDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return date.getTime() / DAY;
}

function formatDay(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** The local date, day of week and time of day of an instant at a Location (IANA time zone). */
export function localTime(at: Date | number, timeZone: string): LocalTime {
  const ms = typeof at === 'number' ? Math.floor(at) : at.getTime();
  const wall = wallClock(ms, timeZone);
  const day = dayNumber(wall);
  return {
    date: formatDay(day),
    dayOfWeek: DAYS_OF_WEEK[dayIndex(day)]!,
    secondOfDay: Math.floor((wall - day * DAY) / SECOND),
  };
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/**
 * An OCPI DateTime as ms since the epoch; NaN when it is not one. The spec's own form
 * (`2015-06-29T20:39:09Z`, optional fraction, optional Z) is read here directly, without a regex,
 * because a pricing reads one per ChargingPeriod; anything else goes to the tolerant parser.
 */
export function parseInstant(text: string): number {
  if (typeof text !== 'string') return Number.NaN;
  const n = text.length;
  if (
    n >= 19 &&
    text.charCodeAt(4) === 45 && // -
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 84 && // T
    text.charCodeAt(13) === 58 && // :
    text.charCodeAt(16) === 58
  ) {
    const y0 = text.charCodeAt(0) - 48;
    const y1 = text.charCodeAt(1) - 48;
    const y2 = text.charCodeAt(2) - 48;
    const y3 = text.charCodeAt(3) - 48;
    const m0 = text.charCodeAt(5) - 48;
    const m1 = text.charCodeAt(6) - 48;
    const d0 = text.charCodeAt(8) - 48;
    const d1 = text.charCodeAt(9) - 48;
    const h0 = text.charCodeAt(11) - 48;
    const h1 = text.charCodeAt(12) - 48;
    const i0 = text.charCodeAt(14) - 48;
    const i1 = text.charCodeAt(15) - 48;
    const s0 = text.charCodeAt(17) - 48;
    const s1 = text.charCodeAt(18) - 48;
    // Each a digit: as unsigned, a non-digit is above 9.
    const digits =
      y0 >>> 0 < 10 &&
      y1 >>> 0 < 10 &&
      y2 >>> 0 < 10 &&
      y3 >>> 0 < 10 &&
      m0 >>> 0 < 10 &&
      m1 >>> 0 < 10 &&
      d0 >>> 0 < 10 &&
      d1 >>> 0 < 10 &&
      h0 >>> 0 < 10 &&
      h1 >>> 0 < 10 &&
      i0 >>> 0 < 10 &&
      i1 >>> 0 < 10 &&
      s0 >>> 0 < 10 &&
      s1 >>> 0 < 10;
    const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
    const month = m0 * 10 + m1;
    const day = d0 * 10 + d1;
    const hour = h0 * 10 + h1;
    const minute = i0 * 10 + i1;
    const second = s0 * 10 + s1;
    let end = 19;
    let millis = 0;
    if (end < n && text.charCodeAt(end) === 46) {
      // .fraction: milliseconds, further digits truncated (as parseDateTime does)
      let scale = 100;
      end++;
      const first = end;
      for (; end < n; end++) {
        const c = text.charCodeAt(end) - 48;
        if (c >>> 0 > 9) break;
        millis += c * scale;
        scale = scale > 1 ? scale / 10 : 0;
      }
      if (end === first) end = -1;
    }
    if (end === n - 1 && text.charCodeAt(end) === 90) end++; // Z
    if (
      digits &&
      end === n &&
      year >= 100 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      hour <= 23 &&
      minute <= 59 &&
      second <= 59 &&
      (day <= 28 || day <= daysInMonth(year, month))
    ) {
      return daysFromCivil(year, month, day) * DAY + hour * HOUR + minute * MINUTE + second * SECOND + millis;
    }
  }
  const parsed = parseDateTime(text);
  return parsed.ok ? parsed.date.getTime() : Number.NaN;
}
