/**
 * What a pricing reads from a ChargingPeriod, in numbers: volumes as integer quantity units,
 * power and current, and the local time at its start and in each stretch between local-time
 * boundaries. Time and quantities only: no money here (the money modules never see a float).
 */
import type { ChargingPeriod } from '../protocol/v2_3_0/cdrs.js';
import { DAY, dayIndex, HOUR, offsetChanges, SECOND, utcOffset } from './local-time.js';
import type { QuantityScale } from './quantity.js';
import { toUnits } from './quantity.js';
import type { LocalFacts } from './restrictions.js';

/** The volumes (quantity units) and measurements a period carries; NaN: not measured. */
export interface Volumes {
  energy: number;
  time: number;
  parking: number;
  reservation: number;
  minPower: number;
  maxPower: number;
  minCurrent: number;
  maxCurrent: number;
}

/**
 * A period's dimensions. The same type twice adds up. MIN/MAX_POWER and MIN/MAX_CURRENT are
 * the CDR's; a Session's period may give only the average (POWER, CURRENT) or one of the two, which
 * then stands for both.
 */
export function volumesOf(period: ChargingPeriod | undefined, scale: QuantityScale): Volumes {
  let energy = 0;
  let time = 0;
  let parking = 0;
  let reservation = 0;
  let minPower = Number.NaN;
  let maxPower = Number.NaN;
  let power = Number.NaN;
  let minCurrent = Number.NaN;
  let maxCurrent = Number.NaN;
  let current = Number.NaN;
  const dimensions = period !== undefined && Array.isArray(period.dimensions) ? period.dimensions : [];
  for (const d of dimensions) {
    const v = d?.volume;
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    switch (d.type) {
      case 'ENERGY':
        energy += toUnits(v, scale.perKwh);
        break;
      case 'TIME':
        time += toUnits(v, scale.perHour);
        break;
      case 'PARKING_TIME':
        parking += toUnits(v, scale.perHour);
        break;
      case 'RESERVATION_TIME':
        reservation += toUnits(v, scale.perHour);
        break;
      case 'MIN_POWER':
        minPower = v;
        break;
      case 'MAX_POWER':
        maxPower = v;
        break;
      case 'POWER':
        power = v;
        break;
      case 'MIN_CURRENT':
        minCurrent = v;
        break;
      case 'MAX_CURRENT':
        maxCurrent = v;
        break;
      case 'CURRENT':
        current = v;
        break;
    }
  }
  return {
    energy,
    time,
    parking,
    reservation,
    minPower: or(minPower, power, maxPower),
    maxPower: or(maxPower, power, minPower),
    minCurrent: or(minCurrent, current, maxCurrent),
    maxCurrent: or(maxCurrent, current, minCurrent),
  };
}

/** The first of three measurements that is one (NaN: not measured). */
function or(a: number, b: number, c: number): number {
  return !Number.isNaN(a) ? a : !Number.isNaN(b) ? b : c;
}

/** Writes the local time of an instant, as restrictions see it, into `into`. */
export function setLocalFacts(into: LocalFacts, ms: number, timeZone: string): LocalFacts {
  const wall = ms + utcOffset(ms, timeZone);
  const day = Math.floor(wall / DAY);
  into.secondOfDay = (wall - day * DAY) / SECOND;
  into.dayIndex = dayIndex(day);
  into.day = day;
  return into;
}

/**
 * The local time in each stretch of [from, to) between instants where a local-time restriction of
 * the Tariff can change (a boundary wall time, midnight, a change of UTC offset); undefined when
 * none lies inside, so that the local time at the start speaks for the whole period.
 */
export function stretchesOf(
  from: number,
  to: number,
  timeZone: string,
  boundaries: readonly number[],
): LocalFacts[] | undefined {
  if (!(to > from)) return undefined;
  const startOffset = utcOffset(from, timeZone);
  const endOffset = utcOffset(to - 1, timeZone);
  if (startOffset === endOffset && to - from < DAY) {
    const wallFrom = from + startOffset;
    const wallTo = to + startOffset;
    let inside = false;
    for (let day = Math.floor(wallFrom / DAY); day * DAY < wallTo && !inside; day++) {
      for (const b of boundaries) {
        const t = day * DAY + b * SECOND;
        if (t > wallFrom && t < wallTo) {
          inside = true;
          break;
        }
      }
    }
    if (!inside) return undefined;
  }
  // Candidate instants: each boundary wall time with every offset in force around the period
  // (a wall time in a DST gap never occurs; the change instant itself is then the edge).
  const changes = offsetChanges(from, to, timeZone);
  const offsets = new Set([startOffset, endOffset]);
  for (const change of changes) {
    offsets.add(utcOffset(change - 1, timeZone));
    offsets.add(utcOffset(change, timeZone));
  }
  const cuts = new Set<number>(changes);
  const low = Math.min(...offsets);
  const high = Math.max(...offsets);
  for (let day = Math.floor((from + low) / DAY); day * DAY <= to + high; day++) {
    for (const b of boundaries) {
      const wall = day * DAY + b * SECOND;
      for (const offset of offsets) {
        const at = wall - offset;
        if (at > from && at < to) cuts.add(at);
      }
    }
  }
  const stretches: LocalFacts[] = [];
  let start = from;
  for (const cut of [...[...cuts].sort((a, b) => a - b), to]) {
    stretches.push(
      setLocalFacts({ secondOfDay: 0, dayIndex: 0, day: 0 }, start + (cut - start) / 2, timeZone),
    );
    start = cut;
  }
  return stretches;
}

/** Quantity units as kWh or hours, to 9 decimals (a µWh, 3.6 µs): readable, below any meter's resolution. */
export function inUnit(units: number, per: number): number {
  return Math.round((units / per) * 1e9) / 1e9;
}

/** Energy units as kWh, for comparing with min_kwh/max_kwh. */
export function kwhOf(units: number, scale: QuantityScale): number {
  return units / scale.perKwh;
}

/** The later of two instants. */
export function later(a: number, b: number): number {
  return Math.max(a, b);
}

/** Hours between two instants, to 9 decimals. */
export function hoursBetween(from: number, to: number): number {
  return Math.round(((to - from) / HOUR) * 1e9) / 1e9;
}

/** The duration of some time units (hours × perHour) in ms. */
export function unitsToMs(units: number, scale: QuantityScale): number {
  return Math.round((units / scale.perHour) * HOUR);
}

/** The time units of a duration in ms. */
export function msToUnits(ms: number, scale: QuantityScale): number {
  return Math.round((ms / SECOND) * scale.perStep);
}

/**
 * Whether time volumes (units) exceed the period [from, to) by more than 3.6 s: 0.001 h, the
 * precision CDRs usually give their hours in.
 */
export function exceedsPeriod(units: number, from: number, to: number, scale: QuantityScale): boolean {
  return units / scale.perStep > (to - from) / SECOND + 3.6;
}

/**
 * step_size applied to a total: the total rounded up to a multiple of the step (integer units,
 * below 2^52, where the floor of the quotient is exact).
 */
export function roundUpToStep(total: number, step: number): number {
  const whole = Math.floor(total / step) * step;
  return whole < total ? whole + step : whole;
}

/** An instant as an OCPI DateTime (whole seconds unless it has milliseconds). */
export function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % SECOND === 0 ? `${iso.slice(0, 19)}Z` : iso;
}
