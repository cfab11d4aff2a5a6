/**
 * Pull sync while the peer's list changes under it. Each sync reads the window up to its own start
 * (date_to), so an object changed while the pages are read leaves the window; when objects leave
 * the part already read, X-Total-Count drops and the page is read again from an offset lowered by
 * the drop. Without that, every change to an object on a page already read made one unread object
 * fall into that page, unread (a Sender listing by last_updated moves each changed object to the
 * end), and an incremental sync never fetched it later: its last_updated was old.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { OcpiClient } from '../../src/client/client.js';
import type { ClientFactory } from '../../src/platform/credentials.js';
import { silentLogger } from '../../src/platform/modules.js';
import { CLOCK_SKEW_MARGIN_MS, createSyncService, rereadUrl } from '../../src/platform/sync.js';
import { formatDateTime } from '../../src/protocol/index.js';
import type { SqlStore } from '../../src/store/database.js';
import type { PeerRecord } from '../../src/store/types.js';
import { memoryStore, testConfig } from '../http/helpers.js';
import { makeObject, PEER_PARTY, type ScriptedSender, startSender } from './sync-sender.js';

const clientFactory: ClientFactory = ({ version, token }) =>
  new OcpiClient({ version, token, urlPolicy: { dev: true }, retry: { retries: 0 }, timeoutMs: 5000 });

describe('rereadUrl: the page to read again after X-Total-Count dropped', () => {
  const page = 'https://cpo.example/ocpi/2.2.1/locations?offset=4&limit=2&date_to=2025-01-01T00:00:00Z';

  test('the same URL, the offset lowered by the drop, other parameters kept', () => {
    const again = new URL(rereadUrl(page, 10, 9) as string);
    assert.equal(again.searchParams.get('offset'), '3');
    assert.equal(again.searchParams.get('limit'), '2');
    assert.equal(again.searchParams.get('date_to'), '2025-01-01T00:00:00Z');
    assert.equal(again.pathname, '/ocpi/2.2.1/locations');
    assert.equal(new URL(rereadUrl(page, 10, 7) as string).searchParams.get('offset'), '1');
    assert.equal(new URL(rereadUrl(page, 10, 2) as string).searchParams.get('offset'), '0', 'never below 0');
  });

  test('nothing to read again: no drop, no total, offset 0 or none (an opaque Link)', () => {
    assert.equal(rereadUrl(page, 10, 10), undefined);
    assert.equal(rereadUrl(page, 10, 11), undefined, 'new objects only add to the last page');
    assert.equal(rereadUrl(page, undefined, 9), undefined);
    assert.equal(rereadUrl(page, 10, undefined), undefined);
    assert.equal(rereadUrl(page.replace('offset=4', 'offset=0'), 10, 9), undefined);
    assert.equal(rereadUrl('https://cpo.example/ocpi/locations?cursor=abc', 10, 9), undefined);
    assert.equal(rereadUrl('https://cpo.example/ocpi/locations?offset=x', 10, 9), undefined);
    assert.equal(rereadUrl('not a url', 10, 9), undefined);
  });
});

describe('sync while the Sender list changes', () => {
  const senders: ScriptedSender[] = [];
  const stores: SqlStore[] = [];
  afterEach(async () => {
    await Promise.all(senders.splice(0).map((s) => s.close()));
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  /** A Sender of six locations in last_updated order, pages of two; `onRequest(i)` runs before answering request i. */
  async function setup(onRequest: (index: number, objects: Record<string, unknown>[]) => void) {
    const store = await memoryStore();
    stores.push(store);
    const objects = Array.from({ length: 6 }, (_, i) => makeObject('2.2.1', 'locations', i));
    const cpo = await startSender({
      version: '2.2.1',
      module: 'locations',
      objects,
      maxLimit: 2,
      failRequest: (index) => {
        onRequest(index, objects);
        return false;
      },
    });
    senders.push(cpo);
    const peer: PeerRecord = await store.peers.create({
      name: 'BeCharged',
      status: 'REGISTERED',
      outgoingToken: 'token-we-present',
      version: '2.2.1',
      versionsUrl: 'http://127.0.0.1:1/versions',
      endpoints: [{ identifier: 'locations', role: 'SENDER', url: cpo.url }],
      roles: [{ role: 'CPO', ...PEER_PARTY, business_details: { name: 'BeCharged' } }],
    });
    const sync = createSyncService({
      config: testConfig({ modules: ['locations', 'tariffs'] }),
      store,
      clientFactory,
      log: silentLogger,
    });
    const held = async () =>
      (await store.objects.list({ module: 'locations', peerId: peer.id }, { offset: 0, limit: 100 }))
        .map((r) => r.key.id)
        .sort();
    return { store, cpo, peer, sync, objects, held };
  }

  const ALL = ['LOC0', 'LOC1', 'LOC2', 'LOC3', 'LOC4', 'LOC5'];

  test('objects of a page already read change: the next page is read again from a lower offset, none skipped', async () => {
    const { cpo, peer, sync, held } = await setup((index, objects) => {
      if (index !== 1) return;
      // Before the second page: both objects of the first change, and move to the end of the list.
      for (const changed of objects.splice(0, 2)) {
        changed.last_updated = formatDateTime(new Date());
        objects.push(changed);
      }
    });
    const result = await sync.sync(peer.id, 'locations', { full: true });
    assert.deepEqual(await held(), ALL);
    const offsets = cpo.requests.map((r) => r.query.get('offset'));
    // offset 2 showed X-Total-Count 4 instead of 6: read again from 0, then on from its Link.
    assert.deepEqual(offsets, [null, '2', '0', '2']);
    assert.equal(result.pages, 3, 'the page that showed the drop is not stored');
    assert.equal(result.total, 4);

    // Every request carried the window's end, the sync's start; the next sync starts there.
    const dateTo = cpo.requests[0]?.query.get('date_to');
    assert.ok(dateTo);
    for (const request of cpo.requests) assert.equal(request.query.get('date_to'), dateTo);
    assert.equal(dateTo, formatDateTime(result.startedAt));
    await sync.sync(peer.id, 'locations');
    const next = cpo.requests.at(-1)?.query;
    // The windows join, reaching back CLOCK_SKEW_MARGIN_MS for a peer whose clock runs behind ours.
    assert.equal(
      next?.get('date_from'),
      formatDateTime(new Date(result.startedAt.getTime() - CLOCK_SKEW_MARGIN_MS)),
      'date_from is the last date_to less the clock-skew margin',
    );
  });

  test('an object of a page already read is deleted: read again, none skipped', async () => {
    const { cpo, peer, sync, held } = await setup((index, objects) => {
      if (index === 2) objects.splice(1, 1);
    });
    await sync.sync(peer.id, 'locations', { full: true, pageLimit: 2 });
    // LOC1 was stored with the first page; LOC4 moved into the second page after it was read.
    assert.deepEqual(await held(), ALL);
    assert.deepEqual(
      cpo.requests.map((r) => r.query.get('offset')),
      [null, '2', '4', '3'],
    );
  });

  test('nothing changes: every page once', async () => {
    const { cpo, peer, sync, held } = await setup(() => {});
    const result = await sync.sync(peer.id, 'locations', { full: true });
    assert.deepEqual(await held(), ALL);
    assert.deepEqual(
      cpo.requests.map((r) => r.query.get('offset')),
      [null, '2', '4'],
    );
    assert.equal(result.pages, 3);
    assert.equal(result.received, 6);
  });
});
