/**
 * `roamkit seed`, `roamkit import` and `roamkit export` against node databases (SQLite files a
 * node has "served": its settings recorded in node_meta): seeded data is published (peers owe
 * deliveries), imports are all or nothing with one line per bad record, exports stream every
 * object in the version asked for, and export → import gives back the same canonical objects.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseRecords } from '../../src/cli/data.js';
import { InputError } from '../../src/cli/read-documents.js';
import { recordNodeMeta } from '../../src/cli/serve.js';
import { fromCanonical } from '../../src/model/index.js';
import { type NodeConfigInput, validateNodeConfig } from '../../src/platform/config.js';
import { generateSeed } from '../../src/platform/seed/index.js';
import { findSchema, type OcpiVersion, schemasByVersion, validate } from '../../src/protocol/index.js';
import { openStore } from '../../src/store/database.js';
import type { ObjectModule } from '../../src/store/types.js';
import { exampleExpectations } from '../fixtures/expectations.js';
import { readExample } from '../helpers/fixtures.js';
import { runCli } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'roamkit-data-'));
const NOW = new Date('2025-03-04T05:06:07Z');
const path = (name: string) => join(tmp, name);
after(() => rmSync(tmp, { recursive: true, force: true }));

const CPO = {
  country_code: 'NL',
  party_id: 'RMK',
  role: 'CPO',
  business_details: { name: 'Roamkit Charging', website: 'https://cpo.example' },
};
const EMSP = {
  country_code: 'NL',
  party_id: 'RME',
  role: 'EMSP',
  business_details: { name: 'Roamkit eMSP' },
};

let dbCounter = 0;
/** A SQLite node database with the node's settings recorded, as `roamkit serve` leaves it. */
async function nodeDb(parties: NodeConfigInput['parties'] = [CPO, EMSP]): Promise<string> {
  const url = `sqlite:${path(`node-${++dbCounter}.db`)}`;
  const store = openStore(url);
  await store.migrate();
  await recordNodeMeta(store, validateNodeConfig({ publicUrl: 'http://127.0.0.1:8080', parties }));
  await store.close();
  return url;
}

/** `roamkit ARGS…` with the test clock (and standard input's text when given). */
const cli = (args: string[], extra: { stdin?: string } = {}) =>
  runCli(args, {
    now: () => NOW,
    ...(extra.stdin === undefined ? {} : { stdin: () => extra.stdin as string }),
  });

/** Our (or a peer's) stored objects of a module: canonical data by `CC/PID/id`. */
async function stored(db: string, module: ObjectModule): Promise<Map<string, Record<string, unknown>>> {
  const store = openStore(db);
  try {
    const found = new Map<string, Record<string, unknown>>();
    for await (const record of store.objects.iterate({ module, peerId: null })) {
      found.set(`${record.key.countryCode}/${record.key.partyId}/${record.key.id}`, record.data);
    }
    return found;
  } finally {
    await store.close();
  }
}

const ndjson = (docs: readonly unknown[]) => `${docs.map((d) => JSON.stringify(d)).join('\n')}\n`;

function valid(version: OcpiVersion, type: string, doc: unknown): void {
  const schema = findSchema(schemasByVersion[version], type);
  assert.ok(schema);
  assert.deepEqual(validate(schema, doc).issues, []);
}

describe('parseRecords', () => {
  test('a JSON array, NDJSON, one object, an envelope; a bad NDJSON line is a bad record', () => {
    assert.deepEqual(parseRecords('[{"id":"1"},{"id":"2"}]').records, [{ id: '1' }, { id: '2' }]);
    assert.deepEqual(parseRecords('{"id":"1"}\n\n{"id":"2"}\n').records, [{ id: '1' }, { id: '2' }]);
    assert.deepEqual(parseRecords('{\n  "id": "1"\n}\n').records, [{ id: '1' }]);
    assert.deepEqual(
      parseRecords('{"data":[{"id":"1"}],"status_code":1000,"timestamp":"2025-01-01T00:00:00Z"}').records,
      [{ id: '1' }],
    );
    const broken = parseRecords('{"id":"1"}\n{"id": oops}\n{"id":"3"}');
    assert.equal(broken.records.length, 3);
    assert.equal(broken.problems.length, 1);
    assert.equal(broken.problems[0]?.index, 1);
    assert.match(broken.problems[0]?.message ?? '', /^not JSON/);
    assert.deepEqual(parseRecords('  \n').records, []);
    assert.throws(() => parseRecords('[{"id":"1"},'), InputError);
  });
});

describe('roamkit seed', () => {
  let db: string;
  let peerId: string;
  before(async () => {
    db = await nodeDb();
    // A registered eMSP taking pushes of both modules: seeding owes it every object.
    const store = openStore(db);
    const peer = await store.peers.create({
      name: 'Partner',
      status: 'REGISTERED',
      version: '2.2.1',
      endpoints: [
        { identifier: 'locations', role: 'RECEIVER', url: 'https://partner.example/ocpi/2.2.1/locations' },
        { identifier: 'tariffs', role: 'RECEIVER', url: 'https://partner.example/ocpi/2.2.1/tariffs' },
      ],
      roles: [{ role: 'EMSP', country_code: 'DE', party_id: 'PTN', business_details: { name: 'Partner' } }],
    });
    peerId = peer.id;
    await store.close();
  });

  test('publishes the generated Locations and Tariffs of the CPO party; peers owe them by push', async () => {
    const r = await cli(['seed', '--locations', '25', '--seed', '7', '--tariffs', '4', '--db', db]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^seeded NL\/RMK \(seed 7\): 4 tariffs, 25 locations, \d+ EVSEs, \d+ connectors$/m);
    assert.match(r.out, /stored 4 tariffs and 25 locations as new or changed/);

    const expected = generateSeed({
      locations: 25,
      seed: '7',
      tariffs: 4,
      party: { country_code: 'NL', party_id: 'RMK' },
      now: NOW,
      operator: CPO.business_details,
    });
    const locations = await stored(db, 'locations');
    assert.equal(locations.size, 25);
    assert.deepEqual(locations.get('NL/RMK/LOC000001'), expected.locations[0]);
    assert.equal((await stored(db, 'tariffs')).size, 4);

    const store = openStore(db);
    try {
      const owed = await store.deliveries.list({ peerId, limit: 100 });
      assert.equal(owed.filter((d) => d.module === 'locations').length, 25);
      assert.equal(owed.filter((d) => d.module === 'tariffs').length, 4);
      assert.ok(owed.every((d) => d.state === 'PENDING' && d.pendingRevision === 1));
    } finally {
      await store.close();
    }
  });

  test('the same seed at the same moment again changes nothing', async () => {
    const r = await cli(['seed', '--locations', '25', '--seed', '7', '--tariffs', '4', '--db', db]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /stored 0 tariffs and 0 locations as new or changed/);
  });

  test('seed then export: every Location and Tariff comes out, valid in the version asked for', async () => {
    const locations = await cli(['export', 'locations', '--ocpi', '2.2.1', '--db', db]);
    assert.equal(locations.code, 0, locations.err);
    assert.equal(locations.lines.length, 25);
    for (const line of locations.lines) valid('2.2.1', 'Location', JSON.parse(line));
    assert.match(locations.err, /exported 25 locations of ours as OCPI 2\.2\.1 ndjson/);

    const tariffs = await cli(['export', 'tariffs', '--ocpi', '2.1.1', '--db', db]);
    assert.equal(tariffs.code, 0, tariffs.err);
    assert.equal(tariffs.lines.length, 4);
    for (const line of tariffs.lines) valid('2.1.1', 'Tariff', JSON.parse(line));
  });

  test('usage errors: a party not hosted, not a CPO, a bad count, no node database', async () => {
    const notHosted = await cli(['seed', '--locations', '5', '--party', 'DE:XXX', '--db', db]);
    assert.equal(notHosted.code, 2);
    assert.match(
      notHosted.err,
      /DE\/XXX is not a party this node hosts \(NL\/RMK \(CPO\), NL\/RME \(EMSP\)\)/,
    );
    const emsp = await cli(['seed', '--locations', '5', '--party', 'NL:RME', '--db', db]);
    assert.equal(emsp.code, 2);
    assert.match(emsp.err, /NL\/RME plays EMSP; Locations belong to a CPO/);
    assert.equal((await cli(['seed', '--locations', 'many', '--db', db])).code, 2);
    assert.equal((await cli(['seed', '--locations', '5', '--tariffs', '9', '--db', db])).code, 2);
    const missing = await cli(['seed', '--locations', '5', '--db', `sqlite:${path('nowhere.db')}`]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no database at .*nowhere\.db/);
    const noCpo = await cli(['seed', '--locations', '5', '--db', await nodeDb([EMSP])]);
    assert.equal(noCpo.code, 2);
    assert.match(noCpo.err, /hosts no CPO party/);
  });
});

describe('roamkit import', () => {
  test("the spec's complete Location examples of each version import (2.1.1 with --party)", async () => {
    for (const version of ['2.1.1', '2.2.1', '2.3.0'] as const) {
      const examples = exampleExpectations
        .filter((e) => e.version === version && e.file.startsWith(`${version}/`))
        .filter((e) => e.type === 'Location' && e.form === 'object' && e.erratum === undefined)
        .map((e) => readExample(e.file) as Record<string, unknown>);
      assert.ok(examples.length > 0, version);
      // The node hosts every owner the examples name.
      const owners = new Set(
        examples.filter((e) => e.country_code !== undefined).map((e) => `${e.country_code}:${e.party_id}`),
      );
      const parties = [
        CPO,
        ...[...owners]
          .filter((o) => o !== 'NL:RMK')
          .map((o) => {
            const [country_code, party_id] = o.split(':');
            return { country_code, party_id, role: 'CPO', business_details: { name: o } };
          }),
      ];
      const db = await nodeDb(parties);
      // One version as a JSON array, the others as NDJSON.
      const file = path(`examples-${version}.${version === '2.2.1' ? 'json' : 'ndjson'}`);
      writeFileSync(file, version === '2.2.1' ? JSON.stringify(examples, null, 2) : ndjson(examples));
      const args = ['import', 'locations', file, '--ocpi', version, '--db', db];
      const r = await cli(version === '2.1.1' ? [...args, '--party', 'NL:RMK'] : args);
      assert.equal(r.code, 0, `${version}: ${r.err}`);
      assert.match(r.out, new RegExp(`^imported ${examples.length} locations from `));

      const locations = await stored(db, 'locations');
      // 2.2.1/2.3.0: uc2 and uc3 are one Location (same owner and id); the later record wins.
      const keys = new Set(
        examples.map((e) => `${e.country_code ?? 'NL'}/${e.party_id ?? 'RMK'}/${e.id}`.toUpperCase()),
      );
      assert.equal(locations.size, keys.size, version);
      for (const doc of locations.values()) valid('2.3.0', 'Location', doc);
      if (version === '2.1.1') {
        assert.equal(locations.get('NL/RMK/LOC1')?.city, 'Gent');
        assert.match(r.err, /Location\.party-from-context \(invents\): 1 time in 1 object/);
      } else {
        assert.equal(locations.get('NL/ALF/3e7b39c2-10d0-4138-a8b3-8509a25f9920')?.publish, false);
      }
    }
  });

  test('one bad record among good ones: exit 1, each problem named by index, id and pointer, nothing imported', async () => {
    const db = await nodeDb();
    const { locations } = generateSeed({ locations: 4, seed: 'bad', party: CPO, now: NOW });
    const records: unknown[] = locations.map((l) => fromCanonical('Location', '2.2.1', l).value);
    const badCoordinates = records[1] as { coordinates: { latitude: string } };
    badCoordinates.coordinates.latitude = 'north';
    Object.assign(records[2] as object, { country_code: 'DE', party_id: 'XXX' });
    const file = path('bad.ndjson');
    writeFileSync(file, `${ndjson(records)}{"id": not json}\n`);

    const r = await cli(['import', 'locations', file, '--ocpi', '2.2.1', '--db', db]);
    assert.equal(r.code, 1);
    assert.match(r.err, new RegExp(`^${file}: record 1 \\(id LOC000002\\): /coordinates/latitude `, 'm'));
    assert.match(
      r.err,
      new RegExp(
        `^${file}: record 2 \\(id LOC000003\\): /country_code owner DE/XXX is not a party this node hosts`,
        'm',
      ),
    );
    assert.match(r.err, new RegExp(`^${file}: record 4: / not JSON`, 'm'));
    assert.doesNotMatch(r.err, /record 0|record 3/);
    assert.match(r.err, /3 of 5 records are bad; nothing imported/);
    assert.equal((await stored(db, 'locations')).size, 0);
  });

  test('the publisher refusing one record (older than the stored one) imports nothing either', async () => {
    const db = await nodeDb();
    assert.equal(
      (await cli(['seed', '--locations', '3', '--seed', 'old', '--tariffs', '1', '--db', db])).code,
      0,
    );
    const before = await stored(db, 'locations');
    const docs: Record<string, unknown>[] = [...before.values()].map((d) => ({
      ...d,
      name: `${String(d.name)} (renamed)`,
    }));
    // Record 1 is a day older than what is stored: peers would ignore it, so it is refused.
    const older = new Date(Date.parse(String(docs[1]?.last_updated)) - 86_400_000).toISOString();
    Object.assign(docs[1] as object, { last_updated: `${older.slice(0, 19)}Z` });
    const file = path('older.json');
    writeFileSync(file, JSON.stringify(docs));

    const r = await cli(['import', 'locations', file, '--ocpi', '2.3.0', '--db', db]);
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      new RegExp(`^${file}: record 1 \\(id LOC00000\\d\\): /last_updated is older than the stored`, 'm'),
    );
    assert.deepEqual(await stored(db, 'locations'), before, 'record 0 was not renamed either');
  });

  test('standard input (-), the --party rules, usage errors', async () => {
    const db = await nodeDb();
    const { tariffs } = generateSeed({ locations: 0, seed: 's', tariffs: 3, party: CPO, now: NOW });
    const in211 = tariffs.map((t) => fromCanonical('Tariff', '2.1.1', t, { party: CPO }).value);

    const noParty = await cli(['import', 'tariffs', '-', '--ocpi', '2.1.1', '--db', db], {
      stdin: ndjson(in211),
    });
    assert.equal(noParty.code, 2);
    assert.match(noParty.err, /2\.1\.1 records name no owner: give --party/);

    const notHosted = await cli(
      ['import', 'tariffs', '-', '--ocpi', '2.1.1', '--party', 'BE:BEC', '--db', db],
      {
        stdin: ndjson(in211),
      },
    );
    assert.equal(notHosted.code, 2);
    assert.match(notHosted.err, /--party BE\/BEC is not a party this node hosts/);

    const ok = await cli(['import', 'tariffs', '-', '--ocpi', '2.1.1', '--party', 'nl:rmk', '--db', db], {
      stdin: ndjson(in211),
    });
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /^imported 3 tariffs from -$/);
    assert.equal((await stored(db, 'tariffs')).get('NL/RMK/ENERGY')?.tax_included, 'NO');

    // 2.2+: --party must be every record's owner.
    const { tariffs: other } = generateSeed({ locations: 0, seed: 't', tariffs: 1, party: CPO, now: NOW });
    const mismatch = await cli(
      ['import', 'tariffs', '-', '--ocpi', '2.3.0', '--party', 'NL:RME', '--db', db],
      {
        stdin: ndjson(other),
      },
    );
    assert.equal(mismatch.code, 1);
    assert.match(mismatch.err, /record 0 \(id ENERGY\): \/party_id owner NL\/RMK is not the --party NL\/RME/);

    assert.equal(
      (await cli(['import', 'commands', '-', '--ocpi', '2.2.1', '--db', db], { stdin: '' })).code,
      2,
    );
    assert.equal((await cli(['import', 'tariffs', '-', '--ocpi', '2.0', '--db', db], { stdin: '' })).code, 2);
    const unreadable = await cli(['import', 'tariffs', path('missing.json'), '--ocpi', '2.2.1', '--db', db]);
    assert.equal(unreadable.code, 2);
    assert.match(unreadable.err, /missing\.json: cannot read/);
    const notJson = await cli(['import', 'tariffs', '-', '--ocpi', '2.2.1', '--db', db], {
      stdin: '[{"id":',
    });
    assert.equal(notJson.code, 1);
    assert.match(notJson.err, /^-: not JSON/);
  });
});

describe('roamkit export', () => {
  let source: string;
  before(async () => {
    source = await nodeDb();
    const r = await cli(['seed', '--locations', '40', '--seed', 'trip', '--tariffs', '6', '--db', source]);
    assert.equal(r.code, 0, r.err);
  });

  test('export → import round trip (2.3.0, JSON array and NDJSON files) gives the same canonical objects', async () => {
    const target = await nodeDb();
    const tariffsFile = path('trip-tariffs.json');
    const locationsFile = path('trip-locations.ndjson');
    const t = await cli([
      'export',
      'tariffs',
      '--ocpi',
      '2.3.0',
      '--format',
      'json',
      '--out',
      tariffsFile,
      '--db',
      source,
    ]);
    assert.equal(t.code, 0, t.err);
    assert.equal(t.out, '');
    assert.match(t.err, /exported 6 tariffs of ours as OCPI 2\.3\.0 json to /);
    assert.equal((JSON.parse(readFileSync(tariffsFile, 'utf8')) as unknown[]).length, 6);
    const l = await cli(['export', 'locations', '--ocpi', '2.3.0', '--out', locationsFile, '--db', source]);
    assert.equal(l.code, 0, l.err);
    assert.equal(readFileSync(locationsFile, 'utf8').trimEnd().split('\n').length, 40);
    assert.doesNotMatch(l.err, /lossy/, 'nothing is lost in the canonical version');

    for (const [module, file] of [
      ['tariffs', tariffsFile],
      ['locations', locationsFile],
    ] as const) {
      const r = await cli(['import', module, file, '--ocpi', '2.3.0', '--db', target]);
      assert.equal(r.code, 0, r.err);
    }
    assert.deepEqual(await stored(target, 'tariffs'), await stored(source, 'tariffs'));
    assert.deepEqual(await stored(target, 'locations'), await stored(source, 'locations'));
  });

  test('through 2.2.1: the same objects but for what 2.2.1 cannot carry (connector capabilities)', async () => {
    const target = await nodeDb();
    for (const module of ['tariffs', 'locations'] as const) {
      const exported = await cli(['export', module, '--ocpi', '2.2.1', '--db', source]);
      assert.equal(exported.code, 0, exported.err);
      const r = await cli(['import', module, '-', '--ocpi', '2.2.1', '--db', target], {
        stdin: `${exported.lines.join('\n')}\n`,
      });
      assert.equal(r.code, 0, r.err);
    }
    assert.deepEqual(await stored(target, 'tariffs'), await stored(source, 'tariffs'));
    const withoutCapabilities = (docs: Map<string, Record<string, unknown>>) => {
      const json = JSON.stringify([...docs.entries()], (key, value) =>
        key === 'capabilities' && Array.isArray(value) && value.some((v) => String(v).startsWith('ISO_15118'))
          ? undefined
          : value,
      );
      return JSON.parse(json) as unknown;
    };
    assert.deepEqual(
      withoutCapabilities(await stored(target, 'locations')),
      withoutCapabilities(await stored(source, 'locations')),
    );
  });

  test('JSON format on stdout is one array; lossy mappings are counted per id on stderr', async () => {
    const r = await cli(['export', 'locations', '--ocpi', '2.1.1', '--format', 'json', '--db', source]);
    assert.equal(r.code, 0, r.err);
    const array = JSON.parse(r.out) as unknown[];
    assert.equal(array.length, 40);
    for (const doc of array) valid('2.1.1', 'Location', doc);
    assert.match(r.err, /lossy mappings applied converting to 2\.1\.1:/);
    assert.match(r.err, /^ {2}Connector\.max-electric-power-dropped \(loses\): \d+ times in 40 objects$/m);
  });

  test("a peer's objects with --peer (id or name); an unknown peer is a usage error; empty JSON is []", async () => {
    const db = await nodeDb();
    const store = openStore(db);
    const peer = await store.peers.create({ name: 'Other CPO', status: 'REGISTERED', version: '2.2.1' });
    const { tariffs } = generateSeed({
      locations: 0,
      seed: 'peer',
      tariffs: 2,
      party: { country_code: 'DE', party_id: 'OTH' },
      now: NOW,
    });
    await store.objects.putMany(
      tariffs.map((data) => ({
        module: 'tariffs' as const,
        key: { countryCode: 'DE', partyId: 'OTH', id: data.id },
        peerId: peer.id,
        data,
        lastUpdated: new Date(data.last_updated),
      })),
    );
    await store.close();

    const ours = await cli(['export', 'tariffs', '--ocpi', '2.2.1', '--format', 'json', '--db', db]);
    assert.equal(ours.code, 0, ours.err);
    assert.deepEqual(JSON.parse(ours.out), []);
    for (const id of [peer.id, 'Other CPO']) {
      const theirs = await cli(['export', 'tariffs', '--ocpi', '2.2.1', '--peer', id, '--db', db]);
      assert.equal(theirs.code, 0, theirs.err);
      assert.deepEqual(
        theirs.lines.map((l) => (JSON.parse(l) as { party_id: string }).party_id),
        ['OTH', 'OTH'],
      );
      assert.match(theirs.err, new RegExp(`exported 2 tariffs from peer ${peer.id}`));
    }
    const unknown = await cli(['export', 'tariffs', '--ocpi', '2.2.1', '--peer', 'nobody', '--db', db]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /no peer with id or name nobody/);
    assert.equal(
      (await cli(['export', 'tariffs', '--ocpi', '2.2.1', '--format', 'xml', '--db', db])).code,
      2,
    );
  });
});
