/**
 * TariffRestrictions: when a Tariff Element applies.
 *
 * The restrictions of an element are a logical AND. Their edges, as the Tariffs chapter gives them:
 * start_time inclusive and end_time exclusive, in the Location's local time, end before start
 * wrapping past midnight and end 00:00 meaning the end of the day; start_date inclusive and
 * end_date exclusive (local dates); min_* inclusive and max_* exclusive for kWh, duration, power and
 * current; day_of_week the local day of the moment (each field is judged on its own, so inside a
 * window that wrapped past midnight the day is already the next one). start_time equal to
 * end_time is the whole day (docs/tariffs.md). Reservation and booking elements describe the cost
 * of a reservation or booking, never of charging.
 *
 * Each restrictions object is compiled once (times, dates and days parsed to numbers, malformed
 * fields found) and can then be judged
 * - at an instant (`restrictionsMatch`, used to split periods in src/charging), or
 * - over a whole ChargingPeriod (`judge`): whether the element holds throughout it, never, or only
 *   part of it (then the CPO should have split the period), and whether it holds at its start.
 */
import { parseDateTime } from '../protocol/common/datetime.js';
import type {
  PriceComponent,
  Tariff,
  TariffDimensionType,
  TariffRestrictions,
} from '../protocol/v2_3_0/tariffs.js';
import { DAYS_OF_WEEK, type LocalTime, parseLocalDate, SECOND } from './local-time.js';

// ---------------------------------------------------------------------------------------------
// Compiled restrictions

export type RestrictionName = keyof TariffRestrictions;

/** The order in which restrictions are judged and reported. */
export const RESTRICTION_NAMES: readonly RestrictionName[] = [
  'start_time',
  'end_time',
  'day_of_week',
  'start_date',
  'end_date',
  'min_kwh',
  'max_kwh',
  'min_duration',
  'max_duration',
  'min_power',
  'max_power',
  'min_current',
  'max_current',
  'reservation',
  'booking',
];

export interface RestrictionProblem {
  field: RestrictionName;
  message: string;
}

export interface CompiledRestrictions {
  /** The restriction fields present, in RESTRICTION_NAMES order (the audit's "why"). */
  names: readonly RestrictionName[];
  /** Malformed so that it can never hold (an unreadable time or date, an unknown reservation type). */
  never: boolean;
  problems: RestrictionProblem[];
  /** [from, to) in seconds of the local day; from > to wraps past midnight; equal: the whole day. */
  window: readonly [number, number] | undefined;
  /** Days of the week as bits, Monday = 1; 0: any day. */
  days: number;
  /** Local day numbers (days since 1970-01-01): start inclusive, end exclusive. */
  startDay: number | undefined;
  endDay: number | undefined;
  minKwh: number | undefined;
  maxKwh: number | undefined;
  minDurationMs: number | undefined;
  maxDurationMs: number | undefined;
  minPower: number | undefined;
  maxPower: number | undefined;
  minCurrent: number | undefined;
  maxCurrent: number | undefined;
  reservation: 'RESERVATION' | 'RESERVATION_EXPIRES' | undefined;
  booking: boolean;
  /** Whether any field depends on the local time. */
  usesLocal: boolean;
  /** Seconds of the local day at which the local-time fields can change (midnight included). */
  boundaries: readonly number[];
}

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "HH:MM" → minutes since midnight; undefined if not the spec's format. */
export function parseTimeOfDay(text: string): number | undefined {
  const m = typeof text === 'string' ? TIME_OF_DAY.exec(text) : null;
  return m === null ? undefined : Number(m[1]) * 60 + Number(m[2]);
}

const compiled = new WeakMap<object, CompiledRestrictions>();
const UNRESTRICTED: CompiledRestrictions = Object.freeze({
  names: [],
  never: false,
  problems: [],
  window: undefined,
  days: 0,
  startDay: undefined,
  endDay: undefined,
  minKwh: undefined,
  maxKwh: undefined,
  minDurationMs: undefined,
  maxDurationMs: undefined,
  minPower: undefined,
  maxPower: undefined,
  minCurrent: undefined,
  maxCurrent: undefined,
  reservation: undefined,
  booking: false,
  usesLocal: false,
  boundaries: [],
}) as CompiledRestrictions;

/** Compiles a restrictions object (memoised per object; undefined: no restrictions). */
export function compileRestrictions(r: TariffRestrictions | undefined): CompiledRestrictions {
  if (r === undefined || r === null || typeof r !== 'object') return UNRESTRICTED;
  let c = compiled.get(r);
  if (c === undefined) {
    c = compile(r);
    compiled.set(r, c);
  }
  return c;
}

function compile(r: TariffRestrictions): CompiledRestrictions {
  const problems: RestrictionProblem[] = [];
  let never = false;
  const bad = (field: RestrictionName, message: string, fatal = true) => {
    problems.push({ field, message });
    if (fatal) never = true;
  };
  const present = (field: RestrictionName) => (r as Record<string, unknown>)[field] !== undefined;
  const names = RESTRICTION_NAMES.filter(present);

  let window: [number, number] | undefined;
  if (present('start_time') || present('end_time')) {
    const from = r.start_time === undefined ? 0 : parseTimeOfDay(r.start_time);
    const to = r.end_time === undefined ? 1440 : parseTimeOfDay(r.end_time);
    if (from === undefined) bad('start_time', `start_time '${r.start_time}' is not HH:MM`);
    if (to === undefined) bad('end_time', `end_time '${r.end_time}' is not HH:MM`);
    if (from !== undefined && to !== undefined) window = [from * 60, (to === 0 ? 1440 : to) * 60];
  }

  let days = 0;
  if (Array.isArray(r.day_of_week)) {
    for (const day of r.day_of_week) {
      const index = DAYS_OF_WEEK.indexOf(day);
      if (index < 0) bad('day_of_week', `day_of_week '${String(day)}' is not a DayOfWeek`, false);
      else days |= 1 << index;
    }
    // A list of only unknown days can never hold.
    if (r.day_of_week.length > 0 && days === 0) never = true;
  }

  const date = (field: 'start_date' | 'end_date') => {
    const text = r[field];
    if (text === undefined) return undefined;
    const day = typeof text === 'string' ? parseLocalDate(text) : undefined;
    if (day === undefined) bad(field, `${field} '${String(text)}' is not a date YYYY-MM-DD`);
    return day;
  };
  const startDay = date('start_date');
  const endDay = date('end_date');

  const num = (field: RestrictionName, integer = false): number | undefined => {
    const value = (r as Record<string, unknown>)[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      bad(field, `${field} is not a number`);
      return undefined;
    }
    if (value < 0) bad(field, `${field} is negative`, false);
    if (integer && !Number.isInteger(value)) bad(field, `${field} is not a whole number of seconds`, false);
    return value;
  };
  const minKwh = num('min_kwh');
  const maxKwh = num('max_kwh');
  const minDuration = num('min_duration', true);
  const maxDuration = num('max_duration', true);
  const minPower = num('min_power');
  const maxPower = num('max_power');
  const minCurrent = num('min_current');
  const maxCurrent = num('max_current');
  const ordered = (min: number | undefined, max: number | undefined, what: RestrictionName) => {
    if (min !== undefined && max !== undefined && min >= max) {
      bad(what, `${String(what).replace('max_', 'min_')} is not below ${String(what)}: never holds`, false);
    }
  };
  ordered(minKwh, maxKwh, 'max_kwh');
  ordered(minDuration, maxDuration, 'max_duration');
  ordered(minPower, maxPower, 'max_power');
  ordered(minCurrent, maxCurrent, 'max_current');
  if (startDay !== undefined && endDay !== undefined && startDay >= endDay) {
    bad('end_date', 'start_date is not before end_date: never holds', false);
  }

  let reservation: CompiledRestrictions['reservation'];
  if (r.reservation !== undefined) {
    if (r.reservation === 'RESERVATION' || r.reservation === 'RESERVATION_EXPIRES')
      reservation = r.reservation;
    else bad('reservation', `reservation '${String(r.reservation)}' is not a ReservationRestrictionType`);
  }

  const usesLocal = window !== undefined || days !== 0 || startDay !== undefined || endDay !== undefined;
  const boundaries = new Set<number>();
  if (usesLocal) boundaries.add(0);
  if (window !== undefined) for (const edge of window) boundaries.add(edge % 86_400);
  return {
    names,
    never,
    problems,
    window,
    days,
    startDay,
    endDay,
    minKwh,
    maxKwh,
    minDurationMs: minDuration === undefined ? undefined : minDuration * SECOND,
    maxDurationMs: maxDuration === undefined ? undefined : maxDuration * SECOND,
    minPower,
    maxPower,
    minCurrent,
    maxCurrent,
    reservation,
    booking: r.booking !== undefined,
    usesLocal,
    boundaries: [...boundaries].sort((a, b) => a - b),
  };
}

// ---------------------------------------------------------------------------------------------
// Judging

/** The local time of an instant in numbers. */
export interface LocalFacts {
  /** Seconds since local midnight (may have a fraction). */
  secondOfDay: number;
  /** Monday = 0 … Sunday = 6. */
  dayIndex: number;
  /** Local day number (days since 1970-01-01). */
  day: number;
}

function inWindow(window: readonly [number, number], secondOfDay: number): boolean {
  const [from, to] = window;
  if (from < to) return secondOfDay >= from && secondOfDay < to;
  if (from > to) return secondOfDay >= from || secondOfDay < to;
  return true;
}

/** The first local-time field that does not hold at `f`, or undefined if all hold. */
function localFailing(c: CompiledRestrictions, f: LocalFacts): RestrictionName | undefined {
  if (c.window !== undefined && !inWindow(c.window, f.secondOfDay)) {
    return c.names.includes('start_time') ? 'start_time' : 'end_time';
  }
  if (c.days !== 0 && (c.days & (1 << f.dayIndex)) === 0) return 'day_of_week';
  if (c.startDay !== undefined && f.day < c.startDay) return 'start_date';
  if (c.endDay !== undefined && f.day >= c.endDay) return 'end_date';
  return undefined;
}

function localHolds(c: CompiledRestrictions, f: LocalFacts): boolean {
  return localFailing(c, f) === undefined;
}

/**
 * What restrictions are judged on over one ChargingPeriod [start, end). Energy and duration grow
 * from their start value to their end value; power and current take every value between the
 * period's minimum and maximum (NaN: not measured).
 */
export interface PeriodFacts {
  /** Local time at the start. */
  start: LocalFacts;
  /** Local time in each stretch between local-time boundaries; undefined: none inside the period. */
  stretches: readonly LocalFacts[] | undefined;
  /** kWh delivered before the period, and after it. */
  energyFrom: number;
  energyTo: number;
  /** ms since the session start at the period's start and end. */
  durationFrom: number;
  durationTo: number;
  minPower: number;
  maxPower: number;
  minCurrent: number;
  maxCurrent: number;
}

/** The element never holds during the period. */
export const NEVER = 0;
/** It holds throughout the period. */
export const ALWAYS = 1;
/** It holds for part of the period, not at its start. */
export const LATER = 2;
/** It holds at the start of the period, not throughout. */
export const AT_START_ONLY = 3;
export type Judgement = 0 | 1 | 2 | 3;

const RANGE_ALL = 0;
const RANGE_PART = 1;
const RANGE_NEVER = 2;

/**
 * A min (inclusive) / max (exclusive) restriction over the values from `low` to `high` that a
 * period reached: all of them in range, some, or none (also when not measured: NaN).
 */
function range(min: number | undefined, max: number | undefined, low: number, high: number): number {
  let result = RANGE_ALL;
  if (min !== undefined && !(low >= min)) {
    if (!(high >= min)) return RANGE_NEVER;
    result = RANGE_PART;
  }
  if (max !== undefined && !(high < max)) {
    if (!(low < max)) return RANGE_NEVER;
    result = RANGE_PART;
  }
  return result;
}

/**
 * Judges restrictions over a period (the reservation field is the caller's business). Power and
 * current only count as holding at the start if they hold over the whole period: a period gives
 * their minimum and maximum, not their value at the start.
 */
export function judge(c: CompiledRestrictions, f: PeriodFacts): Judgement {
  if (c.never) return NEVER;
  let partial = false;
  let atStart = true;
  if (c.usesLocal) {
    const start = localHolds(c, f.start);
    if (f.stretches === undefined) {
      if (!start) return NEVER;
    } else {
      let any = start;
      let all = start;
      for (const stretch of f.stretches) {
        if (localHolds(c, stretch)) any = true;
        else all = false;
      }
      if (!any) return NEVER;
      if (!all) partial = true;
      atStart = start;
    }
  }
  if (c.minKwh !== undefined && !(f.energyFrom >= c.minKwh)) {
    if (f.energyTo <= c.minKwh) return NEVER;
    partial = true;
    atStart = false;
  }
  if (c.maxKwh !== undefined) {
    if (f.energyFrom >= c.maxKwh) return NEVER;
    if (f.energyTo > c.maxKwh) partial = true;
  }
  if (c.minDurationMs !== undefined && !(f.durationFrom >= c.minDurationMs)) {
    if (f.durationTo <= c.minDurationMs) return NEVER;
    partial = true;
    atStart = false;
  }
  if (c.maxDurationMs !== undefined) {
    if (f.durationFrom >= c.maxDurationMs) return NEVER;
    if (f.durationTo > c.maxDurationMs) partial = true;
  }
  const power = range(c.minPower, c.maxPower, f.minPower, f.maxPower);
  const current = range(c.minCurrent, c.maxCurrent, f.minCurrent, f.maxCurrent);
  if (power === RANGE_NEVER || current === RANGE_NEVER) return NEVER;
  if (power === RANGE_PART || current === RANGE_PART) {
    partial = true;
    atStart = false;
  }
  if (!partial) return ALWAYS;
  return atStart ? AT_START_ONLY : LATER;
}

/** The first restriction that keeps the element from pricing the period (does not hold at its start). */
export function failingAtStart(c: CompiledRestrictions, f: PeriodFacts): RestrictionName | undefined {
  if (c.never) return c.problems[0]?.field ?? c.names[0];
  const local = c.usesLocal ? localFailing(c, f.start) : undefined;
  if (local !== undefined) return local;
  if (c.minKwh !== undefined && !(f.energyFrom >= c.minKwh)) return 'min_kwh';
  if (c.maxKwh !== undefined && !(f.energyFrom < c.maxKwh)) return 'max_kwh';
  if (c.minDurationMs !== undefined && !(f.durationFrom >= c.minDurationMs)) return 'min_duration';
  if (c.maxDurationMs !== undefined && !(f.durationFrom < c.maxDurationMs)) return 'max_duration';
  if (c.minPower !== undefined && !(f.minPower >= c.minPower)) return 'min_power';
  if (c.maxPower !== undefined && !(f.maxPower < c.maxPower)) return 'max_power';
  if (c.minCurrent !== undefined && !(f.minCurrent >= c.minCurrent)) return 'min_current';
  if (c.maxCurrent !== undefined && !(f.maxCurrent < c.maxCurrent)) return 'max_current';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// At an instant (src/charging splits periods with these)

/**
 * What a restriction is judged on at an instant. For an instant the min and max power (current)
 * are the same value; for a whole ChargingPeriod they are its MIN_/MAX_ dimensions, and a power
 * restriction then matches only if it holds over the whole period.
 */
export interface RestrictionContext {
  /** Local time of the moment judged; a function so that it is computed only when needed. */
  local: () => LocalTime;
  /** kWh delivered since the session start. */
  energyKwh: number;
  /** Seconds since the session start. */
  durationSeconds: number;
  minPowerKw?: number;
  maxPowerKw?: number;
  minCurrentA?: number;
  maxCurrentA?: number;
}

/**
 * Whether a Tariff Element's restrictions all hold at an instant, for charging (reservation and
 * booking elements never match here). A power or current restriction needs a known value.
 */
export function restrictionsMatch(r: TariffRestrictions | undefined, ctx: RestrictionContext): boolean {
  const c = compileRestrictions(r);
  if (c.never || c.reservation !== undefined || c.booking) return false;
  let start: LocalFacts = { secondOfDay: 0, dayIndex: 0, day: 0 };
  if (c.usesLocal) {
    const local = ctx.local();
    start = {
      secondOfDay: local.secondOfDay,
      dayIndex: DAYS_OF_WEEK.indexOf(local.dayOfWeek),
      day: parseLocalDate(local.date) ?? Number.NaN,
    };
  }
  const duration = ctx.durationSeconds * SECOND;
  return (
    failingAtStart(c, {
      start,
      stretches: undefined,
      energyFrom: ctx.energyKwh,
      energyTo: ctx.energyKwh,
      durationFrom: duration,
      durationTo: duration,
      minPower: ctx.minPowerKw ?? Number.NaN,
      maxPower: ctx.maxPowerKw ?? Number.NaN,
      minCurrent: ctx.minCurrentA ?? Number.NaN,
      maxCurrent: ctx.maxCurrentA ?? Number.NaN,
    }) === undefined
  );
}

/** The dimensions a Price Component can price. */
export const PRICED_DIMENSIONS = [
  'ENERGY',
  'FLAT',
  'PARKING_TIME',
  'TIME',
] as const satisfies readonly TariffDimensionType[];

export interface ActiveComponent {
  /** Index in `tariff.elements`. */
  elementIndex: number;
  component: PriceComponent;
}

/**
 * Per dimension, the Price Component that applies at an instant: the one in the first Tariff
 * Element that has a component of that dimension and whose restrictions match (the Tariffs
 * chapter's rule). A dimension without one is absent (no cost for it).
 */
export function activeComponents(
  tariff: Tariff,
  ctx: RestrictionContext,
): Partial<Record<TariffDimensionType, ActiveComponent>> {
  const active: Partial<Record<TariffDimensionType, ActiveComponent>> = {};
  let missing: number = PRICED_DIMENSIONS.length;
  tariff.elements.forEach((element, elementIndex) => {
    if (missing === 0) return;
    let matches: boolean | undefined;
    for (const component of element.price_components) {
      if (active[component.type] !== undefined) continue;
      matches ??= restrictionsMatch(element.restrictions, ctx);
      if (!matches) return;
      active[component.type] = { elementIndex, component };
      missing--;
    }
  });
  return active;
}

// ---------------------------------------------------------------------------------------------
// The Tariff's own validity

export interface Validity {
  /** ms; -Infinity when the Tariff has no start_date_time. */
  from: number;
  /** ms; Infinity when the Tariff has no end_date_time. */
  until: number;
}

const validities = new WeakMap<Tariff, Validity>();

/** The Tariff's start_date_time/end_date_time as instants (an unreadable one is ignored). */
export function tariffValidity(tariff: Tariff): Validity {
  let v = validities.get(tariff);
  if (v === undefined) {
    const at = (text: string | undefined, fallback: number) => {
      if (text === undefined) return fallback;
      const parsed = parseDateTime(text);
      return parsed.ok ? parsed.date.getTime() : fallback;
    };
    v = { from: at(tariff.start_date_time, -Infinity), until: at(tariff.end_date_time, Infinity) };
    validities.set(tariff, v);
  }
  return v;
}

/** Whether the Tariff's start_date_time/end_date_time window holds the instant (both inclusive). */
export function tariffValidAt(tariff: Tariff, ms: number): boolean {
  const v = tariffValidity(tariff);
  return ms >= v.from && ms <= v.until;
}
