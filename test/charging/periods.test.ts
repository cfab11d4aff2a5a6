import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CanonicalTariff,
  chargingPeriods,
  chargingTotals,
  type MeterSample,
  PeriodBuilder,
} from '../../src/charging/index.js';
import type { CDR, ChargingPeriod } from '../../src/protocol/v2_3_0/cdrs.js';
import type { TariffElement } from '../../src/protocol/v2_3_0/tariffs.js';
import { localTime } from '../../src/tariff/index.js';
import { readExample } from '../helpers/fixtures.js';

/** A canonical 2.3.0 Tariff around some elements. */
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

function energyPrice(price: number, restrictions?: TariffElement['restrictions']): TariffElement {
  return {
    price_components: [{ type: 'ENERGY', price, vat: 21, step_size: 1 }],
    ...(restrictions && { restrictions }),
  };
}

/**
 * Meter samples from a power profile: each step says the power (and current) from `minute` on,
 * and the cumulative energy at each sample is what the previous steps delivered.
 */
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

function volume(period: ChargingPeriod | undefined, type: string): number | undefined {
  return period?.dimensions.find((d) => d.type === type)?.volume;
}

function starts(periods: ChargingPeriod[]): string[] {
  return periods.map((p) => p.start_date_time);
}

function near(actual: number | undefined, expected: number, message?: string): void {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) < 1e-8,
    `${message ?? ''} ${actual} ≈ ${expected}`,
  );
}

// Peak 07:00-20:00 local, off-peak otherwise (the fallback element).
const peakOffPeak = tariff('PEAK', [
  energyPrice(0.42, { start_time: '07:00', end_time: '20:00' }),
  energyPrice(0.29),
]);

describe('chargingPeriods: time of day (Europe/Amsterdam)', () => {
  it('splits at 20:00 local, between two samples, with the energy interpolated at that instant', () => {
    // Wednesday 25 November 2026, CET (UTC+1): 20:00 local is 19:00Z; samples every 20 minutes.
    const samples = timeline('2026-11-25T17:30:00Z', [
      [0, 11],
      [20, 11],
      [40, 11],
      [60, 7.4],
      [80, 7.4],
      [100, 7.4],
      [120, 0],
    ]);
    const periods = chargingPeriods({
      samples,
      tariffs: [peakOffPeak],
      timeZone: 'Europe/Amsterdam',
      startDateTime: new Date('2026-11-25T17:30:00Z'),
    });
    assert.deepEqual(starts(periods), ['2026-11-25T17:30:00Z', '2026-11-25T19:00:00Z']);
    // 11 kW for 1 h, then 7.4 kW: 18:50Z has 13.4667 kWh, 19:00Z is half-way to 19:10Z (+1.2333).
    near(volume(periods[0], 'ENERGY'), 11 + 7.4 * (30 / 60));
    near(volume(periods[1], 'ENERGY'), 7.4 * (30 / 60));
    near(volume(periods[0], 'TIME'), 1.5);
    near(volume(periods[1], 'TIME'), 0.5);
    assert.equal(volume(periods[0], 'MAX_POWER'), 11);
    assert.equal(volume(periods[0], 'MIN_POWER'), 7.4);
    assert.ok(periods.every((p) => p.tariff_id === 'PEAK'));
  });

  it('uses the summer offset on the day DST starts: 20:00 local is 18:00Z on 29 March 2026, 19:00Z the day before', () => {
    const run = (day: string) =>
      chargingPeriods({
        samples: timeline(`${day}T17:30:00Z`, [
          [0, 11],
          [20, 11],
          [40, 11],
          [60, 0],
        ]),
        tariffs: [peakOffPeak],
        timeZone: 'Europe/Amsterdam',
        startDateTime: new Date(`${day}T17:30:00Z`),
      });
    assert.deepEqual(starts(run('2026-03-29')), ['2026-03-29T17:30:00Z', '2026-03-29T18:00:00Z']);
    assert.deepEqual(starts(run('2026-03-28')), ['2026-03-28T17:30:00Z']); // 19:00Z is after the session
  });

  it('a restriction starting in the spring-forward gap (02:30) becomes active at the jump (01:00Z)', () => {
    const t = tariff('GAP', [energyPrice(0.5, { start_time: '02:30' }), energyPrice(0.3)]);
    const periods = chargingPeriods({
      samples: timeline('2026-03-29T00:30:00Z', [
        [0, 11],
        [20, 11],
        [40, 11],
        [60, 0],
      ]),
      tariffs: [t],
      timeZone: 'Europe/Amsterdam',
      startDateTime: new Date('2026-03-29T00:30:00Z'),
    });
    // 01:59:59 CET is followed by 03:00:00 CEST at 01:00Z.
    assert.deepEqual(starts(periods), ['2026-03-29T00:30:00Z', '2026-03-29T01:00:00Z']);
  });

  it('a window inside the repeated autumn hour (02:30-03:00) is active twice', () => {
    const t = tariff('AUTUMN', [
      energyPrice(0.5, { start_time: '02:30', end_time: '03:00' }),
      energyPrice(0.3),
    ]);
    const periods = chargingPeriods({
      samples: timeline('2026-10-25T00:00:00Z', [
        [0, 11],
        [25, 11],
        [50, 11],
        [75, 11],
        [100, 11],
        [125, 11],
        [130, 0],
      ]),
      tariffs: [t],
      timeZone: 'Europe/Amsterdam',
      startDateTime: new Date('2026-10-25T00:00:00Z'),
    });
    // 02:30-03:00 CEST is 00:30-01:00Z; the clock goes back at 01:00Z; 02:30-03:00 CET is 01:30-02:00Z.
    assert.deepEqual(starts(periods), [
      '2026-10-25T00:00:00Z',
      '2026-10-25T00:30:00Z',
      '2026-10-25T01:00:00Z',
      '2026-10-25T01:30:00Z',
      '2026-10-25T02:00:00Z',
    ]);
    for (const p of periods) near(volume(p, 'ENERGY'), 11 * (volume(p, 'TIME') ?? 0));
  });

  it('localTime gives date, day of week and second of day in the zone', () => {
    assert.deepEqual(localTime(new Date('2026-11-27T23:00:00Z'), 'Europe/Amsterdam'), {
      date: '2026-11-28',
      dayOfWeek: 'SATURDAY',
      secondOfDay: 0,
    });
    assert.deepEqual(localTime(Date.parse('2026-07-01T12:34:56Z'), 'America/New_York'), {
      date: '2026-07-01',
      dayOfWeek: 'WEDNESDAY',
      secondOfDay: 8 * 3600 + 34 * 60 + 56,
    });
  });
});

describe('chargingPeriods: thresholds between samples', () => {
  it('splits where the interpolated energy crosses max_kwh/min_kwh, with exactly the threshold before it', () => {
    const t = tariff('KWH', [
      energyPrice(0.25, { max_kwh: 10 }),
      energyPrice(0.35, { min_kwh: 10, max_kwh: 20 }),
      energyPrice(0.45),
    ]);
    // 22 kW, a sample every 15 minutes: 0, 5.5, 11, 16.5, 22 kWh.
    const samples = timeline('2026-11-25T10:00:00Z', [
      [0, 22],
      [15, 22],
      [30, 22],
      [45, 22],
      [60, 0],
    ]);
    const periods = chargingPeriods({
      samples,
      tariffs: [t],
      timeZone: 'Europe/Amsterdam',
      startDateTime: new Date('2026-11-25T10:00:00Z'),
    });
    // 10 kWh: 10:15 + 4.5/5.5 × 900 s = +736.364 s; 20 kWh: 10:45 + 3.5/5.5 × 900 s = +572.727 s.
    assert.deepEqual(starts(periods), [
      '2026-11-25T10:00:00Z',
      '2026-11-25T10:27:16.364Z',
      '2026-11-25T10:54:32.727Z',
    ]);
    assert.equal(volume(periods[0], 'ENERGY'), 10);
    near(volume(periods[1], 'ENERGY'), 10);
    near(volume(periods[2], 'ENERGY'), 2);
    near(chargingTotals(periods).total_energy, 22);
    // Time splits at the same instants: 27:16.364 before the first crossing.
    assert.equal(volume(periods[0], 'TIME'), 0.454545556); // 1636.364 s
  });

  it('splits at min_duration/max_duration instants between samples (spec example: first 30 minutes free)', () => {
    const t = readExample('2.3.0/tariffrestriction_example_max_duration.json') as CanonicalTariff;
    const periods = chargingPeriods({
      samples: timeline('2026-11-25T08:00:00Z', [
        [0, 12],
        [20, 12],
        [40, 6],
        [70, 0],
      ]),
      tariffs: [t],
      timeZone: 'Europe/Berlin',
      startDateTime: new Date('2026-11-25T08:00:00Z'),
    });
    assert.deepEqual(starts(periods), [
      '2026-11-25T08:00:00Z',
      '2026-11-25T08:30:00Z',
      '2026-11-25T09:00:00Z',
    ]);
    // 12 kW to 08:40 (8 kWh), then 6 kW: 6 kWh at 08:30, 10 kWh at 09:00, 11 kWh at 09:10.
    near(volume(periods[0], 'ENERGY'), 6);
    near(volume(periods[1], 'ENERGY'), 4);
    near(volume(periods[2], 'ENERGY'), 1);
  });

  it('toggles with min_power at the samples where power crosses it, and parks after charging', () => {
    const t = tariff('FAST', [energyPrice(0.59, { min_power: 50 }), energyPrice(0.39)]);
    const periods = chargingPeriods({
      samples: timeline('2026-11-25T12:00:00Z', [
        [0, 22],
        [10, 60],
        [20, 60],
        [30, 45],
        [40, 60],
        [50, 0],
      ]),
      tariffs: [t],
      timeZone: 'Europe/Amsterdam',
      startDateTime: new Date('2026-11-25T12:00:00Z'),
      end: new Date('2026-11-25T13:20:00Z'),
    });
    assert.deepEqual(starts(periods), [
      '2026-11-25T12:00:00Z',
      '2026-11-25T12:10:00Z', // ≥ 50 kW: the 0.59 element
      '2026-11-25T12:30:00Z', // 45 kW: below min_power again
      '2026-11-25T12:40:00Z',
      '2026-11-25T12:50:00Z', // power 0: parking
    ]);
    assert.deepEqual(
      periods.map((p) => [volume(p, 'MIN_POWER'), volume(p, 'MAX_POWER')]),
      [
        [22, 22],
        [60, 60],
        [45, 45],
        [60, 60],
        [0, 0],
      ],
    );
    near(volume(periods[1], 'ENERGY'), 20);
    near(volume(periods[1], 'TIME'), 20 / 60);
    const parking = periods[4]!;
    assert.deepEqual(
      parking.dimensions.map((d) => d.type),
      ['PARKING_TIME', 'MIN_POWER', 'MAX_POWER'],
    );
    near(volume(parking, 'PARKING_TIME'), 0.5);
  });
});

describe('chargingPeriods: charging, parking and days', () => {
  it('charging then parking with the spec tariff "0.25/kWh + parking + start fee"', () => {
    const t = readExample('2.3.0/tariff_10_025kwh_parking_start.json') as CanonicalTariff;
    const periods = chargingPeriods({
      samples: timeline('2026-11-25T09:00:00Z', [
        [0, 10],
        [60, 10],
        [120, 0],
      ]),
      tariffs: [t],
      timeZone: 'Europe/Berlin',
      startDateTime: new Date('2026-11-25T09:00:00Z'),
      end: new Date('2026-11-25T11:40:00Z'),
    });
    assert.deepEqual(periods, [
      {
        start_date_time: '2026-11-25T09:00:00Z',
        dimensions: [
          { type: 'ENERGY', volume: 20 },
          { type: 'TIME', volume: 2 },
          { type: 'MIN_POWER', volume: 10 },
          { type: 'MAX_POWER', volume: 10 },
        ],
        tariff_id: '18',
      },
      {
        start_date_time: '2026-11-25T11:00:00Z',
        dimensions: [
          { type: 'PARKING_TIME', volume: 0.666666667 }, // 40 minutes, to 9 decimals
          { type: 'MIN_POWER', volume: 0 },
          { type: 'MAX_POWER', volume: 0 },
        ],
        tariff_id: '18',
      },
    ]);
  });

  it('power 0 while the EVSE holds back energy (evseSuspended) is charging time, not parking', () => {
    const samples: MeterSample[] = [
      { time: new Date('2026-11-25T09:00:00Z'), energyKwh: 0, powerKw: 0, evseSuspended: true },
      { time: new Date('2026-11-25T09:30:00Z'), energyKwh: 0, powerKw: 11 },
      { time: new Date('2026-11-25T10:00:00Z'), energyKwh: 5.5, powerKw: 0 },
    ];
    const periods = chargingPeriods({
      samples,
      tariffs: [],
      timeZone: 'Europe/Amsterdam',
      startDateTime: new Date('2026-11-25T09:00:00Z'),
      end: new Date('2026-11-25T10:15:00Z'),
    });
    // Without a Tariff only charging vs parking splits; no tariff_id.
    assert.deepEqual(starts(periods), ['2026-11-25T09:00:00Z', '2026-11-25T10:00:00Z']);
    near(volume(periods[0], 'TIME'), 1);
    near(volume(periods[1], 'PARKING_TIME'), 0.25);
    assert.ok(periods.every((p) => p.tariff_id === undefined));
  });

  it('splits at local midnight Friday → Saturday with the spec complex tariff (weekday vs weekend above 32 A)', () => {
    const t = readExample('2.3.0/tariff_4_complex.json') as CanonicalTariff;
    // Friday 27 November 2026, 23:00 local (CET) = 22:00Z; 40 A, 27.6 kW; samples every 40 minutes.
    const periods = chargingPeriods({
      samples: timeline('2026-11-27T22:00:00Z', [
        [0, 27.6, 40],
        [40, 27.6, 40],
        [80, 27.6, 40],
        [120, 0, 0],
      ]),
      tariffs: [t],
      timeZone: 'Europe/Berlin',
      startDateTime: new Date('2026-11-27T22:00:00Z'),
    });
    assert.deepEqual(starts(periods), ['2026-11-27T22:00:00Z', '2026-11-27T23:00:00Z']);
    near(volume(periods[0], 'ENERGY'), 27.6);
    near(volume(periods[1], 'ENERGY'), 27.6);
    assert.equal(volume(periods[0], 'MIN_CURRENT'), 40);
    assert.equal(volume(periods[1], 'MAX_CURRENT'), 40);
    assert.ok(periods.every((p) => p.tariff_id === '14'));
  });

  it('spec tariff_14 (step_size examples): charging split at 17:00 local, parking after, unpriced parking from 20:00', () => {
    const t = readExample('2.3.0/tariff_14_step_size.json') as CanonicalTariff;
    const run = (start: string, chargingMinutes: number, endMinute: number) =>
      chargingPeriods({
        samples: timeline(start, [
          [0, 11],
          [chargingMinutes, 0],
        ]),
        tariffs: [t],
        timeZone: 'Europe/Berlin',
        startDateTime: new Date(start),
        end: new Date(Date.parse(start) + endMinute * 60_000),
      });
    // 16:55 CET: 10 min charging across 17:00, then 2 min parked.
    assert.deepEqual(starts(run('2026-11-25T15:55:00Z', 10, 12)), [
      '2026-11-25T15:55:00Z',
      '2026-11-25T16:00:00Z',
      '2026-11-25T16:05:00Z',
    ]);
    // 19:40 CET: 12 min charging, then parked across 20:00 (free after).
    assert.deepEqual(starts(run('2026-11-25T18:40:00Z', 12, 32)), [
      '2026-11-25T18:40:00Z',
      '2026-11-25T18:52:00Z',
      '2026-11-25T19:00:00Z',
    ]);
  });

  it("the 2.3.0 cdr_example's session from a meter timeline: one period, the CDR's totals", () => {
    const cdr = readExample('2.3.0/cdr_example.json') as CDR;
    const t = cdr.tariffs![0]!;
    // 17:39:09 to 19:37:32, 15.342 kWh.
    const periods = chargingPeriods({
      samples: [
        { time: new Date('2024-12-05T17:39:09Z'), energyKwh: 0, powerKw: 7.776 },
        { time: new Date('2024-12-05T19:37:32Z'), energyKwh: 15.342, powerKw: 0 },
      ],
      tariffs: [t],
      timeZone: 'Europe/Brussels',
      startDateTime: new Date(cdr.start_date_time),
      end: new Date(cdr.end_date_time),
    });
    assert.equal(periods.length, 1);
    assert.equal(periods[0]!.tariff_id, t.id);
    const totals = chargingTotals(periods);
    assert.equal(Math.round(totals.total_time * 1000) / 1000, cdr.total_time);
    assert.equal(totals.total_energy, cdr.total_energy);
  });

  it('switches tariff_id where one Tariff ends and the next begins', () => {
    const a = tariff('A', [energyPrice(0.3)], { end_date_time: '2026-11-25T12:00:00Z' });
    const b = tariff('B', [energyPrice(0.35)], { start_date_time: '2026-11-25T12:00:00Z' });
    const periods = chargingPeriods({
      samples: timeline('2026-11-25T11:30:00Z', [
        [0, 11],
        [20, 11],
        [40, 11],
        [60, 0],
      ]),
      tariffs: [a, b],
      timeZone: 'Europe/Amsterdam',
      startDateTime: new Date('2026-11-25T11:30:00Z'),
    });
    assert.deepEqual(
      periods.map((p) => [p.start_date_time, p.tariff_id]),
      [
        ['2026-11-25T11:30:00Z', 'A'],
        ['2026-11-25T12:00:00Z', 'B'],
      ],
    );
  });

  it('takes the first sample power from the session start when the first sample comes later', () => {
    const periods = chargingPeriods({
      samples: [
        { time: new Date('2026-11-25T10:10:00Z'), energyKwh: 2, powerKw: 12 },
        { time: new Date('2026-11-25T10:20:00Z'), energyKwh: 4, powerKw: 0 },
      ],
      tariffs: [peakOffPeak],
      timeZone: 'Europe/Amsterdam',
      startDateTime: new Date('2026-11-25T10:00:00Z'),
    });
    assert.equal(periods.length, 1);
    assert.equal(periods[0]!.start_date_time, '2026-11-25T10:00:00Z');
    near(volume(periods[0], 'ENERGY'), 4);
    near(volume(periods[0], 'TIME'), 20 / 60);
  });
});

/**
 * A long, uneven session from Friday 27 November 2026 16:00 local: power changes every 1 to 7
 * units (minutes by default), sometimes 0.
 */
function longSession(count: number, unitMs = 60_000): MeterSample[] {
  const samples: MeterSample[] = [];
  let t = Date.parse('2026-11-27T15:00:00Z');
  let energy = 0;
  let seed = 7;
  const next = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  for (let i = 0; i < count; i++) {
    const powerKw = next() < 0.15 ? 0 : Math.round(next() * 600) / 10;
    const currentA = Math.round((powerKw * 1000) / 690);
    samples.push({ time: new Date(t), energyKwh: energy, powerKw, currentA });
    const units = 1 + Math.floor(next() * 7);
    energy += (powerKw * units * unitMs) / 3_600_000;
    t += units * unitMs;
  }
  return samples;
}

// Every kind of boundary at once: time of day, day of week, kWh, duration, power, current.
const busy = tariff('BUSY', [
  { price_components: [{ type: 'FLAT', price: 1, step_size: 1 }] },
  energyPrice(0.6, { min_power: 40, day_of_week: ['SATURDAY', 'SUNDAY'] }),
  energyPrice(0.5, { start_time: '17:00', end_time: '21:00' }),
  energyPrice(0.2, { max_kwh: 15 }),
  energyPrice(0.3, { min_kwh: 40, max_current: 50 }),
  { price_components: [{ type: 'TIME', price: 1, step_size: 60 }], restrictions: { min_duration: 7200 } },
  {
    price_components: [{ type: 'PARKING_TIME', price: 3, step_size: 60 }],
    restrictions: { start_time: '08:00', end_time: '20:00' },
  },
  energyPrice(0.4),
]);

describe('chargingPeriods: totals and the incremental builder', () => {
  it("periods' dimensions sum to the session totals", () => {
    const samples = longSession(400);
    const last = samples.at(-1)!;
    const start = samples[0]!.time;
    const end = new Date(last.time.getTime() + 45 * 60_000);
    const periods = chargingPeriods({
      samples,
      tariffs: [busy],
      timeZone: 'Europe/Amsterdam',
      startDateTime: start,
      end,
    });
    assert.ok(periods.length > 20, `${periods.length} periods`);
    const totals = chargingTotals(periods);
    // Each period's volumes are rounded to 9 decimals; the sums stay within a µWh per period.
    assert.ok(Math.abs(totals.total_energy - last.energyKwh) < 1e-9 * periods.length);
    assert.ok(
      Math.abs(totals.total_time - (end.getTime() - start.getTime()) / 3_600_000) < 1e-9 * periods.length,
    );
    // Each period is either charging or parking, never both.
    for (const p of periods)
      assert.ok(volume(p, 'TIME') === undefined || volume(p, 'PARKING_TIME') === undefined);
    // Periods are in order and start inside the session.
    const times = periods.map((p) => Date.parse(p.start_date_time));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
    assert.equal(new Set(times).size, times.length);
  });

  it('PeriodBuilder: closed periods never change, and periods() so far equal the batch result', () => {
    const samples = longSession(150);
    const options = { tariffs: [busy], timeZone: 'Europe/Amsterdam', startDateTime: samples[0]!.time };
    const builder = new PeriodBuilder(options);
    const final = chargingPeriods({ ...options, samples });
    for (let i = 0; i < samples.length; i++) {
      builder.add(samples[i]!);
      const closed = builder.closedPeriods();
      assert.deepEqual(closed, final.slice(0, closed.length), `closed after sample ${i}`);
      if (i % 10 === 0)
        assert.deepEqual(
          builder.periods(),
          chargingPeriods({ ...options, samples: samples.slice(0, i + 1) }),
        );
    }
    assert.deepEqual(builder.periods(), final);
  });

  it('PeriodBuilder.periods(end) measures the open period to end without changing the builder', () => {
    const samples = timeline('2026-11-25T09:00:00Z', [
      [0, 10],
      [60, 0],
    ]);
    const builder = new PeriodBuilder({
      tariffs: [peakOffPeak],
      timeZone: 'Europe/Amsterdam',
      startDateTime: new Date('2026-11-25T09:00:00Z'),
    });
    for (const s of samples) builder.add(s);
    const withTail = builder.periods(new Date('2026-11-25T10:30:00Z'));
    assert.equal(withTail.length, 2);
    near(volume(withTail[1], 'PARKING_TIME'), 0.5);
    assert.equal(builder.periods().length, 1);
    assert.deepEqual(builder.closedPeriods(), []);
    builder.add({ time: new Date('2026-11-25T10:10:00Z'), energyKwh: 10, powerKw: 0 });
    near(volume(builder.periods()[1], 'PARKING_TIME'), 10 / 60);
  });

  it('is linear: 50,000 samples (1 to 7 s apart, two days) in well under the test timeout', () => {
    const samples = longSession(50_000, 1000);
    const started = performance.now();
    const periods = chargingPeriods({
      samples,
      tariffs: [busy],
      timeZone: 'Europe/Amsterdam',
      startDateTime: samples[0]!.time,
    });
    const ms = performance.now() - started;
    assert.ok(periods.length > 1000);
    assert.ok(ms < 10_000, `${Math.round(ms)} ms`);
  });

  it('rejects samples out of order, before the start, and an unknown time zone', () => {
    const builder = new PeriodBuilder({
      tariffs: [],
      timeZone: 'Europe/Amsterdam',
      startDateTime: new Date('2026-11-25T09:00:00Z'),
    });
    assert.throws(
      () => builder.add({ time: new Date('2026-11-25T08:59:59Z'), energyKwh: 0, powerKw: 1 }),
      RangeError,
    );
    builder.add({ time: new Date('2026-11-25T09:10:00Z'), energyKwh: 0, powerKw: 1 });
    assert.throws(
      () => builder.add({ time: new Date('2026-11-25T09:05:00Z'), energyKwh: 0, powerKw: 1 }),
      RangeError,
    );
    assert.throws(() => builder.periods(new Date('2026-11-25T09:00:00Z')), RangeError);
    assert.throws(
      () => new PeriodBuilder({ tariffs: [], timeZone: 'Mars/Olympus', startDateTime: new Date() }),
      RangeError,
    );
  });
});
