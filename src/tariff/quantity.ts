/**
 * Quantities: the measured volumes of a ChargingPeriod (kWh, hours) as integer counts of a small
 * unit, so that sums, step_size rounding and comparisons are exact.
 *
 * The unit is the step_size unit of the dimension (Wh for ENERGY, second for the times) divided by
 * 10^quantityDecimals (policy): with the default 3, mWh and ms. A volume is rounded half up to that
 * unit once, when read; that also drops the noise of binary fractions such as 0.666666667 h (40
 * minutes written to 9 decimals, 2400.0000012 s), which step_size 1 would otherwise bill as 2401 s.
 *
 * Quantities are not money: they are JS numbers holding integers (exact up to 2^53, i.e. 9 TWh or
 * 285 years at the default unit). Money is computed from them in money.ts, with bigints.
 */
import { divRound, exactDecimal, pow10 } from './money.js';

export interface QuantityScale {
  /** Decimals of the step unit kept (policy.quantityDecimals). */
  decimals: number;
  /** Units per Wh / per second (10^decimals). */
  perStep: number;
  /** Units per kWh. */
  perKwh: number;
  /** Units per hour. */
  perHour: number;
}

const scales = new Map<number, QuantityScale>();

export function quantityScale(decimals: number): QuantityScale {
  let scale = scales.get(decimals);
  if (scale === undefined) {
    const perStep = 10 ** decimals;
    scale = { decimals, perStep, perKwh: 1000 * perStep, perHour: 3600 * perStep };
    scales.set(decimals, scale);
  }
  return scale;
}

/**
 * `volume` (a JSON number) × `per` rounded half up to an integer, exactly as the decimal the JSON
 * wrote. Fast path: when the product rounds to an integer r with r / per giving back the same
 * number, the decimal × per lies within a rounding error of r, far from any half, so r is the
 * answer; otherwise the decimal is multiplied out exactly.
 */
export function toUnits(volume: number, per: number): number {
  const r = Math.round(volume * per);
  if (r / per === volume && Number.isSafeInteger(r)) return r;
  const d = exactDecimal(volume);
  return Number(divRound(d.units * BigInt(per), pow10(d.decimals), 'HALF_UP'));
}

/** A step_size that is not a whole number, made one (the spec's type is int). */
export function wholeStep(step: number): number {
  return Math.round(step);
}
