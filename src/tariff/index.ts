/**
 * The tariff engine (issue 7): the cost of a session under a Tariff, from its ChargingPeriods, in
 * every version's rules, with the audit trail behind every amount. Pure (no I/O, no clock); money
 * in exact decimals. See docs/tariffs.md.
 *
 *   import { priceSession } from 'roamkit/tariff';
 *   const pricing = priceSession(tariff, {
 *     start_date_time, end_date_time, time_zone: 'Europe/Amsterdam', charging_periods,
 *   });
 *   pricing.total_cost; // { before_taxes, taxes: [{ name: 'VAT', percentage, amount }] }
 */
export {
  type CdrCheck,
  type CdrCosts,
  type CostDifference,
  cdrCosts,
  checkCdr,
} from './cdr.js';
export type { CostField, PricingContext } from './compile.js';
export type { LimitApplied } from './limits.js';
export { assertTimeZone, type LocalTime, localTime, utcOffset } from './local-time.js';
export { MONEY_DECIMALS, type Money, type Rounding } from './money.js';
export { NOTE_CODES, type NoteCode, type NoteSeverity, needsReview, type PricingNote } from './notes.js';
export { OCPI_2X_POLICY, OCPI_3_POLICY, type PricingPolicy, pricingPolicy } from './policy.js';
export {
  type ComponentCost,
  type DimensionAudit,
  type PeriodCost,
  type Pricing,
  type PricingOptions,
  type PricingSession,
  priceSession,
  type Reason,
  type ReservationFacts,
  type Segment,
  type SegmentDimension,
} from './price.js';
export {
  type ActiveComponent,
  activeComponents,
  PRICED_DIMENSIONS,
  parseTimeOfDay,
  type RestrictionContext,
  type RestrictionName,
  restrictionsMatch,
  tariffValidAt,
  tariffValidity,
  type Validity,
} from './restrictions.js';
