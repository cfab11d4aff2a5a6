/**
 * The admin API's objects and outbox endpoints over app.inject: publishing in the canonical shape
 * or in a given version, patches at every depth, removal, clear 400s with issues, the outbox
 * listing and retry.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { PeerRecord } from '../../../src/store/types.js';
import { readExample } from '../../helpers/fixtures.js';
import { testApp, testConfig } from '../../http/helpers.js';
import { addPeer, evseOf, type Json, ourLocation, ourTariff } from './helpers.js';

const ADMIN_TOKEN = 'admin-token-0123456789';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const key = (id = 'LOC1') => ({ countryCode: 'NL', partyId: 'RMK', id });

describe('admin API: objects and outbox', () => {
  let node: Awaited<ReturnType<typeof testApp>>;
  let peer: PeerRecord;

  beforeEach(async () => {
    node = await testApp({ config: testConfig({ adminToken: ADMIN_TOKEN }) });
    peer = await addPeer(node.store, { name: 'emsp' });
  });
  afterEach(() => node.close());

  async function call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    headers = admin,
  ) {
    const res = await node.app.inject({
      method,
      url,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: res.statusCode, body: JSON.parse(res.body) as Json };
  }

  test('PUT a canonical location: stored, owed to the peer, answered with its revision', async () => {
    const res = await call('PUT', '/admin/locations', ourLocation());
    assert.equal(res.status, 200);
    const object = res.body.object as Json;
    assert.equal(object.revision, 1);
    assert.equal(object.id, 'LOC1');
    assert.equal(object.countryCode, 'NL');
    assert.equal((await node.store.objects.get('locations', key()))?.revision, 1);
    assert.equal((await node.store.deliveries.get(peer.id, 'locations', key()))?.state, 'PENDING');
  });

  test('PUT in another version: validated there, converted up; 2.1.1 needs the party', async () => {
    const v221 = {
      ...(readExample('2.2.1/location_example.json') as Json),
      country_code: 'NL',
      party_id: 'RMK',
    };
    const res = await call('PUT', '/admin/locations?ocpi=2.2.1', v221);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(((res.body.object as Json).data as Json).country_code, 'NL');

    const v211 = readExample('2.1.1/mod_locations_06.json.txt') as Json;
    const missing = await call('PUT', '/admin/locations?ocpi=2.1.1', v211);
    assert.equal(missing.status, 400);
    assert.match(String(missing.body.message), /party/);
    const ok = await call('PUT', '/admin/locations?ocpi=2.1.1&party=NL:RMK', v211);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const stored = await node.store.objects.get('locations', key(String(v211.id)));
    assert.equal(stored?.data.country_code, 'NL');
    assert.equal(stored?.data.party_id, 'RMK');

    const badVersion = await call('PUT', '/admin/locations?ocpi=9.9', v221);
    assert.equal(badVersion.status, 400);
  });

  test('bad documents: 400 with every issue; another party: 400; nothing stored', async () => {
    const bad = ourLocation();
    evseOf(bad).status = 'BROKEN';
    const res = await call('PUT', '/admin/locations', bad);
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'bad_request');
    assert.deepEqual(
      (res.body.issues as Json[]).map((i) => i.pointer),
      ['/evses/0/status'],
    );
    const v221 = readExample('2.2.1/location_example.json') as Json; // BE/BEC: not ours
    const foreign = await call('PUT', '/admin/locations?ocpi=2.2.1', v221);
    assert.equal(foreign.status, 400);
    assert.match(String(foreign.body.message), /not a party this node hosts/);
    const invalidInVersion = await call('PUT', '/admin/tariffs?ocpi=2.2.1', { id: 'x' });
    assert.equal(invalidInVersion.status, 400);
    assert.ok((invalidInVersion.body.issues as Json[]).length > 1);
    assert.equal(await node.store.objects.count({ module: 'locations' }), 0);
  });

  test('PATCH at every depth, in canonical fields or in a version; unknown objects 404', async () => {
    await call('PUT', '/admin/locations', ourLocation());
    const evse = await call('PATCH', '/admin/locations/NL/RMK/LOC1/3256', { status: 'CHARGING' });
    assert.equal(evse.status, 200, JSON.stringify(evse.body));
    assert.equal((evse.body.object as Json).revision, 2);
    const connector = await call('PATCH', '/admin/locations/nl/rmk/LOC1/3256/1?ocpi=2.1.1', {
      tariff_id: '15',
      last_updated: '2025-05-05T00:00:00Z',
    });
    assert.equal(connector.status, 200, JSON.stringify(connector.body));
    const data = (connector.body.object as Json).data as Json;
    assert.deepEqual(((evseOf(data).connectors as Json[])[0] as Json).tariff_ids, ['15']);
    const location = await call('PATCH', '/admin/locations/NL/RMK/LOC1', { name: 'Renamed' });
    assert.equal(((location.body.object as Json).data as Json).name, 'Renamed');

    assert.equal((await call('PATCH', '/admin/locations/NL/RMK/NOPE', { name: 'x' })).status, 404);
    assert.equal(
      (await call('PATCH', '/admin/locations/NL/RMK/LOC1/9999', { status: 'CHARGING' })).status,
      404,
    );
    const invalid = await call('PATCH', '/admin/locations/NL/RMK/LOC1/3256', { status: 'BROKEN' });
    assert.equal(invalid.status, 400);
    assert.equal((invalid.body.issues as Json[])[0]?.pointer, '/evses/0/status');
  });

  test('DELETE: a tariff becomes a tombstone, a location gets its EVSEs REMOVED; again: 404', async () => {
    await call('PUT', '/admin/tariffs', ourTariff());
    const removed = await call('DELETE', '/admin/tariffs/NL/RMK/12');
    assert.equal(removed.status, 200);
    assert.equal((removed.body.object as Json).deleted, true);
    assert.equal((await call('DELETE', '/admin/tariffs/NL/RMK/12')).status, 404);

    await call('PUT', '/admin/locations', ourLocation());
    const location = await call('DELETE', '/admin/locations/NL/RMK/LOC1');
    assert.equal(location.status, 200);
    assert.deepEqual(
      (((location.body.object as Json).data as Json).evses as Json[]).map((e) => e.status),
      ['REMOVED', 'REMOVED'],
    );
  });

  test('GET /admin/outbox lists rows and counts, filtered; POST /admin/outbox/retry unparks', async () => {
    await call('PUT', '/admin/locations', ourLocation('A'));
    await call('PUT', '/admin/locations', ourLocation('B'));
    const listing = await call('GET', '/admin/outbox');
    assert.equal(listing.status, 200);
    assert.equal((listing.body.deliveries as Json[]).length, 2);
    assert.deepEqual(listing.body.counts, [{ peerId: peer.id, state: 'PENDING', count: 2 }]);
    const first = (listing.body.deliveries as Json[])[0] as Json;
    assert.equal(first.peerId, peer.id);
    assert.equal(first.state, 'PENDING');
    assert.equal(first.pendingRevision, 1);

    await node.store.deliveries.parkPeer(peer.id, {
      nextProbeAt: new Date(Date.now() + 60_000),
      error: 'down',
    });
    const parked = await call('GET', `/admin/outbox?state=parked&peer=${peer.id}`);
    assert.equal((parked.body.deliveries as Json[]).length, 2);
    assert.equal(((parked.body.deliveries as Json[])[0] as Json).lastError, 'down');
    assert.deepEqual((await call('GET', '/admin/outbox?state=DONE')).body.deliveries, []);

    const retried = await call('POST', '/admin/outbox/retry', { peer: peer.id });
    assert.deepEqual(retried.body, { retried: 2 });
    const row = await node.store.deliveries.get(peer.id, 'locations', key('A'));
    assert.equal(row?.state, 'PENDING');
    assert.equal(row?.forcePut, true);
    assert.deepEqual((await call('POST', '/admin/outbox/retry', {})).body, { retried: 0 });

    const badState = await call('GET', '/admin/outbox?state=LOST');
    assert.equal(badState.status, 400);
    assert.equal(badState.body.field, 'state');
    assert.equal((await call('GET', '/admin/outbox?peer=nobody')).status, 404);
    assert.equal((await call('POST', '/admin/outbox/retry', { peerId: 'x' })).status, 400);
  });

  test('the new endpoints need the admin token', async () => {
    for (const [method, url] of [
      ['GET', '/admin/outbox'],
      ['PUT', '/admin/locations'],
      ['DELETE', '/admin/tariffs/NL/RMK/12'],
    ] as const) {
      assert.equal((await call(method, url, undefined, { authorization: 'Bearer wrong' })).status, 401, url);
    }
  });
});
