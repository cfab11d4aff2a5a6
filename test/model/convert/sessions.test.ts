/**
 * Session (and ChargingPreferences) converters: every spec example round-trips and converts validly
 * into the other versions; every lossy row of sessions.ts is hit (and not hit) by a small document.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConversionError, convert, fromCanonical, toCanonical } from '../../../src/model/convert/index.js';
import { converters, lossyMappings } from '../../../src/model/convert/sessions.js';
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
} from '../../helpers/convert.js';
import { readExample } from '../../helpers/fixtures.js';

describe('Session examples', () => {
  sampleTests(exampleSamples(['Session']), {
    inEveryVersion: true,
    options: { party },
    // The one documented exception: 2.1.1's embedded Location comes back as a stand-in holding the
    // same ids (Session.location-reduced / Session.location-stand-in).
    roundTrip: (s) =>
      s.version === '2.1.1' && !s.partial
        ? exactButRebuilt(
            'location',
            ['/location/id', '/location/evses/0/uid', '/location/evses/0/connectors/0/id'],
            ['Session.location-reduced', '/location_id'],
            ['Session.location-stand-in', '/location'],
          )
        : undefined,
  });
});

// ---- small realistic documents ----

const session211 = () => example('2.1.1/mod_sessions_03.json.txt');
const session230 = () => example('2.3.0/session_example_2_short_finished.json');

describe('Session lossy mappings', () => {
  const rows = lossyRows(lossyMappings);

  rows.case('Session.party-from-context', 'the CPO comes from options.party', () => {
    const { value, lossy } = toCanonical('Session', '2.1.1', session211(), { party });
    assert.equal(value.country_code, 'BE');
    assert.equal(value.party_id, 'BEC');
    reported(lossy, 'Session.party-from-context', '/party_id');
    assert.throws(() => toCanonical('Session', '2.1.1', session211()), ConversionError);
    const patch = toCanonical('Session', '2.1.1', { kwh: 3 }, { party, partial: true });
    assert.deepEqual(patch.value, { kwh: 3 });
    notReported(patch.lossy, 'Session.party-from-context');
  });

  rows.case('Session.party-dropped', 'reported only for another owner than the connection', () => {
    const other = fromCanonical('Session', '2.1.1', session230(), {
      party: { country_code: 'NL', party_id: 'ABC' },
    });
    assert.ok(!('country_code' in other.value) && !('party_id' in other.value));
    reported(other.lossy, 'Session.party-dropped', '/party_id');
    const same = fromCanonical('Session', '2.1.1', session230(), { party });
    notReported(same.lossy, 'Session.party-dropped');
  });

  rows.case('Session.location-reduced', 'the embedded Location becomes its ids', () => {
    const { value, lossy } = toCanonical('Session', '2.1.1', session211(), { party });
    assert.equal(value.location_id, 'LOC1');
    assert.equal(value.evse_uid, '3256');
    assert.equal(value.connector_id, '1');
    assert.ok(!('location' in value));
    reported(lossy, 'Session.location-reduced', '/location_id');
    const patch = toCanonical('Session', '2.1.1', { kwh: 1 }, { party, partial: true });
    notReported(patch.lossy, 'Session.location-reduced');
  });

  rows.case('Session.first-evse-taken', 'several EVSEs: the first is taken', () => {
    const doc = session211();
    const location = doc.location as Json;
    const [evse] = location.evses as Json[];
    location.evses = [evse, { ...evse, uid: '9999' }];
    const { value, lossy } = toCanonical('Session', '2.1.1', doc, { party });
    assert.equal(value.evse_uid, '3256');
    reported(lossy, 'Session.first-evse-taken', '/evse_uid');
    notReported(toCanonical('Session', '2.1.1', session211(), { party }).lossy, 'Session.first-evse-taken');
  });

  rows.case('Session.evse-not-available', 'a Location without EVSE gives #NA ids', () => {
    const doc = session211();
    (doc.location as Json).evses = [];
    const { value, lossy } = toCanonical('Session', '2.1.1', doc, { party });
    assert.equal(value.evse_uid, '#NA');
    assert.equal(value.connector_id, '#NA');
    assertValid('2.3.0', 'Session', value);
    reported(lossy, 'Session.evse-not-available', '/evse_uid');
    notReported(toCanonical('Session', '2.1.1', session211(), { party }).lossy, 'Session.evse-not-available');
  });

  rows.case('Session.location-stand-in', 'a 2.1.1 Location is made from the ids', () => {
    const { value, lossy } = fromCanonical('Session', '2.1.1', session230(), { party });
    const expected: Record<string, unknown> = {
      '/location/id': 'LOC1',
      '/location/type': 'UNKNOWN',
      '/location/address': '',
      '/location/last_updated': '2015-06-29T22:39:09Z',
      '/location/evses/0/uid': '3256',
      '/location/evses/0/status': 'UNKNOWN',
      '/location/evses/0/connectors/0/id': '1',
      '/location/evses/0/connectors/0/voltage': 0,
      '/location/evses/0/connectors/0/amperage': 0,
    };
    for (const [path, v] of Object.entries(expected)) assert.equal(at(value, path), v, path);
    assertValid('2.1.1', 'Session', value);
    reported(lossy, 'Session.location-stand-in', '/location');
    // A reservation's #NA EVSE: a Location without EVSE.
    const reservation = { ...session230(), status: 'RESERVATION', evse_uid: '#NA', connector_id: '#NA' };
    const stand = fromCanonical('Session', '2.1.1', reservation, { party }).value.location as Json;
    assert.deepEqual(stand.evses, []);
    const patch = fromCanonical('Session', '2.1.1', { kwh: 2 }, { party, partial: true });
    notReported(patch.lossy, 'Session.location-stand-in');
  });

  rows.case('Session.location-ids-dropped', 'a PATCH of the ids cannot become a Location', () => {
    const { value, lossy } = fromCanonical(
      'Session',
      '2.1.1',
      { evse_uid: '3257', kwh: 2 },
      { party, partial: true },
    );
    assert.deepEqual(value, { kwh: 2 });
    reported(lossy, 'Session.location-ids-dropped', '/evse_uid');
    notReported(
      fromCanonical('Session', '2.1.1', { kwh: 2 }, { party, partial: true }).lossy,
      'Session.location-ids-dropped',
    );
  });

  rows.case('Session.auth-method-command', 'COMMAND is AUTH_REQUEST in 2.1.1', () => {
    const { value, lossy } = fromCanonical(
      'Session',
      '2.1.1',
      { ...session230(), auth_method: 'COMMAND' },
      { party },
    );
    assert.equal(value.auth_method, 'AUTH_REQUEST');
    assertValid('2.1.1', 'Session', value);
    reported(lossy, 'Session.auth-method-command', '/auth_method');
    const whitelist = fromCanonical('Session', '2.1.1', session230(), { party });
    assert.equal(whitelist.value.auth_method, 'WHITELIST');
    notReported(whitelist.lossy, 'Session.auth-method-command');
  });

  rows.case('Session.status-reservation', 'RESERVATION becomes PENDING', () => {
    const { value, lossy } = fromCanonical(
      'Session',
      '2.1.1',
      { ...session230(), status: 'RESERVATION' },
      { party },
    );
    assert.equal(value.status, 'PENDING');
    reported(lossy, 'Session.status-reservation', '/status');
    const active = fromCanonical('Session', '2.1.1', { ...session230(), status: 'ACTIVE' }, { party });
    assert.equal(active.value.status, 'ACTIVE');
    notReported(active.lossy, 'Session.status-reservation');
  });

  rows.droppedCase('Session.authorization_reference-dropped-2.1.1', {
    type: 'Session',
    doc: session230,
    value: 'AUTH-1',
    options: { party },
  });

  rows.everyRowTested('sessions.ts');
});

describe('Session conversions that lose nothing', () => {
  it('2.1.1 names become 2.2 names and back', () => {
    const { value } = toCanonical('Session', '2.1.1', session211(), { party });
    assert.equal(value.start_date_time, '2015-06-29T22:39:09Z');
    assert.equal(value.end_date_time, '2015-06-29T23:50:16Z');
    assert.ok(!('start_datetime' in value) && !('auth_id' in value));
    const down = fromCanonical('Session', '2.1.1', value, { party }).value;
    assert.equal(down.start_datetime, '2015-06-29T22:39:09Z');
    assert.equal(down.auth_id, 'DE8ACC12E46L89');
  });

  it('2.1.1 total_cost (excl. VAT) is Price.before_taxes, and back', () => {
    const { value, lossy } = toCanonical('Session', '2.1.1', { total_cost: 0.6 }, { party, partial: true });
    assert.deepEqual(value, { total_cost: { before_taxes: 0.6 } });
    assert.deepEqual(lossy, []);
    const down = fromCanonical(
      'Session',
      '2.1.1',
      { total_cost: { before_taxes: 8.5 } },
      { party, partial: true },
    );
    assert.deepEqual(down.value, { total_cost: 8.5 });
    assert.deepEqual(down.lossy, []);
  });

  it('canonical Price with taxes -> 2.1.1 number excl. VAT, the taxes reported (Price.taxes-dropped)', () => {
    const price = { before_taxes: 8.5, taxes: [{ name: 'VAT', amount: 0.85 }] };
    const down = fromCanonical('Session', '2.1.1', { total_cost: price }, { party, partial: true });
    assert.deepEqual(down.value, { total_cost: 8.5 });
    reported(down.lossy, 'Price.taxes-dropped', '/total_cost');
  });

  it('2.2.1 incl_vat becomes a VAT tax line and back exactly', () => {
    const doc = readExample('2.2.1/session_example_2_short_finished.json') as Json;
    const up = toCanonical('Session', '2.2.1', doc).value;
    assert.deepEqual(up.total_cost, { before_taxes: 8.5, taxes: [{ name: 'VAT', amount: 0.85 }] });
    assert.deepEqual(fromCanonical('Session', '2.2.1', up).value.total_cost, {
      excl_vat: 8.5,
      incl_vat: 9.35,
    });
  });

  it('unknown fields pass through in every direction', () => {
    const up = toCanonical('Session', '2.1.1', { ...session211(), x_roaming: { a: 1 } }, { party }).value;
    assert.deepEqual(up.x_roaming, { a: 1 });
    assert.deepEqual(fromCanonical('Session', '2.2.1', { ...session230(), x_roaming: 2 }).value.x_roaming, 2);
  });

  it('ChargingPreferences is the same in 2.2.1 and 2.3.0', () => {
    const prefs = { profile_type: 'GREEN', departure_time: '2024-01-01T10:00:00Z', energy_need: 20 };
    assert.deepEqual(convert('ChargingPreferences', '2.2.1', '2.3.0', prefs), { value: prefs, lossy: [] });
    assert.throws(() => toCanonical('ChargingPreferences', '2.1.1', prefs), ConversionError);
  });
});

describe('sessions converter entries', () => {
  converterEntryTests('sessions', converters);
});
