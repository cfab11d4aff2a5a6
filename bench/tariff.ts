import type { ChargingPeriod } from '../src/protocol/v2_3_0/cdrs.js';
import type { Tariff } from '../src/protocol/v2_3_0/tariffs.js';
import { type PricingSession, priceSession } from '../src/tariff/index.js';
import { type BenchResult, compare, runIfMain } from './harness.js';

/** Peak (07:00-20:00) and off-peak, each dearer from 50 kW (and a time fee at peak); a start fee and parking. */
export const BENCH_TARIFF: Tariff = {
  country_code: 'NL',
  party_id: 'RMK',
  id: 'BENCH-4',
  currency: 'EUR',
  tax_included: 'NO',
  elements: [
    {
      price_components: [
        { type: 'ENERGY', price: 0.59, vat: 21, step_size: 1 },
        { type: 'TIME', price: 1.2, vat: 21, step_size: 60 },
      ],
      restrictions: { start_time: '07:00', end_time: '20:00', min_power: 50 },
    },
    {
      price_components: [{ type: 'ENERGY', price: 0.45, vat: 21, step_size: 1 }],
      restrictions: { start_time: '07:00', end_time: '20:00' },
    },
    {
      price_components: [{ type: 'ENERGY', price: 0.39, vat: 21, step_size: 1 }],
      restrictions: { min_power: 50 },
    },
    {
      price_components: [
        { type: 'FLAT', price: 0.35, vat: 21, step_size: 1 },
        { type: 'ENERGY', price: 0.29, vat: 21, step_size: 1 },
        // The default the spec advises: charging time is free unless fast at peak.
        { type: 'TIME', price: 0, vat: 21, step_size: 60 },
        { type: 'PARKING_TIME', price: 2.4, vat: 21, step_size: 900 },
      ],
    },
  ],
  last_updated: '2026-11-01T00:00:00Z',
};

/**
 * 20 periods from 18:40 local (17:40Z): 12-minute periods charging at 75, 60, 45 kW…, split at
 * 20:00 local as a CPO must, then parking.
 */
export function benchSession(): PricingSession {
  const start = Date.parse('2026-11-25T17:40:00Z');
  const periods: ChargingPeriod[] = [];
  const powers = [75, 75, 60, 60, 48, 48, 48, 40, 40, 32, 32, 22, 22, 11, 11, 11, 7, 7];
  let t = start;
  for (let i = 0; i < 20; i++) {
    // Period 7 ends at 20:00 local (19:00Z): 6 periods of 12 min + one of 8 min from 18:40.
    const minutes = i === 6 ? 8 : 12;
    const power = powers[i];
    const dimensions =
      power === undefined
        ? [{ type: 'PARKING_TIME' as const, volume: minutes / 60 }]
        : [
            { type: 'ENERGY' as const, volume: Math.round(((power * minutes) / 60) * 1000) / 1000 },
            { type: 'TIME' as const, volume: minutes / 60 },
            { type: 'MIN_POWER' as const, volume: power },
            { type: 'MAX_POWER' as const, volume: power },
          ];
    periods.push({
      start_date_time: new Date(t).toISOString().replace('.000Z', 'Z'),
      dimensions,
      tariff_id: 'BENCH-4',
    });
    t += minutes * 60_000;
  }
  return {
    start_date_time: periods[0]!.start_date_time,
    end_date_time: new Date(t).toISOString().replace('.000Z', 'Z'),
    time_zone: 'Europe/Amsterdam',
    charging_periods: periods,
  };
}

/** The floor: ENERGY volumes × one price, in JS numbers, no rules at all. */
function plainLoop(periods: readonly ChargingPeriod[], price: number): number {
  let total = 0;
  for (const period of periods) {
    for (const d of period.dimensions) if (d.type === 'ENERGY') total += d.volume * price;
  }
  return total;
}

export async function runTariffBenchmarks(): Promise<{ results: BenchResult[]; notes: string[] }> {
  const session = benchSession();
  const check = priceSession(BENCH_TARIFF, session);
  if (check.periods.length !== 20 || check.notes.some((n) => n.severity === 'review')) {
    throw new Error(`bench session must price cleanly: ${JSON.stringify(check.notes)}`);
  }
  const result = compare(
    {
      name: 'price 20 periods, 4-element Tariff (time of day, power), with audit',
      fn: () => priceSession(BENCH_TARIFF, session),
    },
    { name: 'sum ENERGY x fixed price, same periods', fn: () => plainLoop(session.charging_periods, 0.29) },
    { rounds: 5, ms: 500 },
  );
  const notes = [
    `tariff engine: ${Math.round(result.opsPerSec).toLocaleString('en-US')} pricings/s (target 200,000), ` +
      `total ${check.totals.after_taxes} ${check.currency} incl. VAT`,
  ];
  return { results: [result], notes };
}

// `node dist/bench/tariff.js` runs these benchmarks alone.
await runIfMain(import.meta.url, runTariffBenchmarks);
