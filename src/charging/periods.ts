/**
 * ChargingPeriods from a meter timeline: a new period starts at every moment that matters for
 * the cost, as the CDRs chapter requires of the CPO (a new ChargingPeriod whenever another Price
 * Component becomes active, the energy up to that moment in the period that ends there).
 *
 * What can change the applying Price Components, and so starts a period:
 * - the applying Tariff (the first of the given Tariffs whose start_date_time/end_date_time window
 *   holds the moment; a period's `tariff_id` names it);
 * - charging vs not charging (TIME vs PARKING_TIME are priced apart);
 * - per dimension (ENERGY, TIME, PARKING_TIME, FLAT), which Tariff Element is the first with a
 *   Price Component of that dimension whose restrictions match: time of day, day of week, date (all
 *   in the Location's local time), kWh so far, session duration, power and current.
 *
 * Power and current only change at a sample, so they split at samples. Local time, kWh and
 * duration change continuously, so their boundaries can fall between two samples: the instant is
 * computed (a local wall time through the time zone, a duration from the start, a kWh threshold by
 * linear interpolation of the energy) and the period split there. Candidate instants are only
 * candidates: a period starts only where the state really differs, so extra candidates (a wall
 * time in a DST gap, an element that is shadowed) never add periods.
 *
 * Pure: no I/O, no clock; the only outside dependency is the runtime's time zone data (Intl).
 */
import { formatDateTime } from '../protocol/common/datetime.js';
import type { CdrDimension, ChargingPeriod } from '../protocol/v2_3_0/cdrs.js';
import type { Tariff } from '../protocol/v2_3_0/tariffs.js';
import {
  assertTimeZone,
  DAY,
  HOUR,
  type LocalTime,
  localTime,
  offsetChanges,
  SECOND,
  utcOffset,
  wallClock,
} from '../tariff/local-time.js';
import {
  activeComponents,
  compileRestrictions,
  PRICED_DIMENSIONS,
  type RestrictionContext,
  tariffValidAt,
  tariffValidity,
} from '../tariff/restrictions.js';
import { isCharging, type MeterSample } from './meter.js';

/** The canonical (OCPI 2.3.0) Tariff. */
export type CanonicalTariff = Tariff;

/** No time zone is further than 14 h from UTC (Pacific/Kiritimati is +14). */
const MAX_OFFSET = 14 * HOUR;

// ---------------------------------------------------------------------------------------------
// Boundary instants

/** Index of the first value > x in a sorted array. */
function firstAfter(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function collectBetween(sorted: readonly number[], from: number, to: number, out: number[]): void {
  for (let i = firstAfter(sorted, from); i < sorted.length && sorted[i]! < to; i++) out.push(sorted[i]!);
}

function sortedUnique(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/**
 * The instants at which the local wall clock shows one of the given times of day (midnight among
 * them: day of week and date change there), plus the instants at which the zone's UTC offset
 * changes (a wall time in a DST gap never shows; the restriction flips at the jump instead).
 * Generated a local day at a time, as far as the timeline has got.
 */
class LocalBoundaries {
  readonly #timeZone: string;
  /** Seconds of the local day. */
  readonly #secondsOfDay: readonly number[];
  #instants: number[] = [];
  /** Next local date to generate, as the UTC midnight of that calendar date. */
  #nextDay: number;
  /** Every boundary before this instant has been generated. */
  #complete: number;

  constructor(timeZone: string, secondsOfDay: readonly number[], fromMs: number) {
    this.#timeZone = timeZone;
    this.#secondsOfDay = secondsOfDay;
    const date = localTime(fromMs, timeZone).date;
    // Two days early: a boundary of the day before may still lie after fromMs in UTC.
    this.#nextDay = Date.parse(`${date}T00:00:00Z`) - 2 * DAY;
    this.#complete = this.#nextDay - MAX_OFFSET;
  }

  collectBetween(from: number, to: number, out: number[]): void {
    while (this.#complete <= to) this.#generateDay();
    collectBetween(this.#instants, from, to, out);
  }

  #generateDay(): void {
    const day = this.#nextDay;
    const tz = this.#timeZone;
    const found: number[] = [];
    for (const second of this.#secondsOfDay) {
      const naive = day + second * SECOND;
      // The offsets a day before and after: both sides of a DST change near this wall time, so a
      // wall time that occurs twice (autumn) yields both instants, one that never occurs none.
      for (const offset of new Set([utcOffset(naive - DAY, tz), utcOffset(naive + DAY, tz)])) {
        const instant = naive - offset;
        if (wallClock(instant, tz) === naive) found.push(instant);
      }
    }
    // Offset changes in this day's share of UTC, both edges included (a repeat is merged below).
    const from = day - MAX_OFFSET;
    found.push(...offsetChanges(from - 1, from + DAY + 1, tz));
    this.#instants = sortedUnique([...this.#instants, ...found]);
    this.#nextDay = day + DAY;
    this.#complete = this.#nextDay - MAX_OFFSET;
  }
}

// ---------------------------------------------------------------------------------------------
// Periods

/** Totals over a list of ChargingPeriods, in the CDR's words (kWh and hours). */
export interface ChargingTotals {
  /** kWh, the sum of the ENERGY dimensions. */
  total_energy: number;
  /** Hours, the whole session: TIME plus PARKING_TIME (our periods cover every instant). */
  total_time: number;
  /** Hours not charging, the sum of the PARKING_TIME dimensions. */
  total_parking_time: number;
}

export function chargingTotals(periods: readonly ChargingPeriod[]): ChargingTotals {
  let energy = 0;
  let time = 0;
  let parking = 0;
  for (const period of periods) {
    for (const d of period.dimensions) {
      if (d.type === 'ENERGY') energy += d.volume;
      else if (d.type === 'TIME') time += d.volume;
      else if (d.type === 'PARKING_TIME') parking += d.volume;
    }
  }
  return { total_energy: energy, total_time: time + parking, total_parking_time: parking };
}

export interface PeriodBuilderOptions {
  /**
   * The Tariffs that may apply, in order of preference: at each moment the first one whose
   * start_date_time/end_date_time window holds it applies. Pass only the Tariff chosen at the
   * session start to keep it for the whole session (the usual practice; switching mid-session is
   * allowed by OCPI, not by every consumer law). Empty: no Tariff, periods split on charging vs
   * parking only and carry no tariff_id.
   */
  tariffs: readonly CanonicalTariff[];
  /** IANA time zone of the Location (Location.time_zone), e.g. Europe/Amsterdam. */
  timeZone: string;
  /** Session start: energy is 0 and durations count from here. */
  startDateTime: Date;
}

export interface ChargingPeriodsInput extends PeriodBuilderOptions {
  /** The meter timeline; sorted by time here, so any order will do. */
  samples: readonly MeterSample[];
  /** Session end, when after the last sample: the last sample's power holds until then, no energy is added. */
  end?: Date;
}

/** A stretch of the timeline between two points where power and current are constant. */
interface Segment {
  from: number;
  to: number;
  fromEnergy: number;
  toEnergy: number;
  powerKw: number;
  currentA: number | undefined;
  charging: boolean;
}

interface OpenPeriod {
  key: string;
  tariffId: string | undefined;
  startMs: number;
  energyKwh: number;
  chargingMs: number;
  parkingMs: number;
  minPowerKw: number;
  maxPowerKw: number;
  minCurrentA: number | undefined;
  maxCurrentA: number | undefined;
}

interface Accumulator {
  closed: ChargingPeriod[];
  open: OpenPeriod | undefined;
  /** Cumulative kWh already put into periods; an energy jump at an instant goes to the next stretch. */
  energyAccounted: number;
}

interface Point {
  ms: number;
  energyKwh: number;
  powerKw: number;
  currentA: number | undefined;
  charging: boolean;
}

function formatStart(ms: number): string {
  return formatDateTime(ms, { precision: ms % SECOND === 0 ? 'seconds' : 'milliseconds' });
}

/**
 * kWh and hours to 9 decimals (a µWh, 3.6 µs): far below any meter's resolution, but it drops the
 * binary noise of interpolation (14.000000000000004) from what peers receive.
 */
function clean(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

function toChargingPeriod(open: OpenPeriod): ChargingPeriod {
  const dimensions: CdrDimension[] = [];
  const energy = clean(open.energyKwh);
  if (open.chargingMs > 0 || energy !== 0) dimensions.push({ type: 'ENERGY', volume: energy });
  if (open.chargingMs > 0) dimensions.push({ type: 'TIME', volume: clean(open.chargingMs / HOUR) });
  if (open.parkingMs > 0) dimensions.push({ type: 'PARKING_TIME', volume: clean(open.parkingMs / HOUR) });
  dimensions.push(
    { type: 'MIN_POWER', volume: open.minPowerKw },
    { type: 'MAX_POWER', volume: open.maxPowerKw },
  );
  if (open.minCurrentA !== undefined && open.maxCurrentA !== undefined) {
    dimensions.push(
      { type: 'MIN_CURRENT', volume: open.minCurrentA },
      { type: 'MAX_CURRENT', volume: open.maxCurrentA },
    );
  }
  const period: ChargingPeriod = { start_date_time: formatStart(open.startMs), dimensions };
  if (open.tariffId !== undefined) period.tariff_id = open.tariffId;
  return period;
}

/**
 * Builds the ChargingPeriods of a running session sample by sample. Each `add` costs the work of
 * its own stretch of timeline (no rescan), so a session of thousands of samples is linear.
 *
 * `closedPeriods()` never change once returned: they are what a CPO appends to the eMSP's Session
 * with PATCH (the Sessions chapter: a PATCH adds periods; changing one needs a PUT of the Session).
 * `periods()` adds the still-open last period, measured up to the last sample (or `end`).
 */
export class PeriodBuilder {
  readonly #tariffs: readonly CanonicalTariff[];
  readonly #timeZone: string;
  readonly #startMs: number;
  readonly #clock: LocalBoundaries | undefined;
  /** Tariff validity edges and start + min/max_duration: fixed instants. */
  readonly #fixedInstants: number[];
  readonly #kwhThresholds: number[];
  readonly #acc: Accumulator = { closed: [], open: undefined, energyAccounted: 0 };
  #last: Point | undefined;

  constructor(options: PeriodBuilderOptions) {
    this.#tariffs = [...options.tariffs];
    this.#timeZone = options.timeZone;
    assertTimeZone(options.timeZone); // an unknown zone fails here, not mid-session
    this.#startMs = options.startDateTime.getTime();
    if (!Number.isFinite(this.#startMs))
      throw new RangeError('PeriodBuilder: startDateTime is not a valid date');

    const seconds: number[] = [];
    const fixed: number[] = [];
    const kwh: number[] = [];
    for (const tariff of this.#tariffs) {
      const v = tariffValidity(tariff);
      for (const edge of [v.from, v.until]) if (Number.isFinite(edge)) fixed.push(edge);
      for (const element of tariff.elements) {
        const c = compileRestrictions(element.restrictions);
        // Reservation and booking elements never price charging; a malformed one never applies.
        if (c.never || c.reservation !== undefined || c.booking) continue;
        seconds.push(...c.boundaries); // midnight included when local time matters
        for (const ms of [c.minDurationMs, c.maxDurationMs])
          if (ms !== undefined) fixed.push(this.#startMs + ms);
        for (const threshold of [c.minKwh, c.maxKwh]) if (threshold !== undefined) kwh.push(threshold);
      }
    }
    this.#clock =
      seconds.length > 0
        ? new LocalBoundaries(options.timeZone, sortedUnique(seconds), this.#startMs)
        : undefined;
    this.#fixedInstants = sortedUnique(fixed);
    this.#kwhThresholds = sortedUnique(kwh);
  }

  /**
   * Adds the next meter sample (time not before the previous one; a sample at the same time
   * replaces it). The first sample's power is assumed from startDateTime if it comes later.
   */
  add(sample: MeterSample): void {
    const point: Point = {
      ms: sample.time.getTime(),
      energyKwh: sample.energyKwh,
      powerKw: sample.powerKw,
      currentA: sample.currentA,
      charging: isCharging(sample),
    };
    if (!Number.isFinite(point.ms)) throw new RangeError('MeterSample.time is not a valid date');
    if (!Number.isFinite(point.energyKwh) || !Number.isFinite(point.powerKw)) {
      throw new RangeError(
        `MeterSample at ${sample.time.toISOString()}: energyKwh and powerKw must be numbers`,
      );
    }
    if (point.currentA !== undefined && !Number.isFinite(point.currentA)) {
      throw new RangeError(`MeterSample at ${sample.time.toISOString()}: currentA must be a number`);
    }
    if (point.ms < this.#startMs) {
      throw new RangeError(`MeterSample at ${sample.time.toISOString()} is before the session start`);
    }
    const last = this.#last;
    if (last !== undefined && point.ms < last.ms) {
      throw new RangeError(`MeterSample at ${sample.time.toISOString()} is before the previous sample`);
    }
    if (last === undefined) {
      if (point.ms > this.#startMs) {
        this.#process(this.#acc, { ...segmentFrom(point, point.ms), from: this.#startMs, fromEnergy: 0 });
      }
    } else if (point.ms > last.ms) {
      this.#process(this.#acc, { ...segmentFrom(last, point.ms), toEnergy: point.energyKwh });
    }
    this.#last = point;
  }

  /** The periods that are final: all but the still-open last one. */
  closedPeriods(): ChargingPeriod[] {
    return [...this.#acc.closed];
  }

  /**
   * All periods so far, the last one measured up to the last sample, or up to `end` (the last
   * sample's power holding, no energy added). Empty before the first sample.
   */
  periods(end?: Date): ChargingPeriod[] {
    const last = this.#last;
    if (last === undefined) return [];
    let acc = this.#acc;
    if (end !== undefined) {
      const endMs = end.getTime();
      if (!(endMs >= last.ms)) throw new RangeError('periods(end): end is before the last sample');
      if (endMs > last.ms) {
        // Work on a copy: later samples may still tell a different story about this stretch.
        acc = { closed: [], open: acc.open && { ...acc.open }, energyAccounted: acc.energyAccounted };
        this.#process(acc, segmentFrom(last, endMs));
      }
    }
    const result = acc === this.#acc ? [...acc.closed] : [...this.#acc.closed, ...acc.closed];
    if (acc.open !== undefined) result.push(toChargingPeriod(acc.open));
    return result;
  }

  /** Splits one segment at every candidate instant and adds its pieces to the periods. */
  #process(acc: Accumulator, seg: Segment): void {
    const cuts: number[] = [];
    collectBetween(this.#fixedInstants, seg.from, seg.to, cuts);
    this.#clock?.collectBetween(seg.from, seg.to, cuts);
    const span = seg.to - seg.from;
    const rise = seg.toEnergy - seg.fromEnergy;
    const energyAt = (ms: number) => seg.fromEnergy + (rise * (ms - seg.from)) / span;
    // A kWh threshold crossed inside the segment: the instant the interpolated energy reaches it
    // (to the ms), and that instant's energy is the threshold itself, so the period before it
    // holds exactly the energy up to the threshold.
    const crossings = new Map<number, number>();
    if (rise !== 0) {
      const low = Math.min(seg.fromEnergy, seg.toEnergy);
      const high = Math.max(seg.fromEnergy, seg.toEnergy);
      for (const threshold of this.#kwhThresholds) {
        if (threshold <= low || threshold >= high) continue;
        const at = Math.round(seg.from + ((threshold - seg.fromEnergy) / rise) * span);
        if (at > seg.from && at < seg.to) {
          cuts.push(at);
          crossings.set(at, threshold);
        }
      }
    }
    cuts.sort((a, b) => a - b);
    let from = seg.from;
    for (const cut of [...cuts, seg.to]) {
      if (cut <= from) continue;
      const toEnergy = cut === seg.to ? seg.toEnergy : (crossings.get(cut) ?? energyAt(cut));
      this.#addPiece(acc, seg, from, cut, toEnergy, energyAt);
      from = cut;
    }
  }

  #addPiece(
    acc: Accumulator,
    seg: Segment,
    from: number,
    to: number,
    toEnergy: number,
    energyAt: (ms: number) => number,
  ): void {
    // Between two candidates nothing that restrictions look at crosses an edge, so the middle
    // tells the state of the whole piece (and is clear of every inclusive/exclusive edge).
    const mid = from + (to - from) / 2;
    const { key, tariffId } = this.#stateAt(mid, energyAt(mid), seg);
    let open = acc.open;
    if (open === undefined || open.key !== key) {
      if (open !== undefined) acc.closed.push(toChargingPeriod(open));
      open = {
        key,
        tariffId,
        startMs: from,
        energyKwh: 0,
        chargingMs: 0,
        parkingMs: 0,
        minPowerKw: seg.powerKw,
        maxPowerKw: seg.powerKw,
        minCurrentA: seg.currentA,
        maxCurrentA: seg.currentA,
      };
      acc.open = open;
    }
    open.energyKwh += toEnergy - acc.energyAccounted;
    acc.energyAccounted = toEnergy;
    if (seg.charging) open.chargingMs += to - from;
    else open.parkingMs += to - from;
    open.minPowerKw = Math.min(open.minPowerKw, seg.powerKw);
    open.maxPowerKw = Math.max(open.maxPowerKw, seg.powerKw);
    if (seg.currentA !== undefined) {
      open.minCurrentA = Math.min(open.minCurrentA ?? seg.currentA, seg.currentA);
      open.maxCurrentA = Math.max(open.maxCurrentA ?? seg.currentA, seg.currentA);
    }
  }

  /** What decides the price at an instant, as a comparable key. */
  #stateAt(ms: number, energyKwh: number, seg: Segment): { key: string; tariffId: string | undefined } {
    const mode = seg.charging ? 'charging' : 'parking';
    const index = this.#tariffs.findIndex((tariff) => tariffValidAt(tariff, ms));
    const tariff = this.#tariffs[index];
    if (tariff === undefined) return { key: mode, tariffId: undefined };
    let local: LocalTime | undefined;
    const ctx: RestrictionContext = {
      local: () => {
        local ??= localTime(ms, this.#timeZone);
        return local;
      },
      energyKwh,
      durationSeconds: (ms - this.#startMs) / SECOND,
      minPowerKw: seg.powerKw,
      maxPowerKw: seg.powerKw,
      minCurrentA: seg.currentA,
      maxCurrentA: seg.currentA,
    };
    const active = activeComponents(tariff, ctx);
    const elements = PRICED_DIMENSIONS.map((type) => active[type]?.elementIndex ?? -1).join(',');
    return { key: `${mode}|${index}|${elements}`, tariffId: tariff.id };
  }
}

function segmentFrom(point: Point, to: number): Segment {
  return {
    from: point.ms,
    to,
    fromEnergy: point.energyKwh,
    toEnergy: point.energyKwh,
    powerKw: point.powerKw,
    currentA: point.currentA,
    charging: point.charging,
  };
}

/**
 * The ChargingPeriods of a whole timeline (a finished session, or a running one so far): the
 * same as adding every sample to a PeriodBuilder and asking `periods(end)`.
 */
export function chargingPeriods(input: ChargingPeriodsInput): ChargingPeriod[] {
  const builder = new PeriodBuilder(input);
  const samples = [...input.samples].sort((a, b) => a.time.getTime() - b.time.getTime());
  for (const sample of samples) builder.add(sample);
  return builder.periods(input.end);
}
