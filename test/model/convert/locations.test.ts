/**
 * Locations converters: round trip of every example, cross-version validity of every example (a
 * PATCH body as a valid partial), and one test per lossy-mapping row (value AND report, and no
 * report when it does not apply; the last test checks that every row has one).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { converters, lossyMappings } from '../../../src/model/convert/locations.js';
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

/** Location, EVSE, Connector, Hours, EnergyMix and DisplayText examples of all three versions. */
const samples = exampleSamples(Object.keys(converters));
const rows = lossyRows(lossyMappings);

describe('locations converters: spec examples', () => {
  it('cover every example of the module', () => {
    assert.ok(samples.length >= 40, `only ${samples.length} examples`);
    for (const v of VERSIONS) assert.ok(samples.some((s) => s.version === v && s.type === 'Location'));
  });

  sampleTests(samples, {
    options: { party },
    // A recorded erratum: the converted document fails only where the source did.
    // (The bookings branch's bare EVSE.parking ids vanish with EVSE.parking itself.)
    erratum: (_s, _target, issues) => {
      const pointers = issues.map((i) => i.pointer);
      assert.ok(
        pointers.every((p) => /^\/(physical_reference|last_updated|connectors\/0\/|floor_level)/.test(p)),
        pointers.join(', '),
      );
    },
  });

  it('2.2.1 examples that 2.3.0 prints unchanged convert to exactly the 2.3.0 file, losslessly', () => {
    let compared = 0;
    for (const mine of samples.filter((s) => s.version === '2.2.1')) {
      const theirs = samples.find((s) => s.name === mine.name.replace('2.2.1/', '2.3.0/'));
      if (theirs === undefined || JSON.stringify(mine.doc) !== JSON.stringify(theirs.doc)) continue;
      const result = toCanonical(mine.type, '2.2.1', mine.doc, { partial: mine.partial });
      assert.deepEqual(result.value, theirs.doc, mine.name);
      assert.deepEqual(result.lossy, [], mine.name);
      compared++;
    }
    assert.ok(compared >= 15, `compared ${compared}`);
  });

  it('2.1.1 Location example: the fields that changed name or shape', () => {
    const value = readExample('2.1.1/mod_locations_06.json.txt') as Json;
    const result = up('Location', '2.1.1', value, { party });
    const out = result.value as Json & { evses: Json[] };
    assert.equal(out.parking_type, 'ON_STREET');
    assert.equal('type' in out, false);
    const connector = (out.evses[0]!.connectors as Json[])[0]!;
    assert.deepEqual(
      { v: connector.max_voltage, a: connector.max_amperage, t: connector.tariff_ids },
      { v: 220, a: 16, t: ['11'] },
    );
    assert.equal('voltage' in connector || 'amperage' in connector || 'tariff_id' in connector, false);
    assertValid('2.3.0', 'Location', out);
  });
});

describe('locations converters: 2.1.1 -> canonical', () => {
  const loc211 = readExample('2.1.1/mod_locations_06.json.txt') as Json;

  rows.case(
    'Location.party-from-context',
    'owner from options.party; none: ConversionError; PATCH: nothing',
    () => {
      const result = up('Location', '2.1.1', loc211, { party });
      assert.equal(result.value.country_code, 'NL');
      assert.equal(result.value.party_id, 'TNM');
      reportedAt(result.lossy, 'Location.party-from-context', ['/party_id']);
      assert.throws(() => toCanonical('Location', '2.1.1', loc211), ConversionError);
      const patch = up('Location', '2.1.1', { name: 'Gent Zuid' }, { partial: true });
      assert.deepEqual(patch.value, { name: 'Gent Zuid' });
      lossyIs(patch.lossy, []);
    },
  );

  rows.case('Location.publish-invented', 'publish true, not in a PATCH', () => {
    const result = up('Location', '2.1.1', loc211, { party });
    assert.equal(result.value.publish, true);
    reportedAt(result.lossy, 'Location.publish-invented', ['/publish']);
    const patch = up('Location', '2.1.1', { type: 'PARKING_LOT' }, { partial: true });
    assert.deepEqual(patch.value, { parking_type: 'PARKING_LOT' });
    reportedAt(patch.lossy, 'Location.publish-invented', []);
  });

  rows.case('Location.type-unmapped', 'OTHER has no ParkingType; UNKNOWN is an absent parking_type', () => {
    const other = up('Location', '2.1.1', { ...loc211, type: 'OTHER' }, { party });
    assert.equal('parking_type' in other.value, false);
    reportedAt(other.lossy, 'Location.type-unmapped', ['/parking_type']);
    const unknown = up('Location', '2.1.1', { ...loc211, type: 'UNKNOWN' }, { party });
    assert.equal('parking_type' in unknown.value, false);
    reportedAt(unknown.lossy, 'Location.type-unmapped', []);
    const back = down('Location', '2.1.1', unknown.value, { party });
    assert.equal(back.value.type, 'UNKNOWN');
    for (const type of ['ON_STREET', 'PARKING_GARAGE', 'UNDERGROUND_GARAGE', 'PARKING_LOT']) {
      const same = up('Location', '2.1.1', { ...loc211, type }, { party });
      assert.equal(same.value.parking_type, type);
      reportedAt(same.lossy, 'Location.type-unmapped', []);
    }
  });

  rows.case('Location.time-zone-from-country', 'single-zone countries only; given zones are kept', () => {
    const result = up('Location', '2.1.1', loc211, { party });
    assert.equal(result.value.time_zone, 'Europe/Brussels');
    reportedAt(result.lossy, 'Location.time-zone-from-country', ['/time_zone']);
    const given = up('Location', '2.1.1', { ...loc211, time_zone: 'Europe/Amsterdam' }, { party });
    assert.equal(given.value.time_zone, 'Europe/Amsterdam');
    reportedAt(given.lossy, 'Location.time-zone-from-country', []);
    assert.throws(
      () => toCanonical('Location', '2.1.1', { ...loc211, country: 'USA' }, { party }),
      ConversionError,
    );
    const patch = up('Location', '2.1.1', { country: 'USA' }, { partial: true });
    assert.deepEqual(patch.value, { country: 'USA' });
  });

  rows.case('Location.time-zone-omitted', 'the zone a country implies is left out on the way down', () => {
    const result = down('Location', '2.1.1', canonical('location_example.json'));
    assert.equal('time_zone' in result.value, false);
    reportedAt(result.lossy, 'Location.time-zone-omitted', ['/time_zone']);
    const other = down('Location', '2.1.1', {
      ...canonical('location_example.json'),
      time_zone: 'Europe/Amsterdam',
    });
    assert.equal(other.value.time_zone, 'Europe/Amsterdam');
    reportedAt(other.lossy, 'Location.time-zone-omitted', []);
    const multi = down('Location', '2.1.1', {
      ...canonical('location_example.json'),
      country: 'USA',
      time_zone: 'America/Chicago',
    });
    assert.equal(multi.value.time_zone, 'America/Chicago');
  });

  rows.case('Hours.twentyfourseven-invented', 'regular hours alone become twentyfourseven false', () => {
    const hours = { regular_hours: [{ weekday: 1, period_begin: '08:00', period_end: '20:00' }] };
    const result = up('Hours', '2.1.1', hours);
    assert.deepEqual(result.value, { twentyfourseven: false, ...hours });
    reportedAt(result.lossy, 'Hours.twentyfourseven-invented', ['/twentyfourseven']);
    assertValid('2.2.1', 'Hours', result.value);
    const inLocation = up('Location', '2.1.1', { ...loc211, opening_times: hours }, { party });
    reportedAt(inLocation.lossy, 'Hours.twentyfourseven-invented', ['/opening_times/twentyfourseven']);
    // Nested in a PATCH the Hours is a whole value: still completed.
    const patch = up('Location', '2.1.1', { opening_times: hours }, { partial: true });
    assert.equal((patch.value.opening_times as Json).twentyfourseven, false);
    const flagged = up('Hours', '2.1.1', { twentyfourseven: true });
    assert.deepEqual(flagged.value, { twentyfourseven: true });
    lossyIs(flagged.lossy, []);
  });
});

describe('locations converters: canonical -> 2.1.1', () => {
  const loc = canonical('location_example.json');

  rows.case('Location.party-dropped', 'silent when the owner is the connection party', () => {
    const same = down('Location', '2.1.1', loc, { party: { country_code: 'be', party_id: 'bec' } });
    assert.equal('country_code' in same.value || 'party_id' in same.value, false);
    reportedAt(same.lossy, 'Location.party-dropped', []);
    const other = down('Location', '2.1.1', loc, { party });
    assert.equal('party_id' in other.value, false);
    reportedAt(other.lossy, 'Location.party-dropped', ['/party_id']);
    reportedAt(down('Location', '2.1.1', loc).lossy, 'Location.party-dropped', ['/party_id']);
  });

  rows.case('Location.publish-dropped', 'a hidden or restricted Location loses its restriction', () => {
    const hidden = canonical('location_example_uc3_destination_charger_not_published.json');
    const result = down('Location', '2.1.1', hidden);
    assert.equal('publish' in result.value, false);
    reportedAt(result.lossy, 'Location.publish-dropped', ['/publish']);
    const restricted = canonical('location_example_uc4_limited_visibility.json');
    const r2 = down('Location', '2.1.1', restricted);
    assert.equal('publish_allowed_to' in r2.value, false);
    reportedAt(r2.lossy, 'Location.publish-dropped', ['/publish']);
    const open = down('Location', '2.1.1', loc);
    assert.equal('publish' in open.value, false);
    reportedAt(open.lossy, 'Location.publish-dropped', []);
  });

  rows.case('Location.parking-type-2.1.1', 'no twin becomes OTHER; none becomes UNKNOWN silently', () => {
    for (const parking_type of ['ALONG_MOTORWAY', 'ON_DRIVEWAY', 'ROOFTOP']) {
      const result = down('Location', '2.1.1', { ...loc, parking_type });
      assert.equal(result.value.type, 'OTHER');
      reportedAt(result.lossy, 'Location.parking-type-2.1.1', ['/type']);
    }
    const twin = down('Location', '2.1.1', { ...loc, parking_type: 'UNDERGROUND_GARAGE' });
    assert.equal(twin.value.type, 'UNDERGROUND_GARAGE');
    assert.equal('parking_type' in twin.value, false);
    reportedAt(twin.lossy, 'Location.parking-type-2.1.1', []);
    const { parking_type: _, ...none } = loc;
    const absent = down('Location', '2.1.1', none);
    assert.equal(absent.value.type, 'UNKNOWN');
    assert.deepEqual(
      absent.lossy.filter((l) => l.pointer === '/type'),
      [],
    );
    const patch = down('Location', '2.1.1', { name: 'x' }, { partial: true });
    assert.deepEqual(patch.value, { name: 'x' });
  });

  rows.case('Location.address-truncated', '45 characters, counted as code points', () => {
    const address = `${'Ø'.repeat(40)}laan 123 bis`;
    const result = down('Location', '2.1.1', { ...loc, address });
    assert.equal(result.value.address, `${'Ø'.repeat(40)}laan `);
    reportedAt(result.lossy, 'Location.address-truncated', ['/address']);
    const short = down('Location', '2.1.1', loc);
    assert.equal(short.value.address, loc.address);
    reportedAt(short.lossy, 'Location.address-truncated', []);
  });

  rows.case(
    'Location.postal-code-empty',
    'required in 2.1.1, "" when there is none (never in a PATCH)',
    () => {
      const { postal_code: _, ...none } = loc;
      const result = down('Location', '2.1.1', none);
      assert.equal(result.value.postal_code, '');
      reportedAt(result.lossy, 'Location.postal-code-empty', ['/postal_code']);
      assertValid('2.1.1', 'Location', result.value);
      reportedAt(down('Location', '2.1.1', loc).lossy, 'Location.postal-code-empty', []);
      assert.deepEqual(down('Location', '2.1.1', { city: 'Gent' }, { partial: true }).lossy, []);
    },
  );

  rows.case('Location.state-dropped', 'dropped', () => {
    const result = down('Location', '2.1.1', { ...loc, state: 'Oost-Vlaanderen' });
    assert.equal('state' in result.value, false);
    reportedAt(result.lossy, 'Location.state-dropped', ['/state']);
    reportedAt(down('Location', '2.1.1', loc).lossy, 'Location.state-dropped', []);
  });

  rows.case(
    'GeoLocation.decimals-2.1.1',
    'five decimals padded (exact), seven rounded half away from zero',
    () => {
      const evse = (loc.evses as Json[])[0]!;
      const doc = {
        ...loc,
        coordinates: { latitude: '51.0475995', longitude: '-3.9999995' },
        related_locations: [
          { latitude: '51.04760', longitude: '3.72994', name: { language: 'en', text: 'x' } },
        ],
        evses: [{ ...evse, coordinates: { latitude: '51.0475994', longitude: '3.7299440' } }],
      };
      const result = down('Location', '2.1.1', doc);
      assert.deepEqual(result.value.coordinates, { latitude: '51.047600', longitude: '-4.000000' });
      const related = (result.value.related_locations as Json[])[0]!;
      assert.deepEqual([related.latitude, related.longitude], ['51.047600', '3.729940']);
      const evseOut = (result.value.evses as Json[])[0]!;
      assert.deepEqual(evseOut.coordinates, { latitude: '51.047599', longitude: '3.729944' });
      // Only the first and the EVSE's latitude lost a digit; the 7th-zero longitude is exact.
      reportedAt(result.lossy, 'GeoLocation.decimals-2.1.1', ['/evses/0/coordinates', '/coordinates']);
      assertValid('2.1.1', 'Location', result.value);
      // Six decimals (every 2.1.1 document) come back unchanged.
      reportedAt(down('Location', '2.1.1', loc).lossy, 'GeoLocation.decimals-2.1.1', []);
    },
  );

  rows.case('Connector.power-type-2.1.1', 'two-phase kinds become AC_1_PHASE', () => {
    const connector = ((loc.evses as Json[])[0]!.connectors as Json[])[0]!;
    for (const power_type of ['AC_2_PHASE', 'AC_2_PHASE_SPLIT']) {
      const result = down('Connector', '2.1.1', { ...connector, power_type });
      assert.equal(result.value.power_type, 'AC_1_PHASE');
      reportedAt(result.lossy, 'Connector.power-type-2.1.1', ['/power_type']);
    }
    const three = down('Connector', '2.1.1', { ...connector, power_type: 'AC_3_PHASE' });
    assert.equal(three.value.power_type, 'AC_3_PHASE');
    reportedAt(three.lossy, 'Connector.power-type-2.1.1', []);
  });

  it('Connector: max_voltage/max_amperage are 2.1.1 voltage/amperage (exact rename)', () => {
    const connector = ((loc.evses as Json[])[0]!.connectors as Json[])[0]!;
    const result = down('Connector', '2.1.1', connector);
    assert.equal(result.value.voltage, connector.max_voltage);
    assert.equal(result.value.amperage, connector.max_amperage);
    assert.equal('max_voltage' in result.value, false);
    assertValid('2.1.1', 'Connector', result.value);
  });

  rows.case('Connector.max-electric-power-dropped', 'dropped', () => {
    const connector = ((loc.evses as Json[])[0]!.connectors as Json[])[0]!;
    const result = down('Connector', '2.1.1', { ...connector, max_electric_power: 22000 });
    assert.equal('max_electric_power' in result.value, false);
    reportedAt(result.lossy, 'Connector.max-electric-power-dropped', ['/max_electric_power']);
    const { max_electric_power: _, ...without } = connector;
    reportedAt(down('Connector', '2.1.1', without).lossy, 'Connector.max-electric-power-dropped', []);
  });

  rows.case('Connector.tariff-ids-first', 'the first of several; one is exact; none is no tariff_id', () => {
    const connector = ((loc.evses as Json[])[0]!.connectors as Json[])[0]!;
    const several = down('Connector', '2.1.1', { ...connector, tariff_ids: ['11', '12'] });
    assert.equal(several.value.tariff_id, '11');
    assert.equal('tariff_ids' in several.value, false);
    reportedAt(several.lossy, 'Connector.tariff-ids-first', ['/tariff_id']);
    const one = down('Connector', '2.1.1', { ...connector, tariff_ids: ['11'] });
    assert.equal(one.value.tariff_id, '11');
    reportedAt(one.lossy, 'Connector.tariff-ids-first', []);
    const none = down('Connector', '2.1.1', { ...connector, tariff_ids: [] });
    assert.equal('tariff_id' in none.value, false);
    const inLocation = down('Location', '2.1.1', {
      ...loc,
      evses: [
        { ...(loc.evses as Json[])[0]!, connectors: [connector, { ...connector, tariff_ids: ['a', 'b'] }] },
      ],
    });
    reportedAt(inLocation.lossy, 'Connector.tariff-ids-first', ['/evses/0/connectors/1/tariff_id']);
  });

  rows.case('Connector.standard-2.1.1', 'SAE_J3400 is TESLA_S; other newer plugs kept as text', () => {
    const connector = ((loc.evses as Json[])[0]!.connectors as Json[])[0]!;
    const nacs = down('Connector', '2.1.1', { ...connector, standard: 'SAE_J3400' });
    assert.equal(nacs.value.standard, 'TESLA_S');
    reportedAt(nacs.lossy, 'Connector.standard-2.1.1', ['/standard']);
    const gbt = down('Connector', '2.1.1', { ...connector, standard: 'GBT_DC' });
    assert.equal(gbt.value.standard, 'GBT_DC');
    reportedAt(gbt.lossy, 'Connector.standard-2.1.1', ['/standard']);
    const known = down('Connector', '2.1.1', { ...connector, standard: 'IEC_62196_T2_COMBO' });
    assert.equal(known.value.standard, 'IEC_62196_T2_COMBO');
    reportedAt(known.lossy, 'Connector.standard-2.1.1', []);
  });

  rows.case('Image.category-2.1.1', 'in images and BusinessDetails logos', () => {
    const image = { url: 'https://example.com/p.png', category: 'CHARGER', type: 'png' };
    const doc = {
      ...loc,
      images: [image, { ...image, category: 'PARKING' }],
      operator: { name: 'Op', logo: { ...image, category: 'BRAND' } },
    };
    const result = down('Location', '2.1.1', doc);
    const images = result.value.images as Json[];
    assert.deepEqual([images[0]!.category, images[1]!.category], ['CHARGER', 'OTHER']);
    assert.equal(((result.value.operator as Json).logo as Json).category, 'OTHER');
    reportedAt(result.lossy, 'Image.category-2.1.1', ['/images/1/category', '/operator/logo/category']);
    reportedAt(down('Location', '2.1.1', { ...loc, images: [image] }).lossy, 'Image.category-2.1.1', []);
  });
});

describe('locations converters: canonical -> 2.2.1', () => {
  const loc = canonical('location_example.json');
  const connector = ((loc.evses as Json[])[0]!.connectors as Json[])[0]!;

  rows.case('Connector.standard-2.2.1', 'MCS kept as text, SAE_J3400 is TESLA_S, 2.2.1 plugs exact', () => {
    const mcs = down('Connector', '2.2.1', { ...connector, standard: 'MCS' });
    assert.equal(mcs.value.standard, 'MCS');
    reportedAt(mcs.lossy, 'Connector.standard-2.2.1', ['/standard']);
    const nacs = down('Connector', '2.2.1', { ...connector, standard: 'SAE_J3400' });
    assert.equal(nacs.value.standard, 'TESLA_S');
    reportedAt(nacs.lossy, 'Connector.standard-2.2.1', ['/standard']);
    const gbt = down('Connector', '2.2.1', { ...connector, standard: 'GBT_DC' });
    assert.equal(gbt.value.standard, 'GBT_DC');
    lossyIs(gbt.lossy, []);
  });

  rows.case('Location.parking-type-2.2.1', 'an unknown open-enum value is left out', () => {
    const result = down('Location', '2.2.1', { ...loc, parking_type: 'ROOFTOP' });
    assert.equal('parking_type' in result.value, false);
    reportedAt(result.lossy, 'Location.parking-type-2.2.1', ['/parking_type']);
    assertValid('2.2.1', 'Location', result.value);
    const known = down('Location', '2.2.1', { ...loc, parking_type: 'ALONG_MOTORWAY' });
    assert.equal(known.value.parking_type, 'ALONG_MOTORWAY');
    reportedAt(known.lossy, 'Location.parking-type-2.2.1', []);
  });

  rows.case('PublishTokenType.type-2.2.1', 'entries with a token type 2.2.1 lacks are dropped', () => {
    const restricted = canonical('location_example_uc4_limited_visibility.json');
    const allowed = restricted.publish_allowed_to as Json[];
    const doc = {
      ...restricted,
      publish_allowed_to: [...allowed, { uid: 'NL-TNM-C12345678-X', type: 'EMAID' }],
    };
    const result = down('Location', '2.2.1', doc);
    assert.deepEqual(result.value.publish_allowed_to, allowed);
    reportedAt(result.lossy, 'PublishTokenType.type-2.2.1', ['/publish_allowed_to']);
    reportedAt(down('Location', '2.2.1', restricted).lossy, 'PublishTokenType.type-2.2.1', []);
  });
});

describe('locations converters: 2.3.0 additions, for both older versions', () => {
  const loc = canonical('location_example.json');
  const evse = (loc.evses as Json[])[0]!;
  const connector = (evse.connectors as Json[])[0]!;

  for (const version of ['2.1.1', '2.2.1'] as const) {
    rows.case(
      [`Location.parking-places-dropped-${version}`, `EVSE.parking-dropped-${version}`],
      'parking places and the EVSE links to them',
      () => {
        const garage = canonical('location_example_parking_garage_opening_hours.json');
        assert.ok(Array.isArray(garage.parking_places));
        const result = down('Location', version, garage);
        assert.equal('parking_places' in result.value, false);
        reportedAt(result.lossy, `Location.parking-places-dropped-${version}`, ['/parking_places']);
        assert.equal('parking' in (result.value.evses as Json[])[0]!, false);
        reportedAt(result.lossy, `EVSE.parking-dropped-${version}`, ['/evses/0/parking']);
        const plain = down('Location', version, canonical('location_example_uc2_destination_charger.json'));
        reportedAt(plain.lossy, `Location.parking-places-dropped-${version}`, []);
        reportedAt(plain.lossy, `EVSE.parking-dropped-${version}`, []);
      },
    );

    rows.case(`Location.help-phone-dropped-${version}`, 'dropped', () => {
      const result = down('Location', version, { ...loc, help_phone: '+31201234567' });
      assert.equal('help_phone' in result.value, false);
      reportedAt(result.lossy, `Location.help-phone-dropped-${version}`, ['/help_phone']);
      reportedAt(down('Location', version, loc).lossy, `Location.help-phone-dropped-${version}`, []);
    });

    rows.case(`Location.facilities-${version}`, 'values the version lacks leave the list', () => {
      const result = down('Location', version, { ...loc, facilities: ['CAFE', 'METRO_STATION', 'DOG_PARK'] });
      const expected = version === '2.1.1' ? ['CAFE'] : ['CAFE', 'METRO_STATION'];
      assert.deepEqual(result.value.facilities, expected);
      reportedAt(result.lossy, `Location.facilities-${version}`, ['/facilities']);
      const fine = down('Location', version, { ...loc, facilities: ['CAFE', 'WIFI'] });
      assert.deepEqual(fine.value.facilities, ['CAFE', 'WIFI']);
      reportedAt(fine.lossy, `Location.facilities-${version}`, []);
    });

    rows.case(`Image.category-${version}`, 'on EVSE images', () => {
      const image = { url: 'https://example.com/p.png', category: 'PLUG', type: 'png' };
      const result = down('EVSE', version, { ...evse, images: [image] });
      assert.equal((result.value.images as Json[])[0]!.category, 'OTHER');
      reportedAt(result.lossy, `Image.category-${version}`, ['/images/0/category']);
      const known = down('EVSE', version, { ...evse, images: [{ ...image, category: 'CHARGER' }] });
      assert.equal((known.value.images as Json[])[0]!.category, 'CHARGER');
      reportedAt(known.lossy, `Image.category-${version}`, []);
    });

    rows.case(`EVSE.capabilities-${version}`, 'values the version lacks leave the list', () => {
      const result = down('EVSE', version, {
        ...evse,
        capabilities: ['RESERVABLE', 'TOKEN_GROUP_CAPABLE', 'V2G_CAPABLE'],
      });
      const expected = version === '2.1.1' ? ['RESERVABLE'] : ['RESERVABLE', 'TOKEN_GROUP_CAPABLE'];
      assert.deepEqual(result.value.capabilities, expected);
      reportedAt(result.lossy, `EVSE.capabilities-${version}`, ['/capabilities']);
      const fine = down('EVSE', version, { ...evse, capabilities: ['RESERVABLE'] });
      reportedAt(fine.lossy, `EVSE.capabilities-${version}`, []);
    });

    rows.case(`EVSE.parking-restrictions-${version}`, 'values the version lacks leave the list', () => {
      const result = down('EVSE', version, { ...evse, parking_restrictions: ['EV_ONLY', 'TAXIS'] });
      assert.deepEqual(result.value.parking_restrictions, ['EV_ONLY']);
      reportedAt(result.lossy, `EVSE.parking-restrictions-${version}`, ['/parking_restrictions']);
      const fine = down('EVSE', version, { ...evse, parking_restrictions: ['EV_ONLY', 'PLUGGED'] });
      reportedAt(fine.lossy, `EVSE.parking-restrictions-${version}`, []);
    });

    rows.case(`EVSE.accepted-service-providers-dropped-${version}`, 'dropped', () => {
      const result = down('EVSE', version, { ...evse, accepted_service_providers: ['NL-TNM'] });
      assert.equal('accepted_service_providers' in result.value, false);
      reportedAt(result.lossy, `EVSE.accepted-service-providers-dropped-${version}`, [
        '/accepted_service_providers',
      ]);
      const empty = down('EVSE', version, { ...evse, accepted_service_providers: [] });
      assert.equal('accepted_service_providers' in empty.value, false);
      reportedAt(empty.lossy, `EVSE.accepted-service-providers-dropped-${version}`, []);
    });

    rows.case(`Connector.capabilities-dropped-${version}`, 'inside a Location: nested pointer', () => {
      const withCaps = { ...connector, capabilities: ['ISO_15118_2_PLUG_AND_CHARGE'] };
      const result = down('Connector', version, withCaps);
      assert.equal('capabilities' in result.value, false);
      reportedAt(result.lossy, `Connector.capabilities-dropped-${version}`, ['/capabilities']);
      const nested = down('Location', version, {
        ...loc,
        evses: [{ ...evse, connectors: [connector, withCaps] }],
      });
      reportedAt(nested.lossy, `Connector.capabilities-dropped-${version}`, [
        '/evses/0/connectors/1/capabilities',
      ]);
      reportedAt(
        down('Connector', version, connector).lossy,
        `Connector.capabilities-dropped-${version}`,
        [],
      );
    });

    it(`unknown fields pass through untouched (${version}), nested too`, () => {
      const doc = {
        ...loc,
        x_roaming_note: { keep: true },
        evses: [{ ...evse, x_evse: 1, connectors: [{ ...connector, x_plug: 'y' }] }],
      };
      const result = down('Location', version, doc);
      assert.deepEqual(result.value.x_roaming_note, { keep: true });
      const evseOut = (result.value.evses as Json[])[0]!;
      assert.equal(evseOut.x_evse, 1);
      assert.equal((evseOut.connectors as Json[])[0]!.x_plug, 'y');
      const back = toCanonical('Location', version, result.value, { party });
      assert.deepEqual(back.value.x_roaming_note, { keep: true });
    });
  }

  rows.everyRowTested('locations.ts');
});
