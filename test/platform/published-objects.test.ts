/**
 * The shared mechanism of the Locations and Tariffs modules, without HTTP: the descriptions agree
 * with the endpoint table, the tree functions never mutate what they are given, the conversion
 * cache stays bounded, and a PATCH is judged by the issues it adds.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ConversionCache,
  depthOf,
  LOCATIONS,
  newIssues,
  OBJECT_MODULE_DESCRIPTIONS,
  objectModule,
  servedParties,
  TARIFFS,
} from '../../src/platform/published-objects/index.js';
import { descend, isOlder, laterOf, mergePatch, rebuild } from '../../src/platform/published-objects/tree.js';
import { sessionsModule } from '../../src/platform/sessions.js';
import { tokensModule } from '../../src/platform/tokens.js';
import { OCPI_VERSIONS, rowsFor } from '../../src/protocol/index.js';
import type { OcpiObjectRecord, Store } from '../../src/store/types.js';
import { testConfig } from '../http/helpers.js';

type Json = Record<string, unknown>;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('module descriptions and the endpoint table', () => {
  const config = testConfig();
  const store = {} as Store; // never touched: handlers are only looked up

  // The two rows that are not about one stored object are served by the module's own file.
  const OWN_HANDLERS = ['{token_uid}/authorize', '{session_id}/charging_preferences'];

  test('every row of every version of the object modules has a handler', () => {
    for (const description of Object.values(OBJECT_MODULE_DESCRIPTIONS)) {
      const module = objectModule(description, { config, store });
      for (const version of OCPI_VERSIONS) {
        for (const row of rowsFor(version, description.module)) {
          if (OWN_HANDLERS.includes(row.path)) continue;
          assert.ok(module.handler(row), `${version} ${row.interface} ${row.method} '${row.path}'`);
        }
      }
    }
  });

  test('the Tokens and Sessions modules serve every row, authorize and charging preferences included', () => {
    for (const module of [tokensModule({ config, store }), sessionsModule({ config, store })]) {
      for (const version of OCPI_VERSIONS) {
        for (const row of rowsFor(version, module.id)) {
          assert.ok(module.handler(row), `${version} ${row.interface} ${row.method} '${row.path}'`);
        }
      }
    }
  });

  test('PATCH versions and DELETE agree with the table (2.1.1 Tariffs PATCH; no Location DELETE)', () => {
    for (const description of Object.values(OBJECT_MODULE_DESCRIPTIONS)) {
      for (const version of OCPI_VERSIONS) {
        const rows = rowsFor(version, description.module, 'RECEIVER');
        assert.equal(
          rows.some((r) => r.method === 'PATCH'),
          description.patchVersions.includes(version),
          `${description.module} ${version} PATCH`,
        );
        assert.equal(
          rows.some((r) => r.method === 'DELETE'),
          description.deletable,
        );
      }
    }
    assert.deepEqual(TARIFFS.patchVersions, ['2.1.1']);
  });

  test('the depth of a row is the number of ids below the owner', () => {
    const receiver = rowsFor('2.2.1', 'locations', 'RECEIVER').filter((r) => r.method === 'PUT');
    assert.deepEqual(
      receiver.map((r) => depthOf(LOCATIONS, r)),
      [0, 1, 2],
    );
    const sender = rowsFor('2.1.1', 'locations', 'SENDER').filter((r) => r.path !== '');
    assert.deepEqual(
      sender.map((r) => depthOf(LOCATIONS, r)),
      [0, 1, 2],
    );
    // A tariffs row does not fit the Locations description.
    const tariffRow = rowsFor('2.2.1', 'tariffs', 'RECEIVER')[0];
    assert.ok(tariffRow);
    assert.equal(depthOf(LOCATIONS, tariffRow), undefined);
  });

  test('served parties: every hosted party in 2.2.1+, the first one only in 2.1.1', () => {
    assert.deepEqual(servedParties(config, '2.2.1'), [
      { countryCode: 'NL', partyId: 'RMK' },
      { countryCode: 'NL', partyId: 'RME' },
    ]);
    assert.deepEqual(servedParties(config, '2.1.1'), [{ countryCode: 'NL', partyId: 'RMK' }]);
  });
});

describe('the object tree', () => {
  const location = deepFreeze({
    id: 'LOC1',
    last_updated: '2024-01-01T00:00:00Z',
    evses: [
      {
        uid: 'E1',
        last_updated: '2023-12-01T00:00:00Z',
        connectors: [{ id: '1', last_updated: '2023-11-01T00:00:00Z' }],
      },
      { uid: 'E2', last_updated: '2023-12-02T00:00:00Z', connectors: [] },
    ],
  }) as Json;

  test('descend stops at the first missing object', () => {
    assert.equal(descend(location, LOCATIONS.levels, ['LOC1', 'E1', '1']).length, 3);
    assert.equal(descend(location, LOCATIONS.levels, ['LOC1', 'E9', '1']).length, 1);
    assert.equal(descend(location, LOCATIONS.levels, ['LOC1', 'E1', '9']).length, 2);
  });

  test("rebuild puts a connector back in place and raises the parents' last_updated, mutating nothing", () => {
    const chain = descend(location, LOCATIONS.levels, ['LOC1', 'E1']);
    const root = rebuild(chain, LOCATIONS.levels, {
      id: '1',
      standard: 'X',
      last_updated: '2024-02-01T00:00:00Z',
    });
    const evse = (root.evses as Json[])[0] as Json;
    assert.deepEqual(evse.connectors, [{ id: '1', standard: 'X', last_updated: '2024-02-01T00:00:00Z' }]);
    assert.equal(evse.last_updated, '2024-02-01T00:00:00Z');
    assert.equal(root.last_updated, '2024-02-01T00:00:00Z');
    assert.equal(
      (root.evses as Json[])[1],
      (location.evses as Json[])[1],
      'untouched EVSEs are shared, not copied',
    );
    // A new EVSE older than the Location leaves the Location's last_updated.
    const added = rebuild([location], LOCATIONS.levels, { uid: 'E3', last_updated: '2020-01-01T00:00:00Z' });
    assert.deepEqual(
      (added.evses as Json[]).map((e) => e.uid),
      ['E1', 'E2', 'E3'],
    );
    assert.equal(added.last_updated, '2024-01-01T00:00:00Z');
  });

  test('a PATCH replaces top-level fields, lists as a whole', () => {
    const merged = mergePatch(location, { evses: [], name: 'x' });
    assert.deepEqual(merged.evses, []);
    assert.equal(merged.name, 'x');
    assert.equal(merged.id, 'LOC1');
  });

  test('DateTimes compare as instants (offsets, missing Z); unreadable ones never win', () => {
    assert.equal(isOlder('2024-01-01T01:00:00+02:00', '2024-01-01T00:00:00Z'), true);
    assert.equal(isOlder('2024-01-01T00:00:00', '2024-01-01T00:00:00Z'), false);
    assert.equal(isOlder('garbage', '2024-01-01T00:00:00Z'), false);
    assert.equal(laterOf('2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z'), '2024-01-02T00:00:00Z');
    assert.equal(laterOf('2024-01-01T00:00:00Z', 'garbage'), '2024-01-01T00:00:00Z');
    assert.equal(laterOf(undefined, '2024-01-01T00:00:00Z'), '2024-01-01T00:00:00Z');
  });
});

describe('the conversion cache', () => {
  const record = (id: string, revision = 1, countryCode = 'NL', partyId = 'RMK'): OcpiObjectRecord => ({
    module: 'locations',
    audience: null,
    key: { countryCode, partyId, id },
    peerId: null,
    revision,
    data: {},
    previous: null,
    lastUpdated: new Date(0),
    createdAt: new Date(0),
    deleted: false,
    published: true,
    updatedAt: new Date(0),
  });

  test('converts once per (object, revision, version) and drops the least recently used beyond its size', () => {
    const cache = new ConversionCache(2);
    let conversions = 0;
    const convert = () => String(++conversions);
    const text = (bytes: Buffer | undefined) => bytes?.toString('utf8');
    assert.equal(text(cache.get(record('A'), '2.2.1', convert)), '1');
    assert.equal(text(cache.get(record('A'), '2.2.1', convert)), '1');
    assert.equal(text(cache.get(record('A'), '2.1.1', convert)), '2');
    assert.equal(text(cache.get(record('A', 2), '2.2.1', convert)), '3', 'a new revision is converted again');
    assert.equal(cache.size, 2);
    assert.equal(text(cache.get(record('A'), '2.2.1', convert)), '4', 'evicted: the oldest entry went first');
    assert.deepEqual(cache.stats(), { hits: 1, misses: 4, size: 2 });
  });

  test('keeps UTF-8 bytes in memory of their own; a head finds what its record stored', () => {
    const cache = new ConversionCache(5);
    const json = JSON.stringify({ name: 'Gare de l’Est – Köln ⚡' });
    const stored = cache.store(record('A'), '2.2.1', json);
    assert.equal(stored.toString('utf8'), json);
    assert.equal(stored.length, Buffer.byteLength(json));
    // Not a slice of Node's shared pool: an evicted entry frees its bytes.
    assert.equal(stored.byteOffset, 0);
    assert.equal(stored.buffer.byteLength, stored.length);
    const { data: _data, previous: _previous, ...head } = record('A');
    assert.equal(cache.lookup(head, '2.2.1'), stored);
    assert.equal(cache.lookup({ ...head, revision: 2 }, '2.2.1'), undefined, 'another revision');
    assert.equal(cache.lookup({ ...head, updatedAt: new Date(1) }, '2.2.1'), undefined, 'a rebuilt store');
    assert.equal(cache.lookup(head, '2.3.0'), undefined, 'another version');
    assert.deepEqual(cache.stats(), { hits: 1, misses: 3, size: 1 });
  });

  test('keys cannot collide whatever the ids hold; failed conversions are not cached', () => {
    assert.notEqual(
      ConversionCache.keyOf(record('C|1', 1, 'NL', 'AB'), '2.2.1'),
      ConversionCache.keyOf(record('1', 1, 'NL', 'AB|C'), '2.2.1'),
    );
    const cache = new ConversionCache(5);
    assert.equal(
      cache.get(record('X'), '2.2.1', () => undefined),
      undefined,
    );
    assert.equal(cache.size, 0);
    assert.throws(() => new ConversionCache(0), RangeError);
  });
});

describe('PATCH validation', () => {
  const issue = (pointer: string, keyword: string) => ({ pointer, keyword, field: '', message: keyword });

  test('only issues the stored object did not have count', () => {
    const before = [issue('/time_zone', 'required')];
    const after = [issue('/time_zone', 'required'), issue('/evses/0/evse_id', 'pattern')];
    assert.deepEqual(
      newIssues(before, after).map((i) => i.pointer),
      ['/evses/0/evse_id'],
    );
    assert.deepEqual(newIssues(after, before), []);
  });
});
