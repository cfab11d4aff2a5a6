/**
 * Every worked example of the Tariffs chapters (2.2.1 and 2.3.0, which print the same Tariffs and
 * mostly the same figures) and of the CDRs chapter's step_size section, with the chapter's numbers.
 * The 2.2.1 Tariffs go through the 2.2.1 → canonical converter and are priced with 2.2.1's rules.
 * Where a chapter's own figure is wrong, the test says so and asserts the correct one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toCanonical } from '../../src/model/index.js';
import type { CDR, ChargingPeriod } from '../../src/protocol/v2_3_0/cdrs.js';
import type { Tariff } from '../../src/protocol/v2_3_0/tariffs.js';
import { type Pricing, type PricingSession, priceSession } from '../../src/tariff/index.js';
import { readExample } from '../helpers/fixtures.js';
import {
  at,
  CHAPTERS,
  type ChapterVersion,
  codes,
  example,
  type PeriodSpec,
  session,
  sides,
  tariff,
  totals,
} from './helpers.js';

const MONDAY = '2026-11-30T08:30:00Z'; // 09:30 in Brussels (CET)
const SATURDAY = '2026-11-28T12:30:00Z'; // 13:30 in Brussels
const DAY = '2026-11-25T09:00:00Z';
/** Hours as minutes, to the µs of a minute. */
const minutes = (hours: number) => Math.round(hours * 60 * 1e6) / 1e6;
/** Two decimals: the chapters print cents where they round. */
const CENTS = { componentDecimals: 2, totalDecimals: 2 };

function priced(
  version: ChapterVersion,
  file: string,
  specs: PeriodSpec[],
  end: number,
  base = DAY,
  policy = {},
): Pricing {
  return priceSession(example(version, file), session(base, specs, end, 'Europe/Brussels'), {
    ocpiVersion: version,
    policy,
  });
}

for (const version of CHAPTERS) {
  describe(`Tariffs chapter ${version}: simple examples`, () => {
    it('€ 0.25 per kWh (tariff_8): 20 kWh → € 5.00 excl. / € 5.50 incl.', () => {
      const p = priced(version, 'tariff_8_simple_025kwh.json', [[0, { ENERGY: 20, TIME: 2 }]], 120);
      assert.deepEqual(totals(p), [5, 5.5]);
    });

    it('€ 0.25 per kWh + start fee (tariff_9): 20 kWh → € 5.50 / € 6.10', () => {
      const p = priced(version, 'tariff_9_025kwh_start.json', [[0, { ENERGY: 20, TIME: 2 }]], 120);
      assert.deepEqual(totals(p), [5.5, 6.1]);
      assert.deepEqual(sides(p.total_fixed_cost), [0.5, 0.6]);
      assert.deepEqual(sides(p.total_energy_cost), [5, 5.5]);
    });

    it('€ 0.25 per kWh + minimum price (tariff_12): 20 kWh → € 5.00 / € 5.50, under 2 kWh → € 0.50 / € 0.55', () => {
      const file = 'tariff_12_025kwh_min_price.json';
      assert.deepEqual(totals(priced(version, file, [[0, { ENERGY: 20, TIME: 2 }]], 120)), [5, 5.5]);
      const small = priced(version, file, [[0, { ENERGY: 1.5, TIME: 0.5 }]], 30);
      assert.deepEqual(totals(small), [0.5, 0.55]);
      assert.deepEqual(small.total_cost.taxes, [{ name: 'VAT', percentage: 10, amount: 0.05 }]);
      assert.deepEqual(
        small.limits.map((l) => [l.limit, l.side, l.from, l.to]),
        [['min_price', 'before_taxes', 0.375, 0.5]],
      );
    });

    it('€ 0.25 per kWh + parking + start fee (tariff_10): 20 kWh, 40 min parked → € 7.00 / € 7.90 (45 min billed)', () => {
      const p = priced(
        version,
        'tariff_10_025kwh_parking_start.json',
        [
          [0, { ENERGY: 20, TIME: 2 }],
          [120, { PARKING_TIME: 40 / 60 }],
        ],
        160,
      );
      assert.deepEqual(totals(p), [7, 7.9]);
      assert.deepEqual(sides(p.total_parking_cost), [1.5, 1.8]);
      const parking = p.dimensions.find((d) => d.dimension === 'PARKING_TIME');
      assert.equal(parking?.billed, 0.75);
      assert.equal(parking?.step?.step_size, 900);
    });

    it('€ 0.25 per kWh + start fee + max price (tariff_6): 50 kWh → € 10.00 / € 11.00; 30 kWh → € 8.00 / € 8.85', () => {
      // The Tariff ends 30 June 2019: sessions before that.
      const file = 'tariff_6_025kwh_start_max_price.json';
      const base = '2019-06-20T08:00:00Z';
      const fifty = priced(version, file, [[0, { ENERGY: 50, TIME: 2 }]], 120, base);
      assert.deepEqual(totals(fifty), [10, 11]);
      assert.deepEqual(
        fifty.limits.map((l) => [l.limit, l.side, l.from, l.to]),
        [
          ['max_price', 'before_taxes', 13, 10],
          ['max_price', 'after_taxes', 11.0384, 11], // 10 + 20 % of 0.3846 + 10 % of 9.6154
        ],
      );
      // The tax lines keep the computed proportion 0.10 : 1.25.
      assert.deepEqual(
        fifty.total_cost.taxes?.map((t) => [t.percentage, t.amount]),
        [
          [20, 0.0741],
          [10, 0.9259],
        ],
      );
      assert.deepEqual(totals(priced(version, file, [[0, { ENERGY: 30, TIME: 2 }]], 120, base)), [8, 8.85]);
    });

    it('€ 2 per hour (tariff_1): 2.5 hours → € 5.00 / € 5.50', () => {
      const p = priced(version, 'tariff_1_simple_2hour.json', [[0, { ENERGY: 18, TIME: 2.5 }]], 150);
      assert.deepEqual(totals(p), [5, 5.5]);
      assert.deepEqual(sides(p.total_time_cost), [5, 5.5]);
    });

    it('€ 3 per hour, € 5 per hour parking (tariff_13): 150 min + 42 min parked → € 11.25 / € 12.75', () => {
      const p = priced(
        version,
        'tariff_13_simple_3hour_5parking.json',
        [
          [0, { ENERGY: 30, TIME: 2.5 }],
          [150, { PARKING_TIME: 0.7 }],
        ],
        192,
      );
      assert.deepEqual(totals(p), [11.25, 12.75]);
      assert.deepEqual(sides(p.total_parking_cost), [3.75, 4.5]); // 45 minutes
    });

    it('€ 1.90 per hour, 5.2 % VAT (tariff_2): 2.5 hours → € 4.75 / € 5.00 in cents', () => {
      const p = priced(version, 'tariff_2_alt_text.json', [[0, { ENERGY: 18, TIME: 2.5 }]], 150, DAY, CENTS);
      assert.deepEqual(totals(p), [4.75, 5]);
      // Not rounded to cents, the tax is 0.247.
      const exact = priced(version, 'tariff_2_alt_text.json', [[0, { ENERGY: 18, TIME: 2.5 }]], 150);
      assert.deepEqual(totals(exact), [4.75, 4.997]);
    });

    it('free of charge (tariff_5): any session costs nothing', () => {
      const p = priced(version, 'tariff_5_free_of_charge.json', [[0, { ENERGY: 30, TIME: 3 }]], 180);
      assert.deepEqual(totals(p), [0, 0]);
      assert.equal(p.components.length, 1); // the FLAT 0.00
    });
  });

  describe(`Tariffs chapter ${version}: the complex Tariff (tariff_4)`, () => {
    const file = 'tariff_4_complex.json';

    it('Monday 09:30, 165 min at 16 A, 42 min parked → € 9.00 / € 10.30', () => {
      const p = priced(
        version,
        file,
        [
          [0, { ENERGY: 30, TIME: 2.75, MIN_CURRENT: 16, MAX_CURRENT: 16 }],
          [165, { PARKING_TIME: 0.7, MIN_CURRENT: 0, MAX_CURRENT: 0 }],
        ],
        207,
        MONDAY,
      );
      assert.deepEqual(totals(p), [9, 10.3]);
      // The chapter's breakdown: FLAT 2.50 + 2.875, TIME 2.75 + 3.30 (165 min, not rounded: parking
      // follows), PARKING 3.75 + 4.125 (45 min).
      assert.deepEqual(
        p.components.map((c) => [c.type, c.quantity, c.before_taxes, c.after_taxes]),
        [
          ['FLAT', 1, 2.5, 2.875],
          ['TIME', 2.75, 2.75, 3.3],
          ['PARKING_TIME', 0.75, 3.75, 4.125],
        ],
      );
      assert.deepEqual(p.periods[0]!.segments.find((s) => s.dimension === 'TIME')?.reason, {
        element: 1,
        restrictions: ['max_current'],
      });
    });

    it('Saturday 13:30, 114 min at 43 A, 71 min parked → € 12.375 / € 13.975 (the chapter prints 12.28 / 13.861)', () => {
      // The chapter's row "114 minutes × 1.25 per hour = 2.28" is 114 min at 1.20/h: 1.9 h × 1.25
      // is 2.375. Its other rows hold: FLAT 2.50 + 2.875, PARKING 75 min × 6.00 = 7.50 + 8.25.
      const p = priced(
        version,
        file,
        [
          [0, { ENERGY: 40, TIME: 1.9, MIN_CURRENT: 43, MAX_CURRENT: 43 }],
          [114, { PARKING_TIME: 71 / 60, MIN_CURRENT: 0, MAX_CURRENT: 0 }],
        ],
        185,
        SATURDAY,
      );
      assert.deepEqual(
        p.components.map((c) => [c.type, c.element, c.quantity, c.before_taxes, c.after_taxes]),
        [
          ['FLAT', 0, 1, 2.5, 2.875],
          ['TIME', 3, 1.9, 2.375, 2.85],
          ['PARKING_TIME', 5, 1.25, 7.5, 8.25],
        ],
      );
      assert.deepEqual(totals(p), [12.375, 13.975]);
      // Why element 3: element 1 needs under 32 A, element 2 a weekday.
      assert.deepEqual(p.periods[0]!.segments.find((s) => s.dimension === 'TIME')?.reason, {
        element: 3,
        restrictions: ['day_of_week', 'min_current'],
        skipped: [
          { element: 1, failed: 'max_current' },
          { element: 2, failed: 'day_of_week' },
        ],
      });
    });
  });

  describe(`Tariffs chapter ${version}: tariff_3 (alternative URL), 20.45 kWh with a 100 Wh step`, () => {
    const file = 'tariff_3_alt_url.json';
    const specs: PeriodSpec[] = [[0, { ENERGY: 20.45, TIME: 2 }]];

    it('as the text says: 20.5 kWh billed → start 0.50 / 0.60, energy 5.13 / 5.64, total 5.63 / 6.24', () => {
      const p = priced(version, file, specs, 120, DAY, CENTS);
      assert.deepEqual(
        p.components.map((c) => [c.type, c.quantity, c.before_taxes, c.after_taxes]),
        [
          ['FLAT', 1, 0.5, 0.6],
          ['ENERGY', 20.5, 5.13, 5.64],
        ],
      );
      assert.deepEqual(totals(p), [5.63, 6.24]);
    });

    it('at the € 0.22 of tariff_alt_url → energy 4.51 / 4.96, total 5.01 / 5.56', () => {
      const t = example(version, file);
      const cheaper = {
        ...t,
        elements: [
          {
            price_components: t.elements[0]!.price_components.map((c) =>
              c.type === 'ENERGY' ? { ...c, price: 0.22 } : c,
            ),
          },
        ],
      };
      const p = priceSession(cheaper, session(DAY, specs, 120), { ocpiVersion: version, policy: CENTS });
      assert.deepEqual(sides(p.total_energy_cost), [4.51, 4.96]);
      assert.deepEqual(totals(p), [5.01, 5.56]);
    });

    if (version === '2.3.0') {
      it("2.3.0's breakdown table (5.11 / 5.62, total 5.61 / 6.22) is 20.45 kWh unrounded: step_size off", () => {
        // 2.3.0 changed the table, not the text above it (which still bills 20.5 kWh): the table
        // follows OCPI 3.0's advice to bill what was measured.
        const p = priced(version, file, specs, 120, DAY, { ...CENTS, stepSize: false });
        assert.deepEqual(sides(p.total_energy_cost), [5.11, 5.62]);
        assert.deepEqual(totals(p), [5.61, 6.22]);
      });
    }
  });

  describe(`Tariffs chapter ${version}: reservations`, () => {
    /** Reserved for `minutes`, then 20 kWh charged in an hour. */
    const reserved = (minutes: number): PeriodSpec[] => [
      [0, { RESERVATION_TIME: minutes / 60 }],
      [minutes, { ENERGY: 20, TIME: 1 }],
    ];

    it('€ 5 per hour reserved (tariff_15): 15 min, then 20 kWh → € 6.75 / € 7.60', () => {
      const p = priced(version, 'tariff_15_reservation_5_euro_per_hour.json', reserved(15), 75);
      assert.deepEqual(totals(p), [6.75, 7.6]);
      assert.deepEqual(sides(p.total_reservation_cost), [1.25, 1.5]);
      assert.deepEqual(sides(p.total_fixed_cost), [0.5, 0.6]);
      assert.deepEqual(sides(p.total_energy_cost), [5, 5.5]);
    });

    it('€ 2 fee + € 5 per hour reserved, 5 min steps (tariff_16): 13 min → 15 billed; € 8.75 / € 10.00', () => {
      // The chapter's breakdown calls the 15 minutes "Parking time"; they are the reservation
      // element's TIME, so they count in total_reservation_cost, with its € 2.00 fee.
      const p = priced(version, 'tariff_16_reservation_2_euro_fee_5_euro_per_hour.json', reserved(13), 73);
      assert.deepEqual(totals(p), [8.75, 10]);
      assert.deepEqual(sides(p.total_reservation_cost), [3.25, 3.9]);
      assert.deepEqual(sides(p.total_fixed_cost), [0.5, 0.6]);
      assert.equal(p.dimensions.find((d) => d.dimension === 'RESERVATION_TIME')?.billed, 0.25);
    });

    it('expiry fee (tariff_17): 22 min → 30 billed, € 6.50 / € 7.30; expired after 1 h → € 6.00 / € 7.20', () => {
      const file = 'tariff_17_reservation_with_expire_fee.json';
      assert.deepEqual(totals(priced(version, file, reserved(22), 82)), [6.5, 7.3]);
      // Expired: the RESERVATION_EXPIRES fee, and TIME from the RESERVATION element (the
      // RESERVATION_EXPIRES element has no TIME component); no start fee, no session.
      const expired = priced(version, file, [[0, { RESERVATION_TIME: 1 }]], 60);
      assert.deepEqual(totals(expired), [6, 7.2]);
      assert.deepEqual(
        expired.components.map((c) => [c.type, c.element, c.context, c.before_taxes]),
        [
          ['FLAT', 0, 'reservation_expires', 4],
          ['TIME', 1, 'reservation_expires', 2],
        ],
      );
    });

    it('expiry time price (tariff_18): 22 min → € 7.00 / € 7.90; expired after 1.5 h → € 9.00 / € 10.80', () => {
      const file = 'tariff_18_reservation_with_expire_time.json';
      assert.deepEqual(totals(priced(version, file, reserved(22), 82)), [7, 7.9]);
      const expired = priced(version, file, [[0, { RESERVATION_TIME: 1.5 }]], 90);
      assert.deepEqual(totals(expired), [9, 10.8]);
      assert.deepEqual(
        expired.components.map((c) => [c.type, c.element, c.price]),
        [['TIME', 0, 6]],
      );
    });

    it('the reservation given as facts instead of RESERVATION_TIME periods prices the same', () => {
      const t = example(version, 'tariff_15_reservation_5_euro_per_hour.json');
      const s: PricingSession = {
        ...session(at(DAY, 15), [[0, { ENERGY: 20, TIME: 1 }]], 60, 'Europe/Brussels'),
        start_date_time: DAY,
        reservation: { start_date_time: DAY, end_date_time: at(DAY, 15) },
      };
      const p = priceSession(t, s, { ocpiVersion: version });
      assert.deepEqual(totals(p), [6.75, 7.6]);
      assert.equal(p.periods[0]!.index, -1);
    });
  });

  describe(`Tariffs chapter ${version}: restriction examples`, () => {
    it('max_power: 1 kWh at 6 kW, 40 kWh at 48 kW, 0.5 kWh at 4 kW → € 20.30', () => {
      const p = priced(
        version,
        'tariffrestriction_example_max_power.json',
        [
          [0, { ENERGY: 1, TIME: 1 / 6, MIN_POWER: 6, MAX_POWER: 6 }],
          [10, { ENERGY: 40, TIME: 50 / 60, MIN_POWER: 48, MAX_POWER: 48 }],
          [60, { ENERGY: 0.5, TIME: 7.5 / 60, MIN_POWER: 4, MAX_POWER: 4 }],
        ],
        67.5,
      );
      assert.deepEqual(
        p.periods.map((period) => period.amount),
        [0.2, 20, 0.1],
      );
      assert.equal(p.totals.before_taxes, 20.3);
    });

    it('max_duration: 5 kWh in the first 30 minutes free, 1.2 kWh in the next 10 at € 0.25 → € 0.30', () => {
      const p = priced(
        version,
        'tariffrestriction_example_max_duration.json',
        [
          [0, { ENERGY: 5, TIME: 0.5 }],
          [30, { ENERGY: 1.2, TIME: 1 / 6 }],
        ],
        40,
      );
      assert.equal(p.totals.before_taxes, 0.3);
      assert.deepEqual(
        p.periods.map((period) => period.segments.find((s) => s.dimension === 'ENERGY')?.reason?.element),
        [0, 1],
      );
    });
  });

  describe(`Tariffs chapter ${version}: step_size when switching Tariff Elements (tariff_14)`, () => {
    const file = 'tariff_14_step_size.json';
    const base = '2026-11-25T15:55:00Z'; // 16:55 in Brussels

    it('#1: 16:55, 10 min charging across 17:00, 2 min parked → € 0.55 (parking billed 15 min)', () => {
      const p = priced(
        version,
        file,
        [
          [0, { ENERGY: 2, TIME: 5 / 60 }],
          [5, { ENERGY: 2, TIME: 5 / 60 }],
          [10, { PARKING_TIME: 2 / 60 }],
        ],
        12,
        base,
      );
      assert.deepEqual(
        p.components.map((c) => [c.type, c.element, minutes(c.quantity), c.before_taxes]),
        [
          ['TIME', 0, 5, 0.1],
          ['TIME', 1, 5, 0.2],
          ['PARKING_TIME', 1, 15, 0.25],
        ],
      );
      assert.deepEqual(totals(p), [0.55, 0.55]);
    });

    it('#2: 16:35, 35 min charging → 45 min billed with the 15 min step after 17:00 → € 1.30', () => {
      const p = priced(
        version,
        file,
        [
          [0, { ENERGY: 5, TIME: 25 / 60 }],
          [25, { ENERGY: 2, TIME: 10 / 60 }],
        ],
        35,
        '2026-11-25T15:35:00Z',
      );
      assert.deepEqual(
        p.periods.map((period) => period.amount),
        [0.5, 0.8],
      );
      assert.equal(p.totals.before_taxes, 1.3);
    });

    it('switching to free of charge: 19:40, 12 min charging, 20 min parked (free after 20:00) → € 0.73', () => {
      const p = priced(
        version,
        file,
        [
          [0, { ENERGY: 2, TIME: 0.2 }],
          [12, { PARKING_TIME: 8 / 60 }],
          [20, { PARKING_TIME: 0.2 }],
        ],
        32,
        '2026-11-25T18:40:00Z',
      );
      assert.equal(p.totals.before_taxes, 0.73);
      // The 8 billable minutes are rounded to 15, the 7 added to the period before 20:00.
      assert.deepEqual(
        p.periods.map((period) => period.segments.map((s) => [s.dimension, s.billed])),
        [
          [
            ['ENERGY', 0],
            ['TIME', 0.2],
          ],
          [['PARKING_TIME', 0.25]],
          [['PARKING_TIME', 0]],
        ],
      );
      // Parking after 20:00 has no element: free, and flagged (the spec advises a fallback).
      assert.ok(codes(p).includes('DIMENSION_NOT_PRICED'));
    });
  });
}

describe('Tariffs chapter 2.3.0: North American taxes', () => {
  it('tariff_19, taxes not included: 2.5 hours → C$ 5.00, taxes to be added (no line, a note)', () => {
    const p = priced('2.3.0', 'tariff_19_simple_north_american_exclusive.json', [[0, { TIME: 2.5 }]], 150);
    assert.deepEqual(p.total_cost, { before_taxes: 5, taxes: [] });
    assert.ok(codes(p).includes('TAXES_NOT_INCLUDED'));
  });

  it('tariff_20, taxes included: 2.5 hours → C$ 5.25 in all, its tax share unknown', () => {
    const p = priced('2.3.0', 'tariff_20_simple_north_american_inclusive.json', [[0, { TIME: 2.5 }]], 150);
    assert.deepEqual(p.total_cost, { before_taxes: 5.25, taxes: [] });
    assert.equal(p.totals.after_taxes, 5.25);
    assert.ok(codes(p).includes('TAX_SHARE_UNKNOWN'));
  });
});

describe('Tariffs chapter: the step_size notes of PriceComponent', () => {
  const energy = (step: number) =>
    tariff([{ price_components: [{ type: 'ENERGY', price: 0.25, step_size: step }] }], {
      tax_included: 'N/A',
    });
  const cost = (step: number) =>
    priceSession(energy(step), session(DAY, [[0, { ENERGY: 0.1152, TIME: 0.1 }]], 6), {
      policy: { componentDecimals: 3, totalDecimals: 3 },
    }).totals.before_taxes;

  it('115.2 Wh at € 0.25/kWh: step 1 → 116 Wh, € 0.029; step 25 → 125 Wh, € 0.031; step 500 → € 0.125', () => {
    assert.deepEqual([cost(1), cost(25), cost(500)], [0.029, 0.031, 0.125]);
  });

  it('PARKING_TIME step 300: parked 8 minutes, billed 10', () => {
    const t = tariff([{ price_components: [{ type: 'PARKING_TIME', price: 6, step_size: 300 }] }]);
    const p = priceSession(t, session(DAY, [[0, { PARKING_TIME: 8 / 60 }]], 8));
    assert.equal(minutes(p.dimensions[0]!.billed), 10);
    assert.equal(p.totals.before_taxes, 1);
  });
});

describe('CDRs chapter: step_size', () => {
  it('charging 21 min then connected 7 more, both stepped per 5 min: charging billed 21, parking 10', () => {
    const t = tariff([
      {
        price_components: [
          { type: 'TIME', price: 1, step_size: 300 },
          { type: 'PARKING_TIME', price: 2, step_size: 300 },
        ],
      },
    ]);
    const p = priceSession(
      t,
      session(
        DAY,
        [
          [0, { ENERGY: 5, TIME: 0.35 }],
          [21, { PARKING_TIME: 7 / 60 }],
        ],
        28,
      ),
    );
    assert.deepEqual(
      p.components.map((c) => [c.type, minutes(c.quantity)]),
      [
        ['TIME', 21],
        ['PARKING_TIME', 10],
      ],
    );
  });

  it('€ 0.20/kWh before 17:00, € 0.27 after, 500 Wh steps: 4.3 + 1.1 kWh → 5.5 kWh billed, 1.2 after 17:00', () => {
    const t = tariff(
      [
        {
          price_components: [{ type: 'ENERGY', price: 0.2, step_size: 500 }],
          restrictions: { end_time: '17:00' },
        },
        { price_components: [{ type: 'ENERGY', price: 0.27, step_size: 500 }] },
      ],
      { tax_included: 'N/A' },
    );
    const p = priceSession(
      t,
      session(
        '2026-11-25T15:00:00Z', // 16:00 in Amsterdam
        [
          [0, { ENERGY: 4.3, TIME: 1 }],
          [60, { ENERGY: 1.1, TIME: 0.5 }],
        ],
        90,
      ),
    );
    assert.deepEqual(
      p.components.map((c) => [c.price, c.quantity, c.before_taxes]),
      [
        [0.2, 4.3, 0.86],
        [0.27, 1.2, 0.324],
      ],
    );
    assert.equal(p.totals.before_taxes, 1.184);
  });

  it('€ 5/h before 17:00, € 7/h after, 10 min steps: 6 + 22 minutes → 30 billed, 24 of them after 17:00', () => {
    const t = tariff(
      [
        {
          price_components: [{ type: 'TIME', price: 5, step_size: 600 }],
          restrictions: { end_time: '17:00' },
        },
        { price_components: [{ type: 'TIME', price: 7, step_size: 600 }] },
      ],
      { tax_included: 'N/A' },
    );
    const p = priceSession(
      t,
      session(
        '2026-11-25T15:54:00Z',
        [
          [0, { ENERGY: 1, TIME: 0.1 }],
          [6, { ENERGY: 3, TIME: 22 / 60 }],
        ],
        28,
      ),
    );
    assert.deepEqual(
      p.periods.map((period) => minutes(period.segments[1]!.billed)),
      [6, 24],
    );
    assert.equal(p.totals.before_taxes, 3.3); // 0.50 + 2.80
  });

  it('€ 1/h charging, € 2/h parking, 10 min steps: 21 min + 16 min → parking billed 20, 41 in all', () => {
    const t = tariff(
      [
        {
          price_components: [
            { type: 'TIME', price: 1, step_size: 600 },
            { type: 'PARKING_TIME', price: 2, step_size: 600 },
          ],
        },
      ],
      { tax_included: 'N/A' },
    );
    const p = priceSession(
      t,
      session(
        DAY,
        [
          [0, { ENERGY: 4, TIME: 0.35 }],
          [21, { PARKING_TIME: 16 / 60 }],
        ],
        37,
      ),
    );
    assert.equal(p.totals.before_taxes, 1.0167); // 0.35 + 20 min × 2/h = 0.6667
    const billed = p.dimensions.map((d) => [d.dimension, d.unit === 'h' ? minutes(d.billed) : d.billed]);
    assert.deepEqual(billed, [
      ['ENERGY', 0],
      ['TIME', 21],
      ['PARKING_TIME', 20],
    ]);
  });
});

describe('CDRs chapter: the CDR examples, priced from their own periods and Tariff', () => {
  it('2.2.1 and 2.3.0: TIME 1.973 h at € 2.00/h, 300 s steps → 2 h, € 4.00 + 0.40', () => {
    for (const version of CHAPTERS) {
      const cdr = readExample(`${version}/cdr_example.json`) as CDR;
      const t = toCanonical('Tariff', version, cdr.tariffs![0]).value as unknown as Tariff;
      const p = priceSession(
        t,
        {
          start_date_time: cdr.start_date_time,
          end_date_time: cdr.end_date_time,
          time_zone: 'Europe/Brussels',
          charging_periods: cdr.charging_periods,
        },
        { ocpiVersion: version },
      );
      assert.deepEqual(totals(p), [4, 4.4], version);
      assert.deepEqual(sides(p.total_time_cost), [4, 4.4], version);
      // 2.3.0's Tariff has no tax_included, required in 2.3.0: NO is assumed, and it is flagged.
      assert.equal(codes(p).includes('MALFORMED_TARIFF'), version === '2.3.0', version);
    }
  });

  it('2.1.1: the same session, no VAT → € 4.00 (its Tariff writes the price as "2.00", a string: flagged)', () => {
    const cdr = readExample('2.1.1/mod_cdrs_01.json.txt') as Record<string, unknown>;
    const printed = (cdr.tariffs as Tariff[])[0]!;
    const s: PricingSession = {
      start_date_time: cdr.start_date_time as string,
      end_date_time: cdr.stop_date_time as string,
      time_zone: 'Europe/Brussels',
      charging_periods: cdr.charging_periods as ChargingPeriod[],
    };
    const asPrinted = priceSession(printed, s, { ocpiVersion: '2.1.1' });
    assert.equal(asPrinted.totals.before_taxes, 0);
    assert.ok(codes(asPrinted).includes('MALFORMED_TARIFF'));
    const fixed = JSON.parse(JSON.stringify(printed).replace('"2.00"', '2.00')) as Tariff;
    const p = priceSession(fixed, s, { ocpiVersion: '2.1.1' });
    assert.deepEqual(p.total_cost, { before_taxes: 4, taxes: [] });
  });
});
