/**
 * Taxes (2.2.1 vat per component, 2.3.0 tax_included), min_price/max_price with the tax lines
 * moving along, and the rounding policy.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PriceComponent } from '../../src/protocol/v2_3_0/tariffs.js';
import type { Price } from '../../src/protocol/v2_3_0/types.js';
import {
  OCPI_2X_POLICY,
  OCPI_3_POLICY,
  type Pricing,
  priceSession,
  pricingPolicy,
} from '../../src/tariff/index.js';
import { codes, session, tariff, totals } from './helpers.js';

const BASE = '2026-11-25T10:00:00Z';

function energyAndFee(energy: Partial<PriceComponent>, fee?: Partial<PriceComponent>) {
  return [
    {
      price_components: [
        ...(fee ? [{ type: 'FLAT' as const, price: 0.5, step_size: 1, ...fee }] : []),
        { type: 'ENERGY' as const, price: 0.3, step_size: 1, ...energy },
      ],
    },
  ];
}

/** Tax lines sum exactly to the total after taxes minus before: checked in integers of 1e-12. */
function assertTaxesAddUp(p: Pricing) {
  const e12 = (n: number) => BigInt(Math.round(n * 1e6)) * 1_000_000n; // every amount has at most 6 decimals here
  const lines = (p.total_cost.taxes ?? []).reduce((sum, t) => sum + e12(t.amount), 0n);
  assert.equal(lines, e12(p.totals.after_taxes) - e12(p.totals.before_taxes));
}

function kwh(n: number) {
  return session(BASE, [[0, { ENERGY: n, TIME: 1 }]], 60);
}

describe('taxes', () => {
  it('2.3.0 tax_included YES takes the VAT out of the price: 10 kWh × 0.605 incl. 21 % = 5.00 + 1.05', () => {
    const p = priceSession(tariff(energyAndFee({ price: 0.605, vat: 21 }), { tax_included: 'YES' }), kwh(10));
    assert.deepEqual(p.total_cost, {
      before_taxes: 5,
      taxes: [{ name: 'VAT', percentage: 21, amount: 1.05 }],
    });
    assert.equal(p.totals.after_taxes, 6.05); // the price as written, exactly
  });

  it('one tax line per rate, in the order the components first apply', () => {
    const p = priceSession(
      tariff(energyAndFee({ vat: 9 }, { vat: 21 })),
      session(
        BASE,
        [
          [0, { ENERGY: 10, TIME: 1 }],
          [60, { ENERGY: 10, TIME: 1 }],
        ],
        120,
      ),
    );
    assert.deepEqual(p.total_cost.taxes, [
      { name: 'VAT', percentage: 21, amount: 0.105 },
      { name: 'VAT', percentage: 9, amount: 0.54 },
    ]);
    assertTaxesAddUp(p);
  });

  it('0 % VAT is a line of 0; no vat is no line (2.2.1: not applicable)', () => {
    const p = priceSession(tariff(energyAndFee({ vat: 0 }, {})), kwh(10), { ocpiVersion: '2.2.1' });
    assert.deepEqual(p.total_cost, { before_taxes: 3.5, taxes: [{ name: 'VAT', percentage: 0, amount: 0 }] });
    assert.deepEqual(codes(p), ['DIMENSION_NOT_IN_TARIFF']); // no tax note in 2.2.1
  });

  it('2.1.1 has no VAT: a vat on the component is not used', () => {
    const p = priceSession(tariff(energyAndFee({ vat: 21 })), kwh(10), { ocpiVersion: '2.1.1' });
    assert.deepEqual(p.total_cost, { before_taxes: 3, taxes: [] });
  });

  it('the tax of a component is rounded like its amount, on the amount before taxes', () => {
    // 4.75 × 5.2 % = 0.247: 0.25 in cents, 0.247 at the default 4 decimals.
    const t = tariff([{ price_components: [{ type: 'TIME', price: 1.9, vat: 5.2, step_size: 300 }] }]);
    const s = session(BASE, [[0, { TIME: 2.5 }]], 150);
    assert.deepEqual(totals(priceSession(t, s)), [4.75, 4.997]);
    assert.deepEqual(
      totals(priceSession(t, s, { policy: { componentDecimals: 2, totalDecimals: 2 } })),
      [4.75, 5],
    );
  });
});

describe('min_price and max_price', () => {
  it('tariff_12 with nothing charged: the minimum, its tax on one line at the Tariff only rate', () => {
    const t = tariff(energyAndFee({ price: 0.25, vat: 10 }), {
      min_price: { before_taxes: 0.5, after_taxes: 0.55 },
    });
    const p = priceSession(t, session(BASE, [[0, { PARKING_TIME: 0.5 }]], 30));
    assert.deepEqual(p.total_cost, {
      before_taxes: 0.5,
      taxes: [{ name: 'VAT', percentage: 10, amount: 0.05 }],
    });
    // Taxed at the Tariff's rate, the minimum after taxes is met without moving the taxes.
    assert.deepEqual(
      p.limits.map((l) => [l.limit, l.side, l.from, l.to]),
      [['min_price', 'before_taxes', 0, 0.5]],
    );
  });

  it('the per-field totals stay as computed; total_cost carries the limit', () => {
    const t = tariff(energyAndFee({ vat: 10 }, { vat: 20 }), { max_price: { before_taxes: 2 } });
    const p = priceSession(t, kwh(10));
    // Each rate on its share of € 2.00: 20 % of 0.2857 + 10 % of 1.7143.
    assert.deepEqual(totals(p), [2, 2.2285]); // 0.0571 + 0.1714
    assert.equal(p.total_energy_cost?.before_taxes, 3);
    assert.equal(p.total_fixed_cost?.before_taxes, 0.5);
    assertTaxesAddUp(p);
  });

  it('a limit after taxes alone moves only the taxes', () => {
    const t = tariff(energyAndFee({ vat: 21 }), { max_price: { before_taxes: 3.2, after_taxes: 3.5 } });
    const p = priceSession(t, kwh(10)); // 3.00 + 0.63 = 3.63
    assert.deepEqual(p.total_cost, {
      before_taxes: 3,
      taxes: [{ name: 'VAT', percentage: 21, amount: 0.5 }],
    });
  });

  it('without any VAT rate (N/A), the after-taxes limit moves the total itself', () => {
    const t = tariff(energyAndFee({}), {
      tax_included: 'N/A',
      min_price: { before_taxes: 1, after_taxes: 1.2 },
    });
    const p = priceSession(t, kwh(1));
    assert.deepEqual(p.total_cost, { before_taxes: 1.2, taxes: [] });
  });

  it('2.3.0 taxes not known (no vat, tax_included NO): the after-taxes limit is not judged', () => {
    const t = tariff(energyAndFee({}), { max_price: { before_taxes: 2.5, after_taxes: 2.6 } });
    const p = priceSession(t, kwh(10));
    assert.deepEqual(totals(p), [2.5, 2.5]);
    assert.ok(codes(p).includes('AFTER_TAXES_LIMIT_NOT_JUDGED'));
    assert.ok(codes(p).includes('TAXES_NOT_INCLUDED'));
  });
});

describe('the pricing policy', () => {
  it('defaults: step_size on, quantities to mWh/ms, amounts to 4 decimals, half up', () => {
    assert.deepEqual(pricingPolicy(), OCPI_2X_POLICY);
    assert.deepEqual(OCPI_2X_POLICY, {
      stepSize: true,
      quantityDecimals: 3,
      componentDecimals: 4,
      totalDecimals: 4,
      rounding: 'HALF_UP',
    });
    assert.throws(() => pricingPolicy({ componentDecimals: 13 }), RangeError);
    assert.throws(() => pricingPolicy({ rounding: 'DOWN' as never }), RangeError);
  });

  it('OCPI 3.0: no step_size, what was measured is billed', () => {
    const t = tariff([{ price_components: [{ type: 'ENERGY', price: 1, step_size: 1000 }] }], {
      tax_included: 'N/A',
    });
    assert.equal(priceSession(t, kwh(2.2)).totals.before_taxes, 3);
    assert.equal(priceSession(t, kwh(2.2), { policy: OCPI_3_POLICY }).totals.before_taxes, 2.2);
  });

  it('step_size 0 means no steps; a 1 Wh step bills whole Wh', () => {
    const t = (step: number) =>
      tariff([{ price_components: [{ type: 'ENERGY', price: 1, step_size: step }] }], {
        tax_included: 'N/A',
      });
    assert.equal(priceSession(t(0), kwh(0.0011)).totals.before_taxes, 0.0011);
    assert.equal(priceSession(t(1), kwh(0.0011)).totals.before_taxes, 0.002);
    assert.equal(
      priceSession(t(0), kwh(0.00111), { policy: { componentDecimals: 6, totalDecimals: 6 } }).totals
        .before_taxes,
      0.00111,
    );
  });

  it('half-way amounts: HALF_UP rounds 1.005 to 1.01 (binary floating point gives 1.00), HALF_EVEN to 1.00', () => {
    const t = tariff([{ price_components: [{ type: 'ENERGY', price: 1.005, step_size: 1 }] }], {
      tax_included: 'N/A',
    });
    const cents = { componentDecimals: 2, totalDecimals: 2 };
    assert.equal((1.005).toFixed(2), '1.00'); // what a float would do
    assert.equal(priceSession(t, kwh(1), { policy: cents }).totals.before_taxes, 1.01);
    assert.equal(
      priceSession(t, kwh(1), { policy: { ...cents, rounding: 'HALF_EVEN' } }).totals.before_taxes,
      1,
    );
  });

  it('amounts are summed from the quantities, not from rounded pieces: 3 × 20 minutes at € 1.90/h = € 1.90', () => {
    const t = tariff([{ price_components: [{ type: 'TIME', price: 1.9, step_size: 1 }] }], {
      tax_included: 'N/A',
    });
    const p = priceSession(
      t,
      session(
        BASE,
        [
          [0, { TIME: 1 / 3 }],
          [20, { TIME: 1 / 3 }],
          [40, { TIME: 1 / 3 }],
        ],
        60,
      ),
      { policy: { componentDecimals: 2, totalDecimals: 2 } },
    );
    assert.deepEqual(
      p.periods.map((x) => x.amount),
      [0.63, 0.63, 0.63],
    ); // each 0.6333…, shown in cents
    assert.equal(p.totals.before_taxes, 1.9); // not 1.89
  });

  it('totals with fewer decimals than the components: each total rounded, the tax lines still adding up', () => {
    const t = tariff(energyAndFee({ price: 0.2345, vat: 21 }, { price: 0.0049, vat: 9 }));
    const p = priceSession(t, kwh(3), { policy: { componentDecimals: 4, totalDecimals: 2 } });
    assert.equal(p.totals.before_taxes, 0.71); // 0.0049 + 0.7035 = 0.7084
    assertTaxesAddUp(p);
  });
});

describe('Price shapes', () => {
  it('every cost field is a 2.3.0 Price with its tax lines', () => {
    const p = priceSession(tariff(energyAndFee({ vat: 21 }, { vat: 21 })), kwh(10));
    const expected: Price = { before_taxes: 3, taxes: [{ name: 'VAT', percentage: 21, amount: 0.63 }] };
    assert.deepEqual(p.total_energy_cost, expected);
    assert.equal(p.total_time_cost, undefined); // no TIME component
  });
});
