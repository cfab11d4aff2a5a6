/**
 * The delivery plan: which message brings a peer from what it acknowledged to the current state.
 * Built on the spec's 2.3.0 Location example (BE/BEC/LOC1, EVSEs 3256 and 3257) and Tariff example.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diffLocation, planDelivery, receiverRow } from '../../../src/platform/delivery/plan.js';
import { findSchema, type OcpiVersion, schemasByVersion, validate } from '../../../src/protocol/index.js';
import type { OcpiObjectRecord } from '../../../src/store/types.js';
import { readExample } from '../../helpers/fixtures.js';

type Json = Record<string, unknown>;
const location = () => structuredClone(readExample('2.3.0/location_example.json')) as Json;
const tariff = () => structuredClone(readExample('2.3.0/tariff_1_simple_2hour.json')) as Json;
const evses = (doc: Json) => doc.evses as Json[];
const evse = (doc: Json, i: number) => evses(doc)[i] as Json;
const connector = (doc: Json, e: number, c: number) => (evse(doc, e).connectors as Json[])[c] as Json;

/** A record at revision 2 whose previous revision (1) is `before`. */
function record(
  before: Json | null,
  after: Json,
  module: 'locations' | 'tariffs' = 'locations',
  extra: Partial<OcpiObjectRecord> = {},
): OcpiObjectRecord {
  return {
    module,
    key: { countryCode: String(after.country_code), partyId: String(after.party_id), id: String(after.id) },
    peerId: null,
    revision: 2,
    data: after,
    previous: before === null ? null : { revision: 1, data: before },
    lastUpdated: new Date(String(after.last_updated)),
    createdAt: new Date(String(after.last_updated)),
    deleted: false,
    published: after.publish !== false,
    updatedAt: new Date(),
    ...extra,
    audience: extra.audience ?? null,
  };
}

const acked1 = { ackedRevision: 1, forcePut: false };

function evseStatusChange() {
  const before = location();
  const after = location();
  evse(after, 0).status = 'CHARGING';
  evse(after, 0).last_updated = '2025-01-01T10:00:00Z';
  after.last_updated = '2025-01-01T10:00:00Z';
  return { before, after };
}

describe('planDelivery', () => {
  test('an EVSE status change goes as an EVSE PATCH of the status and last_updated', () => {
    const { before, after } = evseStatusChange();
    const message = planDelivery({ record: record(before, after), delivery: acked1, version: '2.2.1' });
    assert.equal(message.method, 'PATCH');
    assert.equal(message.object, 'EVSE');
    assert.equal(message.path, '{country_code}/{party_id}/{location_id}/{evse_uid}');
    assert.deepEqual(message.params, {
      country_code: 'BE',
      party_id: 'BEC',
      location_id: 'LOC1',
      evse_uid: '3256',
    });
    assert.deepEqual(message.body, { status: 'CHARGING', last_updated: '2025-01-01T10:00:00Z' });
    assert.equal(message.revision, 2);
    // The row exists in every version, and the body is a valid partial EVSE there.
    for (const version of ['2.1.1', '2.2.1', '2.3.0'] as OcpiVersion[]) {
      const m = planDelivery({ record: record(before, after), delivery: acked1, version });
      const row = receiverRow(version, 'locations', m);
      assert.ok(row, version);
      assert.equal(row.requestBody?.object, 'EVSE');
      assert.equal(row.requestBody?.partial, true);
      const schema = findSchema(schemasByVersion[version], 'EVSE');
      assert.ok(schema);
      assert.equal(validate(schema, m.body, { partial: true }).valid, true, version);
    }
  });

  test('a changed location name goes as a Location PATCH of name and last_updated', () => {
    const before = location();
    const after = location();
    after.name = 'Gent Zuid P+R';
    after.last_updated = '2025-01-01T10:00:00Z';
    const message = planDelivery({ record: record(before, after), delivery: acked1, version: '2.3.0' });
    assert.equal(message.method, 'PATCH');
    assert.equal(message.object, 'Location');
    assert.deepEqual(message.params, { country_code: 'BE', party_id: 'BEC', location_id: 'LOC1' });
    assert.deepEqual(message.body, { name: 'Gent Zuid P+R', last_updated: '2025-01-01T10:00:00Z' });
  });

  test('one connector changed goes as a Connector PATCH', () => {
    const before = location();
    const after = location();
    connector(after, 0, 1).tariff_ids = ['14'];
    connector(after, 0, 1).last_updated = '2025-01-02T00:00:00Z';
    evse(after, 0).last_updated = '2025-01-02T00:00:00Z';
    after.last_updated = '2025-01-02T00:00:00Z';
    const message = planDelivery({ record: record(before, after), delivery: acked1, version: '2.2.1' });
    assert.equal(message.method, 'PATCH');
    assert.equal(message.object, 'Connector');
    assert.deepEqual(message.params, {
      country_code: 'BE',
      party_id: 'BEC',
      location_id: 'LOC1',
      evse_uid: '3256',
      connector_id: '2',
    });
    assert.deepEqual(message.body, { tariff_ids: ['14'], last_updated: '2025-01-02T00:00:00Z' });
  });

  test('2.1.1: a connector PATCH is converted (tariff_ids becomes tariff_id)', () => {
    const before = location();
    const after = location();
    connector(after, 0, 1).tariff_ids = ['14'];
    connector(after, 0, 1).last_updated = '2025-01-02T00:00:00Z';
    const message = planDelivery({ record: record(before, after), delivery: acked1, version: '2.1.1' });
    assert.equal(message.method, 'PATCH');
    assert.equal(message.object, 'Connector');
    assert.equal((message.body as Json).tariff_id, '14');
    assert.equal((message.body as Json).last_updated, '2025-01-02T00:00:00Z');
  });

  test('a new EVSE goes as a PUT of the whole location', () => {
    const before = location();
    const after = location();
    evses(after).push({ ...structuredClone(evse(after, 1)), uid: '3258', evse_id: 'BE*BEC*E041503003' });
    const message = planDelivery({ record: record(before, after), delivery: acked1, version: '2.2.1' });
    assert.equal(message.method, 'PUT');
    assert.equal(message.object, 'Location');
    assert.equal(message.path, '{country_code}/{party_id}/{location_id}');
    assert.equal((message.body as Json).id, 'LOC1');
    assert.equal(evses(message.body as Json).length, 3);
    assert.match(message.putReason ?? '', /EVSEs added/);
  });

  test('a removed field goes as a PUT (a PATCH cannot remove)', () => {
    const before = location();
    const after = location();
    delete after.name;
    assert.deepEqual(diffLocation(before, after), { level: 'whole', reason: 'field name removed' });
    assert.equal(
      planDelivery({ record: record(before, after), delivery: acked1, version: '2.2.1' }).method,
      'PUT',
    );
  });

  test('changes in two EVSEs, or in the location and an EVSE, go as a PUT', () => {
    const before = location();
    const two = location();
    evse(two, 0).status = 'CHARGING';
    evse(two, 1).status = 'AVAILABLE';
    assert.equal(diffLocation(before, two).level, 'whole');
    const both = location();
    both.name = 'x';
    evse(both, 0).status = 'CHARGING';
    assert.equal(diffLocation(before, both).level, 'whole');
    const evseAndConnector = location();
    evse(evseAndConnector, 0).status = 'CHARGING';
    connector(evseAndConnector, 0, 0).max_amperage = 32;
    assert.equal(diffLocation(before, evseAndConnector).level, 'whole');
  });

  test('a PATCH only when the peer holds exactly the previous revision and nothing forces a PUT', () => {
    const { before, after } = evseStatusChange();
    const cases: [string, { ackedRevision: number | null; forcePut: boolean }, OcpiObjectRecord][] = [
      ['never acknowledged', { ackedRevision: null, forcePut: false }, record(before, after)],
      ['older revision', { ackedRevision: 0, forcePut: false }, record(before, after)],
      ['forcePut', { ackedRevision: 1, forcePut: true }, record(before, after)],
      ['no previous', acked1, record(null, after)],
      [
        'previous of another revision',
        acked1,
        { ...record(before, after), previous: { revision: 0, data: before } },
      ],
    ];
    for (const [label, delivery, rec] of cases) {
      const message = planDelivery({ record: rec, delivery, version: '2.3.0' });
      assert.equal(message.method, 'PUT', label);
      assert.deepEqual(message.body, after, label);
    }
  });

  test('a peer that could not see the previous revision gets a PUT', () => {
    const before = location();
    before.publish = false;
    const after = location();
    after.name = 'Now public';
    const message = planDelivery({
      record: record(before, after),
      delivery: acked1,
      version: '2.2.1',
      maySee: (published) => published,
    });
    assert.equal(message.method, 'PUT');
    assert.match(message.putReason ?? '', /could not see/);
  });

  test('only last_updated changed: a Location PATCH carrying last_updated', () => {
    const before = location();
    const after = location();
    after.last_updated = '2025-02-02T02:02:02Z';
    const message = planDelivery({ record: record(before, after), delivery: acked1, version: '2.2.1' });
    assert.equal(message.method, 'PATCH');
    assert.deepEqual(message.body, { last_updated: '2025-02-02T02:02:02Z' });
  });

  test('tariffs: a PUT of the current state in the peer version, a DELETE for a tombstone', () => {
    const t = tariff();
    const put = planDelivery({ record: record(t, t, 'tariffs'), delivery: acked1, version: '2.2.1' });
    assert.equal(put.method, 'PUT');
    assert.equal(put.object, 'Tariff');
    assert.deepEqual(put.params, { country_code: 'DE', party_id: 'ALL', tariff_id: '12' });
    assert.ok(receiverRow('2.2.1', 'tariffs', put));
    const del = planDelivery({
      record: record(null, t, 'tariffs', { deleted: true, revision: 3 }),
      delivery: acked1,
      version: '2.1.1',
    });
    assert.equal(del.method, 'DELETE');
    assert.equal(del.body, undefined);
    assert.equal(del.revision, 3);
    assert.ok(receiverRow('2.1.1', 'tariffs', del));
    // 2.1.1 tariffs carry no owner in the body.
    const old = planDelivery({ record: record(null, t, 'tariffs'), delivery: acked1, version: '2.1.1' });
    assert.equal((old.body as Json).country_code, undefined);
    assert.equal((old.body as Json).id, '12');
  });

  test('a whole location in 2.1.1 validates against the 2.1.1 schema', () => {
    const after = location();
    const message = planDelivery({ record: record(null, after), delivery: acked1, version: '2.1.1' });
    const schema = findSchema(schemasByVersion['2.1.1'], 'Location');
    assert.ok(schema);
    const result = validate(schema, message.body);
    assert.deepEqual(result.issues, []);
  });
});
