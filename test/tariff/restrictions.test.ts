/**
 * Every TariffRestriction, judged by the engine on ChargingPeriods: edges (inclusive/exclusive),
 * local time with its midnights and DST changes, and which element prices a dimension.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TariffElement, TariffRestrictions } from '../../src/protocol/v2_3_0/tariffs.js';
import { localTime, priceSession, restrictionsMatch } from '../../src/tariff/index.js';
import { codes, type Dimensions, example, type PeriodSpec, session, tariff } from './helpers.js';

/** ENERGY at `price` per kWh, restricted. */
function energy(price: number, restrictions?: TariffRestrictions): TariffElement {
  return {
    price_components: [{ type: 'ENERGY', price, step_size: 1 }],
    ...(restrictions !== undefined && { restrictions }),
  };
}

/** The element pricing ENERGY in each period of a session of 1 kWh periods (Amsterdam time). */
function elementsOf(
  elements: TariffElement[],
  base: string,
  specs: PeriodSpec[],
  end: number,
  zone?: string,
) {
  const p = priceSession(tariff(elements, { tax_included: 'N/A' }), session(base, specs, end, zone));
  return {
    pricing: p,
    elements: p.periods.map(
      (period) => period.segments.find((s) => s.dimension === 'ENERGY')?.reason?.element,
    ),
  };
}

const kwh = (n = 1, extra: Dimensions = {}): Dimensions => ({ ENERGY: n, TIME: 0.25, ...extra });

describe('start_time / end_time (local time of the Location)', () => {
  const peak = [energy(0.4, { start_time: '07:00', end_time: '20:00' }), energy(0.2)];

  it('start_time is inclusive, end_time exclusive', () => {
    // 06:45, 07:00, 19:45 and 20:00 in Amsterdam (CET, UTC+1), 15-minute periods.
    const base = '2026-11-25T05:45:00Z';
    const { elements } = elementsOf(
      peak,
      base,
      [
        [0, kwh()],
        [15, kwh()],
      ],
      30,
    );
    assert.deepEqual(elements, [1, 0]);
    const evening = elementsOf(
      peak,
      '2026-11-25T18:45:00Z',
      [
        [0, kwh()],
        [15, kwh()],
      ],
      30,
    );
    assert.deepEqual(evening.elements, [0, 1]);
  });

  it('end_time before start_time wraps past midnight (22:00-06:00)', () => {
    const night = [energy(0.1, { start_time: '22:00', end_time: '06:00' }), energy(0.3)];
    // 21:30, 23:00, 05:30 and 06:00 local.
    const { elements } = elementsOf(
      night,
      '2026-11-25T20:30:00Z',
      [
        [0, kwh()],
        [90, kwh()],
        [480, kwh()],
        [510, kwh()],
      ],
      540,
    );
    assert.deepEqual(elements, [1, 0, 0, 1]);
  });

  it('end_time 00:00 is the end of the day; start_time equal to end_time is the whole day', () => {
    const evening = [energy(0.1, { start_time: '20:00', end_time: '00:00' }), energy(0.3)];
    assert.deepEqual(
      elementsOf(
        evening,
        '2026-11-25T22:45:00Z', // 23:45 local, then 00:00
        [
          [0, kwh()],
          [15, kwh()],
        ],
        30,
      ).elements,
      [0, 1],
    );
    // The spec says nothing of equal times; read as the wrap-around rule (a full turn), not as
    // "never", which would silently make the dimension free.
    for (const time of ['00:00', '13:30']) {
      const all = [energy(0.1, { start_time: time, end_time: time }), energy(0.3)];
      const { elements } = elementsOf(
        all,
        '2026-11-25T11:00:00Z',
        [
          [0, kwh()],
          [300, kwh()],
          [700, kwh()],
        ],
        720,
      );
      assert.deepEqual(elements, [0, 0, 0], time);
    }
  });

  it('start_time alone runs to the end of the day, end_time alone from its start', () => {
    const from = [energy(0.1, { start_time: '18:00' }), energy(0.3)];
    const until = [energy(0.1, { end_time: '06:00' }), energy(0.3)];
    const specs: PeriodSpec[] = [
      [0, kwh()], // 17:00 local
      [90, kwh()], // 18:30
      [420, kwh()], // 00:00
      [780, kwh()], // 06:00
    ];
    assert.deepEqual(elementsOf(from, '2026-11-25T16:00:00Z', specs, 800).elements, [1, 0, 1, 1]);
    assert.deepEqual(elementsOf(until, '2026-11-25T16:00:00Z', specs, 800).elements, [1, 1, 0, 1]);
  });

  it('uses the summer offset on the day DST starts: 20:00 local is 18:00Z on 29 March 2026, 19:00Z the day before', () => {
    const until20 = [energy(0.4, { end_time: '20:00' }), energy(0.2)];
    const at = (base: string) =>
      elementsOf(
        until20,
        base,
        [
          [0, kwh()],
          [30, kwh()],
        ],
        60,
      ).elements;
    assert.deepEqual(at('2026-03-29T17:30:00Z'), [0, 1]); // 19:30 CEST, 20:00 CEST
    assert.deepEqual(at('2026-03-28T18:30:00Z'), [0, 1]); // 19:30 CET, 20:00 CET
  });

  it('a window starting in the spring-forward gap (02:30) is active from the jump (01:00Z)', () => {
    const gap = [energy(0.1, { start_time: '02:30', end_time: '05:00' }), energy(0.3)];
    // 00:30Z = 01:30 CET (before the window); 01:00Z = 03:00 CEST (inside it).
    const { elements } = elementsOf(
      gap,
      '2026-03-29T00:30:00Z',
      [
        [0, kwh()],
        [30, kwh()],
      ],
      60,
    );
    assert.deepEqual(elements, [1, 0]);
  });

  it('a period across the spring-forward jump into such a window is flagged (the jump is on the hour)', () => {
    const gap = [energy(0.1, { start_time: '02:30', end_time: '05:00' }), energy(0.3)];
    // 00:40Z = 01:40 CET (before the window) to 01:10Z = 03:10 CEST (inside it): the window opens
    // at 01:00Z, an offset change exactly at the start of an hour.
    const { elements, pricing } = elementsOf(gap, '2026-03-29T00:40:00Z', [[0, kwh()]], 30);
    assert.deepEqual(elements, [1]);
    assert.ok(codes(pricing).includes('PERIOD_SPANS_COMPONENT_CHANGE'));
  });

  it('a window inside the repeated autumn hour (02:30-03:00) applies both times', () => {
    const repeated = [energy(0.1, { start_time: '02:30', end_time: '03:00' }), energy(0.3)];
    // 25 October 2026: 00:30Z = 02:30 CEST, 01:00Z = 02:00 CET, 01:30Z = 02:30 CET, 02:00Z = 03:00 CET.
    const { elements, pricing } = elementsOf(
      repeated,
      '2026-10-25T00:00:00Z',
      [
        [0, kwh()],
        [30, kwh()],
        [60, kwh()],
        [90, kwh()],
        [120, kwh()],
      ],
      150,
    );
    assert.deepEqual(elements, [1, 0, 1, 0, 1]);
    assert.ok(!codes(pricing).includes('PERIOD_SPANS_COMPONENT_CHANGE'));
  });

  it('a period across the boundary is priced as at its start and flagged: the CPO should have split it', () => {
    const { elements, pricing } = elementsOf(peak, '2026-11-25T18:30:00Z', [[0, kwh(10)]], 60);
    assert.deepEqual(elements, [0]); // 19:30: peak
    const spans = pricing.notes.find((n) => n.code === 'PERIOD_SPANS_COMPONENT_CHANGE');
    assert.deepEqual([spans?.severity, spans?.periods, spans?.dimension], ['review', [0], 'ENERGY']);
  });

  it('a boundary of a shadowed element inside a period is no reason to split', () => {
    const shadowed = [energy(0.3), energy(0.1, { start_time: '20:00' })];
    const { pricing } = elementsOf(shadowed, '2026-11-25T18:30:00Z', [[0, kwh(10)]], 60);
    assert.ok(!codes(pricing).includes('PERIOD_SPANS_COMPONENT_CHANGE'));
  });
});

describe('day_of_week, start_date, end_date (local dates)', () => {
  it('day_of_week is the local day: Sunday 23:30 UTC is Monday in Amsterdam', () => {
    const weekend = [energy(0.2, { day_of_week: ['SATURDAY', 'SUNDAY'] }), energy(0.4)];
    const { elements } = elementsOf(
      weekend,
      '2026-11-29T22:30:00Z', // Sunday 23:30 local
      [
        [0, kwh()],
        [30, kwh()], // Monday 00:00 local
      ],
      60,
    );
    assert.deepEqual(elements, [0, 1]);
  });

  it('each field is judged on its own: in a window that wrapped past midnight the day is already the next one', () => {
    const fridayNight = [
      energy(0.1, { start_time: '22:00', end_time: '02:00', day_of_week: ['FRIDAY'] }),
      energy(0.3),
    ];
    const { elements } = elementsOf(
      fridayNight,
      '2026-11-27T21:30:00Z', // Friday 22:30 local
      [
        [0, kwh()],
        [120, kwh()], // Saturday 00:30 local: in the window, but not a Friday
      ],
      150,
    );
    assert.deepEqual(elements, [0, 1]);
  });

  it('start_date is inclusive, end_date exclusive, both local', () => {
    const december = [energy(0.5, { start_date: '2026-12-01', end_date: '2027-01-01' }), energy(0.3)];
    const { elements } = elementsOf(
      december,
      '2026-11-30T22:30:00Z', // 30 November 23:30 local
      [
        [0, kwh()],
        [30, kwh()], // 1 December 00:00 local
      ],
      60,
    );
    assert.deepEqual(elements, [1, 0]);
    const newYear = elementsOf(
      december,
      '2026-12-31T22:30:00Z', // 31 December 23:30 local
      [
        [0, kwh()],
        [30, kwh()], // 1 January 00:00 local
      ],
      60,
    );
    assert.deepEqual(newYear.elements, [0, 1]);
  });
});

describe('min_kwh / max_kwh, min_duration / max_duration', () => {
  const tiers = [energy(0.25, { max_kwh: 10 }), energy(0.35, { min_kwh: 10, max_kwh: 20 }), energy(0.45)];

  it('energy is what was delivered before the period: min inclusive, max exclusive', () => {
    const { elements, pricing } = elementsOf(
      tiers,
      '2026-11-25T10:00:00Z',
      [
        [0, kwh(10)],
        [30, kwh(10)],
        [60, kwh(2)],
      ],
      90,
    );
    assert.deepEqual(elements, [0, 1, 2]);
    assert.equal(pricing.totals.before_taxes, 2.5 + 3.5 + 0.9);
  });

  it('a period crossing a kWh threshold is flagged', () => {
    const { pricing } = elementsOf(tiers, '2026-11-25T10:00:00Z', [[0, kwh(12)]], 60);
    assert.equal(pricing.totals.before_taxes, 3); // 12 kWh at the first tier's price
    assert.ok(codes(pricing).includes('PERIOD_SPANS_COMPONENT_CHANGE'));
  });

  it('durations count from the start of charging, not of a reservation before it', () => {
    const firstHalfHour = [energy(0, { max_duration: 1800 }), energy(0.3)];
    const t = tariff(
      [
        ...firstHalfHour,
        {
          price_components: [{ type: 'TIME', price: 6, step_size: 60 }],
          restrictions: { reservation: 'RESERVATION' },
        },
      ],
      { tax_included: 'N/A' },
    );
    const p = priceSession(
      t,
      session(
        '2026-11-25T10:00:00Z',
        [
          [0, { RESERVATION_TIME: 0.5 }],
          [30, kwh(5)],
          [60, kwh(5)],
        ],
        90,
      ),
    );
    // The reservation's 30 minutes do not use up the free half hour of charging.
    assert.deepEqual(
      p.components.map((c) => [c.type, c.element, c.before_taxes]),
      [
        ['TIME', 2, 3],
        ['ENERGY', 0, 0],
        ['ENERGY', 1, 1.5],
      ],
    );
  });
});

describe('min/max_power and min/max_current', () => {
  const fast = [energy(0.59, { min_power: 50 }), energy(0.39)];

  it('a power restriction holds for a period only if it holds from its MIN to its MAX', () => {
    const { elements, pricing } = elementsOf(
      fast,
      '2026-11-25T10:00:00Z',
      [
        [0, kwh(20, { MIN_POWER: 60, MAX_POWER: 75 })],
        [20, kwh(10, { MIN_POWER: 20, MAX_POWER: 40 })],
        [40, kwh(10, { MIN_POWER: 40, MAX_POWER: 60 })],
      ],
      60,
    );
    assert.deepEqual(elements, [0, 1, 1]);
    // The third reached 50 kW only part of the time: it should have been split.
    assert.deepEqual(pricing.notes.find((n) => n.code === 'PERIOD_SPANS_COMPONENT_CHANGE')?.periods, [2]);
  });

  it("a Session's average POWER stands in for MIN/MAX_POWER", () => {
    const { elements } = elementsOf(fast, '2026-11-25T10:00:00Z', [[0, kwh(20, { POWER: 55 })]], 20);
    assert.deepEqual(elements, [0]);
  });

  it('without any power measured the restriction cannot hold, and a note says so', () => {
    const { elements, pricing } = elementsOf(fast, '2026-11-25T10:00:00Z', [[0, kwh(20)]], 20);
    assert.deepEqual(elements, [1]);
    const n = pricing.notes.find((x) => x.code === 'RESTRICTION_NOT_MEASURED');
    assert.deepEqual([n?.severity, n?.element, n?.periods], ['review', 0, [0]]);
    assert.deepEqual(pricing.periods[0]!.segments[0]!.reason?.skipped, [{ element: 0, failed: 'min_power' }]);
  });

  it('max_current: the complex example on a weekday at 40 A takes the weekday element', () => {
    const p = priceSession(
      example('2.3.0', 'tariff_4_complex.json'),
      session('2026-11-30T08:30:00Z', [[0, { ENERGY: 20, TIME: 1, MIN_CURRENT: 40, MAX_CURRENT: 40 }]], 60),
    );
    assert.deepEqual(
      p.components.map((c) => [c.type, c.element]),
      [
        ['FLAT', 0],
        ['TIME', 2],
      ],
    );
  });
});

describe('which element prices a dimension', () => {
  it('per dimension, the first element with a component of that dimension whose restrictions hold', () => {
    // The 2.1.1 complex example: its first element (FLAT only, no restrictions) matches always,
    // and still does not stop TIME or PARKING_TIME from being priced by later elements: the rule
    // is per dimension in every version, though 2.1.1 words it as "the first tariff with matching
    // restrictions".
    const t = {
      id: '11',
      currency: 'EUR',
      elements: [
        { price_components: [{ type: 'FLAT', price: 2.5, step_size: 1 }] },
        { price_components: [{ type: 'TIME', price: 1, step_size: 900 }], restrictions: { max_power: 32 } },
        {
          price_components: [{ type: 'TIME', price: 2, step_size: 600 }],
          restrictions: {
            min_power: 32,
            day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'],
          },
        },
      ],
      last_updated: '2015-06-29T20:39:09Z',
    } as never;
    const p = priceSession(
      t,
      session('2026-11-30T08:30:00Z', [[0, { ENERGY: 40, TIME: 1, MIN_POWER: 40, MAX_POWER: 40 }]], 60),
      { ocpiVersion: '2.1.1' },
    );
    assert.deepEqual(p.total_cost, { before_taxes: 4.5, taxes: [] });
  });

  it('each FLAT component that applies is charged once: a start fee, and an overstay fee from 1 hour on', () => {
    const t = tariff(
      [
        {
          price_components: [{ type: 'FLAT', price: 5, step_size: 0 }],
          restrictions: { min_duration: 3600 },
        },
        {
          price_components: [
            { type: 'FLAT', price: 0.5, step_size: 0 },
            { type: 'ENERGY', price: 0.3, step_size: 1 },
          ],
        },
      ],
      { tax_included: 'N/A' },
    );
    const p = priceSession(
      t,
      session(
        '2026-11-25T10:00:00Z',
        [
          [0, kwh(10)],
          [30, kwh(5)],
          [60, kwh(5)], // from here the overstay element's FLAT applies
          [90, kwh(5)],
        ],
        120,
      ),
    );
    assert.deepEqual(
      p.components.map((c) => [c.type, c.element, c.first_period, c.before_taxes]),
      [
        ['FLAT', 1, 0, 0.5],
        ['ENERGY', 1, 0, 7.5],
        ['FLAT', 0, 2, 5],
      ],
    );
    assert.deepEqual(p.total_fixed_cost, { before_taxes: 5.5, taxes: [] });
  });

  it('a FLAT beside only PARKING_TIME is a parking fee: total_parking_cost', () => {
    const t = tariff(
      [
        { price_components: [{ type: 'ENERGY', price: 0.3, step_size: 1 }] },
        {
          price_components: [
            { type: 'FLAT', price: 2, step_size: 0 },
            { type: 'PARKING_TIME', price: 1, step_size: 1 },
          ],
        },
      ],
      { tax_included: 'N/A' },
    );
    const p = priceSession(
      t,
      session(
        '2026-11-25T10:00:00Z',
        [
          [0, kwh(10)],
          [60, { PARKING_TIME: 1 }],
        ],
        120,
      ),
    );
    assert.deepEqual(p.total_parking_cost, { before_taxes: 3, taxes: [] });
    assert.equal(p.total_fixed_cost, undefined);
  });

  it('reservation elements never price charging, and charging elements never a reservation', () => {
    const t = tariff(
      [
        {
          price_components: [{ type: 'TIME', price: 9, step_size: 1 }],
          restrictions: { reservation: 'RESERVATION' },
        },
        { price_components: [{ type: 'TIME', price: 1, step_size: 1 }] },
      ],
      { tax_included: 'N/A' },
    );
    const p = priceSession(
      t,
      session(
        '2026-11-25T10:00:00Z',
        [
          [0, { RESERVATION_TIME: 1 }],
          [60, { ENERGY: 10, TIME: 1 }],
        ],
        120,
      ),
    );
    assert.deepEqual(
      p.components.map((c) => [c.element, c.context, c.cdr_field, c.before_taxes]),
      [
        [0, 'reservation', 'total_reservation_cost', 9],
        [1, 'charging', 'total_time_cost', 1],
      ],
    );
  });

  it('restrictionsMatch (src/charging splits periods with it) judges an instant the same way', () => {
    const ctx = (iso: string, extra = {}) => ({
      local: () => localTime(Date.parse(iso), 'Europe/Amsterdam'),
      energyKwh: 12,
      durationSeconds: 600,
      ...extra,
    });
    assert.equal(
      restrictionsMatch({ start_time: '20:00', end_time: '06:00' }, ctx('2026-11-25T22:00:00Z')),
      true,
    );
    assert.equal(
      restrictionsMatch({ start_time: '20:00', end_time: '06:00' }, ctx('2026-11-25T12:00:00Z')),
      false,
    );
    assert.equal(restrictionsMatch({ start_time: '25:00' }, ctx('2026-11-25T12:00:00Z')), false);
    assert.equal(restrictionsMatch({ min_kwh: 12, max_duration: 601 }, ctx('2026-11-25T12:00:00Z')), true);
    assert.equal(restrictionsMatch({ max_power: 20 }, ctx('2026-11-25T12:00:00Z')), false);
    assert.equal(restrictionsMatch({ max_power: 20 }, ctx('2026-11-25T12:00:00Z', { maxPowerKw: 11 })), true);
    assert.equal(restrictionsMatch({ reservation: 'RESERVATION' }, ctx('2026-11-25T12:00:00Z')), false);
    assert.equal(restrictionsMatch(undefined, ctx('2026-11-25T12:00:00Z')), true);
  });
});
