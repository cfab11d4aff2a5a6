/**
 * The pricing policy: what the specification leaves open, as settings.
 *
 * The Tariffs chapter leaves rounding to law, contract and currency, and OCPI 3.0 drops
 * `step_size`; so both are settings here, with the defaults for OCPI 2.x (docs/tariffs.md says why):
 * - step_size applied, as the CDRs chapter counts it (once per session and dimension group);
 * - quantities kept to a thousandth of the step unit (mWh, ms) before step_size and pricing;
 * - each Price Component's amount and tax rounded half up to 4 decimals, OCPI's default precision
 *   for numbers; totals to 4 decimals as well.
 */
import { MONEY_DECIMALS, type Rounding } from './money.js';

export interface PricingPolicy {
  /** Apply step_size (OCPI 2.x). false: bill what was measured (OCPI 3.0, or 2.x with step_size 1 advice). */
  stepSize: boolean;
  /** Decimals of the step unit (Wh, second) a measured volume is rounded to when read: 3 = mWh, ms. */
  quantityDecimals: number;
  /** Decimals of each Price Component's amount and of its tax. */
  componentDecimals: number;
  /** Decimals of the totals and tax lines after a min_price/max_price moved them. */
  totalDecimals: number;
  /** How amounts are rounded: HALF_UP (halves away from zero) or HALF_EVEN (banker's). */
  rounding: Rounding;
}

/** OCPI 2.1.1 / 2.2.1 / 2.3.0 defaults. */
export const OCPI_2X_POLICY: Readonly<PricingPolicy> = Object.freeze({
  stepSize: true,
  quantityDecimals: 3,
  componentDecimals: 4,
  totalDecimals: 4,
  rounding: 'HALF_UP',
});

/** OCPI 3.0's reading: no step_size, quantities used at full precision. */
export const OCPI_3_POLICY: Readonly<PricingPolicy> = Object.freeze({ ...OCPI_2X_POLICY, stepSize: false });

/** A policy from the defaults and some settings; throws a RangeError for settings out of range. */
export function pricingPolicy(settings: Partial<PricingPolicy> = {}): PricingPolicy {
  const policy = { ...OCPI_2X_POLICY, ...settings };
  const whole = (name: keyof PricingPolicy, max: number) => {
    const v = policy[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
      throw new RangeError(`pricing policy: ${name} must be a whole number from 0 to ${max}`);
    }
  };
  whole('quantityDecimals', 6);
  whole('componentDecimals', MONEY_DECIMALS);
  whole('totalDecimals', MONEY_DECIMALS);
  if (policy.rounding !== 'HALF_UP' && policy.rounding !== 'HALF_EVEN') {
    throw new RangeError('pricing policy: rounding must be HALF_UP or HALF_EVEN');
  }
  if (typeof policy.stepSize !== 'boolean')
    throw new RangeError('pricing policy: stepSize must be a boolean');
  return policy;
}
