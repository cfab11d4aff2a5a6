/**
 * The Sender list's fast path: the page is the converted objects' JSON bytes in the envelope (the
 * same bytes as serialising it), cached pages and cached peers are reused only while the store's
 * change stamp is unchanged (a write by another connection is seen at once), and an object that
 * changes between the page's two reads is served as it is now.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { sendOutcome } from '../../src/http/envelope.js';
import { fromCanonical } from '../../src/model/convert/index.js';
import { locationsModule } from '../../src/platform/locations.js';
import { ConversionCache, PageCache, servedParties } from '../../src/platform/published-objects/index.js';
import { peerMaySee } from '../../src/platform/visibility.js';
import { encodeAuthorization } from '../../src/protocol/index.js';
import type { SqlStore } from '../../src/store/database.js';
import { hashToken } from '../../src/store/tokens.js';
import type { ObjectKey, ObjectRepository, OcpiObjectRecord, Store } from '../../src/store/types.js';
import { readExample } from '../helpers/fixtures.js';
import { FIXED_NOW, testApp, testConfig } from '../http/helpers.js';
import { type StoreOpener, sqliteFileTarget } from '../store/targets.js';
import { addPeer, clone, ifacePath, type Json, role, type TestPeer } from './object-modules-helpers.js';

const OWNER = { country_code: 'NL', party_id: 'RMK' };

/** Canonical Locations of the spec's examples, under our party, each with its own id and time. */
function ourLocations(): Json[] {
  const files = [
    'location_example.json',
    'location_example_parking_garage_opening_hours.json',
    'location_example_uc2_destination_charger.json',
    'location_example_uc3_destination_charger_not_published.json',
    'location_example_uc4_limited_visibility.json',
    'location_example_uc5_home_charge_point.json',
  ];
  return files.map((file, i) => ({
    ...(clone(readExample(`2.3.0/${file}`)) as Json),
    ...OWNER,
    id: `LOC-${i + 1}`,
    last_updated: `2024-01-0${i + 1}T00:00:00Z`,
  }));
}

const keyOf = (id: string): ObjectKey => ({ countryCode: 'NL', partyId: 'RMK', id });

async function putLocation(store: Store, data: Json): Promise<OcpiObjectRecord> {
  return store.objects.put({
    module: 'locations',
    key: keyOf(data.id as string),
    peerId: null,
    data,
    lastUpdated: new Date(data.last_updated as string),
  });
}

/** A GET with its raw answer. */
async function get(app: Awaited<ReturnType<typeof testApp>>['app'], peer: TestPeer, query = '') {
  const res = await app.inject({
    method: 'GET',
    url: `${ifacePath(peer.version, 'locations', 'SENDER')}${query}`,
    headers: { authorization: encodeAuthorization(peer.token, peer.version) },
  });
  return { status: res.statusCode, raw: res.rawPayload, headers: res.headers };
}

describe('Sender list: bytes, caches and change stamps', () => {
  const target = sqliteFileTarget();
  let open: StoreOpener;
  let store: SqlStore;
  let node: Awaited<ReturnType<typeof testApp>>;
  let cache: ConversionCache;
  const config = testConfig({ pagination: { defaultLimit: 4, maxLimit: 10 } });
  const peers = {} as Record<'emsp211' | 'emsp221' | 'emsp230' | 'nsp221', TestPeer>;

  before(async () => {
    open = target.fresh();
    store = open();
    await store.migrate();
    cache = new ConversionCache(100);
    node = await testApp({ config, store, modules: [locationsModule({ config, store, cache })] });
    peers.emsp211 = await addPeer(store, '2.1.1', [role('EMSP', 'DE', 'EMO')]);
    peers.emsp221 = await addPeer(store, '2.2.1', [role('EMSP', 'DE', 'EMT')]);
    peers.emsp230 = await addPeer(store, '2.3.0', [role('EMSP', 'DE', 'EMH')]);
    peers.nsp221 = await addPeer(store, '2.2.1', [role('NSP', 'DE', 'NAV')]);
    for (const data of ourLocations()) await putLocation(store, data);
  });
  after(async () => {
    await node.close();
    await target.cleanup();
  });

  /** The page the peer should get: the store's objects in list order, converted and serialised. */
  async function expectedBody(peer: TestPeer, raw: Buffer, page: { offset: number; limit: number }) {
    const records = await store.objects.list(
      {
        module: 'locations',
        peerId: null,
        parties: servedParties(config, peer.version),
        publishedOnly: !peerMaySee(peer.record, false),
      },
      page,
    );
    const data = records.map((r) => fromCanonical('Location', peer.version, r.data).value);
    const { timestamp } = JSON.parse(raw.toString('utf8')) as { timestamp: string };
    return JSON.stringify({ data, status_code: 1000, timestamp });
  }

  test('a page is the converted objects in the envelope, byte for byte, cold and from the caches', async () => {
    for (const peer of [peers.emsp211, peers.emsp221, peers.emsp230, peers.nsp221]) {
      for (const query of ['', '?offset=4&limit=4', '?limit=10']) {
        const page =
          query === ''
            ? { offset: 0, limit: 4 }
            : query.startsWith('?offset')
              ? { offset: 4, limit: 4 }
              : { offset: 0, limit: 10 };
        cache.clear();
        const cold = await get(node.app, peer, query);
        assert.equal(cold.status, 200);
        assert.equal(
          cold.raw.toString('utf8'),
          await expectedBody(peer, cold.raw, page),
          `${peer.version} ${query}`,
        );
        assert.equal(cold.headers['content-type'], 'application/json; charset=utf-8');
        assert.equal(Number(cold.headers['content-length']), cold.raw.length);
        const warm = await get(node.app, peer, query);
        assert.deepEqual(warm.raw, cold.raw, 'served again: the same bytes');
        assert.deepEqual(warm.headers['x-total-count'], cold.headers['x-total-count']);
      }
    }
    // The visibility rules still hold on the fast path: the unpublished LOC-4 to LOC-6 go to
    // eMSPs in 2.2.1+ only.
    const ids = async (peer: TestPeer) =>
      (JSON.parse((await get(node.app, peer, '?limit=10')).raw.toString()) as { data: Json[] }).data.map(
        (l) => l.id,
      );
    assert.deepEqual(await ids(peers.emsp221), ['LOC-1', 'LOC-2', 'LOC-3', 'LOC-4', 'LOC-5', 'LOC-6']);
    assert.deepEqual(await ids(peers.nsp221), ['LOC-1', 'LOC-2', 'LOC-3']);
    assert.deepEqual(await ids(peers.emsp211), ['LOC-1', 'LOC-2', 'LOC-3']);
  });

  test('a new revision is served at once, also when another connection (process) wrote it', async () => {
    const names = async () =>
      (
        JSON.parse((await get(node.app, peers.emsp221, '?limit=10')).raw.toString()) as { data: Json[] }
      ).data.map((l) => l.name);
    await names(); // cached
    const first = ourLocations()[0] as Json;
    await putLocation(store, { ...first, name: 'Renamed here' });
    assert.equal((await names())[0], 'Renamed here');
    const other = open();
    try {
      await putLocation(other, { ...first, name: 'Renamed elsewhere' });
      assert.equal((await names())[0], 'Renamed elsewhere', 'no time to live: the stamp changed');
      // The list is in creation order: an update, even one that turns last_updated back, keeps
      // the object's place (a client crawling the pages meanwhile skips nothing).
      await putLocation(other, {
        ...(ourLocations()[5] as Json),
        name: 'Sixth renamed',
        last_updated: '2023-12-31T00:00:00Z',
      });
      const after = await names();
      assert.equal(after[5], 'Sixth renamed', 'served at once, in its place');
      assert.equal(after[0], 'Renamed elsewhere', 'the first stays first');
    } finally {
      await other.close();
    }
  });

  test('a token revoked by another connection, or in this process, is refused at once', async () => {
    const peer = await addPeer(store, '2.2.1', [role('EMSP', 'DE', 'REV')]);
    assert.equal((await get(node.app, peer)).status, 200);
    assert.equal((await get(node.app, peer)).status, 200, 'the peer is cached now');
    const other = open();
    try {
      await other.peers.update(peer.record.id, { incomingTokenHash: hashToken('another token') });
    } finally {
      await other.close();
    }
    assert.equal((await get(node.app, peer)).status, 401);
    const again = await addPeer(store, '2.2.1', [role('EMSP', 'DE', 'RE2')]);
    assert.equal((await get(node.app, again)).status, 200);
    await store.peers.update(again.record.id, { status: 'UNREGISTERED' });
    assert.equal((await get(node.app, again)).status, 401);
  });
});

describe('Sender list: an object that changes between the page and its documents', () => {
  test('is served as it is now, or left out when it no longer belongs in the list', async () => {
    const config = testConfig();
    const { store, close } = await testApp({ config });
    try {
      for (const data of ourLocations()) await putLocation(store, data);
      const nsp = await addPeer(store, '2.2.1', [role('NSP', 'DE', 'NAV')]);
      // The documents are read after the heads; in between, LOC-1 changes and LOC-2 is unpublished.
      const objects: ObjectRepository = Object.create(store.objects);
      objects.getMany = async (module, keys) => {
        await putLocation(store, { ...(ourLocations()[0] as Json), name: 'Changed meanwhile' });
        await putLocation(store, { ...(ourLocations()[1] as Json), publish: false });
        return store.objects.getMany(module, keys);
      };
      const racing = Object.assign(Object.create(store) as Store, {
        objects,
        changeStamp: () => store.changeStamp(),
      });
      const module = locationsModule({
        config,
        store: racing,
        cache: new ConversionCache(),
        pages: new PageCache(),
      });
      const raced = await testApp({ config, store, modules: [module] });
      try {
        const answer = await get(raced.app, nsp, '?limit=10');
        const data = (JSON.parse(answer.raw.toString()) as { data: Json[] }).data;
        assert.deepEqual(
          data.map((l) => l.id),
          ['LOC-1', 'LOC-3'],
        );
        assert.equal(data[0]?.name, 'Changed meanwhile');
      } finally {
        await raced.app.close();
      }
    } finally {
      await close();
    }
  });

  test('without a change stamp (PostgreSQL) nothing is reused: every request reads the store', async () => {
    const config = testConfig();
    const { store, close } = await testApp({ config });
    try {
      for (const data of ourLocations()) await putLocation(store, data);
      const emsp = await addPeer(store, '2.2.1', [role('EMSP', 'DE', 'EMT')]);
      let heads = 0;
      const objects: ObjectRepository = Object.create(store.objects);
      objects.listHeads = (filter, page) => {
        heads++;
        return store.objects.listHeads(filter, page);
      };
      const noStamp = Object.assign(Object.create(store) as Store, { objects, changeStamp: () => undefined });
      const pages = new PageCache();
      const module = locationsModule({ config, store: noStamp, pages });
      const served = await testApp({ config, store, modules: [module] });
      try {
        const first = await get(served.app, emsp);
        const second = await get(served.app, emsp);
        assert.deepEqual(second.raw, first.raw);
        assert.equal(heads, 2);
        assert.equal(pages.size, 0);
      } finally {
        await served.app.close();
      }
    } finally {
      await close();
    }
  });
});

describe('PageCache', () => {
  const filter = {
    module: 'locations' as const,
    peerId: null,
    parties: [{ countryCode: 'NL', partyId: 'RMK' }],
  };
  const bytes = (n: number) => Buffer.alloc(n, 'x');

  test('names a page by stamp, version, every filter field and the page bounds', () => {
    const key = PageCache.keyOf('1:1', '2.2.1', filter, { offset: 0, limit: 10 });
    const others = [
      PageCache.keyOf('2:1', '2.2.1', filter, { offset: 0, limit: 10 }),
      PageCache.keyOf('1:1', '2.3.0', filter, { offset: 0, limit: 10 }),
      PageCache.keyOf('1:1', '2.2.1', { ...filter, module: 'tariffs' }, { offset: 0, limit: 10 }),
      PageCache.keyOf('1:1', '2.2.1', { ...filter, peerId: undefined }, { offset: 0, limit: 10 }),
      PageCache.keyOf('1:1', '2.2.1', { ...filter, publishedOnly: true }, { offset: 0, limit: 10 }),
      PageCache.keyOf('1:1', '2.2.1', { ...filter, dateFrom: new Date(0) }, { offset: 0, limit: 10 }),
      PageCache.keyOf('1:1', '2.2.1', { ...filter, dateTo: new Date(0) }, { offset: 0, limit: 10 }),
      PageCache.keyOf(
        '1:1',
        '2.2.1',
        { ...filter, parties: [{ countryCode: 'NL', partyId: 'RME' }] },
        { offset: 0, limit: 10 },
      ),
      PageCache.keyOf('1:1', '2.2.1', { ...filter, parties: undefined }, { offset: 0, limit: 10 }),
      PageCache.keyOf('1:1', '2.2.1', filter, { offset: 10, limit: 10 }),
      PageCache.keyOf('1:1', '2.2.1', filter, { offset: 0, limit: 11 }),
    ];
    assert.equal(new Set([key, ...others]).size, others.length + 1);
    assert.equal(PageCache.keyOf('1:1', '2.2.1', { ...filter }, { offset: 0, limit: 10 }), key);
  });

  test('keeps pages frozen, bounded by the bytes they hold, least recently used out first', () => {
    const pages = new PageCache(250);
    const objects = [bytes(100)];
    pages.set('a', { total: 1, objects });
    objects.push(bytes(1)); // the caller's array is not the cached one
    assert.equal(pages.get('a')?.objects.length, 1);
    assert.ok(Object.isFrozen(pages.get('a')?.objects));
    pages.set('b', { total: 1, objects: [bytes(100)] });
    pages.get('a'); // a is now the younger
    pages.set('c', { total: 1, objects: [bytes(100)] });
    assert.equal(pages.get('b'), undefined, 'the least recently used went');
    assert.ok(pages.get('a') && pages.get('c'));
    pages.set('huge', { total: 1, objects: [bytes(251)] });
    assert.equal(pages.get('huge'), undefined, 'larger than the whole cache: not kept');
    assert.equal(pages.size, 2);
    assert.throws(() => new PageCache(-1), RangeError);
  });
});

describe('sendOutcome with a list of ready JSON elements', () => {
  test('writes the envelope around them; a frozen list within one second is answered with the same bytes', async () => {
    let now = FIXED_NOW;
    const list = Object.freeze([Buffer.from('{"id":"1"}'), Buffer.from('{"id":"ü"}')]);
    const app = Fastify();
    app.get('/frozen', (_request, reply) => sendOutcome(reply, { statusCode: 1000, dataList: list }, now));
    app.get('/empty', (_request, reply) => sendOutcome(reply, { statusCode: 1000, dataList: [] }, now));
    app.get('/one', (_request, reply) =>
      sendOutcome(reply, { statusCode: 1000, dataJson: Buffer.from('{"a":1}'), message: 'ok' }, now),
    );
    try {
      const body = async (url: string) => (await app.inject({ method: 'GET', url })).body;
      const expected = (data: unknown, message?: string) =>
        JSON.stringify({
          data,
          status_code: 1000,
          ...(message === undefined ? {} : { status_message: message }),
          timestamp: now.toISOString().replace('.000Z', 'Z'),
        });
      assert.equal(await body('/frozen'), expected([{ id: '1' }, { id: 'ü' }]));
      assert.equal(await body('/frozen'), expected([{ id: '1' }, { id: 'ü' }]));
      now = new Date(FIXED_NOW.getTime() + 1000);
      assert.equal(
        await body('/frozen'),
        expected([{ id: '1' }, { id: 'ü' }]),
        'a new second: a new timestamp',
      );
      assert.equal(await body('/empty'), expected([]));
      assert.equal(await body('/one'), expected({ a: 1 }, 'ok'));
    } finally {
      await app.close();
    }
  });
});
