/**
 * The notes of a pricing: each code, when it is raised, with its severity and what it points at;
 * and what the engine does with the input it flags (it never guesses).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Tariff } from '../../src/protocol/v2_3_0/tariffs.js';
import { NOTE_CODES, needsReview, type PricingNote, priceSession } from '../../src/tariff/index.js';
import { codes, session, tariff } from './helpers.js';

const BASE = '2026-11-25T10:00:00Z';
const simple = tariff([
  {
    price_components: [
      { type: 'ENERGY', price: 0.3, vat: 21, step_size: 1 },
      { type: 'PARKING_TIME', price: 2, vat: 21, step_size: 60 },
    ],
  },
]);

function noteOf(notes: readonly PricingNote[], code: PricingNote['code']): PricingNote {
  const found = notes.find((n) => n.code === code);
  assert.ok(found, `expected a ${code} note, got ${notes.map((n) => n.code).join(', ')}`);
  return found;
}

describe('notes about the periods', () => {
  it('PERIODS_OUT_OF_ORDER: reported, and the periods priced in the order given (never sorted)', () => {
    const p = priceSession(
      simple,
      session(
        BASE,
        [
          [30, { ENERGY: 5, TIME: 0.5 }],
          [0, { ENERGY: 5, TIME: 0.5 }],
        ],
        60,
      ),
    );
    const n = noteOf(p.notes, 'PERIODS_OUT_OF_ORDER');
    assert.deepEqual([n.severity, n.periods], ['review', [1]]);
    assert.equal(p.totals.before_taxes, 3);
    // A period ends where the next listed one starts: the first cannot (the next starts earlier)
    // and is taken to last no time; the last listed one ends with the session.
    assert.deepEqual(
      p.periods.map((x) => [x.start_date_time, x.end_date_time]),
      [
        ['2026-11-25T10:30:00Z', '2026-11-25T10:30:00Z'],
        ['2026-11-25T10:00:00Z', '2026-11-25T11:00:00Z'],
      ],
    );
  });

  it('PERIOD_OUTSIDE_SESSION, PERIOD_INVALID and TIME_EXCEEDS_PERIOD', () => {
    const p = priceSession(
      simple,
      session(
        BASE,
        [
          [-10, { ENERGY: 1, TIME: 1 / 6 }],
          [0, { ENERGY: 5, TIME: 1 }], // one hour of charging in a 30-minute period
          [30, { ENERGY: 5, TIME: 0.5 }],
        ],
        60,
      ),
    );
    assert.deepEqual(noteOf(p.notes, 'PERIOD_OUTSIDE_SESSION').periods, [0]);
    assert.deepEqual(noteOf(p.notes, 'TIME_EXCEEDS_PERIOD').periods, [1]);
    const broken = priceSession(simple, {
      ...session(BASE, [[0, { ENERGY: 5, TIME: 1 }]], 60),
      charging_periods: [
        { start_date_time: 'yesterday', dimensions: [{ type: 'ENERGY', volume: 3 }] },
        { start_date_time: BASE, dimensions: [{ type: 'ENERGY', volume: 5 }] },
      ],
    });
    assert.deepEqual(noteOf(broken.notes, 'PERIOD_INVALID').periods, [0]);
    assert.equal(broken.totals.before_taxes, 1.5); // only the valid period
    assert.equal(broken.total_energy, 8); // measured all the same
  });

  it('PERIOD_OTHER_TARIFF: a period another Tariff prices is left out; one without tariff_id is priced', () => {
    const p = priceSession(
      simple,
      session(
        BASE,
        [
          [0, { ENERGY: 5, TIME: 0.5 }, 'T1'],
          [30, { ENERGY: 5, TIME: 0.5 }, 'OTHER'],
          [60, { ENERGY: 5, TIME: 0.5 }],
        ],
        90,
      ),
    );
    const n = noteOf(p.notes, 'PERIOD_OTHER_TARIFF');
    assert.deepEqual([n.severity, n.periods], ['review', [1]]);
    assert.equal(p.totals.before_taxes, 3);
  });

  it("TARIFF_NOT_VALID: periods outside the Tariff's start_date_time/end_date_time are not priced", () => {
    const t = { ...simple, start_date_time: '2026-11-25T10:30:00Z', end_date_time: '2026-11-25T11:00:00Z' };
    const p = priceSession(
      t,
      session(
        BASE,
        [
          [0, { ENERGY: 5, TIME: 0.5 }],
          [30, { ENERGY: 5, TIME: 0.5 }],
          [61, { ENERGY: 5, TIME: 0.5 }],
        ],
        91,
      ),
    );
    assert.deepEqual(noteOf(p.notes, 'TARIFF_NOT_VALID').periods, [0, 2]);
    assert.equal(p.totals.before_taxes, 1.5);
  });

  it('DIMENSION_NOT_PRICED (review) when no element applies; DIMENSION_NOT_IN_TARIFF (info) when none has it', () => {
    const daytimeParking = tariff([
      { price_components: [{ type: 'ENERGY', price: 0.3, step_size: 1 }] },
      {
        price_components: [{ type: 'PARKING_TIME', price: 2, step_size: 1 }],
        restrictions: { start_time: '08:00', end_time: '18:00' },
      },
    ]);
    const p = priceSession(
      daytimeParking,
      session(
        '2026-11-25T16:00:00Z', // 17:00 local
        [
          [0, { ENERGY: 5, TIME: 0.5 }],
          [30, { PARKING_TIME: 0.5 }],
          [60, { PARKING_TIME: 1 }], // 18:00: no parking price
        ],
        120,
      ),
    );
    const gap = noteOf(p.notes, 'DIMENSION_NOT_PRICED');
    assert.deepEqual([gap.severity, gap.dimension, gap.periods], ['review', 'PARKING_TIME', [2]]);
    const none = noteOf(p.notes, 'DIMENSION_NOT_IN_TARIFF');
    assert.deepEqual([none.severity, none.dimension, none.periods], ['info', 'TIME', [0]]);
    assert.equal(p.totals.before_taxes, 2.5); // 1.50 + 30 min × 2.00
    const parking = p.dimensions.find((d) => d.dimension === 'PARKING_TIME');
    assert.deepEqual([parking?.measured, parking?.priced, parking?.billed], [1.5, 0.5, 0.5]);
  });
});

describe('MALFORMED_TARIFF: what is wrong, where, and what the engine does instead', () => {
  const price = (t: Tariff) => priceSession(t, session(BASE, [[0, { ENERGY: 10, TIME: 1 }]], 60));
  const pointers = (notes: readonly PricingNote[]) =>
    notes.filter((n) => n.code === 'MALFORMED_TARIFF').map((n) => n.pointer);

  it('a negative VAT: no tax applied, flagged', () => {
    const p = price(tariff([{ price_components: [{ type: 'ENERGY', price: 0.3, vat: -21, step_size: 1 }] }]));
    assert.deepEqual(pointers(p.notes), ['/elements/0/price_components/0/vat']);
    assert.deepEqual(p.total_cost, { before_taxes: 3, taxes: [] });
    assert.equal(needsReview(p.notes), true);
  });

  it('an unreadable time, a min above its max, an unknown reservation type: those elements never apply', () => {
    const p = price(
      tariff([
        {
          price_components: [{ type: 'ENERGY', price: 9, step_size: 1 }],
          restrictions: { start_time: '7:00' },
        },
        {
          price_components: [{ type: 'ENERGY', price: 8, step_size: 1 }],
          restrictions: { min_kwh: 5, max_kwh: 2 },
        },
        {
          price_components: [{ type: 'ENERGY', price: 7, step_size: 1 }],
          restrictions: { reservation: 'MAYBE' as never },
        },
        { price_components: [{ type: 'ENERGY', price: 0.3, step_size: 1 }] },
      ]),
    );
    assert.deepEqual(pointers(p.notes), [
      '/elements/0/restrictions/start_time',
      '/elements/1/restrictions/max_kwh',
      '/elements/2/restrictions/reservation',
      '/elements/2/price_components/0', // and a reservation element cannot price ENERGY
    ]);
    assert.equal(p.totals.before_taxes, 3);
  });

  it('a price that is not a number, an unknown dimension, a reservation element pricing ENERGY: ignored', () => {
    const p = price(
      tariff([
        {
          price_components: [
            { type: 'ENERGY', price: '0.50' as never, step_size: 1 },
            { type: 'POWER' as never, price: 1, step_size: 1 },
          ],
        },
        {
          price_components: [{ type: 'ENERGY', price: 5, step_size: 1 }],
          restrictions: { reservation: 'RESERVATION' },
        },
        { price_components: [{ type: 'ENERGY', price: 0.3, step_size: 1 }] },
      ]),
    );
    assert.deepEqual(pointers(p.notes), [
      '/elements/0/price_components/0/price',
      '/elements/0/price_components/1/type',
      '/elements/1/price_components/0',
    ]);
    assert.equal(p.totals.before_taxes, 3);
  });

  it('tax_included missing (required in 2.3.0): NO assumed; N/A with a vat: the vat ignored', () => {
    const { tax_included: _, ...withoutTaxIncluded } = tariff([
      { price_components: [{ type: 'ENERGY', price: 0.3, vat: 10, step_size: 1 }] },
    ]);
    const missing = price(withoutTaxIncluded as Tariff);
    assert.deepEqual(pointers(missing.notes), ['/tax_included']);
    assert.deepEqual(missing.totals, { before_taxes: 3, taxes: 0.3, after_taxes: 3.3 });
    const na = price(
      tariff([{ price_components: [{ type: 'ENERGY', price: 0.3, vat: 10, step_size: 1 }] }], {
        tax_included: 'N/A',
      }),
    );
    assert.deepEqual(pointers(na.notes), ['/elements/0/price_components/0/vat']);
    assert.deepEqual(na.total_cost, { before_taxes: 3, taxes: [] });
  });

  it('min_price above max_price, after_taxes below before_taxes', () => {
    const p = price(
      tariff([{ price_components: [{ type: 'ENERGY', price: 0.3, step_size: 1 }] }], {
        min_price: { before_taxes: 10, after_taxes: 9 },
        max_price: { before_taxes: 5 },
      }),
    );
    assert.deepEqual(pointers(p.notes), ['/min_price/after_taxes', '/min_price']);
  });

  it('no elements: nothing priced, flagged', () => {
    const p = price({ ...simple, elements: [] });
    assert.deepEqual(pointers(p.notes), ['/elements']);
    assert.equal(p.totals.after_taxes, 0);
  });
});

describe('severities', () => {
  it('every code has one; a clean session needs no review', () => {
    for (const [code, severity] of Object.entries(NOTE_CODES)) {
      assert.ok(severity === 'review' || severity === 'info', code);
    }
    const p = priceSession(
      simple,
      session(
        BASE,
        [
          [0, { ENERGY: 5, TIME: 0.5 }],
          [30, { PARKING_TIME: 0.5 }],
        ],
        60,
      ),
    );
    assert.deepEqual(codes(p), ['DIMENSION_NOT_IN_TARIFF']);
    assert.equal(needsReview(p.notes), false);
  });
});
