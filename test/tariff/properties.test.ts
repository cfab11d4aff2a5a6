/**
 * Invariants of the engine over random Tariffs and sessions (fast-check): cost never decreases as
 * energy or time grows, totals stay within min_price/max_price, splitting a period where no
 * restriction boundary lies changes nothing, the components add up to the total, and the tax
 * lines to the total after taxes minus before.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ChargingPeriod } from '../../src/protocol/v2_3_0/cdrs.js';
import type {
  DayOfWeek,
  PriceComponent,
  Tariff,
  TariffDimensionType,
  TariffElement,
  TariffRestrictions,
} from '../../src/protocol/v2_3_0/tariffs.js';
import { type Pricing, type PricingSession, priceSession } from '../../src/tariff/index.js';
import { type Money, moneyOf, plus, sumMoney, ZERO } from '../../src/tariff/money.js';

const RUNS = { numRuns: 300 };
const MINUTE = 60_000;

// ---- generators

const cents = (max: number) => fc.integer({ min: 0, max }).map((n) => n / 100);
const time = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const days = fc.subarray<DayOfWeek>(
  ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'],
  {
    minLength: 1,
  },
);

const restrictions: fc.Arbitrary<TariffRestrictions> = fc.record(
  {
    start_time: time,
    end_time: time,
    day_of_week: days,
    min_kwh: fc.integer({ min: 0, max: 40 }),
    max_kwh: fc.integer({ min: 1, max: 60 }),
    min_power: fc.integer({ min: 0, max: 60 }),
    max_power: fc.integer({ min: 1, max: 150 }),
    min_duration: fc.integer({ min: 0, max: 4 * 3600 }),
    max_duration: fc.integer({ min: 60, max: 6 * 3600 }),
  },
  { requiredKeys: [] },
);

function component(vat: number | undefined) {
  return (type: TariffDimensionType) =>
    fc.record({ price: cents(300), step: fc.constantFrom(0, 1, 60, 100, 300, 500, 900) }).map(
      ({ price, step }): PriceComponent => ({
        type,
        price,
        step_size: step,
        ...(vat !== undefined && { vat }),
      }),
    );
}

function element(vats: fc.Arbitrary<number | undefined>): fc.Arbitrary<TariffElement> {
  return fc
    .tuple(
      fc.uniqueArray(fc.constantFrom<TariffDimensionType>('ENERGY', 'TIME', 'PARKING_TIME', 'FLAT'), {
        minLength: 1,
        maxLength: 3,
      }),
      vats,
      fc.option(restrictions, { nil: undefined }),
    )
    .chain(([types, vat, r]) =>
      fc
        .tuple(...types.map(component(vat)))
        .map((price_components) => ({ price_components, ...(r !== undefined && { restrictions: r }) })),
    );
}

interface Limits {
  min_price?: { before_taxes: number; after_taxes?: number };
  max_price?: { before_taxes: number; after_taxes?: number };
}

/** min below max on both sides, after taxes at least before. */
const limits: fc.Arbitrary<Limits> = fc
  .record({
    min: fc.option(cents(1000), { nil: undefined }),
    span: cents(5000),
    minTax: fc.option(cents(300), { nil: undefined }),
    maxTax: fc.option(cents(300), { nil: undefined }),
    withMax: fc.boolean(),
  })
  .map(({ min, span, minTax, maxTax, withMax }) => {
    const out: Limits = {};
    const low = min ?? 0;
    const high = Math.round((low + span + (minTax ?? 0)) * 100) / 100;
    if (min !== undefined) {
      out.min_price = {
        before_taxes: min,
        ...(minTax !== undefined && { after_taxes: Math.round((min + minTax) * 100) / 100 }),
      };
    }
    if (withMax) {
      out.max_price = {
        before_taxes: high,
        ...(maxTax !== undefined && { after_taxes: Math.round((high + (minTax ?? 0) + maxTax) * 100) / 100 }),
      };
    }
    return out;
  });

/** A Tariff: one VAT rate for all components (or none), or each its own. */
function tariffs(options: { sameVat?: boolean } = {}): fc.Arbitrary<Tariff> {
  return fc
    .record({
      vat: fc.option(fc.constantFrom(0, 5.2, 9, 21), { nil: undefined }),
      taxIncluded: fc.constantFrom<'YES' | 'NO' | 'N/A'>('NO', 'YES', 'N/A'),
      limits,
      withLimits: fc.boolean(),
    })
    .chain(({ vat, taxIncluded, limits, withLimits }) => {
      const vats = options.sameVat
        ? fc.constant(vat)
        : fc.option(fc.constantFrom(0, 5.2, 9, 21), { nil: undefined });
      return fc.array(element(vats), { minLength: 1, maxLength: 5 }).map(
        (elements): Tariff => ({
          country_code: 'NL',
          party_id: 'RKT',
          id: 'P',
          currency: 'EUR',
          elements,
          tax_included: taxIncluded,
          last_updated: '2026-01-01T00:00:00Z',
          ...(withLimits ? limits : {}),
        }),
      );
    });
}

/** A period in whole minutes and Wh: charging at a power, or parked. */
interface PeriodSpec {
  minutes: number;
  wh: number;
  power: number;
}

const periodSpec: fc.Arbitrary<PeriodSpec> = fc.oneof(
  fc
    .record({ minutes: fc.integer({ min: 1, max: 90 }), power: fc.integer({ min: 1, max: 120 }) })
    .chain(({ minutes, power }) =>
      fc
        .integer({ min: 0, max: Math.round((power * minutes * 1000) / 60) })
        .map((wh) => ({ minutes, wh, power })),
    ),
  fc.integer({ min: 1, max: 120 }).map((minutes) => ({ minutes, wh: 0, power: 0 })),
);

const sessions = fc.record({
  start: fc.integer({
    min: Date.parse('2026-01-01T00:00:00Z') / MINUTE,
    max: Date.parse('2026-12-31T00:00:00Z') / MINUTE,
  }),
  zone: fc.constantFrom('Europe/Amsterdam', 'America/New_York', 'UTC', 'Asia/Kolkata'),
  periods: fc.array(periodSpec, { minLength: 1, maxLength: 8 }),
});

type SessionSpec = { start: number; zone: string; periods: PeriodSpec[] };

function iso(minute: number): string {
  return `${new Date(minute * MINUTE).toISOString().slice(0, 19)}Z`;
}

function toSession({ start, zone, periods }: SessionSpec): PricingSession {
  let at = start;
  const charging_periods: ChargingPeriod[] = periods.map((p) => {
    const dimensions: ChargingPeriod['dimensions'] =
      p.power === 0
        ? [{ type: 'PARKING_TIME', volume: p.minutes / 60 }]
        : [
            { type: 'ENERGY', volume: p.wh / 1000 },
            { type: 'TIME', volume: p.minutes / 60 },
            { type: 'MIN_POWER', volume: p.power },
            { type: 'MAX_POWER', volume: p.power },
          ];
    const period = { start_date_time: iso(at), dimensions };
    at += p.minutes;
    return period;
  });
  return { start_date_time: iso(start), end_date_time: iso(at), time_zone: zone, charging_periods };
}

// ---- exact sums of a pricing's numbers

const m = (n: number) => moneyOf(n);
const sum = (ns: number[]): Money => sumMoney(ns.map(m));
const taxesOf = (p: Pricing): Money => sum((p.total_cost.taxes ?? []).map((t) => t.amount));

describe('properties', () => {
  it('cost never decreases when the last period gets more energy or time', () => {
    fc.assert(
      fc.property(
        tariffs({ sameVat: true }),
        sessions,
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 30 }),
        (t, s, moreWh, moreMinutes) => {
          const before = priceSession(t, toSession(s));
          const last = s.periods.at(-1)!;
          const grown: SessionSpec = {
            ...s,
            periods: [
              ...s.periods.slice(0, -1),
              { ...last, minutes: last.minutes + moreMinutes, wh: last.power === 0 ? 0 : last.wh + moreWh },
            ],
          };
          const after = priceSession(t, toSession(grown));
          assert.ok(m(after.totals.before_taxes) >= m(before.totals.before_taxes), 'before taxes');
          // With one VAT rate the taxes follow the amount; with several, a max_price can share
          // them differently as the mix of rates changes, so only the total before taxes is sure.
          assert.ok(m(after.totals.after_taxes) >= m(before.totals.after_taxes), 'after taxes');
        },
      ),
      RUNS,
    );
  });

  it('totals stay between min_price and max_price, before and (when taxes are known) after taxes', () => {
    fc.assert(
      fc.property(tariffs(), sessions, (t, s) => {
        const p = priceSession(t, toSession(s));
        const before = m(p.totals.before_taxes);
        const after = m(p.totals.after_taxes);
        if (t.min_price) assert.ok(before >= m(t.min_price.before_taxes), 'min before');
        if (t.max_price) assert.ok(before <= m(t.max_price.before_taxes), 'max before');
        if (p.notes.some((n) => n.code === 'AFTER_TAXES_LIMIT_NOT_JUDGED')) return;
        if (t.min_price?.after_taxes !== undefined)
          assert.ok(after >= m(t.min_price.after_taxes), 'min after');
        if (t.max_price?.after_taxes !== undefined)
          assert.ok(after <= m(t.max_price.after_taxes), 'max after');
      }),
      RUNS,
    );
  });

  it('splitting a period where no restriction boundary lies does not change the cost', () => {
    fc.assert(
      fc.property(
        tariffs(),
        sessions,
        fc.nat(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (t, s, pick, at, share) => {
          const whole = priceSession(t, toSession(s));
          const index = pick % s.periods.length;
          const period = s.periods[index]!;
          const spans = whole.notes.find((n) => n.code === 'PERIOD_SPANS_COMPONENT_CHANGE');
          fc.pre(period.minutes >= 2 && !spans?.periods?.includes(index));
          const first = 1 + Math.floor(at * (period.minutes - 1));
          const firstWh = Math.round(share * period.wh);
          const split: SessionSpec = {
            ...s,
            periods: [
              ...s.periods.slice(0, index),
              { ...period, minutes: first, wh: firstWh },
              { ...period, minutes: period.minutes - first, wh: period.wh - firstWh },
              ...s.periods.slice(index + 1),
            ],
          };
          const parts = priceSession(t, toSession(split));
          assert.deepEqual(parts.total_cost, whole.total_cost);
        },
      ),
      RUNS,
    );
  });

  it('the components add up to the total (the limits aside), per CDR field and in all', () => {
    fc.assert(
      fc.property(tariffs(), sessions, (t, s) => {
        const p = priceSession(t, toSession(s));
        const fields = [
          'total_fixed_cost',
          'total_energy_cost',
          'total_time_cost',
          'total_parking_cost',
          'total_reservation_cost',
        ] as const;
        let fieldsBefore = ZERO;
        for (const field of fields) {
          const of = p.components.filter((c) => c.cdr_field === field);
          const price = p[field];
          assert.equal(price === undefined, of.length === 0, field);
          if (price === undefined) continue;
          assert.equal(m(price.before_taxes), sum(of.map((c) => c.before_taxes)), field);
          assert.equal(sum((price.taxes ?? []).map((x) => x.amount)), sum(of.map((c) => c.tax)), field);
          fieldsBefore = plus(fieldsBefore, m(price.before_taxes));
        }
        assert.equal(fieldsBefore, sum(p.components.map((c) => c.before_taxes)));
        // Each period's amount is the sum of its segments'.
        for (const period of p.periods) {
          assert.equal(m(period.amount), sum(period.segments.map((x) => x.amount ?? 0)));
        }
        if (p.limits.length === 0) {
          assert.equal(m(p.totals.before_taxes), fieldsBefore);
          assert.equal(taxesOf(p), sum(p.components.map((c) => c.tax)));
        } else {
          const beforeLimit = p.limits.filter((l) => l.side === 'before_taxes').at(-1);
          const afterLimit = p.limits.filter((l) => l.side === 'after_taxes').at(-1);
          if (afterLimit) assert.equal(m(p.totals.after_taxes), m(afterLimit.to));
          // Without any tax, an after-taxes limit moves the total before taxes too.
          const untaxed = afterLimit !== undefined && taxesOf(p) === ZERO;
          if (beforeLimit && !untaxed) assert.equal(m(p.totals.before_taxes), m(beforeLimit.to));
        }
      }),
      RUNS,
    );
  });

  it('the tax lines always add up to the total after taxes minus before, limits or not', () => {
    fc.assert(
      fc.property(tariffs(), sessions, (t, s) => {
        const p = priceSession(t, toSession(s));
        assert.equal(taxesOf(p), m(p.totals.after_taxes) - m(p.totals.before_taxes));
        assert.equal(m(p.totals.taxes), taxesOf(p));
      }),
      RUNS,
    );
  });
});
