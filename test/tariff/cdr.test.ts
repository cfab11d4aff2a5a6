/** A pricing in each version's CDR shape, and the invoice check against a CDR's claims. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cdrCosts, checkCdr, priceSession } from '../../src/tariff/index.js';
import { readExample } from '../helpers/fixtures.js';
import { example, session } from './helpers.js';

// tariff_10: 20 kWh and 40 minutes parked: € 7.00 / € 7.90.
const pricing = priceSession(
  example('2.3.0', 'tariff_10_025kwh_parking_start.json'),
  session(
    '2026-11-25T09:00:00Z',
    [
      [0, { ENERGY: 20, TIME: 2 }],
      [120, { PARKING_TIME: 40 / 60 }],
    ],
    160,
  ),
);

describe('cdrCosts: the CDR cost fields of each version', () => {
  it('2.3.0: Price { before_taxes, taxes }', () => {
    const costs = cdrCosts(pricing, '2.3.0');
    assert.deepEqual(costs.total_cost, {
      before_taxes: 7,
      taxes: [
        { name: 'VAT', percentage: 20, amount: 0.4 },
        { name: 'VAT', percentage: 10, amount: 0.5 },
      ],
    });
    assert.deepEqual(Object.keys(costs), [
      'total_cost',
      'total_fixed_cost',
      'total_energy_cost',
      'total_parking_cost',
    ]);
  });

  it('2.2.1: Price { excl_vat, incl_vat }', () => {
    assert.deepEqual(cdrCosts(pricing, '2.2.1'), {
      total_cost: { excl_vat: 7, incl_vat: 7.9 },
      total_fixed_cost: { excl_vat: 0.5, incl_vat: 0.6 },
      total_energy_cost: { excl_vat: 5, incl_vat: 5.5 },
      total_parking_cost: { excl_vat: 1.5, incl_vat: 1.8 },
    });
  });

  it('2.1.1: numbers, excluding VAT', () => {
    assert.deepEqual(cdrCosts(pricing, '2.1.1'), {
      total_cost: 7,
      total_fixed_cost: 0.5,
      total_energy_cost: 5,
      total_parking_cost: 1.5,
    });
  });
});

describe('checkCdr: the invoice check', () => {
  it("the spec's 2.2.1 CDR example: its claims match its own periods priced", () => {
    const cdr = readExample('2.2.1/cdr_example.json') as Record<string, unknown>;
    const t = example('2.2.1', 'tariff_put_example.json'); // the same € 2/h, 10 %, 300 s Tariff
    const p = priceSession(
      { ...t, id: '12' },
      {
        start_date_time: cdr.start_date_time as string,
        end_date_time: cdr.end_date_time as string,
        time_zone: 'Europe/Brussels',
        charging_periods: cdr.charging_periods as never,
      },
      { ocpiVersion: '2.2.1' },
    );
    const check = checkCdr(p, cdr, '2.2.1');
    assert.equal(check.ok, true);
    assert.deepEqual(
      check.compared.map((c) => [c.field, c.side, c.computed, c.claimed]),
      [
        ['total_cost', 'before_taxes', 4, 4],
        ['total_cost', 'after_taxes', 4.4, 4.4],
        ['total_time_cost', 'before_taxes', 4, 4],
        ['total_time_cost', 'after_taxes', 4.4, 4.4],
      ],
    );
  });

  it('a cent off passes, more fails; a field the pricing lacks counts as 0', () => {
    const claim = (total: number, extra = {}) => ({
      total_cost: { before_taxes: total, taxes: [] },
      ...extra,
    });
    const free = priceSession(
      example('2.3.0', 'tariff_5_free_of_charge.json'),
      session('2026-11-25T09:00:00Z', [[0, { ENERGY: 5, TIME: 1 }]], 60),
    );
    assert.equal(checkCdr(free, claim(0.01), '2.3.0').ok, true);
    const off = checkCdr(free, claim(0.02), '2.3.0');
    assert.equal(off.ok, false);
    assert.deepEqual(
      off.compared.filter((c) => !c.ok).map((c) => [c.field, c.side, c.difference]),
      [
        ['total_cost', 'before_taxes', 0.02],
        ['total_cost', 'after_taxes', 0.02],
      ],
    );
    const parking = checkCdr(free, claim(0, { total_parking_cost: { before_taxes: 1, taxes: [] } }), '2.3.0');
    assert.deepEqual(
      parking.compared.filter((c) => !c.ok).map((c) => [c.field, c.computed, c.claimed]),
      [
        ['total_parking_cost', 0, 1],
        ['total_parking_cost', 0, 1],
      ],
    );
  });

  it('a CDR in another currency than the Tariff never matches', () => {
    const check = checkCdr(pricing, { currency: 'CHF', total_cost: { before_taxes: 7, taxes: [] } }, '2.3.0');
    assert.deepEqual([check.ok, check.currency], [false, { computed: 'EUR', claimed: 'CHF', ok: false }]);
    assert.equal(checkCdr(pricing, { currency: 'eur', total_cost: 7 }, '2.1.1').ok, true);
  });

  it('2.1.1: a number, before taxes only', () => {
    const check = checkCdr(pricing, { total_cost: 7.005 }, '2.1.1');
    assert.deepEqual(
      check.compared.map((c) => [c.field, c.side, c.ok]),
      [['total_cost', 'before_taxes', true]],
    );
    assert.equal(checkCdr(pricing, { total_cost: '7.00' }, '2.1.1').ok, false); // not a number
  });
});
