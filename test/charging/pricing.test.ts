import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CanonicalTariff,
  chargingPeriods,
  type MeterSample,
  PeriodBuilder,
  priceSimple,
} from '../../src/charging/index.js';
import type { CDR } from '../../src/protocol/v2_3_0/cdrs.js';
import type { TariffElement } from '../../src/protocol/v2_3_0/tariffs.js';
import type { Price } from '../../src/protocol/v2_3_0/types.js';
import { readExample } from '../helpers/fixtures.js';

function tariff(
  id: string,
  elements: TariffElement[],
  extra: Partial<CanonicalTariff> = {},
): CanonicalTariff {
  return {
    country_code: 'NL',
    party_id: 'RKT',
    id,
    currency: 'EUR',
    elements,
    tax_included: 'NO',
    last_updated: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

function example(file: string): CanonicalTariff {
  return readExample(`2.3.0/${file}`) as CanonicalTariff;
}

/** Meter samples from a power profile: [minute, kW, A?], the energy integrated from the steps before. */
function timeline(
  start: string,
  steps: [minute: number, powerKw: number, currentA?: number][],
): MeterSample[] {
  const t0 = Date.parse(start);
  let energy = 0;
  return steps.map(([minute, powerKw, currentA], i) => {
    if (i > 0) {
      const [prevMinute, prevPower] = steps[i - 1]!;
      energy += (prevPower * (minute - prevMinute)) / 60;
    }
    return {
      time: new Date(t0 + minute * 60_000),
      energyKwh: energy,
      powerKw,
      ...(currentA !== undefined && { currentA }),
    };
  });
}

/** Periods and simple price of a session with one Tariff. */
function price(
  t: CanonicalTariff,
  start: string,
  steps: [number, number, number?][],
  timeZone: string,
  endMinute?: number,
) {
  const startDateTime = new Date(start);
  const end = endMinute === undefined ? undefined : new Date(startDateTime.getTime() + endMinute * 60_000);
  const periods = chargingPeriods({
    samples: timeline(start, steps),
    tariffs: [t],
    timeZone,
    startDateTime,
    ...(end && { end }),
  });
  return { periods, pricing: priceSimple(t, periods, { timeZone, startDateTime }) };
}

function taxSum(p: Price | undefined): number {
  return Math.round((p?.taxes ?? []).reduce((sum, t) => sum + t.amount, 0) * 1e4) / 1e4;
}

describe('priceSimple: spec Tariff examples (hand-computed, as in the Tariffs chapter)', () => {
  it('tariff_10: 20 kWh and 40 minutes parking → € 7.00 excl. / € 7.90 incl.', () => {
    // FLAT 0.50 (+20%) + 20 kWh × 0.25 = 5.00 (+10%) + parking 40 min → 45 min (step 900 s) × 2.00/h = 1.50 (+20%).
    // before 0.50 + 5.00 + 1.50 = 7.00; VAT 20%: 0.10 + 0.30 = 0.40, VAT 10%: 0.50 → 7.90.
    const { pricing } = price(
      example('tariff_10_025kwh_parking_start.json'),
      '2026-11-25T09:00:00Z',
      [
        [0, 10],
        [120, 0],
      ],
      'Europe/Berlin',
      160,
    );
    assert.deepEqual(pricing.total_cost, {
      before_taxes: 7,
      taxes: [
        { name: 'VAT', percentage: 20, amount: 0.4 },
        { name: 'VAT', percentage: 10, amount: 0.5 },
      ],
    });
    assert.deepEqual(pricing.total_fixed_cost, {
      before_taxes: 0.5,
      taxes: [{ name: 'VAT', percentage: 20, amount: 0.1 }],
    });
    assert.deepEqual(pricing.total_energy_cost, {
      before_taxes: 5,
      taxes: [{ name: 'VAT', percentage: 10, amount: 0.5 }],
    });
    assert.deepEqual(pricing.total_parking_cost, {
      before_taxes: 1.5,
      taxes: [{ name: 'VAT', percentage: 20, amount: 0.3 }],
    });
    assert.equal(pricing.total_time_cost, undefined); // no TIME component
    assert.equal(pricing.totals.total_energy, 20);
    assert.equal(pricing.totals.total_time, 2.666666667);
    assert.equal(pricing.totals.total_parking_time, 0.666666667);
  });

  it('tariff_4 complex, Monday 09:30, 165 min at 16 A then 42 min parking → € 9.00 / € 10.30', () => {
    // Monday 30 November 2026, 09:30 CET = 08:30Z. FLAT 2.50 (+15% = 0.375);
    // TIME below 32 A: 2.75 h × 1.00 = 2.75 (+20% = 0.55), not rounded (parking follows);
    // PARKING_TIME weekdays 09-18: 42 min → 45 min (step 300 s) × 5.00/h = 3.75 (+10% = 0.375).
    // before 9.00; taxes 1.30; 10.30.
    const { periods, pricing } = price(
      example('tariff_4_complex.json'),
      '2026-11-30T08:30:00Z',
      [
        [0, 11, 16],
        [60, 11, 16],
        [120, 11, 16],
        [165, 0, 0],
      ],
      'Europe/Berlin',
      207,
    );
    assert.equal(periods.length, 2);
    assert.deepEqual(pricing.total_cost, {
      before_taxes: 9,
      taxes: [
        { name: 'VAT', percentage: 15, amount: 0.375 },
        { name: 'VAT', percentage: 20, amount: 0.55 },
        { name: 'VAT', percentage: 10, amount: 0.375 },
      ],
    });
    assert.equal(pricing.total_time_cost?.before_taxes, 2.75);
    assert.equal(pricing.total_parking_cost?.before_taxes, 3.75);
  });

  it('tariff_14 step_size #1: 16:55, 10 min charging, 2 min parking → € 0.55', () => {
    // TIME 5 min × 1.20/h = 0.10 (before 17:00), 5 min × 2.40/h = 0.20 (after);
    // parking 2 min → 15 min (step 900 s of the last parking component) × 1.00/h = 0.25. No vat: no tax lines.
    const { periods, pricing } = price(
      example('tariff_14_step_size.json'),
      '2026-11-25T15:55:00Z', // 16:55 CET
      [
        [0, 11],
        [10, 0],
      ],
      'Europe/Berlin',
      12,
    );
    assert.deepEqual(
      periods.map((p) => p.start_date_time),
      ['2026-11-25T15:55:00Z', '2026-11-25T16:00:00Z', '2026-11-25T16:05:00Z'],
    );
    assert.deepEqual(pricing.total_cost, { before_taxes: 0.55, taxes: [] });
    assert.deepEqual(pricing.total_time_cost, { before_taxes: 0.3, taxes: [] });
    assert.deepEqual(pricing.total_parking_cost, { before_taxes: 0.25, taxes: [] });
  });

  it('tariff_14 step_size #2: 16:35, 35 min charging, no parking → € 1.30', () => {
    // 25 min × 1.20/h = 0.50; 35 min → 45 min (step 900 s of the last TIME component), so
    // 10 + 10 min after 17:00 × 2.40/h = 0.80; total 1.30.
    const { pricing } = price(
      example('tariff_14_step_size.json'),
      '2026-11-25T15:35:00Z',
      [
        [0, 11],
        [35, 0],
      ],
      'Europe/Berlin',
    );
    assert.deepEqual(pricing.total_cost, { before_taxes: 1.3, taxes: [] });
  });

  it('tariff_14 "switching to free of charge": 19:40, 12 min charging, 20 min parking → € 0.73', () => {
    // TIME 12 min × 2.40/h = 0.48; parking is priced only before 20:00: 8 min → 15 min × 1.00/h = 0.25.
    const { periods, pricing } = price(
      example('tariff_14_step_size.json'),
      '2026-11-25T18:40:00Z',
      [
        [0, 11],
        [12, 0],
      ],
      'Europe/Berlin',
      32,
    );
    assert.deepEqual(
      periods.map((p) => p.start_date_time),
      ['2026-11-25T18:40:00Z', '2026-11-25T18:52:00Z', '2026-11-25T19:00:00Z'],
    );
    assert.deepEqual(pricing.total_cost, { before_taxes: 0.73, taxes: [] });
  });

  it('max_power example: 1 kWh at 6 kW, 40 kWh at 48 kW, 0.5 kWh at 4 kW → € 20.30', () => {
    // 1 × 0.20 + 40 × 0.50 (fallback, ≥ 32 kW) + 0.5 × 0.20 = 20.30; VAT 20% = 4.06.
    const { periods, pricing } = price(
      example('tariffrestriction_example_max_power.json'),
      '2026-11-25T09:00:00Z',
      [
        [0, 6],
        [10, 48],
        [60, 4],
        [67.5, 0],
      ],
      'Europe/Berlin',
    );
    assert.equal(periods.length, 3);
    assert.deepEqual(pricing.total_cost, {
      before_taxes: 20.3,
      taxes: [{ name: 'VAT', percentage: 20, amount: 4.06 }],
    });
  });

  it('max_duration example: free for 30 minutes, 0.25 to 60 minutes, 0.40 after', () => {
    // 12 kW to 08:40, then 6 kW to 09:10: 6 kWh by 08:30 (free), 4 kWh to 09:00 × 0.25 = 1.00,
    // 1 kWh after × 0.40 = 0.40; total 1.40, VAT 20% = 0.28.
    const { pricing } = price(
      example('tariffrestriction_example_max_duration.json'),
      '2026-11-25T08:00:00Z',
      [
        [0, 12],
        [20, 12],
        [40, 6],
        [70, 0],
      ],
      'Europe/Berlin',
    );
    assert.deepEqual(pricing.total_cost, {
      before_taxes: 1.4,
      taxes: [{ name: 'VAT', percentage: 20, amount: 0.28 }],
    });
  });
});

describe('priceSimple: min_price and max_price', () => {
  // tariff_6 is valid until 2019-06-30T23:59:59Z.
  const maxPrice = example('tariff_6_025kwh_start_max_price.json');

  it('tariff_6: 50 kWh is capped at € 10.00 / € 11.00', () => {
    // 0.50 + 50 × 0.25 = 13.00 → 10.00; taxes 0.10 + 1.25 = 1.35, scaled to 10/13 = 1.0385 →
    // 11.0385 after taxes, capped at 11.00: taxes 1.00 in the same 0.10 : 1.25 proportion.
    const { pricing } = price(
      maxPrice,
      '2019-06-20T08:00:00Z',
      [
        [0, 50],
        [60, 0],
      ],
      'Europe/Berlin',
    );
    assert.equal(pricing.total_cost.before_taxes, 10);
    assert.equal(taxSum(pricing.total_cost), 1);
    assert.deepEqual(
      (pricing.total_cost.taxes ?? []).map((t) => [t.percentage, t.amount]),
      [
        [20, 0.0741], // 1.00 × 0.10 / 1.35
        [10, 0.9259], // 1.00 × 1.25 / 1.35
      ],
    );
    // The dimension totals are not capped.
    assert.equal(pricing.total_energy_cost?.before_taxes, 12.5);
  });

  it('tariff_6: 30 kWh stays under the cap → € 8.00 / € 8.85', () => {
    const { pricing } = price(
      maxPrice,
      '2019-06-20T08:00:00Z',
      [
        [0, 30],
        [60, 0],
      ],
      'Europe/Berlin',
    );
    assert.equal(pricing.total_cost.before_taxes, 8);
    assert.equal(taxSum(pricing.total_cost), 0.85); // 0.10 + 0.75
  });

  it('tariff_12: 1 kWh is raised to the minimum € 0.50 / € 0.55', () => {
    // 1 × 0.25 = 0.25 → 0.50; VAT 10% 0.025 → scaled × 2 = 0.05; 0.55 meets the after-tax minimum.
    const { pricing } = price(
      example('tariff_12_025kwh_min_price.json'),
      '2026-11-25T08:00:00Z',
      [
        [0, 6],
        [10, 0],
      ],
      'Europe/Berlin',
    );
    assert.deepEqual(pricing.total_cost, {
      before_taxes: 0.5,
      taxes: [{ name: 'VAT', percentage: 10, amount: 0.05 }],
    });
  });

  it('tariff_12: nothing charged still costs the minimum, its tax as a line without percentage', () => {
    const { pricing } = price(
      example('tariff_12_025kwh_min_price.json'),
      '2026-11-25T08:00:00Z',
      [[0, 0]],
      'Europe/Berlin',
      30,
    );
    assert.deepEqual(pricing.total_cost, { before_taxes: 0.5, taxes: [{ name: 'VAT', amount: 0.05 }] });
  });
});

describe('priceSimple: taxes and the spec CDR example', () => {
  it('tax_included YES takes the VAT out of the price; N/A adds none; no vat adds no line', () => {
    const steps: [number, number][] = [
      [0, 10],
      [60, 0],
    ];
    const start = '2026-11-25T08:00:00Z';
    const energy = (price: number, vat?: number): TariffElement => ({
      price_components: [{ type: 'ENERGY', price, step_size: 1, ...(vat !== undefined && { vat }) }],
    });
    // 10 kWh × 0.605 = 6.05 incl. 21% → 5.00 + 1.05.
    const yes = price(
      tariff('Y', [energy(0.605, 21)], { tax_included: 'YES' }),
      start,
      steps,
      'Europe/Amsterdam',
    );
    assert.deepEqual(yes.pricing.total_cost, {
      before_taxes: 5,
      taxes: [{ name: 'VAT', percentage: 21, amount: 1.05 }],
    });
    const na = price(
      tariff('N', [energy(0.3, 21)], { tax_included: 'N/A' }),
      start,
      steps,
      'Europe/Amsterdam',
    );
    assert.deepEqual(na.pricing.total_cost, { before_taxes: 3, taxes: [] });
    // tariff_19 (North American, taxes added later): 2.5 h × C$ 2.00 = 5.00, taxes unknown here.
    const ca = price(
      example('tariff_19_simple_north_american_exclusive.json'),
      start,
      [
        [0, 7],
        [150, 0],
      ],
      'America/Toronto',
    );
    assert.deepEqual(ca.pricing.total_cost, { before_taxes: 5, taxes: [] });
  });

  it('peak/off-peak at 20:00 Amsterdam: each side at its own price', () => {
    // 11 kW 18:30-19:30 local, 7.4 kW to 20:30: 14.7 kWh before 20:00 × 0.42 = 6.174,
    // 3.7 kWh after × 0.29 = 1.073; 7.247 before taxes, 21% = 1.52187 → 1.5219.
    const t = tariff('PEAK', [
      {
        price_components: [{ type: 'ENERGY', price: 0.42, vat: 21, step_size: 1 }],
        restrictions: { start_time: '07:00', end_time: '20:00' },
      },
      { price_components: [{ type: 'ENERGY', price: 0.29, vat: 21, step_size: 1 }] },
    ]);
    const { pricing } = price(
      t,
      '2026-11-25T17:30:00Z',
      [
        [0, 11],
        [20, 11],
        [40, 11],
        [60, 7.4],
        [80, 7.4],
        [100, 7.4],
        [120, 0],
      ],
      'Europe/Amsterdam',
    );
    assert.deepEqual(pricing.total_cost, {
      before_taxes: 7.247,
      taxes: [{ name: 'VAT', percentage: 21, amount: 1.5219 }],
    });
  });

  it('the 2.3.0 cdr_example: its own periods and its Tariff give its total_cost (€ 4.00 + 0.40)', () => {
    // TIME 1.973 h × 2.00/h = 3.946; step 300 s: 7102.8 s → 7200 s = 2 h → 4.00; VAT 10% = 0.40.
    const cdr = readExample('2.3.0/cdr_example.json') as CDR;
    const t = cdr.tariffs![0]!;
    const pricing = priceSimple(t, cdr.charging_periods, { timeZone: 'Europe/Brussels' });
    assert.equal(pricing.total_cost.before_taxes, cdr.total_cost.before_taxes);
    assert.equal(taxSum(pricing.total_cost), taxSum(cdr.total_cost));
    assert.equal(pricing.total_time_cost?.before_taxes, cdr.total_time_cost?.before_taxes);
    assert.equal(pricing.totals.total_time, cdr.total_time);

    // The same session from a meter timeline: 17:39:09 to 19:37:32, 15.342 kWh.
    const samples: MeterSample[] = [
      { time: new Date('2024-12-05T17:39:09Z'), energyKwh: 0, powerKw: 7.776 },
      { time: new Date('2024-12-05T19:37:32Z'), energyKwh: 15.342, powerKw: 0 },
    ];
    const periods = chargingPeriods({
      samples,
      tariffs: [t],
      timeZone: 'Europe/Brussels',
      startDateTime: new Date(cdr.start_date_time),
      end: new Date(cdr.end_date_time),
    });
    assert.equal(periods.length, 1);
    const fromMeter = priceSimple(t, periods, { timeZone: 'Europe/Brussels' });
    assert.deepEqual(fromMeter.total_cost, {
      before_taxes: cdr.total_cost.before_taxes,
      taxes: [{ name: 'VAT', percentage: 10, amount: 0.4 }],
    });
    assert.equal(Math.round(fromMeter.totals.total_time * 1000) / 1000, cdr.total_time);
    assert.equal(fromMeter.totals.total_energy, cdr.total_energy);
  });

  it('a running session: the price of the periods so far grows as samples come in', () => {
    const t = example('tariff_10_025kwh_parking_start.json');
    const startDateTime = new Date('2026-11-25T09:00:00Z');
    const builder = new PeriodBuilder({ tariffs: [t], timeZone: 'Europe/Berlin', startDateTime });
    const totals: number[] = [];
    for (const sample of timeline('2026-11-25T09:00:00Z', [
      [0, 10],
      [30, 10],
      [60, 10],
      [90, 10],
    ])) {
      builder.add(sample);
      totals.push(
        priceSimple(t, builder.periods(), { timeZone: 'Europe/Berlin', startDateTime }).total_cost
          .before_taxes,
      );
    }
    // No period before time has passed; then the 0.50 start fee + 5 kWh × 0.25 = 1.25 every half hour.
    assert.deepEqual(totals, [0, 1.75, 3, 4.25]);
  });
});
