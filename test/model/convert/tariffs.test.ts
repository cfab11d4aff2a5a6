/**
 * Tariffs converters: round trip of every example, cross-version validity of every complete
 * example, the 2.2.1 examples against their 2.3.0 restatements, and one test per lossy-mapping
 * row (value AND report, and no report when it does not apply).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { converters, lossyMappings } from '../../../src/model/convert/tariffs.js';
import { ConversionError, toCanonical } from '../../../src/model/index.js';
import {
  assertValid,
  canonical,
  down,
  exampleSamples,
  type Json,
  lossyIs,
  lossyRows,
  PARTY_NL_TNM as party,
  reportedAt,
  sampleTests,
  up,
  VERSIONS,
} from '../../helpers/convert.js';
import { readExample } from '../../helpers/fixtures.js';

const rows = lossyRows(lossyMappings);

/** A canonical Tariff priced including taxes, with and without a VAT percentage. */
function taxIncluded(): Json {
  return {
    country_code: 'NL',
    party_id: 'TNM',
    id: 'incl-1',
    currency: 'EUR',
    elements: [
      {
        price_components: [
          { type: 'FLAT', price: 0.6, vat: 20, step_size: 1 },
          { type: 'ENERGY', price: 2.0207, vat: 21, step_size: 1 },
          { type: 'PARKING_TIME', price: 3.5, step_size: 60 },
        ],
      },
    ],
    tax_included: 'YES',
    last_updated: '2024-01-01T00:00:00Z',
  };
}

const samples = exampleSamples(Object.keys(converters));

describe('tariffs converters: spec examples', () => {
  it('cover the Tariff examples of every version', () => {
    for (const v of VERSIONS) assert.ok(samples.filter((s) => s.version === v).length >= 6, v);
  });

  sampleTests(samples, {
    options: { party },
    // The recorded erratum (no last_updated) is carried over, and is the only problem.
    erratum: (s, _target, issues) =>
      assert.deepEqual(
        issues.map((i) => i.pointer),
        [s.erratum?.pointer],
      ),
  });

  it('every 2.2.1 example becomes exactly the 2.3.0 chapter restatement of it', () => {
    let compared = 0;
    for (const s of samples.filter((x) => x.version === '2.2.1')) {
      const result = up('Tariff', '2.2.1', s.doc);
      assert.deepEqual(result.value, readExample(s.file!.replace('2.2.1/', '2.3.0/')), s.name);
      // Nothing is reported but the filled-in tax_included.
      assert.deepEqual(
        result.lossy.map((l) => l.id),
        ['Tariff.tax-included-from-2.2.1'],
      );
      compared++;
    }
    assert.ok(compared >= 20, `compared ${compared}`);
  });

  it('min_price/max_price: 2.2.1 Price and 2.3.0 PriceLimit are one rename (exact both ways)', () => {
    const limited = canonical('tariff_6_025kwh_start_max_price.json');
    const result = down('Tariff', '2.2.1', limited);
    assert.deepEqual(result.value.max_price, {
      excl_vat: (limited.max_price as Json).before_taxes,
      incl_vat: (limited.max_price as Json).after_taxes,
    });
    assert.deepEqual(result.lossy, []);
  });
});

describe('tariffs converters: up to canonical', () => {
  const t211 = readExample('2.1.1/mod_tariffs_06.json.txt') as Json;

  rows.case(
    'Tariff.party-from-context',
    'owner from options.party; none: ConversionError; PATCH: nothing',
    () => {
      const result = up('Tariff', '2.1.1', t211, { party });
      assert.deepEqual([result.value.country_code, result.value.party_id], ['NL', 'TNM']);
      reportedAt(result.lossy, 'Tariff.party-from-context', ['/party_id']);
      assert.throws(() => toCanonical('Tariff', '2.1.1', t211), ConversionError);
      const patch = up('Tariff', '2.1.1', readExample('2.1.1/mod_tariffs_02.json.txt') as Json, {
        partial: true,
      });
      assert.equal('party_id' in patch.value, false);
      lossyIs(patch.lossy, []);
    },
  );

  rows.case('Tariff.tax-included-from-2.1.1', 'NO, prices untouched', () => {
    const result = up('Tariff', '2.1.1', t211, { party });
    assert.equal(result.value.tax_included, 'NO');
    assert.deepEqual(result.value.elements, t211.elements);
    reportedAt(result.lossy, 'Tariff.tax-included-from-2.1.1', ['/tax_included']);
    assertValid('2.3.0', 'Tariff', result.value);
    const patch = up('Tariff', '2.1.1', { currency: 'EUR' }, { partial: true });
    assert.deepEqual(patch.value, { currency: 'EUR' });
    reportedAt(patch.lossy, 'Tariff.tax-included-from-2.1.1', []);
  });

  rows.case('Tariff.tax-included-from-2.2.1', 'NO (with or without vat), never in a PATCH', () => {
    const free = readExample('2.2.1/tariff_5_free_of_charge.json') as Json;
    const result = up('Tariff', '2.2.1', free);
    assert.equal(result.value.tax_included, 'NO');
    reportedAt(result.lossy, 'Tariff.tax-included-from-2.2.1', ['/tax_included']);
    const patch = up('Tariff', '2.2.1', { min_price: { excl_vat: 1, incl_vat: 1.2 } }, { partial: true });
    assert.deepEqual(patch.value, { min_price: { before_taxes: 1, after_taxes: 1.2 } });
    lossyIs(patch.lossy, []);
  });

  it('energy_mix of a 2.1.1 Tariff: environ_impact source -> category', () => {
    const energy_mix = {
      is_green_energy: false,
      environ_impact: [{ source: 'CARBON_DIOXIDE', amount: 372 }],
    };
    const result = up('Tariff', '2.1.1', { ...t211, energy_mix }, { party });
    assert.deepEqual((result.value.energy_mix as Json).environ_impact, [
      { category: 'CARBON_DIOXIDE', amount: 372 },
    ]);
    const back = down('Tariff', '2.1.1', result.value, { party });
    assert.deepEqual(back.value.energy_mix, energy_mix);
  });
});

describe('tariffs converters: down to 2.1.1', () => {
  const complex = canonical('tariff_4_complex.json');

  rows.case('Tariff.party-dropped', 'silent when the owner is the connection party', () => {
    const same = down('Tariff', '2.1.1', complex, { party: { country_code: 'de', party_id: 'all' } });
    assert.equal('party_id' in same.value, false);
    reportedAt(same.lossy, 'Tariff.party-dropped', []);
    const other = down('Tariff', '2.1.1', complex, { party });
    reportedAt(other.lossy, 'Tariff.party-dropped', ['/party_id']);
  });

  rows.case('Tariff.type-dropped', 'dropped', () => {
    const result = down('Tariff', '2.1.1', { ...complex, type: 'AD_HOC_PAYMENT' });
    assert.equal('type' in result.value, false);
    reportedAt(result.lossy, 'Tariff.type-dropped', ['/type']);
    // tariff_4_complex itself has type REGULAR.
    reportedAt(down('Tariff', '2.1.1', complex).lossy, 'Tariff.type-dropped', ['/type']);
    reportedAt(
      down('Tariff', '2.1.1', canonical('tariff_1_simple_2hour.json')).lossy,
      'Tariff.type-dropped',
      [],
    );
  });

  rows.case('Tariff.price-limits-dropped', 'dropped', () => {
    const min = down('Tariff', '2.1.1', canonical('tariff_12_025kwh_min_price.json'));
    assert.equal('min_price' in min.value, false);
    reportedAt(min.lossy, 'Tariff.price-limits-dropped', ['/min_price']);
    const max = down('Tariff', '2.1.1', canonical('tariff_6_025kwh_start_max_price.json'));
    reportedAt(max.lossy, 'Tariff.price-limits-dropped', ['/max_price']);
    reportedAt(down('Tariff', '2.1.1', complex).lossy, 'Tariff.price-limits-dropped', []);
  });

  rows.case('Tariff.validity-dropped', 'dropped', () => {
    const result = down('Tariff', '2.1.1', {
      ...complex,
      start_date_time: '2025-01-01T00:00:00Z',
      end_date_time: '2025-07-01T00:00:00Z',
    });
    assert.equal('start_date_time' in result.value || 'end_date_time' in result.value, false);
    reportedAt(result.lossy, 'Tariff.validity-dropped', ['/start_date_time', '/end_date_time']);
    reportedAt(down('Tariff', '2.1.1', complex).lossy, 'Tariff.validity-dropped', []);
  });

  rows.case('PriceComponent.vat-dropped', 'one report per component that had a vat', () => {
    const result = down('Tariff', '2.1.1', canonical('tariff_9_025kwh_start.json'));
    const components = ((result.value.elements as Json[])[0]!.price_components as Json[]).map(
      (c) => 'vat' in c,
    );
    assert.deepEqual(components, [false, false]);
    reportedAt(result.lossy, 'PriceComponent.vat-dropped', [
      '/elements/0/price_components/0/vat',
      '/elements/0/price_components/1/vat',
    ]);
    assertValid('2.1.1', 'Tariff', result.value);
    const free = down('Tariff', '2.1.1', canonical('tariff_5_free_of_charge.json'));
    reportedAt(free.lossy, 'PriceComponent.vat-dropped', []);
  });

  rows.case(
    'TariffElement.reservation-dropped',
    'reservation and booking elements leave, the rest keep their order',
    () => {
      const reservation = canonical('tariff_17_reservation_with_expire_fee.json');
      const result = down('Tariff', '2.1.1', reservation);
      const elements = result.value.elements as Json[];
      assert.equal(elements.length, 1);
      assert.deepEqual(
        (elements[0]!.price_components as Json[]).map((c) => c.type),
        ['FLAT', 'ENERGY'],
      );
      reportedAt(result.lossy, 'TariffElement.reservation-dropped', ['/elements']);
      // Pointers after the drop are those of the converted list.
      reportedAt(result.lossy, 'PriceComponent.vat-dropped', [
        '/elements/0/price_components/0/vat',
        '/elements/0/price_components/1/vat',
      ]);
      const booking = {
        ...complex,
        elements: [
          {
            price_components: [{ type: 'FLAT', price: 2, step_size: 1 }],
            restrictions: { booking: 'BOOKING' },
          },
          ...(complex.elements as Json[]),
        ],
      };
      const b = down('Tariff', '2.1.1', booking);
      assert.deepEqual(b.value.elements, down('Tariff', '2.1.1', complex).value.elements);
      reportedAt(b.lossy, 'TariffElement.reservation-dropped', ['/elements']);
      reportedAt(down('Tariff', '2.1.1', complex).lossy, 'TariffElement.reservation-dropped', []);
    },
  );

  rows.case('TariffRestrictions.current-dropped', 'dropped', () => {
    const doc = {
      ...complex,
      elements: [
        {
          price_components: [{ type: 'TIME', price: 1, vat: 20, step_size: 60 }],
          restrictions: { max_current: 16, day_of_week: ['MONDAY'] },
        },
      ],
    };
    const result = down('Tariff', '2.1.1', doc);
    assert.deepEqual((result.value.elements as Json[])[0]!.restrictions, { day_of_week: ['MONDAY'] });
    reportedAt(result.lossy, 'TariffRestrictions.current-dropped', ['/elements/0/restrictions/max_current']);
    // tariff_4_complex restricts by current (its 2.1.1 twin used power instead).
    reportedAt(down('Tariff', '2.1.1', complex).lossy, 'TariffRestrictions.current-dropped', [
      '/elements/1/restrictions/max_current',
      '/elements/2/restrictions/min_current',
      '/elements/3/restrictions/min_current',
    ]);
    const simple = canonical('tariff_10_025kwh_parking_start.json');
    reportedAt(down('Tariff', '2.1.1', simple).lossy, 'TariffRestrictions.current-dropped', []);
  });

  rows.case('Tariff.preauthorize-amount-dropped-2.1.1', 'dropped', () => {
    const result = down('Tariff', '2.1.1', { ...complex, preauthorize_amount: 50 });
    assert.equal('preauthorize_amount' in result.value, false);
    reportedAt(result.lossy, 'Tariff.preauthorize-amount-dropped-2.1.1', ['/preauthorize_amount']);
    reportedAt(down('Tariff', '2.1.1', complex).lossy, 'Tariff.preauthorize-amount-dropped-2.1.1', []);
  });

  rows.case('Tariff.tax-included-2.1.1', 'N/A cannot be said; NO is exact', () => {
    const na = down('Tariff', '2.1.1', { ...canonical('tariff_5_free_of_charge.json'), tax_included: 'N/A' });
    assert.equal('tax_included' in na.value, false);
    reportedAt(na.lossy, 'Tariff.tax-included-2.1.1', ['/tax_included']);
    const no = down('Tariff', '2.1.1', canonical('tariff_19_simple_north_american_exclusive.json'));
    reportedAt(no.lossy, 'Tariff.tax-included-2.1.1', []);
    assert.equal(
      ((no.value.elements as Json[])[0]!.price_components as Json[])[0]!.price,
      (
        (
          (canonical('tariff_19_simple_north_american_exclusive.json').elements as Json[])[0]!
            .price_components as Json[]
        )[0] as Json
      ).price,
    );
  });

  rows.case(
    'PriceComponent.tax-removed-2.1.1',
    'YES: prices with vat lose the tax (decimal), a price without vat is kept and reported',
    () => {
      const result = down('Tariff', '2.1.1', taxIncluded());
      const prices = ((result.value.elements as Json[])[0]!.price_components as Json[]).map((c) => c.price);
      // 0.6 / 1.2 = 0.5; 2.0207 / 1.21 = 1.67 exactly (binary floating point gives 1.6700000000000002).
      assert.deepEqual(prices, [0.5, 1.67, 3.5]);
      reportedAt(result.lossy, 'PriceComponent.tax-removed-2.1.1', [
        '/elements/0/price_components/0/price',
        '/elements/0/price_components/1/price',
      ]);
      reportedAt(result.lossy, 'Tariff.tax-included-2.1.1', ['/elements/0/price_components/2/price']);
      assertValid('2.1.1', 'Tariff', result.value);
      const no = down('Tariff', '2.1.1', { ...taxIncluded(), tax_included: 'NO' });
      assert.deepEqual(
        ((no.value.elements as Json[])[0]!.price_components as Json[]).map((c) => c.price),
        [0.6, 2.0207, 3.5],
      );
      reportedAt(no.lossy, 'PriceComponent.tax-removed-2.1.1', []);
    },
  );
});

describe('tariffs converters: down to 2.2.1', () => {
  rows.case('PriceComponent.tax-removed-2.2.1', 'YES: excluding-VAT prices with the vat kept', () => {
    const result = down('Tariff', '2.2.1', taxIncluded());
    const components = (result.value.elements as Json[])[0]!.price_components as Json[];
    assert.deepEqual(
      components.map((c) => [c.price, c.vat]),
      [
        [0.5, 20],
        [1.67, 21],
        [3.5, undefined],
      ],
    );
    reportedAt(result.lossy, 'PriceComponent.tax-removed-2.2.1', [
      '/elements/0/price_components/0/price',
      '/elements/0/price_components/1/price',
    ]);
    assert.equal('tax_included' in result.value, false);
    assertValid('2.2.1', 'Tariff', result.value);
    const no = down('Tariff', '2.2.1', { ...taxIncluded(), tax_included: 'NO' });
    assert.deepEqual(no.value.elements, taxIncluded().elements);
    reportedAt(no.lossy, 'PriceComponent.tax-removed-2.2.1', []);
  });

  rows.case(
    'Tariff.tax-included-2.2.1',
    'the North American inclusive example keeps its price, reported',
    () => {
      const inclusive = canonical('tariff_20_simple_north_american_inclusive.json');
      const result = down('Tariff', '2.2.1', inclusive);
      assert.deepEqual(result.value.elements, inclusive.elements);
      reportedAt(result.lossy, 'Tariff.tax-included-2.2.1', ['/elements/0/price_components/0/price']);
      for (const file of ['tariff_19_simple_north_american_exclusive.json', 'tariff_4_complex.json']) {
        lossyIs(down('Tariff', '2.2.1', canonical(file)).lossy, []);
      }
      const na = down('Tariff', '2.2.1', {
        ...canonical('tariff_5_free_of_charge.json'),
        tax_included: 'N/A',
      });
      lossyIs(na.lossy, []);
    },
  );

  rows.case('TariffElement.booking-dropped', 'booking elements leave; reservation elements stay', () => {
    const reservation = canonical('tariff_17_reservation_with_expire_fee.json');
    const elements = reservation.elements as Json[];
    const booking = {
      price_components: [{ type: 'FLAT', price: 2, vat: 20, step_size: 1 }],
      restrictions: { booking: 'BOOKING_CANCELLATION_FEES' },
    };
    const result = down('Tariff', '2.2.1', { ...reservation, elements: [booking, ...elements] });
    assert.deepEqual(result.value.elements, elements);
    reportedAt(result.lossy, 'TariffElement.booking-dropped', ['/elements']);
    const plain = down('Tariff', '2.2.1', reservation);
    assert.deepEqual(plain.value.elements, elements);
    reportedAt(plain.lossy, 'TariffElement.booking-dropped', []);
  });

  rows.case('Tariff.preauthorize-amount-dropped-2.2.1', 'dropped', () => {
    const result = down('Tariff', '2.2.1', {
      ...canonical('tariff_1_simple_2hour.json'),
      preauthorize_amount: 25,
    });
    assert.equal('preauthorize_amount' in result.value, false);
    reportedAt(result.lossy, 'Tariff.preauthorize-amount-dropped-2.2.1', ['/preauthorize_amount']);
    const plain = down('Tariff', '2.2.1', canonical('tariff_1_simple_2hour.json'));
    reportedAt(plain.lossy, 'Tariff.preauthorize-amount-dropped-2.2.1', []);
  });

  it('energy_mix: an open-enum impact category 2.2.1 lacks is dropped', () => {
    const energy_mix = {
      is_green_energy: false,
      environ_impact: [
        { category: 'CARBON_DIOXIDE', amount: 372 },
        { category: 'METHANE', amount: 2 },
      ],
    };
    const result = down('Tariff', '2.2.1', { ...canonical('tariff_1_simple_2hour.json'), energy_mix });
    assert.deepEqual((result.value.energy_mix as Json).environ_impact, [
      { category: 'CARBON_DIOXIDE', amount: 372 },
    ]);
    reportedAt(result.lossy, 'EnvironmentalImpact.unknown-category-2.2.1', ['/energy_mix/environ_impact']);
  });

  rows.everyRowTested('tariffs.ts');
});
