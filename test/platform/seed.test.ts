/**
 * The seed generator: deterministic by seed, valid in every version (canonical, and converted down
 * to 2.2.1 and 2.1.1), and realistic: coordinates near the named city, the city's time zone and
 * postal code shape, electrical ratings that agree, tariffs that exist, fast enough for load tests.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fromCanonical, toCanonical } from '../../src/model/index.js';
import {
  CITIES,
  generateSeed,
  moneyOf,
  type SeedOptions,
  TARIFF_KINDS,
} from '../../src/platform/seed/index.js';
import {
  findSchema,
  type OcpiVersion,
  schemasByVersion,
  type v2_3_0,
  validate,
} from '../../src/protocol/index.js';

type Location = v2_3_0.locations.Location;
type Tariff = v2_3_0.tariffs.Tariff;

const NOW = new Date('2025-03-04T05:06:07.890Z');
const PARTY = { country_code: 'NL', party_id: 'RMK' };
const options = (extra: Partial<SeedOptions> = {}): SeedOptions => ({
  locations: 200,
  seed: 1,
  party: PARTY,
  now: NOW,
  ...extra,
});

const schema = (version: OcpiVersion, type: string) => {
  const found = findSchema(schemasByVersion[version], type);
  assert.ok(found, `${version} ${type}`);
  return found;
};

const connectorsOf = (locations: readonly Location[]) =>
  locations.flatMap((l) => (l.evses ?? []).flatMap((e) => e.connectors));

/** Postal codes as each country writes them. */
const POSTAL: Record<string, RegExp> = {
  NLD: /^[1-9]\d{3} [A-Z]{2}$/,
  DEU: /^\d{5}$/,
  FRA: /^\d{5}$/,
  ITA: /^\d{5}$/,
  ESP: /^\d{5}$/,
  FIN: /^\d{5}$/,
  BEL: /^\d{4}$/,
  AUT: /^\d{4}$/,
  CHE: /^\d{4}$/,
  DNK: /^\d{4}$/,
  NOR: /^\d{4}$/,
  SWE: /^\d{3} \d{2}$/,
  CZE: /^\d{3} \d{2}$/,
  POL: /^\d{2}-\d{3}$/,
  PRT: /^\d{4}-\d{3}$/,
  GBR: /^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$/,
  IRL: /^D\d{2} [A-Z\d]{4}$/,
};

describe('generateSeed: determinism', () => {
  test('the same options give identical documents; another seed gives others', () => {
    const a = generateSeed(options({ seed: 'alpha' }));
    const b = generateSeed(options({ seed: 'alpha' }));
    assert.deepEqual(a, b);
    const c = generateSeed(options({ seed: 'beta' }));
    assert.notDeepEqual(a.locations, c.locations);
  });

  test('Location i depends only on the seed and i: a smaller run is a prefix of a larger one', () => {
    const small = generateSeed(options({ locations: 10, seed: 99 }));
    const large = generateSeed(options({ locations: 60, seed: 99 }));
    assert.deepEqual(large.locations.slice(0, 10), small.locations);
    assert.deepEqual(large.tariffs, small.tariffs);
  });

  test('ids are unique: Location ids, EVSE uids (eMI3 EVSE IDs of the party)', () => {
    const { locations } = generateSeed(options({ locations: 500 }));
    assert.equal(new Set(locations.map((l) => l.id)).size, 500);
    const evses = locations.flatMap((l) => l.evses ?? []);
    assert.equal(new Set(evses.map((e) => e.uid)).size, evses.length);
    for (const evse of evses) {
      assert.match(evse.evse_id ?? '', /^NL\*RMK\*E\d{6}\*\d{1,2}$/);
      assert.equal(evse.uid, evse.evse_id);
    }
  });

  test('bad options are refused, never half-generated', () => {
    assert.throws(() => generateSeed(options({ locations: -1 })), RangeError);
    assert.throws(() => generateSeed(options({ locations: 1.5 })), RangeError);
    assert.throws(() => generateSeed(options({ tariffs: 0 })), RangeError);
    assert.throws(() => generateSeed(options({ now: new Date(Number.NaN) })), RangeError);
    assert.deepEqual(generateSeed(options({ locations: 0 })).locations, []);
  });
});

describe('generateSeed: valid in every version', () => {
  for (const seed of [1, 'alpha', 987654321]) {
    test(`seed ${seed}: 200 Locations and the Tariffs validate in 2.3.0, and converted to 2.2.1 and 2.1.1`, () => {
      const data = generateSeed(options({ seed, tariffs: 6 }));
      const sets: [string, readonly Record<string, unknown>[]][] = [
        ['Location', data.locations],
        ['Tariff', data.tariffs],
      ];
      for (const [type, documents] of sets) {
        for (const doc of documents) {
          assert.deepEqual(validate(schema('2.3.0', type), doc).issues, [], `${type} ${doc.id} in 2.3.0`);
          for (const version of ['2.2.1', '2.1.1'] as const) {
            const down = fromCanonical(type, version, doc, { party: PARTY });
            assert.deepEqual(
              validate(schema(version, type), down.value).issues,
              [],
              `${type} ${doc.id} in ${version}`,
            );
            // And back up: what an older peer sends back is a valid canonical document again.
            const up = toCanonical(type, version, down.value, { party: PARTY });
            assert.deepEqual(
              validate(schema('2.3.0', type), up.value).issues,
              [],
              `${type} ${doc.id} ${version} up`,
            );
          }
        }
      }
    });
  }

  test('nothing a 2.2.1 peer cannot carry is generated for Tariffs: 2.2.1 and back is exact', () => {
    const { tariffs } = generateSeed(options({ tariffs: 6 }));
    for (const tariff of tariffs) {
      const down = fromCanonical('Tariff', '2.2.1', tariff);
      assert.deepEqual(down.lossy, []);
      assert.deepEqual(toCanonical('Tariff', '2.2.1', down.value).value, tariff);
    }
  });
});

describe('generateSeed: realistic Locations', () => {
  const { locations, tariffs } = generateSeed(options({ locations: 1000, seed: 'realism', tariffs: 6 }));
  const cities = new Map(CITIES.map(([city]) => [city.name, city]));

  test('every Location stands near its city centre in Europe, with its country, time zone and postal code', () => {
    for (const location of locations) {
      const city = cities.get(location.city);
      assert.ok(city, `unknown city ${location.city}`);
      assert.equal(location.country, city.country.alpha3);
      assert.equal(location.time_zone, city.country.timeZone);
      assert.match(location.coordinates.latitude, /^-?\d{1,2}\.\d{6}$/);
      assert.match(location.coordinates.longitude, /^-?\d{1,3}\.\d{6}$/);
      const lat = Number(location.coordinates.latitude);
      const lon = Number(location.coordinates.longitude);
      assert.ok(
        lat > 35 && lat < 71 && lon > -11 && lon < 32,
        `${location.id} (${lat}, ${lon}) outside Europe`,
      );
      // Within ~12 km of the centre (hubs stand at the edge of town).
      assert.ok(Math.abs(lat - city.latitude) <= 0.11, `${location.id} latitude far from ${city.name}`);
      assert.ok(
        Math.abs(lon - city.longitude) * Math.cos((city.latitude * Math.PI) / 180) <= 0.11,
        `${location.id} longitude far from ${city.name}`,
      );
      const postal = POSTAL[location.country];
      assert.ok(postal, `no postal format for ${location.country}`);
      assert.match(location.postal_code ?? '', postal, `${location.id} ${location.country}`);
      assert.ok(location.address.length <= 45, 'fits 2.1.1 address(45) without truncation');
      // The owner of the object is the party; where it stands is another matter.
      assert.equal(location.country_code, 'NL');
      assert.equal(location.party_id, 'RMK');
    }
    // Spread over Europe: at least a dozen countries and thirty cities in a thousand Locations.
    assert.ok(new Set(locations.map((l) => l.country)).size >= 12);
    assert.ok(new Set(locations.map((l) => l.city)).size >= 30);
  });

  test('the city list: ~40 cities in ~15 countries, each with its IANA zone', () => {
    assert.ok(CITIES.length >= 40);
    const zones = new Map(CITIES.map(([c]) => [c.country.alpha3, c.country.timeZone]));
    assert.ok(zones.size >= 15);
    assert.equal(zones.get('NLD'), 'Europe/Amsterdam');
    assert.equal(zones.get('DEU'), 'Europe/Berlin');
    assert.equal(zones.get('FRA'), 'Europe/Paris');
    assert.equal(zones.get('GBR'), 'Europe/London');
    for (const zone of zones.values()) {
      // A zone the runtime knows (Intl throws on an unknown one).
      assert.doesNotThrow(() => new Intl.DateTimeFormat('en', { timeZone: zone }));
    }
  });

  test('1 to 20 EVSEs per Location, mostly few; mostly AVAILABLE, some CHARGING and OUTOFORDER', () => {
    const counts = locations.map((l) => l.evses?.length ?? 0).sort((a, b) => a - b);
    assert.ok(counts[0]! >= 1 && counts[counts.length - 1]! <= 20);
    assert.ok(counts[Math.floor(counts.length / 2)]! <= 2, 'median at most 2');
    assert.ok(counts[counts.length - 1]! >= 10, 'a few large sites');
    const statuses = locations.flatMap((l) => (l.evses ?? []).map((e) => e.status));
    const share = (s: string) => statuses.filter((x) => x === s).length / statuses.length;
    assert.ok(share('AVAILABLE') > 0.6);
    assert.ok(share('CHARGING') > 0.05);
    assert.ok(share('OUTOFORDER') > 0);
  });

  test('connector power agrees with voltage × amperage × phases (AC) and stays within 50–350 kW at most V × A (DC)', () => {
    const connectors = connectorsOf(locations);
    for (const c of connectors) {
      assert.ok(c.max_electric_power !== undefined);
      if (c.power_type === 'DC') {
        assert.equal(c.format, 'CABLE', 'DC connectors are tethered');
        assert.ok(c.max_electric_power >= 50_000 && c.max_electric_power <= 350_000);
        assert.ok(c.max_electric_power <= c.max_voltage * c.max_amperage);
        assert.ok(['IEC_62196_T2_COMBO', 'CHADEMO'].includes(c.standard));
      } else {
        const phases = c.power_type === 'AC_3_PHASE' ? 3 : 1;
        assert.equal(c.max_voltage, 230);
        assert.equal(c.max_electric_power, c.max_voltage * c.max_amperage * phases);
      }
    }
    // 3-phase 230 V 32 A is the 22 kW post.
    assert.ok(connectors.some((c) => c.power_type === 'AC_3_PHASE' && c.max_electric_power === 22_080));
    const kinds = new Set(connectors.map((c) => `${c.standard}/${c.format}/${c.power_type}`));
    for (const kind of [
      'IEC_62196_T2/SOCKET/AC_3_PHASE',
      'IEC_62196_T2/CABLE/AC_3_PHASE',
      'IEC_62196_T2/SOCKET/AC_1_PHASE',
      'IEC_62196_T2_COMBO/CABLE/DC',
      'CHADEMO/CABLE/DC',
    ]) {
      assert.ok(kinds.has(kind), `no ${kind}`);
    }
    assert.ok(locations.some((l) => (l.evses ?? []).some((e) => e.connectors.length === 3)));
  });

  test('every connector names a generated Tariff; DC ones one meant for DC', () => {
    const ids = new Set(tariffs.map((t) => t.id));
    for (const c of connectorsOf(locations)) {
      assert.equal(c.tariff_ids?.length, 1);
      assert.ok(ids.has(c.tariff_ids![0]!), `unknown tariff ${c.tariff_ids}`);
      // Time-based and night tariffs are AC prices; power tiers are DC ones.
      const acOnly = ['ENERGY-TIME', 'PARKING', 'DAY-NIGHT'];
      if (c.power_type === 'DC') assert.ok(!acOnly.includes(c.tariff_ids![0]!), `DC with ${c.tariff_ids}`);
      else assert.notEqual(c.tariff_ids![0], 'POWER-TIERS');
    }
  });

  test('opening times: mostly 24/7, some regular hours; facilities, parking types, energy mixes (some green)', () => {
    const allDay = locations.filter((l) => l.opening_times?.twentyfourseven === true).length;
    assert.ok(allDay > locations.length / 2);
    const regular = locations.filter((l) => l.opening_times?.twentyfourseven === false);
    assert.ok(regular.length > 0);
    for (const l of regular) assert.ok((l.opening_times?.regular_hours ?? []).length > 0);
    assert.ok(new Set(locations.map((l) => l.parking_type)).size >= 4);
    assert.ok(locations.some((l) => (l.facilities ?? []).length > 0));
    const mixes = locations.map((l) => l.energy_mix).filter((m) => m !== undefined);
    assert.ok(mixes.some((m) => m.is_green_energy) && mixes.some((m) => !m.is_green_energy));
    for (const mix of mixes) {
      const total = (mix.energy_sources ?? []).reduce((sum, s) => sum + s.percentage, 0);
      assert.equal(total, 100);
    }
    assert.ok(locations.every((l) => l.operator?.name === 'RMK Charging'));
    assert.ok(locations.some((l) => l.owner !== undefined));
  });

  test('last_updated: within the 30 days before now, a Location at least as new as its EVSEs, those as their connectors', () => {
    const latest = Math.floor(NOW.getTime() / 1000) * 1000;
    const earliest = latest - 30 * 24 * 3600 * 1000;
    const at = (value: string) => {
      assert.match(value, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      return Date.parse(value);
    };
    for (const location of locations) {
      const own = at(location.last_updated);
      assert.ok(own <= latest && own >= earliest);
      for (const evse of location.evses ?? []) {
        assert.ok(at(evse.last_updated) <= own);
        for (const c of evse.connectors) assert.ok(at(c.last_updated) <= at(evse.last_updated));
      }
    }
  });
});

describe('generateSeed: tariffs', () => {
  const find = (tariffs: readonly Tariff[], id: string) => {
    const tariff = tariffs.find((t) => t.id === id);
    assert.ok(tariff, `no tariff ${id}`);
    return tariff;
  };

  test('1 to 5 by default, the energy-only one always first; every structure appears across seeds', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const { tariffs } = generateSeed(options({ locations: 0, seed }));
      assert.ok(tariffs.length >= 1 && tariffs.length <= 5);
      assert.equal(tariffs[0]?.id, 'ENERGY');
      for (const t of tariffs) seen.add(t.id);
    }
    assert.equal(seen.size, TARIFF_KINDS.length);
  });

  test('the structures: energy, energy + time, parking after N hours, session fee, day/night, power tiers', () => {
    const { tariffs } = generateSeed(options({ locations: 0, tariffs: 6 }));
    assert.equal(tariffs.length, 6);
    for (const t of tariffs) {
      assert.equal(t.currency, 'EUR');
      assert.equal(t.tax_included, 'NO');
      for (const e of t.elements) {
        for (const c of e.price_components) {
          assert.equal(c.vat, 21, 'Dutch VAT');
          assert.ok(c.price > 0 && c.price < 10);
        }
      }
    }
    const types = (t: Tariff) => t.elements.map((e) => e.price_components.map((c) => c.type).join('+'));
    assert.deepEqual(types(find(tariffs, 'ENERGY')), ['ENERGY']);
    assert.deepEqual(types(find(tariffs, 'ENERGY-TIME')), ['ENERGY+TIME']);
    assert.deepEqual(types(find(tariffs, 'SESSION-FEE')), ['FLAT+ENERGY']);

    const parking = find(tariffs, 'PARKING');
    assert.deepEqual(types(parking), ['ENERGY', 'PARKING_TIME']);
    assert.ok([7200, 10800, 14400].includes(parking.elements[1]?.restrictions?.min_duration ?? 0));

    const dayNight = find(tariffs, 'DAY-NIGHT');
    assert.deepEqual(dayNight.elements[0]?.restrictions, { start_time: '22:00', end_time: '07:00' });
    assert.equal(dayNight.elements[1]?.restrictions, undefined, 'the fallback element');
    assert.ok(
      dayNight.elements[0]!.price_components[0]!.price < dayNight.elements[1]!.price_components[0]!.price,
      'cheaper at night',
    );

    const power = find(tariffs, 'POWER-TIERS');
    assert.deepEqual(
      power.elements.map((e) => e.restrictions),
      [{ max_power: 50 }, { min_power: 50, max_power: 150 }, undefined],
    );
  });

  test("priced in the party's currency with its VAT", () => {
    const gb = generateSeed(
      options({ locations: 0, party: { country_code: 'GB', party_id: 'ABC' }, tariffs: 1 }),
    );
    assert.equal(gb.tariffs[0]?.currency, 'GBP');
    assert.equal(gb.tariffs[0]?.elements[0]?.price_components[0]?.vat, 20);
    assert.equal(moneyOf('se').currency, 'SEK');
    assert.equal(moneyOf('XX').currency, 'EUR');
  });
});

describe('generateSeed: speed', () => {
  test('10 000 Locations in well under a few seconds', () => {
    const started = performance.now();
    const { locations } = generateSeed(options({ locations: 10_000, seed: 'bench' }));
    const ms = performance.now() - started;
    assert.equal(locations.length, 10_000);
    assert.ok(ms < 3000, `took ${Math.round(ms)} ms`);
  });
});
