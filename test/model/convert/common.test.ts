/**
 * Shared converters (src/model/convert/common.ts): Price in its three shapes, EnergyMix /
 * EnvironmentalImpact, DisplayText, and the helpers the module converters compose. Each lossy row
 * of the file has a test that checks the value AND the report, and its absence when it does not
 * apply.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  child,
  commonLossyMappings,
  type DroppedField,
  displayTextConverters,
  drop,
  dropFields,
  dropOwner,
  droppedFieldRows,
  energyMixConverters,
  filterEnumList,
  inventOwner,
  priceFromCanonical211,
  priceFromCanonical221,
  priceToCanonical211,
  priceToCanonical221,
  withEnum,
} from '../../../src/model/convert/common.js';
import { ConversionError, convert } from '../../../src/model/index.js';
import { schemasByVersion, validate } from '../../../src/protocol/index.js';
import { testContext as context, type Json, lossyIs, lossyRows } from '../../helpers/convert.js';
import { readExample } from '../../helpers/fixtures.js';

const rows = lossyRows(commonLossyMappings);

describe('common: Price, 2.1.1 (a bare number excluding VAT)', () => {
  it('number -> { before_taxes }: exact, no taxes field', () => {
    const { ctx, lossy } = context();
    assert.deepEqual(priceToCanonical211(2.5, ctx, '/total_cost'), { before_taxes: 2.5 });
    assert.deepEqual(lossy, []);
    // Not a number (the 2.1.1 CDR example's "2.00"): kept as it is, for validation to flag.
    assert.equal(priceToCanonical211('2.00', ctx, '/x'), '2.00');
  });

  rows.case('Price.taxes-dropped', 'before_taxes is the 2.1.1 amount; any taxes list is reported', () => {
    const { ctx, lossy } = context();
    const price = { before_taxes: 10, taxes: [{ name: 'VAT', percentage: 21, amount: 2.1 }] };
    assert.equal(priceFromCanonical211(price, ctx, '/total_cost'), 10);
    lossyIs(lossy, [{ id: 'Price.taxes-dropped', pointer: '/total_cost' }]);
    const empty = context();
    assert.equal(priceFromCanonical211({ before_taxes: 10, taxes: [] }, empty.ctx, '/total_cost'), 10);
    assert.deepEqual(
      empty.lossy.map((l) => l.id),
      ['Price.taxes-dropped'],
    );
    const none = context();
    assert.equal(priceFromCanonical211({ before_taxes: 10 }, none.ctx, '/total_cost'), 10);
    lossyIs(none.lossy, []);
  });
});

describe('common: Price, 2.2.1 { excl_vat, incl_vat? } <-> 2.3.0 { before_taxes, taxes? }', () => {
  rows.case('Price.vat-as-tax-line', 'incl - excl becomes one VAT line, in decimal arithmetic', () => {
    const { ctx, lossy } = context();
    // 0.3 - 0.1 is 0.19999999999999998 in binary floating point.
    assert.deepEqual(priceToCanonical221({ excl_vat: 0.1, incl_vat: 0.3 }, ctx, '/total_cost'), {
      before_taxes: 0.1,
      taxes: [{ name: 'VAT', amount: 0.2 }],
    });
    lossyIs(lossy, [{ id: 'Price.vat-as-tax-line', pointer: '/total_cost/taxes' }]);
    assert.ok(validate(schemasByVersion['2.3.0'].get('Price')!, { before_taxes: 0.1, taxes: [] }).valid);
  });

  rows.case(
    'Price.vat-as-tax-line',
    'no incl_vat: no taxes; incl_vat = excl_vat: an empty list; neither is reported',
    () => {
      const { ctx, lossy } = context();
      assert.deepEqual(priceToCanonical221({ excl_vat: 4 }, ctx, ''), { before_taxes: 4 });
      assert.deepEqual(priceToCanonical221({ excl_vat: 4, incl_vat: 4 }, ctx, ''), {
        before_taxes: 4,
        taxes: [],
      });
      assert.deepEqual(priceToCanonical221({ excl_vat: 4, x_note: 'kept' }, ctx, ''), {
        before_taxes: 4,
        x_note: 'kept',
      });
      lossyIs(lossy, []);
    },
  );

  rows.case('Price.taxes-summed', 'incl_vat = before_taxes + every line (decimal), lines lost', () => {
    const { ctx, lossy } = context();
    const canadian = {
      before_taxes: 10.1,
      taxes: [
        { name: 'GST', percentage: 5, amount: 0.505 },
        { name: 'QST', account_number: '1234567890TQ0001', percentage: 9.975, amount: 1.0075 },
      ],
    };
    // 10.1 + 0.505 + 1.0075 is 11.612499999999999 in binary floating point.
    assert.deepEqual(priceFromCanonical221(canadian, ctx, '/total_cost'), {
      excl_vat: 10.1,
      incl_vat: 11.6125,
    });
    lossyIs(lossy, [{ id: 'Price.taxes-summed', pointer: '/total_cost/incl_vat' }]);
  });

  rows.case(
    'Price.taxes-summed',
    'not reported for what the way up makes (none, [], one non-zero VAT line)',
    () => {
      const { ctx, lossy } = context();
      assert.deepEqual(
        priceFromCanonical221({ before_taxes: 0.1, taxes: [{ name: 'VAT', amount: 0.2 }] }, ctx, ''),
        {
          excl_vat: 0.1,
          incl_vat: 0.3,
        },
      );
      assert.deepEqual(priceFromCanonical221({ before_taxes: 3, taxes: [] }, ctx, ''), {
        excl_vat: 3,
        incl_vat: 3,
      });
      assert.deepEqual(priceFromCanonical221({ before_taxes: 3 }, ctx, ''), { excl_vat: 3 });
      lossyIs(lossy, []);
      for (const line of [
        { name: 'VAT', amount: 0 },
        { name: 'VAT', percentage: 21, amount: 0.63 },
        { name: 'Sales tax', amount: 0.63 },
      ]) {
        const r = context();
        priceFromCanonical221({ before_taxes: 3, taxes: [line] }, r.ctx, '');
        assert.deepEqual(
          r.lossy.map((l) => l.id),
          ['Price.taxes-summed'],
          JSON.stringify(line),
        );
      }
    },
  );

  it('2.2.1 -> canonical -> 2.2.1 is exact for every shape of Price', () => {
    for (const price of [
      { excl_vat: 0 },
      { excl_vat: 0, incl_vat: 0 },
      { excl_vat: 8.5, incl_vat: 9.35 },
      { excl_vat: 0.1, incl_vat: 0.3 },
      { excl_vat: 2.0207, incl_vat: 2.445047 },
      { excl_vat: 5, incl_vat: 4.5 },
    ]) {
      const { ctx } = context();
      assert.deepEqual(priceFromCanonical221(priceToCanonical221(price, ctx, ''), ctx, ''), price);
    }
  });
});

describe('common: EnergyMix and EnvironmentalImpact', () => {
  const mix211 = {
    is_green_energy: false,
    energy_sources: [
      { source: 'GENERAL_GREEN', percentage: 35.9 },
      { source: 'GAS', percentage: 6.3 },
    ],
    environ_impact: [
      { source: 'NUCLEAR_WASTE', amount: 0.0006 },
      { source: 'CARBON_DIOXIDE', amount: 372 },
    ],
    supplier_name: 'E.ON Energy Deutschland',
  };

  it('2.1.1 environ_impact `source` is `category` (an exact rename); energy_sources keep `source`', () => {
    const result = convert('EnergyMix', '2.1.1', '2.2.1', mix211);
    assert.deepEqual(result.value, {
      ...mix211,
      environ_impact: [
        { category: 'NUCLEAR_WASTE', amount: 0.0006 },
        { category: 'CARBON_DIOXIDE', amount: 372 },
      ],
    });
    assert.deepEqual(result.lossy, []);
    assert.deepEqual(convert('EnergyMix', '2.2.1', '2.1.1', result.value).value, mix211);
  });

  it('the 2.1.1 energy mix examples round-trip, the 2.2.1 ones go down to 2.1.1 validly', () => {
    for (const file of [
      'mod_locations_07.json.txt',
      'mod_locations_08.json.txt',
      'mod_locations_09.json.txt',
    ]) {
      const mix = (readExample(`2.1.1/${file}`) as Json).energy_mix as Json;
      assert.deepEqual(
        convert('EnergyMix', '2.3.0', '2.1.1', convert('EnergyMix', '2.1.1', '2.3.0', mix).value).value,
        mix,
      );
    }
    const complete = (readExample('2.2.1/location_energymix_example_complete.json') as Json)
      .energy_mix as Json;
    const down = convert('EnergyMix', '2.2.1', '2.1.1', complete);
    assert.deepEqual(validate(schemasByVersion['2.1.1'].get('EnergyMix')!, down.value).issues, []);
  });

  for (const version of ['2.1.1', '2.2.1'] as const) {
    rows.case(
      `EnvironmentalImpact.unknown-category-${version}`,
      'an open-enum category leaves the list',
      () => {
        const mix = {
          is_green_energy: true,
          environ_impact: [
            { category: 'CARBON_DIOXIDE', amount: 12 },
            { category: 'NITROGEN_OXIDES', amount: 0.1 },
          ],
        };
        const { ctx, lossy } = context();
        const out = energyMixConverters[version]!.fromCanonical(mix, ctx, '/energy_mix');
        const expected =
          version === '2.1.1' ? { source: 'CARBON_DIOXIDE', amount: 12 } : mix.environ_impact[0];
        assert.deepEqual(out.environ_impact, [expected]);
        lossyIs(lossy, [
          { id: `EnvironmentalImpact.unknown-category-${version}`, pointer: '/energy_mix/environ_impact' },
        ]);
        const fine = context();
        energyMixConverters[version]!.fromCanonical(
          { ...mix, environ_impact: [mix.environ_impact[0]] },
          fine.ctx,
          '',
        );
        lossyIs(fine.lossy, []);
      },
    );
  }
});

describe('common: DisplayText and helpers', () => {
  it('DisplayText is the same class in every version', () => {
    const text = readExample('2.2.1/type_displaytext_example.json') as Json;
    for (const v of ['2.1.1', '2.2.1'] as const) {
      const { ctx } = context();
      assert.deepEqual(displayTextConverters[v]!.toCanonical(text, ctx, ''), text);
      assert.deepEqual(displayTextConverters[v]!.fromCanonical(text, ctx, ''), text);
    }
  });

  it('child() escapes ~ and / as JSON pointers require', () => {
    assert.equal(child('/a', 'b/c~d'), '/a/b~1c~0d');
    assert.equal(child('', 0), '/0');
  });

  it('filterEnumList keeps order and non-lists, reports once at the list', () => {
    const { ctx, lossy } = context();
    assert.deepEqual(filterEnumList(['A', 'X', 'B', 'Y'], ['A', 'B'], ctx, 'Price.taxes-dropped', '/l'), [
      'A',
      'B',
    ]);
    assert.equal(filterEnumList('A', ['A'], ctx, 'Price.taxes-dropped', '/l'), 'A');
    assert.deepEqual(lossy, [{ id: 'Price.taxes-dropped', pointer: '/l' }]);
  });

  it('drop() reports a value, not an absent field or an empty list', () => {
    const { ctx, lossy } = context();
    assert.deepEqual(drop({ a: 1, b: 2 }, 'b', ctx, 'Price.taxes-dropped', ''), { a: 1 });
    assert.deepEqual(drop({ a: 1, b: [] }, 'b', ctx, 'Price.taxes-dropped', ''), { a: 1 });
    assert.deepEqual(drop({ a: 1 }, 'b', ctx, 'Price.taxes-dropped', ''), { a: 1 });
    assert.deepEqual(lossy, [{ id: 'Price.taxes-dropped', pointer: '/b' }]);
  });

  it('inventOwner/dropOwner: from options.party, case-insensitive comparison, ConversionError without it', () => {
    const party = { country_code: 'NL', party_id: 'TNM' };
    const { ctx } = context({ party });
    assert.deepEqual(inventOwner({ id: '1' }, ctx, 'Location.party-from-context', '', 'Location'), {
      ...party,
      id: '1',
    });
    assert.throws(
      () => inventOwner({ id: '1' }, context().ctx, 'Location.party-from-context', '', 'Location'),
      ConversionError,
    );
    assert.deepEqual(inventOwner({ id: '1' }, context({ partial: true }).ctx, 'x', '', 'Location'), {
      id: '1',
    });
    const same = context({ party });
    assert.deepEqual(
      dropOwner({ country_code: 'nl', party_id: 'tnm', id: '1' }, same.ctx, 'Location.party-dropped', ''),
      { id: '1' },
    );
    assert.deepEqual(same.lossy, []);
  });

  it('dropFields: the fields of the table for (object, version), several per row, with its ids; nothing-values silent', () => {
    const table: DroppedField[] = [
      { object: 'X', field: 'a, b', to: '2.1.1', id: 'Price.taxes-dropped', description: 'x'.repeat(30) },
      { object: 'X', field: 'flag', to: '2.1.1', why: 'y', carriesNothing: (v) => v === false },
      { object: 'Y', field: 'c', to: '2.1.1', why: 'z' },
    ];
    const { ctx, lossy } = context();
    const out = dropFields({ a: 1, b: [], c: 3, flag: false, d: 4 }, table, 'X', '2.1.1', ctx, '/p');
    assert.deepEqual(out, { c: 3, d: 4 });
    assert.deepEqual(lossy, [{ id: 'Price.taxes-dropped', pointer: '/p/a' }]);
    assert.deepEqual(dropFields({ a: 1 }, table, 'X', '2.2.1', ctx, ''), { a: 1 });
    assert.deepEqual(
      droppedFieldRows(table).map((r) => [r.id, r.description]),
      [
        ['Price.taxes-dropped', 'x'.repeat(30)],
        ['X.flag-dropped-2.1.1', '2.1.1 has no flag: y'],
        ['Y.c-dropped-2.1.1', '2.1.1 has no c: z'],
      ],
    );
  });

  it('withEnum narrows a present field only, reporting at the field', () => {
    const { ctx, lossy } = context();
    assert.deepEqual(withEnum({ t: 'X', u: 1 }, 't', ['A'], 'A', ctx, 'Price.taxes-dropped', '/p'), {
      t: 'A',
      u: 1,
    });
    assert.deepEqual(withEnum({ t: 'A' }, 't', ['A'], 'A', ctx, 'Price.taxes-dropped', '/p'), { t: 'A' });
    assert.deepEqual(withEnum({ u: 1 }, 't', ['A'], 'A', ctx, 'Price.taxes-dropped', '/p'), { u: 1 });
    assert.deepEqual(lossy, [{ id: 'Price.taxes-dropped', pointer: '/p/t' }]);
  });

  rows.everyRowTested('common.ts');
});
