/**
 * The publisher: our objects change and become owed to the interested peers in one transaction.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import {
  createPublisher,
  markAllOwed,
  PublishError,
  type Publisher,
} from '../../../src/platform/delivery/publisher.js';
import type { SqlStore } from '../../../src/store/database.js';
import type {
  DeliveryRepository,
  ObjectModule,
  PeerRecord,
  Store,
  StoreScope,
} from '../../../src/store/types.js';
import { memoryStore, testConfig } from '../../http/helpers.js';
import { addPeer, evseOf, type Json, ourLocation, ourTariff } from './helpers.js';

const NOW = new Date('2025-03-04T05:06:07Z');
const key = (id = 'LOC1') => ({ countryCode: 'NL', partyId: 'RMK', id });

/** Peers (by name) owed the object. */
async function owed(store: Store, module: ObjectModule, id: string, peers: PeerRecord[]): Promise<string[]> {
  const names: string[] = [];
  for (const peer of peers) {
    const row = await store.deliveries.get(peer.id, module, key(id));
    if (row !== undefined && row.state !== 'DONE') names.push(peer.name ?? peer.id);
  }
  return names.sort();
}

/** The store, but markPending fails inside its transactions. */
function failingMarkPending(store: SqlStore): Store {
  const failing = (deliveries: DeliveryRepository): DeliveryRepository =>
    Object.assign(Object.create(deliveries) as DeliveryRepository, {
      markPending: async () => {
        throw new Error('markPending failed');
      },
    });
  return Object.assign(Object.create(store) as Store, {
    transaction: <T>(fn: (tx: StoreScope) => Promise<T>) =>
      store.transaction((tx) => fn({ ...tx, deliveries: failing(tx.deliveries) })),
  });
}

describe('publisher', () => {
  let store: SqlStore;
  let publisher: Publisher;
  beforeEach(async () => {
    store = await memoryStore();
    publisher = createPublisher({ config: testConfig(), store, now: () => NOW });
  });

  test('put stores revision 1 and marks it owed to every registered peer with a Receiver endpoint', async () => {
    const emsp = await addPeer(store, { name: 'emsp' });
    const tariffsOnly = await addPeer(store, { name: 'tariffs-only', modules: ['tariffs'] });
    const invited = await addPeer(store, { name: 'invited', status: 'INVITED' });
    const gone = await addPeer(store, { name: 'gone', status: 'UNREGISTERED' });
    const peers = [emsp, tariffsOnly, invited, gone];

    const record = await publisher.put('locations', ourLocation());
    assert.equal(record.revision, 1);
    assert.equal(record.peerId, null);
    assert.deepEqual(record.key, key());
    assert.deepEqual(await owed(store, 'locations', 'LOC1', peers), ['emsp']);
    const row = await store.deliveries.get(emsp.id, 'locations', key());
    assert.equal(row?.pendingRevision, 1);
    assert.equal(row?.state, 'PENDING');

    await publisher.put('tariffs', ourTariff());
    assert.deepEqual(await owed(store, 'tariffs', '12', peers), ['emsp', 'tariffs-only']);
  });

  test('a changed document is a new revision and raises what is owed; an equal one changes nothing', async () => {
    const emsp = await addPeer(store, { name: 'emsp' });
    await publisher.put('locations', ourLocation());
    const same = await publisher.put('locations', ourLocation());
    assert.equal(same.revision, 1);
    const changed = ourLocation('LOC1', '2025-01-02T00:00:00Z');
    changed.name = 'Renamed';
    const second = await publisher.put('locations', changed);
    assert.equal(second.revision, 2);
    assert.equal(second.previous?.revision, 1);
    assert.equal((await store.deliveries.get(emsp.id, 'locations', key()))?.pendingRevision, 2);
  });

  test('visibility: an unpublished location is owed to a 2.2.1 eMSP, not to an NSP nor a 2.1.1 peer', async () => {
    const emsp = await addPeer(store, { name: 'emsp' });
    const nsp = await addPeer(store, { name: 'nsp', role: 'NSP' });
    const old = await addPeer(store, { name: 'old-emsp', version: '2.1.1' });
    const peers = [emsp, nsp, old];
    const hidden = { ...ourLocation(), publish: false };
    const record = await publisher.put('locations', hidden);
    assert.equal(record.published, false);
    assert.deepEqual(await owed(store, 'locations', 'LOC1', peers), ['emsp']);

    // Published: everyone.
    await publisher.put('locations', { ...ourLocation('LOC1', '2025-01-02T00:00:00Z'), publish: true });
    assert.deepEqual(await owed(store, 'locations', 'LOC1', peers), ['emsp', 'nsp', 'old-emsp']);

    // Unpublished again: the 2.2.1 NSP is told (the update says publish: false); 2.1.1 cannot be.
    for (const peer of peers) {
      const row = await store.deliveries.get(peer.id, 'locations', key());
      assert.ok(row);
      await store.deliveries.deleteForPeer(peer.id);
    }
    await publisher.put('locations', { ...ourLocation('LOC1', '2025-01-03T00:00:00Z'), publish: false });
    assert.deepEqual(await owed(store, 'locations', 'LOC1', peers), ['emsp', 'nsp']);
    // And a further change of the unpublished location is not for the NSP any more.
    await store.deliveries.deleteForPeer(nsp.id);
    await publisher.put('locations', {
      ...ourLocation('LOC1', '2025-01-04T00:00:00Z'),
      publish: false,
      name: 'x',
    });
    assert.deepEqual(await owed(store, 'locations', 'LOC1', peers), ['emsp']);
  });

  test('a party this node does not host is refused, and nothing is stored', async () => {
    const foreign = { ...ourLocation(), country_code: 'BE', party_id: 'BEC' };
    await assert.rejects(publisher.put('locations', foreign), (error: unknown) => {
      assert.ok(error instanceof PublishError);
      assert.equal(error.kind, 'not_our_party');
      assert.equal(error.issues[0]?.pointer, '/country_code');
      assert.match(error.message, /BE\/BEC is not a party this node hosts \(NL\/RMK, NL\/RME\)/);
      return true;
    });
    assert.equal(
      await store.objects.get('locations', { countryCode: 'BE', partyId: 'BEC', id: 'LOC1' }),
      undefined,
    );
  });

  test('owner codes are matched case-insensitively and stored as the node spells them', async () => {
    const record = await publisher.put('locations', {
      ...ourLocation(),
      country_code: 'nl',
      party_id: 'rmk',
    });
    assert.deepEqual(record.key, key());
    assert.equal(record.data.country_code, 'NL');
  });

  test('an invalid document is refused with pointers, nothing stored', async () => {
    const bad = ourLocation();
    evseOf(bad).status = 'BROKEN';
    delete bad.time_zone;
    await assert.rejects(publisher.put('locations', bad), (error: unknown) => {
      assert.ok(error instanceof PublishError);
      assert.equal(error.kind, 'invalid');
      const pointers = error.issues.map((i) => i.pointer);
      assert.ok(pointers.includes('/evses/0/status'), pointers.join());
      assert.ok(pointers.includes('/time_zone'), pointers.join());
      return true;
    });
    assert.equal(await store.objects.get('locations', key()), undefined);
  });

  test('a document older than the stored one is refused', async () => {
    await publisher.put('locations', ourLocation('LOC1', '2025-01-02T00:00:00Z'));
    const older = { ...ourLocation('LOC1', '2025-01-01T00:00:00Z'), name: 'older' };
    await assert.rejects(publisher.put('locations', older), (error: unknown) => {
      assert.ok(error instanceof PublishError);
      assert.equal(error.issues[0]?.pointer, '/last_updated');
      return true;
    });
    assert.equal((await store.objects.get('locations', key()))?.revision, 1);
  });

  test('same transaction: when marking the peers fails, the object change is rolled back', async () => {
    await addPeer(store, { name: 'emsp' });
    const failing = createPublisher({
      config: testConfig(),
      store: failingMarkPending(store),
      now: () => NOW,
    });
    await assert.rejects(failing.put('locations', ourLocation()), /markPending failed/);
    assert.equal(await store.objects.get('locations', key()), undefined);

    await publisher.put('locations', ourLocation());
    await assert.rejects(
      failing.patch('locations', key(), ['3256'], { status: 'CHARGING' }),
      /markPending failed/,
    );
    await assert.rejects(failing.remove('locations', key()), /markPending failed/);
    const stored = await store.objects.get('locations', key());
    assert.equal(stored?.revision, 1);
    assert.equal(evseOf(stored?.data as Json).status, 'AVAILABLE');
    await assert.rejects(failing.putMany('tariffs', [ourTariff('1'), ourTariff('2')]), /markPending failed/);
    assert.equal(await store.objects.count({ module: 'tariffs' }), 0);
  });

  test('putMany: all or nothing; every bad document reported by index', async () => {
    const emsp = await addPeer(store, { name: 'emsp' });
    const bad = ourLocation('B');
    delete bad.address;
    const foreign = { ...ourLocation('F'), party_id: 'XXX' };
    await assert.rejects(
      publisher.putMany('locations', [ourLocation('A'), bad, foreign]),
      (error: unknown) => {
        assert.ok(error instanceof PublishError);
        assert.deepEqual(
          error.issues.map((i) => i.pointer),
          ['/1/address', '/2/country_code'],
        );
        return true;
      },
    );
    assert.equal(await store.objects.count({ module: 'locations' }), 0);

    const count = await publisher.putMany('locations', [
      ourLocation('A'),
      ourLocation('B'),
      ourLocation('C'),
    ]);
    assert.equal(count, 3);
    assert.equal(await store.objects.count({ module: 'locations' }), 3);
    assert.equal((await store.deliveries.list({ peerId: emsp.id })).length, 3);
    // Again: nothing changed, nothing written.
    assert.equal(await publisher.putMany('locations', [ourLocation('A'), ourLocation('B')]), 0);

    // One changed among unchanged: its revision and what is owed rise, by one.
    const changedB = { ...ourLocation('B', '2025-01-02T00:00:00Z'), name: 'B2' };
    assert.equal(await publisher.putMany('locations', [ourLocation('A'), changedB, ourLocation('D')]), 2);
    const b = await store.objects.get('locations', key('B'));
    assert.equal(b?.revision, 2);
    assert.equal(b?.previous?.revision, 1);
    assert.equal((await store.deliveries.get(emsp.id, 'locations', key('B')))?.pendingRevision, 2);
    assert.equal((await store.deliveries.get(emsp.id, 'locations', key('D')))?.pendingRevision, 1);

    // The same object twice in one batch: two revisions, the last one wins.
    const first = { ...ourLocation('E', '2025-01-01T00:00:00Z'), name: 'E1' };
    const second = { ...ourLocation('E', '2025-01-02T00:00:00Z'), name: 'E2' };
    assert.equal(await publisher.putMany('locations', [first, second]), 2);
    const e = await store.objects.get('locations', key('E'));
    assert.equal(e?.revision, 2);
    assert.equal(e?.data.name, 'E2');
    assert.equal((await store.deliveries.get(emsp.id, 'locations', key('E')))?.pendingRevision, 2);

    // A tombstone revived by a batch: revision after the tombstone's.
    await publisher.put('tariffs', ourTariff('T'));
    await publisher.remove('tariffs', key('T'));
    assert.equal(await publisher.putMany('tariffs', [ourTariff('T', '2025-02-01T00:00:00Z')]), 1);
    const t = await store.objects.get('tariffs', key('T'));
    assert.equal(t?.revision, 3);
    assert.equal(t?.deleted, false);
    assert.equal((await store.deliveries.get(emsp.id, 'tariffs', key('T')))?.pendingRevision, 3);
  });

  test('putAll: tariffs and locations in one transaction, all or nothing across modules', async () => {
    const emsp = await addPeer(store, { name: 'emsp' });
    const bad = ourLocation('B');
    delete bad.address;
    await assert.rejects(
      publisher.putAll([
        { module: 'tariffs', documents: [ourTariff('T1')] },
        { module: 'locations', documents: [ourLocation('A'), bad] },
      ]),
      (error: unknown) => error instanceof PublishError && error.issues[0]?.pointer === '/1/address',
    );
    // The valid tariff was not stored either.
    assert.equal(await store.objects.count({ module: 'tariffs' }), 0);
    assert.equal(await store.objects.count({ module: 'locations' }), 0);

    const changed = await publisher.putAll([
      { module: 'tariffs', documents: [ourTariff('T1'), ourTariff('T2')] },
      { module: 'locations', documents: [ourLocation('A')] },
    ]);
    assert.deepEqual(changed, { tariffs: 2, locations: 1 });
    assert.equal((await store.deliveries.list({ peerId: emsp.id })).length, 3);
  });

  test('putAll with patches: documents and patches in one transaction, all or nothing', async () => {
    await publisher.put('locations', ourLocation());
    // A patch naming an EVSE that does not exist undoes the documents of the same call.
    await assert.rejects(
      publisher.putAll(
        [{ module: 'tariffs', documents: [ourTariff('T1')] }],
        [{ module: 'locations', key: key(), path: ['NO-SUCH-EVSE'], changes: { status: 'CHARGING' } }],
      ),
      (error: unknown) => error instanceof PublishError && error.kind === 'unknown_object',
    );
    assert.equal(await store.objects.count({ module: 'tariffs' }), 0);
    assert.equal(evseOf((await store.objects.get('locations', key()))?.data as Json).status, 'AVAILABLE');

    await publisher.putAll(
      [{ module: 'tariffs', documents: [ourTariff('T1')] }],
      [{ module: 'locations', key: key(), path: ['3256'], changes: { status: 'CHARGING' } }],
    );
    assert.equal(await store.objects.count({ module: 'tariffs' }), 1);
    assert.equal(evseOf((await store.objects.get('locations', key()))?.data as Json).status, 'CHARGING');
    // A patch is checked before any transaction: a CDR is never patched.
    await assert.rejects(
      publisher.putAll([], [{ module: 'cdrs', key: key(), path: [], changes: { total_energy: 1 } }]),
      (error: unknown) => error instanceof PublishError && error.kind === 'immutable',
    );
  });

  test('patch of an EVSE: its fields, its last_updated and the location last_updated follow', async () => {
    const emsp = await addPeer(store, { name: 'emsp' });
    await publisher.put('locations', ourLocation());
    const record = await publisher.patch('locations', key(), ['3256'], { status: 'CHARGING' });
    assert.equal(record.revision, 2);
    const evse = evseOf(record.data);
    assert.equal(evse.status, 'CHARGING');
    assert.equal(evse.last_updated, '2025-03-04T05:06:07Z');
    assert.equal(record.data.last_updated, '2025-03-04T05:06:07Z');
    assert.equal(record.lastUpdated.toISOString(), NOW.toISOString());
    assert.equal(record.previous?.revision, 1);
    assert.equal(evseOf(record.previous?.data as Json).status, 'AVAILABLE');
    assert.equal((await store.deliveries.get(emsp.id, 'locations', key()))?.pendingRevision, 2);

    const connector = await publisher.patch('locations', key(), ['3256', '2'], {
      max_amperage: 32,
      last_updated: '2025-03-05T00:00:00Z',
    });
    const c = (evseOf(connector.data).connectors as Json[])[1] as Json;
    assert.equal(c.max_amperage, 32);
    assert.equal(c.last_updated, '2025-03-05T00:00:00Z');
    assert.equal(evseOf(connector.data).last_updated, '2025-03-05T00:00:00Z');
    assert.equal(connector.data.last_updated, '2025-03-05T00:00:00Z');

    const location = await publisher.patch('locations', key(), [], { name: 'New name', directions: null });
    assert.equal(location.data.name, 'New name');
    assert.equal('directions' in location.data, false);
  });

  test('patch refusals: unknown object, EVSE or connector; invalid result; identity fields', async () => {
    await publisher.put('locations', ourLocation());
    const kind = (k: string) => (error: unknown) => error instanceof PublishError && error.kind === k;
    await assert.rejects(
      publisher.patch('locations', key('NOPE'), [], { name: 'x' }),
      kind('unknown_object'),
    );
    await assert.rejects(
      publisher.patch('locations', key(), ['9999'], { status: 'CHARGING' }),
      kind('unknown_object'),
    );
    await assert.rejects(
      publisher.patch('locations', key(), ['3256', '9'], { max_amperage: 1 }),
      kind('unknown_object'),
    );
    await assert.rejects(
      publisher.patch('locations', key(), ['3256'], { status: 'BROKEN' }),
      (error: unknown) => {
        assert.ok(error instanceof PublishError);
        assert.equal(error.kind, 'invalid');
        assert.equal(error.issues[0]?.pointer, '/evses/0/status');
        return true;
      },
    );
    await assert.rejects(publisher.patch('locations', key(), ['3256'], { uid: 'other' }), kind('invalid'));
    await assert.rejects(publisher.patch('locations', key(), [], { id: 'other' }), kind('invalid'));
    await assert.rejects(publisher.patch('tariffs', key('12'), ['x'], {}), kind('invalid'));
    assert.equal((await store.objects.get('locations', key()))?.revision, 1);

    // A peer's object under another owner is not ours to patch.
    const peer = await addPeer(store);
    await store.objects.put({
      module: 'locations',
      key: { countryCode: 'DE', partyId: 'PEE', id: 'P1' },
      peerId: peer.id,
      data: { ...ourLocation('P1'), country_code: 'DE', party_id: 'PEE' },
      lastUpdated: NOW,
    });
    await assert.rejects(
      publisher.patch('locations', { countryCode: 'DE', partyId: 'PEE', id: 'P1' }, [], { name: 'x' }),
      kind('unknown_object'),
    );
  });

  test('onPublished is told after a commit that made something owed, not otherwise', async () => {
    let told = 0;
    const notifying = createPublisher({
      config: testConfig(),
      store,
      now: () => NOW,
      onPublished: () => told++,
    });
    await notifying.put('locations', ourLocation());
    assert.equal(told, 0, 'no peer: nothing owed');
    await addPeer(store, { name: 'emsp' });
    await notifying.put('locations', ourLocation('L2'));
    assert.equal(told, 1);
    await notifying.put('locations', ourLocation('L2'));
    assert.equal(told, 1, 'unchanged: nothing owed');
    await notifying.patch('locations', key('L2'), ['3256'], { status: 'CHARGING' });
    await notifying.putMany('tariffs', [ourTariff('1'), ourTariff('2')]);
    await notifying.remove('tariffs', key('1'));
    assert.equal(told, 4);
    await assert.rejects(notifying.put('locations', { ...ourLocation('L3'), party_id: 'XXX' }));
    assert.equal(told, 4);
  });

  test('markAllOwed: a peer registered later is owed every live object it may see', async () => {
    await publisher.put('locations', ourLocation('A'));
    await publisher.put('locations', { ...ourLocation('HIDDEN'), publish: false });
    await publisher.put('tariffs', ourTariff('T1'));
    await publisher.put('tariffs', ourTariff('T2'));
    await publisher.remove('tariffs', key('T2'));
    const nsp = await addPeer(store, { name: 'nsp', role: 'NSP' });
    assert.equal(await markAllOwed(store, nsp.id), 2);
    const rows = await store.deliveries.list({ peerId: nsp.id });
    assert.deepEqual(rows.map((r) => `${r.module} ${r.key.id} ${r.pendingRevision} ${r.state}`).sort(), [
      'locations A 1 PENDING',
      'tariffs T1 1 PENDING',
    ]);
    assert.equal(await markAllOwed(store, 'unknown-peer'), 0);
  });

  test('remove: a tariff becomes a tombstone owed to peers; a location gets every EVSE REMOVED', async () => {
    const emsp = await addPeer(store, { name: 'emsp' });
    await publisher.put('tariffs', ourTariff());
    const tombstone = await publisher.remove('tariffs', key('12'));
    assert.equal(tombstone?.deleted, true);
    assert.equal(tombstone?.revision, 2);
    assert.equal((await store.deliveries.get(emsp.id, 'tariffs', key('12')))?.pendingRevision, 2);
    assert.equal(await publisher.remove('tariffs', key('12')), undefined);
    assert.equal(await publisher.remove('tariffs', key('nope')), undefined);

    await publisher.put('locations', ourLocation());
    const removed = await publisher.remove('locations', key());
    assert.ok(removed);
    assert.deepEqual(
      (removed.data.evses as Json[]).map((e) => [e.status, e.last_updated]),
      [
        ['REMOVED', '2025-03-04T05:06:07Z'],
        ['REMOVED', '2025-03-04T05:06:07Z'],
      ],
    );
    assert.equal(removed.deleted, false);
    assert.equal((await store.deliveries.get(emsp.id, 'locations', key()))?.pendingRevision, 2);
    // Nothing left to remove: no new revision.
    assert.equal((await publisher.remove('locations', key()))?.revision, 2);
  });
});
