/**
 * CDR converters (and the CDR-chapter classes Sessions shares): every spec example round-trips and
 * converts validly into the other versions; every lossy row of cdrs.ts is hit (and not hit).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { converters, lossyMappings } from '../../../src/model/convert/cdrs.js';
import { ConversionError, convert, fromCanonical, toCanonical } from '../../../src/model/convert/index.js';
import {
  assertValid,
  at,
  converterEntryTests,
  exactButRebuilt,
  example,
  exampleSamples,
  type Json,
  lossyRows,
  notReported,
  PARTY_BE_BEC as party,
  reported,
  sampleTests,
  without,
} from '../../helpers/convert.js';
import { readExample } from '../../helpers/fixtures.js';

/** Where each CDR example's recorded erratum lies: issues there are the example's own. */
const ERRATUM_AT: Record<string, string> = {
  '2.1.1/mod_cdrs_01.json.txt': '/tariffs/0/elements/0/price_components/0/price',
  '2.3.0/cdr_example.json': '/tariffs/0',
};

describe('CDR examples', () => {
  const samples = exampleSamples(['CDR']);

  it('each erratum is located', () => {
    for (const s of samples) if (s.erratum) assert.ok(s.file && ERRATUM_AT[s.file], s.name);
  });

  sampleTests(samples, {
    inEveryVersion: true,
    options: { party },
    // Documented: the embedded Location comes back rebuilt from the CdrLocation.
    roundTrip: (s) =>
      s.version === '2.1.1'
        ? exactButRebuilt(
            'location',
            [
              '/location/id',
              '/location/name',
              '/location/address',
              '/location/coordinates',
              '/location/evses/0/uid',
              '/location/evses/0/evse_id',
              '/location/evses/0/connectors/0/standard',
              '/location/evses/0/connectors/0/power_type',
            ],
            ['CDR.location-reduced', '/cdr_location'],
            ['CDR.location-from-cdr-location', '/location'],
          )
        : undefined,
    erratum: (s, _target, issues) => {
      const erratum = ERRATUM_AT[s.file ?? ''];
      assert.deepEqual(
        issues.filter((i) => erratum === undefined || !i.pointer.startsWith(erratum)),
        [],
      );
    },
  });
});

// ---- small realistic documents ----

function cdr211(): Json {
  const doc = example('2.1.1/mod_cdrs_01.json.txt');
  // The example's erratum (a price given as a string) fixed, so conversions validate.
  const tariff = (doc.tariffs as Json[])[0] as Json;
  tariff.elements = [{ price_components: [{ type: 'TIME', price: 2, step_size: 300 }] }];
  return doc;
}

/** A valid canonical CDR: the 2.2.1 example brought up. */
function cdr230(): Json {
  return toCanonical('CDR', '2.2.1', readExample('2.2.1/cdr_example.json')).value;
}

function period(start: string, ...types: string[]): Json {
  return { start_date_time: start, dimensions: types.map((type) => ({ type, volume: 1 })) };
}

describe('CDR lossy mappings', () => {
  const rows = lossyRows(lossyMappings);

  // ---- charging periods ----

  rows.case('CdrDimension.flat-dropped', 'FLAT is no 2.2 dimension', () => {
    const doc = cdr211();
    doc.charging_periods = [period('2015-06-29T21:39:09Z', 'FLAT', 'TIME')];
    const { value, lossy } = toCanonical('CDR', '2.1.1', doc, { party });
    assert.deepEqual(at(value, '/charging_periods/0/dimensions'), [{ type: 'TIME', volume: 1 }]);
    reported(lossy, 'CdrDimension.flat-dropped', '/charging_periods/0/dimensions');
    notReported(toCanonical('CDR', '2.1.1', cdr211(), { party }).lossy, 'CdrDimension.flat-dropped');
  });

  rows.case('ChargingPeriod.flat-only-dropped', 'a FLAT-only period disappears', () => {
    const doc = cdr211();
    doc.charging_periods = [period('2015-06-29T21:39:09Z', 'TIME'), period('2015-06-29T22:00:00Z', 'FLAT')];
    const { value, lossy } = toCanonical('CDR', '2.1.1', doc, { party });
    assert.deepEqual(value.charging_periods, [period('2015-06-29T21:39:09Z', 'TIME')]);
    reported(lossy, 'ChargingPeriod.flat-only-dropped', '/charging_periods');
    notReported(toCanonical('CDR', '2.1.1', cdr211(), { party }).lossy, 'ChargingPeriod.flat-only-dropped');
    // Nothing left: a CDR needs a period.
    doc.charging_periods = [period('2015-06-29T22:00:00Z', 'FLAT')];
    assert.throws(() => toCanonical('CDR', '2.1.1', doc, { party }), ConversionError);
  });

  rows.case('CdrDimension.type-dropped-2.1.1', '2.1.1 lacks most 2.2 dimension types', () => {
    const doc = cdr230();
    doc.charging_periods = [period('2015-06-29T21:39:09Z', 'TIME', 'RESERVATION_TIME', 'STATE_OF_CHARGE')];
    const { value, lossy } = fromCanonical('CDR', '2.1.1', doc, { party });
    assert.deepEqual(at(value, '/charging_periods/0/dimensions'), [{ type: 'TIME', volume: 1 }]);
    reported(lossy, 'CdrDimension.type-dropped-2.1.1', '/charging_periods/0/dimensions');
    notReported(fromCanonical('CDR', '2.1.1', cdr230(), { party }).lossy, 'CdrDimension.type-dropped-2.1.1');
  });

  rows.case('CdrDimension.type-dropped-2.2.1', 'the bookings dimension types are not 2.2.1', () => {
    const doc = cdr230();
    doc.charging_periods = [period('2015-06-29T21:39:09Z', 'TIME', 'RESERVATION_OVERTIME')];
    const { value, lossy } = fromCanonical('CDR', '2.2.1', doc);
    assert.deepEqual(at(value, '/charging_periods/0/dimensions'), [{ type: 'TIME', volume: 1 }]);
    reported(lossy, 'CdrDimension.type-dropped-2.2.1', '/charging_periods/0/dimensions');
    notReported(fromCanonical('CDR', '2.2.1', cdr230()).lossy, 'CdrDimension.type-dropped-2.2.1');
  });

  rows.case('ChargingPeriod.emptied-dropped-2.1.1', 'a reservation-only period disappears', () => {
    const doc = cdr230();
    doc.charging_periods = [
      period('2015-06-29T21:00:00Z', 'RESERVATION_TIME'),
      period('2015-06-29T21:39:09Z', 'TIME'),
    ];
    const { value, lossy } = fromCanonical('CDR', '2.1.1', doc, { party });
    assert.deepEqual(value.charging_periods, [period('2015-06-29T21:39:09Z', 'TIME')]);
    reported(lossy, 'ChargingPeriod.emptied-dropped-2.1.1', '/charging_periods');
    notReported(
      fromCanonical('CDR', '2.1.1', cdr230(), { party }).lossy,
      'ChargingPeriod.emptied-dropped-2.1.1',
    );
    doc.charging_periods = [period('2015-06-29T21:00:00Z', 'RESERVATION_TIME')];
    assert.throws(() => fromCanonical('CDR', '2.1.1', doc, { party }), ConversionError);
  });

  rows.case('ChargingPeriod.emptied-dropped-2.2.1', 'a period of only bookings types disappears', () => {
    const doc = cdr230();
    doc.charging_periods = [
      period('2015-06-29T21:39:09Z', 'TIME'),
      period('2015-06-29T23:00:00Z', 'RESERVATION_EXPIRES'),
    ];
    const { value, lossy } = fromCanonical('CDR', '2.2.1', doc);
    assert.deepEqual(value.charging_periods, [period('2015-06-29T21:39:09Z', 'TIME')]);
    reported(lossy, 'ChargingPeriod.emptied-dropped-2.2.1', '/charging_periods');
    notReported(fromCanonical('CDR', '2.2.1', cdr230()).lossy, 'ChargingPeriod.emptied-dropped-2.2.1');
  });

  rows.case('ChargingPeriod.tariff_id-dropped-2.1.1', 'periods name no tariff in 2.1.1', () => {
    const { value, lossy } = fromCanonical('CDR', '2.1.1', cdr230(), { party });
    assert.equal(at(value, '/charging_periods/0/tariff_id'), undefined);
    reported(lossy, 'ChargingPeriod.tariff_id-dropped-2.1.1', '/charging_periods/0/tariff_id');
    const doc = cdr230();
    doc.charging_periods = [period('2015-06-29T21:39:09Z', 'TIME')];
    notReported(
      fromCanonical('CDR', '2.1.1', doc, { party }).lossy,
      'ChargingPeriod.tariff_id-dropped-2.1.1',
    );
  });

  // ---- the token ----

  rows.case('CdrToken.from-auth-id', 'auth_id becomes a CdrToken, owner from the eMA ID', () => {
    const { value, lossy } = toCanonical('CDR', '2.1.1', cdr211(), { party });
    assert.deepEqual(value.cdr_token, {
      country_code: 'DE',
      party_id: '8AC',
      uid: 'DE8ACC12E46L89',
      type: 'OTHER',
      contract_id: 'DE8ACC12E46L89',
    });
    reported(lossy, 'CdrToken.from-auth-id', '/cdr_token');
    // With separators too.
    const dashed = toCanonical('CDR', '2.1.1', { ...cdr211(), auth_id: 'NL-TST-C12345678-S' }, { party });
    assert.deepEqual(at(dashed.value, '/cdr_token/party_id'), 'TST');
    // A caller that knows the token supplies it: used as it is, nothing invented.
    const token = {
      country_code: 'DE',
      party_id: 'TNM',
      uid: '012345678',
      type: 'RFID',
      contract_id: 'DE8ACC12E46L89',
    };
    const supplied = toCanonical('CDR', '2.1.1', { ...cdr211(), cdr_token: token }, { party });
    assert.deepEqual(supplied.value.cdr_token, token);
    assert.ok(!('auth_id' in supplied.value));
    notReported(supplied.lossy, 'CdrToken.from-auth-id');
    // Not an eMA ID and no cdr_token: no owner is guessed.
    assert.throws(
      () => toCanonical('CDR', '2.1.1', { ...cdr211(), auth_id: 'FA54320' }, { party }),
      ConversionError,
    );
    // A supplied token for another contract: refused.
    assert.throws(
      () =>
        toCanonical('CDR', '2.1.1', { ...cdr211(), cdr_token: { ...token, contract_id: 'X' } }, { party }),
      ConversionError,
    );
  });

  rows.case('CdrToken.reduced-to-auth-id', 'only the contract id survives in 2.1.1', () => {
    const { value, lossy } = fromCanonical('CDR', '2.1.1', cdr230(), { party });
    assert.equal(value.auth_id, 'DE8ACC12E46L89');
    assert.ok(!('cdr_token' in value));
    reported(lossy, 'CdrToken.reduced-to-auth-id', '/auth_id');
    // A token the way back rebuilds as it is: nothing lost.
    const rebuilt = toCanonical('CDR', '2.1.1', cdr211(), { party }).value;
    notReported(fromCanonical('CDR', '2.1.1', rebuilt, { party }).lossy, 'CdrToken.reduced-to-auth-id');
  });

  rows.case('CdrToken.type-to-other-2.2.1', 'EMAID is no 2.2.1 token type', () => {
    const doc = cdr230();
    (doc.cdr_token as Json).type = 'EMAID';
    const { value, lossy } = fromCanonical('CDR', '2.2.1', doc);
    assert.equal(at(value, '/cdr_token/type'), 'OTHER');
    reported(lossy, 'CdrToken.type-to-other-2.2.1', '/cdr_token/type');
    notReported(fromCanonical('CDR', '2.2.1', cdr230()).lossy, 'CdrToken.type-to-other-2.2.1');
  });

  // ---- owner ----

  rows.case('CDR.party-from-context', 'the CPO comes from options.party', () => {
    const { value, lossy } = toCanonical('CDR', '2.1.1', cdr211(), { party });
    assert.deepEqual([value.country_code, value.party_id], ['BE', 'BEC']);
    reported(lossy, 'CDR.party-from-context', '/party_id');
    assert.throws(() => toCanonical('CDR', '2.1.1', cdr211()), ConversionError);
    notReported(
      toCanonical('CDR', '2.1.1', { remark: 'x' }, { partial: true }).lossy,
      'CDR.party-from-context',
    );
  });

  rows.case('CDR.party-dropped', 'reported only for another owner than the connection', () => {
    const other = fromCanonical('CDR', '2.1.1', cdr230(), { party: { country_code: 'NL', party_id: 'ABC' } });
    assert.ok(!('party_id' in other.value));
    reported(other.lossy, 'CDR.party-dropped', '/party_id');
    notReported(fromCanonical('CDR', '2.1.1', cdr230(), { party }).lossy, 'CDR.party-dropped');
  });

  rows.case('CDR.auth-method-command', 'COMMAND is AUTH_REQUEST in 2.1.1', () => {
    const { value, lossy } = fromCanonical(
      'CDR',
      '2.1.1',
      { ...cdr230(), auth_method: 'COMMAND' },
      { party },
    );
    assert.equal(value.auth_method, 'AUTH_REQUEST');
    reported(lossy, 'CDR.auth-method-command', '/auth_method');
    notReported(fromCanonical('CDR', '2.1.1', cdr230(), { party }).lossy, 'CDR.auth-method-command');
  });

  // ---- location ----

  rows.case('CDR.location-reduced', 'the embedded Location becomes a CdrLocation', () => {
    const { value, lossy } = toCanonical('CDR', '2.1.1', cdr211(), { party });
    assert.deepEqual(value.cdr_location, {
      id: 'LOC1',
      name: 'Gent Zuid',
      address: 'F.Rooseveltlaan 3A',
      city: 'Gent',
      postal_code: '9000',
      country: 'BE',
      coordinates: { latitude: '3.729944', longitude: '51.047599' },
      evse_uid: '3256',
      evse_id: 'BE-BEC-E041503003',
      connector_id: '1',
      connector_standard: 'IEC_62196_T2',
      connector_format: 'SOCKET',
      connector_power_type: 'AC_1_PHASE',
    });
    reported(lossy, 'CDR.location-reduced', '/cdr_location');
    notReported(
      toCanonical('CDR', '2.1.1', { remark: 'x' }, { partial: true }).lossy,
      'CDR.location-reduced',
    );
  });

  rows.case('CDR.first-evse-taken', 'several connectors: the first is taken', () => {
    const doc = cdr211();
    const evse = at(doc, '/location/evses/0') as Json;
    const [connector] = evse.connectors as Json[];
    evse.connectors = [connector, { ...connector, id: '2', standard: 'CHADEMO' }];
    const { value, lossy } = toCanonical('CDR', '2.1.1', doc, { party });
    assert.equal(at(value, '/cdr_location/connector_id'), '1');
    reported(lossy, 'CDR.first-evse-taken', '/cdr_location');
    notReported(toCanonical('CDR', '2.1.1', cdr211(), { party }).lossy, 'CDR.first-evse-taken');
  });

  rows.case('CDR.evse-not-available', 'a Location without EVSE: #NA ids', () => {
    const doc = cdr211();
    (doc.location as Json).evses = [];
    const { value, lossy } = toCanonical('CDR', '2.1.1', doc, { party });
    assert.equal(at(value, '/cdr_location/evse_uid'), '#NA');
    assert.equal(at(value, '/cdr_location/evse_id'), '#NA');
    assert.equal(at(value, '/cdr_location/connector_id'), '#NA');
    assertValid('2.3.0', 'CDR', value);
    reported(lossy, 'CDR.evse-not-available', '/cdr_location');
    notReported(toCanonical('CDR', '2.1.1', cdr211(), { party }).lossy, 'CDR.evse-not-available');
  });

  rows.case('CDR.evse-id-not-available', 'a 2.1.1 EVSE without evse_id', () => {
    const doc = cdr211();
    delete (at(doc, '/location/evses/0') as Json).evse_id;
    const { value, lossy } = toCanonical('CDR', '2.1.1', doc, { party });
    assert.equal(at(value, '/cdr_location/evse_id'), '#NA');
    reported(lossy, 'CDR.evse-id-not-available', '/cdr_location/evse_id');
    notReported(toCanonical('CDR', '2.1.1', cdr211(), { party }).lossy, 'CDR.evse-id-not-available');
    // And back: no evse_id rather than "#NA".
    const down = fromCanonical('CDR', '2.1.1', value, { party }).value;
    assert.equal(at(down, '/location/evses/0/evse_id'), undefined);
  });

  rows.case('CDR.location-from-cdr-location', 'a 2.1.1 Location is rebuilt', () => {
    const { value, lossy } = fromCanonical('CDR', '2.1.1', cdr230(), { party });
    const expected: Record<string, unknown> = {
      '/location/id': 'LOC1',
      '/location/type': 'UNKNOWN',
      '/location/country': 'BEL',
      '/location/last_updated': '2015-06-29T21:39:09Z',
      '/location/evses/0/uid': '3256',
      '/location/evses/0/evse_id': 'BE*BEC*E041503003',
      '/location/evses/0/status': 'UNKNOWN',
      '/location/evses/0/connectors/0/id': '1',
      '/location/evses/0/connectors/0/standard': 'IEC_62196_T2',
      '/location/evses/0/connectors/0/voltage': 0,
      '/location/evses/0/connectors/0/amperage': 0,
    };
    for (const [path, v] of Object.entries(expected)) assert.equal(at(value, path), v, path);
    assertValid('2.1.1', 'CDR', value);
    reported(lossy, 'CDR.location-from-cdr-location', '/location');
    // What the Location converter reports, it reports at the rebuilt Location's pointers.
    const doc = cdr230();
    (doc.cdr_location as Json).state = 'Oost-Vlaanderen';
    reported(
      fromCanonical('CDR', '2.1.1', doc, { party }).lossy,
      'Location.state-dropped',
      '/location/state',
    );
    // A reservation CDR (#NA EVSE): a Location without EVSE.
    const na = cdr230();
    Object.assign(na.cdr_location as Json, { evse_uid: '#NA', evse_id: '#NA', connector_id: '#NA' });
    assert.deepEqual(at(fromCanonical('CDR', '2.1.1', na, { party }).value, '/location/evses'), []);
    notReported(fromCanonical('CDR', '2.2.1', cdr230()).lossy, 'CDR.location-from-cdr-location');
  });

  rows.case('CdrLocation.connector_standard-2.2.1', 'SAE_J3400 is TESLA_S in 2.2.1', () => {
    const doc = cdr230();
    (doc.cdr_location as Json).connector_standard = 'SAE_J3400';
    const { value, lossy } = fromCanonical('CDR', '2.2.1', doc);
    assert.equal(at(value, '/cdr_location/connector_standard'), 'TESLA_S');
    reported(lossy, 'CdrLocation.connector_standard-2.2.1', '/cdr_location/connector_standard');
    notReported(fromCanonical('CDR', '2.2.1', cdr230()).lossy, 'CdrLocation.connector_standard-2.2.1');
  });

  // ---- fields 2.1.1 (or 2.2.1) lacks ----

  const droppedValues: Record<string, unknown> = {
    booking_id: 'BOOK-1',
    session_id: 'SESSION-1',
    authorization_reference: 'AUTH-1',
    signed_data: {
      encoding_method: 'OCMF',
      signed_values: [{ nature: 'Start', plain_data: 'x', signed_data: 'eA==' }],
    },
    total_fixed_cost: { before_taxes: 1, taxes: [{ name: 'VAT', amount: 0.1 }] },
    total_energy_cost: { before_taxes: 2 },
    total_time_cost: { before_taxes: 4 },
    total_parking_cost: { before_taxes: 0.5 },
    total_reservation_cost: { before_taxes: 1.5 },
    invoice_reference_id: 'INV-1',
    credit: true,
    credit_reference_id: '12344',
    home_charging_compensation: true,
  };

  for (const r of lossyMappings.filter((row) => /^CDR\.[a-z_]+-dropped-2\.\d\.1$/.test(row.id))) {
    assert.ok(r.field in droppedValues, `a test value for ${r.field}`);
    rows.droppedCase(r.id, {
      type: 'CDR',
      doc: () => without(cdr230(), 'total_time_cost'),
      value: droppedValues[r.field],
      // false carries nothing: not reported.
      silent: typeof droppedValues[r.field] === 'boolean' ? [false] : [],
      options: { party },
    });
  }

  it('credit false and home_charging_compensation false carry nothing: not reported', () => {
    const doc = { ...cdr230(), credit: false, home_charging_compensation: false };
    const { value, lossy } = fromCanonical('CDR', '2.1.1', doc, { party });
    assert.ok(!('credit' in value) && !('home_charging_compensation' in value));
    notReported(lossy, 'CDR.credit-dropped-2.1.1');
    notReported(lossy, 'CDR.home_charging_compensation-dropped-2.1.1');
  });

  rows.everyRowTested('cdrs.ts');
});

describe('CDR money', () => {
  it('2.1.1 total_cost (excl. VAT) is before_taxes, exactly, and back', () => {
    const up = toCanonical('CDR', '2.1.1', cdr211(), { party });
    assert.deepEqual(up.value.total_cost, { before_taxes: 4 });
    assert.equal(fromCanonical('CDR', '2.1.1', up.value, { party }).value.total_cost, 4);
  });

  it('every 2.2.1 Price field converts both ways with decimal arithmetic', () => {
    const doc = readExample('2.2.1/cdr_example.json') as Json;
    const prices = {
      total_cost: { excl_vat: 10.1, incl_vat: 12.22 },
      total_fixed_cost: { excl_vat: 0.1, incl_vat: 0.3 },
      total_energy_cost: { excl_vat: 5 },
      total_time_cost: { excl_vat: 4, incl_vat: 4 },
      total_parking_cost: { excl_vat: 0.7, incl_vat: 0.8 },
      total_reservation_cost: { excl_vat: 0.3, incl_vat: 0.33 },
    };
    const up = toCanonical('CDR', '2.2.1', { ...doc, ...prices }).value;
    assert.deepEqual(up.total_cost, { before_taxes: 10.1, taxes: [{ name: 'VAT', amount: 2.12 }] });
    assert.deepEqual(up.total_fixed_cost, { before_taxes: 0.1, taxes: [{ name: 'VAT', amount: 0.2 }] });
    assert.deepEqual(up.total_energy_cost, { before_taxes: 5 });
    assert.deepEqual(up.total_time_cost, { before_taxes: 4, taxes: [] });
    assert.deepEqual(up.total_reservation_cost, {
      before_taxes: 0.3,
      taxes: [{ name: 'VAT', amount: 0.03 }],
    });
    assertValid('2.3.0', 'CDR', up);
    assert.deepEqual(fromCanonical('CDR', '2.2.1', up).value, { ...doc, ...prices });
  });

  it('2.3.0 tax lines are summed into incl_vat (Price.taxes-summed)', () => {
    const doc = cdr230();
    doc.total_cost = {
      before_taxes: 10,
      taxes: [
        { name: 'GST', amount: 0.5 },
        { name: 'QST', amount: 0.9975 },
      ],
    };
    const { value, lossy } = fromCanonical('CDR', '2.2.1', doc);
    assert.deepEqual(value.total_cost, { excl_vat: 10, incl_vat: 11.4975 });
    reported(lossy, 'Price.taxes-summed', '/total_cost/incl_vat');
  });

  it('the embedded Tariffs are converted by the Tariff converter', () => {
    const up = toCanonical('CDR', '2.1.1', cdr211(), { party }).value;
    assert.equal(at(up, '/tariffs/0/country_code'), 'BE');
    assert.ok(at(up, '/tariffs/0/tax_included') !== undefined);
    assertValid('2.3.0', 'CDR', up);
  });
});

describe('the CDR classes on their own', () => {
  it('CdrToken, CdrLocation, SignedData, SignedValue exist from 2.2.1; ChargingPeriod in every version', () => {
    assert.throws(() => toCanonical('CdrToken', '2.1.1', {}), ConversionError);
    assert.throws(() => toCanonical('CdrLocation', '2.1.1', {}), ConversionError);
    const signed = {
      encoding_method: 'OCMF',
      signed_values: [{ nature: 'Start', plain_data: 'a', signed_data: 'b' }],
    };
    assert.deepEqual(convert('SignedData', '2.2.1', '2.3.0', signed).value, signed);
    const p = period('2015-06-29T21:39:09Z', 'ENERGY', 'FLAT');
    const up = toCanonical('ChargingPeriod', '2.1.1', p);
    assert.deepEqual(up.value, period('2015-06-29T21:39:09Z', 'ENERGY'));
    reported(up.lossy, 'CdrDimension.flat-dropped', '/dimensions');
    assert.throws(
      () => toCanonical('ChargingPeriod', '2.1.1', period('2015-06-29T21:39:09Z', 'FLAT')),
      ConversionError,
    );
  });

  it('unknown fields pass through', () => {
    const up = toCanonical('CDR', '2.1.1', { ...cdr211(), x_extra: [1] }, { party }).value;
    assert.deepEqual(up.x_extra, [1]);
    assert.deepEqual(fromCanonical('CDR', '2.1.1', up, { party }).value.x_extra, [1]);
  });
});

describe('cdrs converter entries', () => {
  converterEntryTests('cdrs', converters);
});
