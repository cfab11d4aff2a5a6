/**
 * Charging: a session's meter timeline turned into OCPI 2.3.0 ChargingPeriods split at every
 * moment that matters for the cost, and a simple price of them (to be replaced by the tariff
 * engine of issue 7). Pure functions; see docs/charging.md.
 */
export { isCharging, type MeterSample } from './meter.js';
export {
  type ActiveComponent,
  activeComponents,
  type CanonicalTariff,
  type ChargingPeriodsInput,
  type ChargingTotals,
  chargingPeriods,
  chargingTotals,
  type LocalTime,
  localTime,
  PeriodBuilder,
  type PeriodBuilderOptions,
  PRICED_DIMENSIONS,
  parseTimeOfDay,
  type RestrictionContext,
  restrictionsMatch,
  tariffValidAt,
} from './periods.js';
export { type PriceSimpleOptions, priceSimple, type SimplePricing } from './pricing.js';
