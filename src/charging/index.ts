/**
 * Charging: a session's meter timeline turned into OCPI 2.3.0 ChargingPeriods split at every
 * moment that matters for the cost (priced by the tariff engine, src/tariff/). Pure functions;
 * see docs/charging.md.
 */
export { isCharging, type MeterSample } from './meter.js';
export {
  type CanonicalTariff,
  type ChargingPeriodsInput,
  type ChargingTotals,
  chargingPeriods,
  chargingTotals,
  PeriodBuilder,
  type PeriodBuilderOptions,
} from './periods.js';
