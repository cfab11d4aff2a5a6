/**
 * Locations converters: round trip of every example, cross-version validity of every complete
 * example, and one test per lossy-mapping row (value AND report, and no report when it does not
 * apply). The last test checks that every row of the module was hit by some test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { converters, lossyMappings } from '../../../src/model/convert/locations.js';
import {
  ConversionError,
  type ConversionOptions,
  type ConversionResult,
  convert,
  fromCanonical,
  LOSSY_MAPPINGS,
  toCanonical,
} from '../../../src/model/index.js';
import { type OcpiVersion, schemasByVersion, validate } from '../../../src/protocol/index.js';
import { type ExampleExpectation, exampleExpectations } from '../../fixtures/expectations.js';
import { readExample } from '../../helpers/fixtures.js';

type Json = Record<string, unknown>;
const PARTY = { country_code: 'NL', party_id: 'TNM' };
const VERSIONS: OcpiVersion[] = ['2.1.1', '2.2.1', '2.3.0'];
const TYPES = Object.keys(converters);

/** Every id a test saw reported, to check that each row of the module has a test. */
const seen = new Set<string>();

function track(result: ConversionResult): ConversionResult {
  for (const { id } of result.lossy) seen.add(id);
  return result;
}

function pointers(result: ConversionResult, id: string): string[] {
  return result.lossy.filter((l) => l.id === id).map((l) => l.pointer);
}

function down(type: string, version: OcpiVersion, value: Json, options: ConversionOptions = {}) {
  return track(fromCanonical(type, version, structuredClone(value), options));
}

function up(type: string, version: OcpiVersion, value: Json, options: ConversionOptions = {}) {
  return track(toCanonical(type, version, structuredClone(value), options));
}

function exampleValue(e: ExampleExpectation): Json {
  const raw = readExample(e.file) as Json;
  return (e.form === 'property' && e.key !== undefined ? raw[e.key] : raw) as Json;
}

function assertValid(version: OcpiVersion, type: string, value: unknown, partial = false, what = ''): void {
  const schema = schemasByVersion[version].get(type);
  assert.ok(schema, `${version} has a ${type} schema`);
  assert.deepEqual(validate(schema, value, { partial }).issues, [], what);
}

const canonical = (file: string): Json => readExample(`2.3.0/${file}`) as Json;

const examples = exampleExpectations.filter(
  (e) => TYPES.includes(e.type) && ['object', 'property', 'partial'].includes(e.form),
);

describe('locations converters: spec examples', () => {
  it('cover every example of the module', () => {
    // Location, EVSE, Connector, Hours, EnergyMix and DisplayText examples of all three versions.
    assert.ok(examples.length >= 40, `only ${examples.length} examples`);
    for (const v of VERSIONS) assert.ok(examples.some((e) => e.version === v && e.type === 'Location'));
  });

  for (const e of examples) {
    const partial = e.form === 'partial';
    it(`${e.file} (${e.type}) round-trips through canonical`, () => {
      const value = exampleValue(e);
      const options = { party: PARTY, partial };
      const there = toCanonical(e.type, e.version, structuredClone(value), options);
      const back = fromCanonical(e.type, e.version, there.value, options);
      assert.deepEqual(back.value, value);
    });
    if (partial) {
      for (const target of VERSIONS.filter((v) => v !== e.version)) {
        it(`${e.file} (partial ${e.type}) converts to ${target} as a valid partial`, () => {
          const result = convert(e.type, e.version, target, exampleValue(e), { party: PARTY, partial: true });
          assertValid(target, e.type, result.value, true);
        });
      }
      continue;
    }
    for (const target of VERSIONS.filter((v) => v !== e.version)) {
      it(`${e.file} (${e.type}) converts to a valid ${target} ${e.type}`, () => {
        const result = convert(e.type, e.version, target, exampleValue(e), { party: PARTY });
        if (e.erratum === undefined) {
          assertValid(target, e.type, result.value);
          return;
        }
        // A recorded erratum: the converted document fails only where the source did.
        const schema = schemasByVersion[target].get(e.type)!;
        const issues = validate(schema, result.value).issues.map((i) => i.pointer);
        // (The bookings branch's bare EVSE.parking ids vanish with EVSE.parking itself.)
        assert.ok(
          issues.every((p) => /^\/(physical_reference|last_updated|connectors\/0\/|floor_level)/.test(p)),
          issues.join(', '),
        );
      });
    }
  }

  it('2.2.1 examples that 2.3.0 prints unchanged convert to exactly the 2.3.0 file, losslessly', () => {
    let compared = 0;
    for (const e of examples.filter((x) => x.version === '2.2.1')) {
      const file = e.file.replace('2.2.1/', '');
      const later = exampleExpectations.find((x) => x.file === `2.3.0/${file}`);
      if (later === undefined) continue;
      const mine = exampleValue(e);
      const theirs = exampleValue(later);
      if (JSON.stringify(mine) !== JSON.stringify(theirs)) continue;
      const result = toCanonical(e.type, '2.2.1', mine, { partial: e.form === 'partial' });
      assert.deepEqual(result.value, theirs, file);
      assert.deepEqual(result.lossy, [], file);
      compared++;
    }
    assert.ok(compared >= 15, `compared ${compared}`);
  });

  it('2.1.1 Location example: the fields that changed name or shape', () => {
    const value = readExample('2.1.1/mod_locations_06.json.txt') as Json;
    const result = up('Location', '2.1.1', value, { party: PARTY });
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

  it('the lossy rows of this module are in THE table, with unique ids and both directions named', () => {
    const ids = new Set(LOSSY_MAPPINGS.map((m) => m.id));
    for (const row of lossyMappings) {
      assert.ok(ids.has(row.id), row.id);
      assert.notEqual(row.from, row.to, row.id);
      assert.ok(row.description.length > 20, row.id);
    }
  });
});

describe('locations converters: 2.1.1 -> canonical', () => {
  const loc211 = readExample('2.1.1/mod_locations_06.json.txt') as Json;

  it('Location.party-from-context: owner from options.party; none: ConversionError; PATCH: nothing', () => {
    const result = up('Location', '2.1.1', loc211, { party: PARTY });
    assert.equal(result.value.country_code, 'NL');
    assert.equal(result.value.party_id, 'TNM');
    assert.deepEqual(pointers(result, 'Location.party-from-context'), ['/party_id']);
    assert.throws(() => toCanonical('Location', '2.1.1', loc211), ConversionError);
    const patch = up('Location', '2.1.1', { name: 'Gent Zuid' }, { partial: true });
    assert.deepEqual(patch.value, { name: 'Gent Zuid' });
    assert.deepEqual(patch.lossy, []);
  });

  it('Location.publish-invented: publish true, not in a PATCH', () => {
    const result = up('Location', '2.1.1', loc211, { party: PARTY });
    assert.equal(result.value.publish, true);
    assert.deepEqual(pointers(result, 'Location.publish-invented'), ['/publish']);
    const patch = up('Location', '2.1.1', { type: 'PARKING_LOT' }, { partial: true });
    assert.deepEqual(patch.value, { parking_type: 'PARKING_LOT' });
    assert.deepEqual(pointers(patch, 'Location.publish-invented'), []);
  });

  it('Location.type-unmapped: OTHER has no ParkingType; UNKNOWN is an absent parking_type', () => {
    const other = up('Location', '2.1.1', { ...loc211, type: 'OTHER' }, { party: PARTY });
    assert.equal('parking_type' in other.value, false);
    assert.deepEqual(pointers(other, 'Location.type-unmapped'), ['/parking_type']);
    const unknown = up('Location', '2.1.1', { ...loc211, type: 'UNKNOWN' }, { party: PARTY });
    assert.equal('parking_type' in unknown.value, false);
    assert.deepEqual(pointers(unknown, 'Location.type-unmapped'), []);
    const back = down('Location', '2.1.1', unknown.value, { party: PARTY });
    assert.equal(back.value.type, 'UNKNOWN');
    for (const type of ['ON_STREET', 'PARKING_GARAGE', 'UNDERGROUND_GARAGE', 'PARKING_LOT']) {
      const same = up('Location', '2.1.1', { ...loc211, type }, { party: PARTY });
      assert.equal(same.value.parking_type, type);
      assert.deepEqual(pointers(same, 'Location.type-unmapped'), []);
    }
  });

  it('Location.time-zone-from-country: single-zone countries only; given zones are kept', () => {
    const result = up('Location', '2.1.1', loc211, { party: PARTY });
    assert.equal(result.value.time_zone, 'Europe/Brussels');
    assert.deepEqual(pointers(result, 'Location.time-zone-from-country'), ['/time_zone']);
    const given = up('Location', '2.1.1', { ...loc211, time_zone: 'Europe/Amsterdam' }, { party: PARTY });
    assert.equal(given.value.time_zone, 'Europe/Amsterdam');
    assert.deepEqual(pointers(given, 'Location.time-zone-from-country'), []);
    assert.throws(
      () => toCanonical('Location', '2.1.1', { ...loc211, country: 'USA' }, { party: PARTY }),
      ConversionError,
    );
    const patch = up('Location', '2.1.1', { country: 'USA' }, { partial: true });
    assert.deepEqual(patch.value, { country: 'USA' });
  });

  it('Location.time-zone-omitted: the zone a country implies is left out on the way down', () => {
    const result = down('Location', '2.1.1', canonical('location_example.json'));
    assert.equal('time_zone' in result.value, false);
    assert.deepEqual(pointers(result, 'Location.time-zone-omitted'), ['/time_zone']);
    const other = down('Location', '2.1.1', {
      ...canonical('location_example.json'),
      time_zone: 'Europe/Amsterdam',
    });
    assert.equal(other.value.time_zone, 'Europe/Amsterdam');
    assert.deepEqual(pointers(other, 'Location.time-zone-omitted'), []);
    const multi = down('Location', '2.1.1', {
      ...canonical('location_example.json'),
      country: 'USA',
      time_zone: 'America/Chicago',
    });
    assert.equal(multi.value.time_zone, 'America/Chicago');
  });

  it('Hours.twentyfourseven-invented: regular hours alone become twentyfourseven false', () => {
    const hours = { regular_hours: [{ weekday: 1, period_begin: '08:00', period_end: '20:00' }] };
    const result = up('Hours', '2.1.1', hours);
    assert.deepEqual(result.value, { twentyfourseven: false, ...hours });
    assert.deepEqual(pointers(result, 'Hours.twentyfourseven-invented'), ['/twentyfourseven']);
    assertValid('2.2.1', 'Hours', result.value);
    const inLocation = up('Location', '2.1.1', { ...loc211, opening_times: hours }, { party: PARTY });
    assert.deepEqual(pointers(inLocation, 'Hours.twentyfourseven-invented'), [
      '/opening_times/twentyfourseven',
    ]);
    // Nested in a PATCH the Hours is a whole value: still completed.
    const patch = up('Location', '2.1.1', { opening_times: hours }, { partial: true });
    assert.equal((patch.value.opening_times as Json).twentyfourseven, false);
    const flagged = up('Hours', '2.1.1', { twentyfourseven: true });
    assert.deepEqual(flagged.value, { twentyfourseven: true });
    assert.deepEqual(flagged.lossy, []);
  });
});

describe('locations converters: canonical -> 2.1.1', () => {
  const loc = canonical('location_example.json');

  it('Location.party-dropped: silent when the owner is the connection party', () => {
    const same = down('Location', '2.1.1', loc, { party: { country_code: 'be', party_id: 'bec' } });
    assert.equal('country_code' in same.value || 'party_id' in same.value, false);
    assert.deepEqual(pointers(same, 'Location.party-dropped'), []);
    const other = down('Location', '2.1.1', loc, { party: PARTY });
    assert.equal('party_id' in other.value, false);
    assert.deepEqual(pointers(other, 'Location.party-dropped'), ['/party_id']);
    assert.deepEqual(pointers(down('Location', '2.1.1', loc), 'Location.party-dropped'), ['/party_id']);
  });

  it('Location.publish-dropped: a hidden or restricted Location loses its restriction', () => {
    const hidden = canonical('location_example_uc3_destination_charger_not_published.json');
    const result = down('Location', '2.1.1', hidden);
    assert.equal('publish' in result.value, false);
    assert.deepEqual(pointers(result, 'Location.publish-dropped'), ['/publish']);
    const restricted = canonical('location_example_uc4_limited_visibility.json');
    const r2 = down('Location', '2.1.1', restricted);
    assert.equal('publish_allowed_to' in r2.value, false);
    assert.deepEqual(pointers(r2, 'Location.publish-dropped'), ['/publish']);
    const open = down('Location', '2.1.1', loc);
    assert.equal('publish' in open.value, false);
    assert.deepEqual(pointers(open, 'Location.publish-dropped'), []);
  });

  it('Location.parking-type-2.1.1: no twin becomes OTHER; none becomes UNKNOWN silently', () => {
    for (const parking_type of ['ALONG_MOTORWAY', 'ON_DRIVEWAY', 'ROOFTOP']) {
      const result = down('Location', '2.1.1', { ...loc, parking_type });
      assert.equal(result.value.type, 'OTHER');
      assert.deepEqual(pointers(result, 'Location.parking-type-2.1.1'), ['/type']);
    }
    const twin = down('Location', '2.1.1', { ...loc, parking_type: 'UNDERGROUND_GARAGE' });
    assert.equal(twin.value.type, 'UNDERGROUND_GARAGE');
    assert.equal('parking_type' in twin.value, false);
    assert.deepEqual(pointers(twin, 'Location.parking-type-2.1.1'), []);
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

  it('Location.address-truncated: 45 characters, counted as code points', () => {
    const address = `${'Ø'.repeat(40)}laan 123 bis`;
    const result = down('Location', '2.1.1', { ...loc, address });
    assert.equal(result.value.address, `${'Ø'.repeat(40)}laan `);
    assert.deepEqual(pointers(result, 'Location.address-truncated'), ['/address']);
    const short = down('Location', '2.1.1', loc);
    assert.equal(short.value.address, loc.address);
    assert.deepEqual(pointers(short, 'Location.address-truncated'), []);
  });

  it('Location.postal-code-empty: required in 2.1.1, "" when there is none (never in a PATCH)', () => {
    const { postal_code: _, ...none } = loc;
    const result = down('Location', '2.1.1', none);
    assert.equal(result.value.postal_code, '');
    assert.deepEqual(pointers(result, 'Location.postal-code-empty'), ['/postal_code']);
    assertValid('2.1.1', 'Location', result.value);
    assert.deepEqual(pointers(down('Location', '2.1.1', loc), 'Location.postal-code-empty'), []);
    assert.deepEqual(down('Location', '2.1.1', { city: 'Gent' }, { partial: true }).lossy, []);
  });

  it('Location.state-dropped', () => {
    const result = down('Location', '2.1.1', { ...loc, state: 'Oost-Vlaanderen' });
    assert.equal('state' in result.value, false);
    assert.deepEqual(pointers(result, 'Location.state-dropped'), ['/state']);
    assert.deepEqual(pointers(down('Location', '2.1.1', loc), 'Location.state-dropped'), []);
  });

  it('GeoLocation.decimals-2.1.1: five decimals padded (exact), seven rounded half away from zero', () => {
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
    assert.deepEqual(pointers(result, 'GeoLocation.decimals-2.1.1').sort(), [
      '/coordinates',
      '/evses/0/coordinates',
    ]);
    assertValid('2.1.1', 'Location', result.value);
    // Six decimals (every 2.1.1 document) come back unchanged.
    assert.deepEqual(pointers(down('Location', '2.1.1', loc), 'GeoLocation.decimals-2.1.1'), []);
  });

  it('Connector.power-type-2.1.1: two-phase kinds become AC_1_PHASE', () => {
    const connector = ((loc.evses as Json[])[0]!.connectors as Json[])[0]!;
    for (const power_type of ['AC_2_PHASE', 'AC_2_PHASE_SPLIT']) {
      const result = down('Connector', '2.1.1', { ...connector, power_type });
      assert.equal(result.value.power_type, 'AC_1_PHASE');
      assert.deepEqual(pointers(result, 'Connector.power-type-2.1.1'), ['/power_type']);
    }
    const three = down('Connector', '2.1.1', { ...connector, power_type: 'AC_3_PHASE' });
    assert.equal(three.value.power_type, 'AC_3_PHASE');
    assert.deepEqual(pointers(three, 'Connector.power-type-2.1.1'), []);
  });

  it('Connector: max_voltage/max_amperage are 2.1.1 voltage/amperage (exact rename)', () => {
    const connector = ((loc.evses as Json[])[0]!.connectors as Json[])[0]!;
    const result = down('Connector', '2.1.1', connector);
    assert.equal(result.value.voltage, connector.max_voltage);
    assert.equal(result.value.amperage, connector.max_amperage);
    assert.equal('max_voltage' in result.value, false);
    assertValid('2.1.1', 'Connector', result.value);
  });

  it('Connector.max-electric-power-dropped', () => {
    const connector = ((loc.evses as Json[])[0]!.connectors as Json[])[0]!;
    const result = down('Connector', '2.1.1', { ...connector, max_electric_power: 22000 });
    assert.equal('max_electric_power' in result.value, false);
    assert.deepEqual(pointers(result, 'Connector.max-electric-power-dropped'), ['/max_electric_power']);
    const { max_electric_power: _, ...without } = connector;
    assert.deepEqual(
      pointers(down('Connector', '2.1.1', without), 'Connector.max-electric-power-dropped'),
      [],
    );
  });

  it('Connector.tariff-ids-first: the first of several; one is exact; none is no tariff_id', () => {
    const connector = ((loc.evses as Json[])[0]!.connectors as Json[])[0]!;
    const several = down('Connector', '2.1.1', { ...connector, tariff_ids: ['11', '12'] });
    assert.equal(several.value.tariff_id, '11');
    assert.equal('tariff_ids' in several.value, false);
    assert.deepEqual(pointers(several, 'Connector.tariff-ids-first'), ['/tariff_id']);
    const one = down('Connector', '2.1.1', { ...connector, tariff_ids: ['11'] });
    assert.equal(one.value.tariff_id, '11');
    assert.deepEqual(pointers(one, 'Connector.tariff-ids-first'), []);
    const none = down('Connector', '2.1.1', { ...connector, tariff_ids: [] });
    assert.equal('tariff_id' in none.value, false);
    const inLocation = down('Location', '2.1.1', {
      ...loc,
      evses: [
        { ...(loc.evses as Json[])[0]!, connectors: [connector, { ...connector, tariff_ids: ['a', 'b'] }] },
      ],
    });
    assert.deepEqual(pointers(inLocation, 'Connector.tariff-ids-first'), ['/evses/0/connectors/1/tariff_id']);
  });

  it('Connector.standard-2.1.1: SAE_J3400 is TESLA_S; other newer plugs kept as text', () => {
    const connector = ((loc.evses as Json[])[0]!.connectors as Json[])[0]!;
    const nacs = down('Connector', '2.1.1', { ...connector, standard: 'SAE_J3400' });
    assert.equal(nacs.value.standard, 'TESLA_S');
    assert.deepEqual(pointers(nacs, 'Connector.standard-2.1.1'), ['/standard']);
    const gbt = down('Connector', '2.1.1', { ...connector, standard: 'GBT_DC' });
    assert.equal(gbt.value.standard, 'GBT_DC');
    assert.deepEqual(pointers(gbt, 'Connector.standard-2.1.1'), ['/standard']);
    const known = down('Connector', '2.1.1', { ...connector, standard: 'IEC_62196_T2_COMBO' });
    assert.equal(known.value.standard, 'IEC_62196_T2_COMBO');
    assert.deepEqual(pointers(known, 'Connector.standard-2.1.1'), []);
  });

  it('Image.category-2.1.1 (in images and BusinessDetails logos)', () => {
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
    assert.deepEqual(pointers(result, 'Image.category-2.1.1').sort(), [
      '/images/1/category',
      '/operator/logo/category',
    ]);
    assert.deepEqual(
      pointers(down('Location', '2.1.1', { ...loc, images: [image] }), 'Image.category-2.1.1'),
      [],
    );
  });
});

describe('locations converters: canonical -> 2.2.1', () => {
  const loc = canonical('location_example.json');
  const connector = ((loc.evses as Json[])[0]!.connectors as Json[])[0]!;

  it('Connector.standard-2.2.1: MCS kept as text, SAE_J3400 is TESLA_S, 2.2.1 plugs exact', () => {
    const mcs = down('Connector', '2.2.1', { ...connector, standard: 'MCS' });
    assert.equal(mcs.value.standard, 'MCS');
    assert.deepEqual(pointers(mcs, 'Connector.standard-2.2.1'), ['/standard']);
    const nacs = down('Connector', '2.2.1', { ...connector, standard: 'SAE_J3400' });
    assert.equal(nacs.value.standard, 'TESLA_S');
    assert.deepEqual(pointers(nacs, 'Connector.standard-2.2.1'), ['/standard']);
    const gbt = down('Connector', '2.2.1', { ...connector, standard: 'GBT_DC' });
    assert.equal(gbt.value.standard, 'GBT_DC');
    assert.deepEqual(gbt.lossy, []);
  });

  it('Location.parking-type-2.2.1: an unknown open-enum value is left out', () => {
    const result = down('Location', '2.2.1', { ...loc, parking_type: 'ROOFTOP' });
    assert.equal('parking_type' in result.value, false);
    assert.deepEqual(pointers(result, 'Location.parking-type-2.2.1'), ['/parking_type']);
    assertValid('2.2.1', 'Location', result.value);
    const known = down('Location', '2.2.1', { ...loc, parking_type: 'ALONG_MOTORWAY' });
    assert.equal(known.value.parking_type, 'ALONG_MOTORWAY');
    assert.deepEqual(pointers(known, 'Location.parking-type-2.2.1'), []);
  });

  it('PublishTokenType.type-2.2.1: entries with a token type 2.2.1 lacks are dropped', () => {
    const restricted = canonical('location_example_uc4_limited_visibility.json');
    const allowed = restricted.publish_allowed_to as Json[];
    const doc = {
      ...restricted,
      publish_allowed_to: [...allowed, { uid: 'NL-TNM-C12345678-X', type: 'EMAID' }],
    };
    const result = down('Location', '2.2.1', doc);
    assert.deepEqual(result.value.publish_allowed_to, allowed);
    assert.deepEqual(pointers(result, 'PublishTokenType.type-2.2.1'), ['/publish_allowed_to']);
    assert.deepEqual(pointers(down('Location', '2.2.1', restricted), 'PublishTokenType.type-2.2.1'), []);
  });
});

describe('locations converters: 2.3.0 additions, for both older versions', () => {
  const loc = canonical('location_example.json');
  const evse = (loc.evses as Json[])[0]!;
  const connector = (evse.connectors as Json[])[0]!;

  for (const version of ['2.1.1', '2.2.1'] as const) {
    it(`Location.parking-places-dropped-${version} and EVSE.parking-dropped-${version}`, () => {
      const garage = canonical('location_example_parking_garage_opening_hours.json');
      assert.ok(Array.isArray(garage.parking_places));
      const result = down('Location', version, garage);
      assert.equal('parking_places' in result.value, false);
      assert.deepEqual(pointers(result, `Location.parking-places-dropped-${version}`), ['/parking_places']);
      assert.equal('parking' in (result.value.evses as Json[])[0]!, false);
      assert.deepEqual(pointers(result, `EVSE.parking-dropped-${version}`), ['/evses/0/parking']);
      const plain = down('Location', version, canonical('location_example_uc2_destination_charger.json'));
      assert.deepEqual(pointers(plain, `Location.parking-places-dropped-${version}`), []);
      assert.deepEqual(pointers(plain, `EVSE.parking-dropped-${version}`), []);
    });

    it(`Location.help-phone-dropped-${version}`, () => {
      const result = down('Location', version, { ...loc, help_phone: '+31201234567' });
      assert.equal('help_phone' in result.value, false);
      assert.deepEqual(pointers(result, `Location.help-phone-dropped-${version}`), ['/help_phone']);
      assert.deepEqual(
        pointers(down('Location', version, loc), `Location.help-phone-dropped-${version}`),
        [],
      );
    });

    it(`Location.facilities-${version}: values the version lacks leave the list`, () => {
      const result = down('Location', version, { ...loc, facilities: ['CAFE', 'METRO_STATION', 'DOG_PARK'] });
      const expected = version === '2.1.1' ? ['CAFE'] : ['CAFE', 'METRO_STATION'];
      assert.deepEqual(result.value.facilities, expected);
      assert.deepEqual(pointers(result, `Location.facilities-${version}`), ['/facilities']);
      const fine = down('Location', version, { ...loc, facilities: ['CAFE', 'WIFI'] });
      assert.deepEqual(fine.value.facilities, ['CAFE', 'WIFI']);
      assert.deepEqual(pointers(fine, `Location.facilities-${version}`), []);
    });

    it(`Image.category-${version} on EVSE images`, () => {
      const image = { url: 'https://example.com/p.png', category: 'PLUG', type: 'png' };
      const result = down('EVSE', version, { ...evse, images: [image] });
      assert.equal((result.value.images as Json[])[0]!.category, 'OTHER');
      assert.deepEqual(pointers(result, `Image.category-${version}`), ['/images/0/category']);
    });

    it(`EVSE.capabilities-${version}`, () => {
      const result = down('EVSE', version, {
        ...evse,
        capabilities: ['RESERVABLE', 'TOKEN_GROUP_CAPABLE', 'V2G_CAPABLE'],
      });
      const expected = version === '2.1.1' ? ['RESERVABLE'] : ['RESERVABLE', 'TOKEN_GROUP_CAPABLE'];
      assert.deepEqual(result.value.capabilities, expected);
      assert.deepEqual(pointers(result, `EVSE.capabilities-${version}`), ['/capabilities']);
      const fine = down('EVSE', version, { ...evse, capabilities: ['RESERVABLE'] });
      assert.deepEqual(pointers(fine, `EVSE.capabilities-${version}`), []);
    });

    it(`EVSE.parking-restrictions-${version}`, () => {
      const result = down('EVSE', version, { ...evse, parking_restrictions: ['EV_ONLY', 'TAXIS'] });
      assert.deepEqual(result.value.parking_restrictions, ['EV_ONLY']);
      assert.deepEqual(pointers(result, `EVSE.parking-restrictions-${version}`), ['/parking_restrictions']);
      const fine = down('EVSE', version, { ...evse, parking_restrictions: ['EV_ONLY', 'PLUGGED'] });
      assert.deepEqual(pointers(fine, `EVSE.parking-restrictions-${version}`), []);
    });

    it(`EVSE.accepted-service-providers-dropped-${version}`, () => {
      const result = down('EVSE', version, { ...evse, accepted_service_providers: ['NL-TNM'] });
      assert.equal('accepted_service_providers' in result.value, false);
      assert.deepEqual(pointers(result, `EVSE.accepted-service-providers-dropped-${version}`), [
        '/accepted_service_providers',
      ]);
      const empty = down('EVSE', version, { ...evse, accepted_service_providers: [] });
      assert.equal('accepted_service_providers' in empty.value, false);
      assert.deepEqual(pointers(empty, `EVSE.accepted-service-providers-dropped-${version}`), []);
    });

    it(`Connector.capabilities-dropped-${version} (inside a Location: nested pointer)`, () => {
      const withCaps = { ...connector, capabilities: ['ISO_15118_2_PLUG_AND_CHARGE'] };
      const result = down('Connector', version, withCaps);
      assert.equal('capabilities' in result.value, false);
      assert.deepEqual(pointers(result, `Connector.capabilities-dropped-${version}`), ['/capabilities']);
      const nested = down('Location', version, {
        ...loc,
        evses: [{ ...evse, connectors: [connector, withCaps] }],
      });
      assert.deepEqual(pointers(nested, `Connector.capabilities-dropped-${version}`), [
        '/evses/0/connectors/1/capabilities',
      ]);
      assert.deepEqual(
        pointers(down('Connector', version, connector), `Connector.capabilities-dropped-${version}`),
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
      const back = toCanonical('Location', version, result.value, { party: PARTY });
      assert.deepEqual(back.value.x_roaming_note, { keep: true });
    });
  }

  it('every lossy row of the module was exercised by a test above', () => {
    const missing = lossyMappings.map((m) => m.id).filter((id) => !seen.has(id));
    assert.deepEqual(missing, []);
  });
});
