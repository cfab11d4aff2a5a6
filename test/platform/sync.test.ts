/**
 * Pull sync against a scripted Sender on a real loopback port: every page stored, incremental
 * date_from, --full, a limit the server lowers, rejected objects, a failing page, skipOlder,
 * 2.1.1 owners, memory on a 10k-object sync; then request(), start() and the schedule.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { OcpiClient } from '../../src/client/client.js';
import type { NodeConfig } from '../../src/platform/config.js';
import type { ClientFactory } from '../../src/platform/credentials.js';
import type { PlatformLogger } from '../../src/platform/modules.js';
import {
  CLOCK_SKEW_MARGIN_MS,
  createSyncService,
  preparePage,
  SyncError,
  type SyncProgress,
  type SyncServiceDeps,
  syncMetaKey,
} from '../../src/platform/sync.js';
import { formatDateTime, type OcpiVersion } from '../../src/protocol/index.js';
import { openStore, type SqlStore } from '../../src/store/database.js';
import type { ObjectModule, PeerRecord } from '../../src/store/types.js';
import { memoryStore, testConfig } from '../http/helpers.js';
import { dropTestSchemas, newTestSchema, pgAvailability, pgTestUrl } from '../store/targets.js';
import { BASE_TIME, makeObject, PEER_PARTY, type ScriptedSender, startSender } from './sync-sender.js';

const TOKEN = 'token-we-present-to-the-cpo';

/** Clients on plain loopback http, no retry delays (a 500 fails at once). */
const clientFactory: ClientFactory = ({ version, token }) =>
  new OcpiClient({ version, token, urlPolicy: { dev: true }, retry: { retries: 0 }, timeoutMs: 5000 });

/** A logger that keeps what it was told. */
function recordingLogger() {
  const entries: { level: string; obj: Record<string, unknown>; msg: string | undefined }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      entries.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  const logger: PlatformLogger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return { logger, entries };
}

async function addPeer(
  store: SqlStore,
  version: OcpiVersion,
  endpoints: { module: ObjectModule; url: string }[],
  changes: Partial<PeerRecord> = {},
): Promise<PeerRecord> {
  return store.peers.create({
    name: 'BeCharged',
    status: 'REGISTERED',
    outgoingToken: TOKEN,
    version,
    versionsUrl: 'http://127.0.0.1:1/versions',
    endpoints: endpoints.map((e) => ({ identifier: e.module, role: 'SENDER' as const, url: e.url })),
    roles: [{ role: 'CPO', ...PEER_PARTY, business_details: { name: 'BeCharged' } }],
    ...changes,
  });
}

const senders: ScriptedSender[] = [];
const stores: SqlStore[] = [];
async function sender(...args: Parameters<typeof startSender>): Promise<ScriptedSender> {
  const s = await startSender(...args);
  senders.push(s);
  return s;
}
async function newStore(): Promise<SqlStore> {
  const s = await memoryStore();
  stores.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(senders.splice(0).map((s) => s.close()));
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

function service(store: SqlStore, extra: Partial<SyncServiceDeps> = {}) {
  const log = recordingLogger();
  const config = extra.config ?? testConfig({ modules: ['locations', 'tariffs'] });
  return { ...log, sync: createSyncService({ config, store, clientFactory, log: log.logger, ...extra }) };
}

const objects = (version: OcpiVersion, module: 'locations' | 'tariffs', n: number) =>
  Array.from({ length: n }, (_, i) => makeObject(version, module, i));

async function storedIds(store: SqlStore, module: ObjectModule, peerId: string): Promise<string[]> {
  const records = await store.objects.list({ module, peerId }, { offset: 0, limit: 100_000 });
  return records.map((r) => r.key.id).sort();
}

const waitFor = async (what: string, condition: () => boolean | Promise<boolean>, ms = 5000) => {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('sync: every page of the Sender list is stored', () => {
  for (const version of ['2.1.1', '2.2.1', '2.3.0'] as const) {
    for (const module of ['locations', 'tariffs'] as const) {
      test(`${version} ${module}: 25 objects in pages of 10, canonical, from the peer`, async () => {
        const store = await newStore();
        const cpo = await sender({ version, module, objects: objects(version, module, 25) });
        const peer = await addPeer(store, version, [{ module, url: cpo.url }]);
        const { sync } = service(store);
        const seen: SyncProgress[] = [];

        const result = await sync.sync(peer.id, module, { pageLimit: 10, onProgress: (p) => seen.push(p) });

        assert.equal(result.pages, 3);
        assert.equal(result.received, 25);
        assert.equal(result.written, 25);
        assert.equal(result.rejected, 0);
        assert.equal(result.total, 25);
        assert.equal(result.full, false);
        assert.equal(result.dateFrom, undefined, 'nothing recorded yet: the first sync asks for everything');
        assert.deepEqual(
          seen.map((p) => [p.pages, p.received]),
          [
            [1, 10],
            [2, 20],
            [3, 25],
          ],
        );
        // Pages followed by Link: offset 0, 10, 20, our limit carried along; the version's token encoding.
        assert.deepEqual(
          cpo.requests.map((r) => [r.query.get('offset') ?? '0', r.query.get('limit')]),
          [
            ['0', '10'],
            ['10', '10'],
            ['20', '10'],
          ],
        );
        const expectedAuth =
          version === '2.1.1' ? `Token ${TOKEN}` : `Token ${Buffer.from(TOKEN).toString('base64')}`;
        assert.equal(cpo.requests[0]?.authorization, expectedAuth);

        const records = await store.objects.list({ module, peerId: peer.id }, { offset: 0, limit: 100 });
        assert.equal(records.length, 25);
        const first = records[0];
        assert.ok(first);
        assert.deepEqual(first.key, {
          countryCode: 'BE',
          partyId: 'BEC',
          id: module === 'locations' ? 'LOC0' : 'TAR0',
        });
        assert.equal(first.peerId, peer.id);
        assert.equal(first.lastUpdated.getTime(), BASE_TIME);
        // Canonical: 2.3.0-shaped, owner fields present whatever the version.
        assert.equal(first.data.country_code, 'BE');
        assert.equal(first.data.party_id, 'BEC');
        assert.equal(
          await store.objects.count({ module: module === 'locations' ? 'tariffs' : 'locations' }),
          0,
        );

        const state = await sync.status(peer.id, module);
        assert.equal(state?.lastSuccessAt?.getTime(), result.startedAt.getTime());
        assert.equal(state?.lastAttemptAt?.getTime(), result.startedAt.getTime());
        assert.equal(state?.lastError, undefined);
        assert.equal(state?.lastResult?.written, 25);
        assert.equal(state?.lastResult?.startedAt.getTime(), result.startedAt.getTime());
      });
    }
  }
});

describe('sync: incremental and full', () => {
  test('the second sync asks for changes since the START of the first; --full asks for all', async () => {
    const store = await newStore();
    const cpo = await sender({
      version: '2.2.1',
      module: 'locations',
      objects: objects('2.2.1', 'locations', 5),
    });
    const peer = await addPeer(store, '2.2.1', [{ module: 'locations', url: cpo.url }]);
    let clock = new Date('2025-05-01T10:00:00Z');
    const { sync } = service(store, { now: () => clock });

    const first = await sync.sync(peer.id, 'locations');
    assert.equal(first.startedAt.toISOString(), '2025-05-01T10:00:00.000Z');
    assert.equal(cpo.requests[0]?.query.get('date_from'), null);

    // Two objects change at the peer after the first sync started; the list keeps last_updated order.
    const list = cpo.options.objects as Record<string, unknown>[];
    for (const i of [1, 3]) {
      const moved = makeObject('2.2.1', 'locations', i, { lastUpdated: new Date('2025-05-01T10:00:30Z') });
      (moved as { name?: string }).name = `changed ${i}`;
      list.push(moved);
    }
    list.splice(3, 1);
    list.splice(1, 1);
    clock = new Date('2025-05-01T11:00:00Z');
    const second = await sync.sync(peer.id, 'locations');
    const asked = cpo.requests[1]?.query;
    // The start of the first sync, less the clock-skew margin (a minute).
    assert.equal(asked?.get('date_from'), '2025-05-01T09:59:00Z');
    assert.equal(second.dateFrom?.toISOString(), '2025-05-01T09:59:00.000Z');
    assert.equal(second.received, 2);
    assert.equal(second.written, 2);
    const changed = await store.objects.get('locations', { countryCode: 'BE', partyId: 'BEC', id: 'LOC3' });
    assert.equal(changed?.data.name, 'changed 3');
    assert.equal(changed?.revision, 2);
    assert.equal(
      (await sync.status(peer.id, 'locations'))?.lastSuccessAt?.toISOString(),
      '2025-05-01T11:00:00.000Z',
    );

    clock = new Date('2025-05-01T12:00:00Z');
    const full = await sync.sync(peer.id, 'locations', { full: true });
    assert.equal(cpo.requests[2]?.query.has('date_from'), false);
    assert.equal(full.full, true);
    assert.equal(full.dateFrom, undefined);
    assert.equal(full.received, 5);
    // Everything again, nothing older than what we hold: equal states are written again, harmless.
    assert.deepEqual(await storedIds(store, 'locations', peer.id), ['LOC0', 'LOC1', 'LOC2', 'LOC3', 'LOC4']);
  });

  test('a limit the server lowers (X-Limit) is followed to the last page', async () => {
    const store = await newStore();
    const cpo = await sender({
      version: '2.3.0',
      module: 'tariffs',
      objects: objects('2.3.0', 'tariffs', 30),
      maxLimit: 7,
    });
    const peer = await addPeer(store, '2.3.0', [{ module: 'tariffs', url: cpo.url }]);
    const { sync } = service(store);
    const result = await sync.sync(peer.id, 'tariffs');
    assert.equal(cpo.requests[0]?.query.get('limit'), '1000', 'we ask for our page size');
    assert.deepEqual(
      cpo.requests.slice(1).map((r) => [r.query.get('offset'), r.query.get('limit')]),
      [
        ['7', '7'],
        ['14', '7'],
        ['21', '7'],
        ['28', '7'],
      ],
    );
    assert.equal(result.pages, 5);
    assert.equal(result.written, 30);
    assert.equal((await storedIds(store, 'tariffs', peer.id)).length, 30);
  });
});

describe('sync: what is refused', () => {
  test('an invalid object is rejected, counted and logged with its id and pointer; the rest stored', async () => {
    const store = await newStore();
    const list = objects('2.2.1', 'locations', 12);
    delete (list[4] as Record<string, unknown>).address;
    (list[9] as { coordinates: unknown }).coordinates = { latitude: 'north', longitude: '3.7' };
    const cpo = await sender({ version: '2.2.1', module: 'locations', objects: list });
    const peer = await addPeer(store, '2.2.1', [{ module: 'locations', url: cpo.url }]);
    const { sync, entries } = service(store);

    const result = await sync.sync(peer.id, 'locations', { pageLimit: 5 });
    assert.equal(result.received, 12);
    assert.equal(result.rejected, 2);
    assert.equal(result.written, 10);
    const ids = await storedIds(store, 'locations', peer.id);
    assert.equal(ids.includes('LOC4'), false);
    assert.equal(ids.includes('LOC9'), false);
    assert.equal(ids.length, 10);
    const rejections = entries.filter((e) => e.msg === 'sync: object rejected');
    assert.deepEqual(
      rejections.map((e) => e.obj.objectId),
      ['LOC4', 'LOC9'],
    );
    assert.match(String(rejections[0]?.obj.reason), /address/);
    assert.match(String(rejections[1]?.obj.reason), /\/coordinates\/latitude/);
    // A sync with rejected objects still succeeded: the peer's other objects are current.
    assert.ok((await sync.status(peer.id, 'locations'))?.lastSuccessAt);
  });

  test("an object of a party that is not the peer's is rejected", async () => {
    const store = await newStore();
    const list = objects('2.3.0', 'locations', 4);
    list[2] = makeObject('2.3.0', 'locations', 2, { party: { country_code: 'NL', party_id: 'RMK' } });
    const cpo = await sender({ version: '2.3.0', module: 'locations', objects: list });
    const peer = await addPeer(store, '2.3.0', [{ module: 'locations', url: cpo.url }]);
    const { sync, entries } = service(store);
    const result = await sync.sync(peer.id, 'locations');
    assert.equal(result.rejected, 1);
    assert.equal(result.written, 3);
    assert.equal(
      await store.objects.get('locations', { countryCode: 'NL', partyId: 'RMK', id: 'LOC2' }),
      undefined,
    );
    const rejection = entries.find((e) => e.msg === 'sync: object rejected');
    assert.equal(rejection?.obj.objectId, 'LOC2');
    assert.match(String(rejection?.obj.reason), /NL\*RMK.*not one of the peer's parties/);
  });

  test('a page failing mid-way (HTTP 500): SyncError, earlier pages kept, lastSuccessAt unchanged', async () => {
    const store = await newStore();
    const cpo = await sender({
      version: '2.2.1',
      module: 'locations',
      objects: objects('2.2.1', 'locations', 30),
    });
    const peer = await addPeer(store, '2.2.1', [{ module: 'locations', url: cpo.url }]);
    let clock = new Date('2025-06-01T08:00:00Z');
    const { sync } = service(store, { now: () => clock });
    await sync.sync(peer.id, 'locations', { pageLimit: 10 });
    await store.transaction(async (tx) => {
      for (const r of await tx.objects.list({ module: 'locations' }, { offset: 0, limit: 100 }))
        await tx.objects.markDeleted('locations', r.key, r.lastUpdated);
    });

    clock = new Date('2025-06-01T09:00:00Z');
    const failing = cpo.requests.length + 2; // the third page of the next sync
    cpo.options.failRequest = (i) => i === failing;
    await assert.rejects(sync.sync(peer.id, 'locations', { pageLimit: 10, full: true }), (error: unknown) => {
      assert.ok(error instanceof SyncError);
      assert.equal(error.kind, 'transport');
      assert.match(error.message, /HTTP 500/);
      assert.doesNotMatch(error.message, new RegExp(TOKEN));
      return true;
    });
    // Pages 1 and 2 are in the store again; page 3 never arrived.
    assert.equal(await store.objects.count({ module: 'locations', peerId: peer.id }), 20);
    const state = await sync.status(peer.id, 'locations');
    assert.equal(state?.lastSuccessAt?.toISOString(), '2025-06-01T08:00:00.000Z');
    assert.equal(state?.lastAttemptAt?.toISOString(), '2025-06-01T09:00:00.000Z');
    assert.match(String(state?.lastError), /HTTP 500/);
    assert.equal(state?.lastResult?.startedAt.toISOString(), '2025-06-01T08:00:00.000Z');
  });

  test('an object older than the one we hold does not overwrite it (skipOlder)', async () => {
    const store = await newStore();
    const cpo = await sender({
      version: '2.2.1',
      module: 'tariffs',
      objects: objects('2.2.1', 'tariffs', 3),
    });
    const peer = await addPeer(store, '2.2.1', [{ module: 'tariffs', url: cpo.url }]);
    // A push brought a newer TAR1 than the list still shows.
    const newer = makeObject('2.3.0', 'tariffs', 1, { lastUpdated: new Date('2025-01-01T00:00:00Z') });
    newer.currency = 'CHF';
    await store.objects.put({
      module: 'tariffs',
      key: { countryCode: 'BE', partyId: 'BEC', id: 'TAR1' },
      peerId: peer.id,
      data: newer,
      lastUpdated: new Date('2025-01-01T00:00:00Z'),
    });
    const { sync } = service(store);
    const result = await sync.sync(peer.id, 'tariffs');
    assert.equal(result.received, 3);
    assert.equal(result.written, 2);
    const kept = await store.objects.get('tariffs', { countryCode: 'BE', partyId: 'BEC', id: 'TAR1' });
    assert.equal(kept?.data.currency, 'CHF');
    assert.equal(kept?.revision, 1);
  });

  test('the peer unknown, not registered, or without a Sender endpoint: SyncError saying so', async () => {
    const store = await newStore();
    const { sync } = service(store);
    const kinds = async (peerId: string, module: ObjectModule) => {
      try {
        await sync.sync(peerId, module);
      } catch (error) {
        return error instanceof SyncError ? error.kind : `not a SyncError: ${String(error)}`;
      }
      return 'no error';
    };
    assert.equal(await kinds('00000000-0000-0000-0000-000000000000', 'locations'), 'unknown_peer');
    const invited = await addPeer(store, '2.2.1', [{ module: 'locations', url: 'http://127.0.0.1:1/x' }], {
      status: 'INVITED',
    });
    assert.equal(await kinds(invited.id, 'locations'), 'not_registered');
    const onlyTariffs = await addPeer(store, '2.2.1', [{ module: 'tariffs', url: 'http://127.0.0.1:1/x' }]);
    assert.equal(await kinds(onlyTariffs.id, 'locations'), 'no_endpoint');
    const receiverOnly = await store.peers.update(onlyTariffs.id, {
      endpoints: [{ identifier: 'locations', role: 'RECEIVER', url: 'http://127.0.0.1:1/x' }],
    });
    assert.equal(await kinds(receiverOnly.id, 'locations'), 'no_endpoint');
    const unreachable = await addPeer(store, '2.2.1', [{ module: 'locations', url: 'http://127.0.0.1:1/x' }]);
    assert.equal(await kinds(unreachable.id, 'locations'), 'transport');
    assert.match(
      String((await sync.status(unreachable.id, 'locations'))?.lastError),
      /NETWORK|ECONNREFUSED|refused/i,
    );
  });

  test('a page whose data is not a list, or an answer without envelope, fails the sync', async () => {
    const store = await newStore();
    const cpo = await sender({
      version: '2.2.1',
      module: 'locations',
      objects: objects('2.2.1', 'locations', 3),
      badData: (i) => (i === 0 ? { id: 'LOC0' } : undefined),
    });
    const peer = await addPeer(store, '2.2.1', [{ module: 'locations', url: cpo.url }]);
    const broken = await addPeer(store, '2.2.1', [{ module: 'locations', url: `${cpo.url}/nope` }]);
    const { sync } = service(store);
    await assert.rejects(sync.sync(peer.id, 'locations'), (e: unknown) => {
      assert.ok(e instanceof SyncError);
      assert.equal(e.kind, 'transport');
      assert.match(e.message, /page 1 .* is not a list/);
      return true;
    });
    await assert.rejects(
      sync.sync(broken.id, 'locations'),
      (e: unknown) => e instanceof SyncError && e.kind === 'transport',
    );
    assert.equal((await sync.status(peer.id, 'locations'))?.lastSuccessAt, undefined);
  });
});

describe('sync: owners', () => {
  test("2.1.1 objects (no country_code/party_id) get the peer's party", async () => {
    const store = await newStore();
    const cpo = await sender({
      version: '2.1.1',
      module: 'locations',
      objects: objects('2.1.1', 'locations', 3),
    });
    const peer = await addPeer(store, '2.1.1', [{ module: 'locations', url: cpo.url }], {
      roles: [{ role: 'CPO', country_code: 'DE', party_id: 'ABC', business_details: { name: 'ABC' } }],
    });
    const { sync } = service(store);
    const result = await sync.sync(peer.id, 'locations');
    assert.equal(result.written, 3);
    const record = await store.objects.get('locations', { countryCode: 'DE', partyId: 'ABC', id: 'LOC2' });
    assert.equal(record?.data.country_code, 'DE');
    assert.equal(record?.data.party_id, 'ABC');
    assert.equal(record?.peerId, peer.id);
  });

  test('preparePage: party codes compared without case and keyed as the credentials spell them; a hosted party refused', () => {
    const lower = makeObject('2.2.1', 'tariffs', 1);
    const spelled = { ...lower, country_code: PEER_PARTY.country_code.toLowerCase() };
    const prepared = preparePage([spelled], {
      module: 'tariffs',
      version: '2.2.1',
      peerId: 'p',
      parties: [PEER_PARTY],
    });
    assert.equal(prepared.rejected.length, 0);
    assert.equal(prepared.inputs[0]?.key.countryCode, PEER_PARTY.country_code);
    const hosted = preparePage([lower], {
      module: 'tariffs',
      version: '2.2.1',
      peerId: 'p',
      parties: [PEER_PARTY],
      hosted: [PEER_PARTY],
    });
    assert.equal(hosted.inputs.length, 0);
    assert.match(hosted.rejected[0]?.reason ?? '', /a party this node hosts/);
  });

  test('preparePage keeps the newer of two states of one object in a page', () => {
    const older = makeObject('2.2.1', 'tariffs', 1, { lastUpdated: new Date('2024-02-01T00:00:00Z') });
    const newer = makeObject('2.2.1', 'tariffs', 1, { lastUpdated: new Date('2024-03-01T00:00:00Z') });
    const context = {
      module: 'tariffs' as const,
      version: '2.2.1' as const,
      peerId: 'p',
      parties: [PEER_PARTY],
    };
    for (const page of [
      [older, newer],
      [newer, older],
    ]) {
      const prepared = preparePage(page, context);
      assert.equal(prepared.inputs.length, 1);
      assert.equal(prepared.inputs[0]?.lastUpdated.toISOString(), '2024-03-01T00:00:00.000Z');
    }
  });
});

describe('sync: memory', () => {
  test('a 10 000-object sync holds one page at a time', async () => {
    // gc() without --expose-gc on the command line.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const store = await newStore();
    const cpo = await sender({
      version: '2.2.1',
      module: 'locations',
      generate: { count: 10_000, make: (i) => makeObject('2.2.1', 'locations', i) },
    });
    const peer = await addPeer(store, '2.2.1', [{ module: 'locations', url: cpo.url }]);
    const { sync } = service(store);
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    const result = await sync.sync(peer.id, 'locations', {
      pageLimit: 500,
      onProgress: () => {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
      },
    });
    assert.equal(result.written, 10_000);
    assert.equal(result.pages, 20);
    // Kept objects would take tens of MB (each parsed twice: as sent and canonical); one page is a few.
    assert.ok(peak < 16 * 1024 * 1024, `heap grew by ${(peak / 1024 / 1024).toFixed(1)} MB during the sync`);
  });
});

describe('sync service: request(), start() and the schedule', () => {
  test('request() is debounced and runs one sync at a time per peer × module', async () => {
    const store = await newStore();
    const cpo = await sender({
      version: '2.2.1',
      module: 'locations',
      objects: objects('2.2.1', 'locations', 3),
      delayMs: 150,
    });
    const peer = await addPeer(store, '2.2.1', [{ module: 'locations', url: cpo.url }]);
    // No module enabled: start() pulls nothing by itself, only the requests below count.
    const { sync } = service(store, { config: testConfig(), debounceMs: 50 });
    sync.start();
    try {
      for (let i = 0; i < 5; i++) sync.request(peer.id, 'locations', 'missed push');
      await waitFor('the first sync to start', () => cpo.requests.length === 1);
      // While it runs, more requests: exactly one more sync afterwards, never two at once.
      sync.request(peer.id, 'locations', 'missed push');
      sync.request(peer.id, 'locations', 'missed push');
      await waitFor('the follow-up sync', () => cpo.requests.length === 2);
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(cpo.requests.length, 2);
      // The follow-up is incremental: nothing changed since the first began.
      assert.ok(cpo.requests[1]?.query.get('date_from'));
      assert.equal(await store.objects.count({ module: 'locations', peerId: peer.id }), 3);
    } finally {
      await sync.stop();
    }
  });

  test('start(): every REGISTERED peer with a Sender endpoint at once, then on the schedule', async () => {
    const store = await newStore();
    const locations = await sender({
      version: '2.2.1',
      module: 'locations',
      objects: objects('2.2.1', 'locations', 2),
    });
    const tariffs = await sender({
      version: '2.2.1',
      module: 'tariffs',
      objects: objects('2.2.1', 'tariffs', 2),
    });
    const peer = await addPeer(store, '2.2.1', [
      { module: 'locations', url: locations.url },
      { module: 'tariffs', url: tariffs.url },
    ]);
    const gone = await sender({ version: '2.2.1', module: 'locations', objects: [] });
    await addPeer(store, '2.2.1', [{ module: 'locations', url: gone.url }], { status: 'UNREGISTERED' });
    const config: NodeConfig = testConfig({ modules: ['locations', 'tariffs'] });
    config.sync = { intervalMs: 300, peers: {} }; // below the configurable minimum, for the test
    const { sync } = service(store, { config, debounceMs: 10, scheduleTickMs: 20 });
    sync.start();
    try {
      await waitFor(
        'the sync at start',
        () => locations.requests.length === 1 && tariffs.requests.length === 1,
      );
      assert.equal(locations.requests[0]?.query.has('date_from'), false, 'first ever sync: everything');
      await waitFor(
        'scheduled syncs',
        () => locations.requests.length >= 3 && tariffs.requests.length >= 3,
        3000,
      );
      // Incremental on the schedule.
      assert.ok(locations.requests[1]?.query.get('date_from'));
      assert.equal(gone.requests.length, 0, 'an UNREGISTERED peer is not pulled');
      assert.equal(await store.objects.count({ module: 'tariffs', peerId: peer.id }), 2);
    } finally {
      await sync.stop();
    }
    const after = locations.requests.length;
    await new Promise((r) => setTimeout(r, 450));
    assert.equal(locations.requests.length, after, 'nothing runs after stop()');
  });

  test('per-peer intervals (by name) override the node interval; null keeps a peer off the schedule', async () => {
    const store = await newStore();
    const a = await sender({
      version: '2.2.1',
      module: 'locations',
      objects: objects('2.2.1', 'locations', 1),
    });
    const b = await sender({
      version: '2.2.1',
      module: 'locations',
      objects: objects('2.2.1', 'locations', 1),
    });
    await addPeer(store, '2.2.1', [{ module: 'locations', url: a.url }], { name: 'fast' });
    await addPeer(store, '2.2.1', [{ module: 'locations', url: b.url }], { name: 'manual' });
    const config: NodeConfig = testConfig({ modules: ['locations'] });
    config.sync = { intervalMs: null, peers: { fast: 200, manual: null } };
    const { sync } = service(store, { config, debounceMs: 10, scheduleTickMs: 20 });
    sync.start();
    try {
      await waitFor('a few scheduled syncs of "fast"', () => a.requests.length >= 3, 3000);
      assert.equal(b.requests.length, 1, '"manual" is pulled at start only');
    } finally {
      await sync.stop();
    }
  });

  test('a failed background sync is retried with backoff', async () => {
    const store = await newStore();
    const cpo = await sender({
      version: '2.2.1',
      module: 'locations',
      objects: objects('2.2.1', 'locations', 2),
      failRequest: (i) => i < 2,
    });
    const peer = await addPeer(store, '2.2.1', [{ module: 'locations', url: cpo.url }]);
    const { sync, entries } = service(store, { debounceMs: 10, retryBaseMs: 60, retryMaxMs: 1000 });
    sync.start();
    try {
      sync.request(peer.id, 'locations', 'test');
      await waitFor(
        'success after two failures',
        async () => (await sync.status(peer.id, 'locations'))?.lastSuccessAt !== undefined,
      );
      assert.equal(cpo.requests.length, 3);
      const retries = entries.filter((e) => e.msg === 'sync: will retry').map((e) => e.obj.retryInMs);
      assert.deepEqual(retries, [60, 120], 'the delay doubles');
      assert.equal((await sync.status(peer.id, 'locations'))?.lastError, undefined);
    } finally {
      await sync.stop();
    }
  });

  test('status() reads what an earlier process recorded; an unreadable record counts as none', async () => {
    const store = await newStore();
    const { sync } = service(store);
    assert.equal(await sync.status('p1', 'locations'), undefined);
    await store.meta.set(syncMetaKey('locations', 'p1'), 'garbage');
    assert.equal(await sync.status('p1', 'locations'), undefined);
    await store.meta.set(syncMetaKey('locations', 'p1'), {
      lastSuccessAt: '2025-01-01T00:00:00.000Z',
      lastAttemptAt: '2025-01-02T00:00:00.000Z',
      lastError: 'HTTP 502',
      lastResult: null,
    });
    const state = await sync.status('p1', 'locations');
    assert.equal(state?.lastSuccessAt?.toISOString(), '2025-01-01T00:00:00.000Z');
    assert.equal(state?.lastError, 'HTTP 502');
    assert.equal(state?.lastResult, undefined);
    assert.equal(formatDateTime(state?.lastAttemptAt ?? 0), '2025-01-02T00:00:00Z');
  });
});

const { unreachable: pgUnreachable, skip: pgSkip } = await pgAvailability();

describe('sync on PostgreSQL', () => {
  const schemas: string[] = [];
  let store: SqlStore | undefined;
  before(async () => {
    if (pgUnreachable !== undefined) return;
    const schema = newTestSchema('sync');
    schemas.push(schema);
    store = openStore(pgTestUrl, { schema });
    await store.migrate();
  });
  after(async () => {
    await store?.close();
    if (schemas.length > 0) await dropTestSchemas(schemas);
  });

  test('pages stored, one object twice in a page, incremental', {
    skip: pgSkip,
  }, async () => {
    if (pgUnreachable !== undefined) assert.fail(pgUnreachable);
    const db = store as SqlStore;
    // LOC3 twice in one page: one multi-row upsert must not touch a row twice (PostgreSQL refuses).
    const list = objects('2.2.1', 'locations', 12);
    list.push(makeObject('2.2.1', 'locations', 3, { lastUpdated: new Date(BASE_TIME + 3 * 60_000) }));
    const cpo = await sender({ version: '2.2.1', module: 'locations', objects: list });
    const peer = await addPeer(db, '2.2.1', [{ module: 'locations', url: cpo.url }]);
    const { sync } = service(db);
    const result = await sync.sync(peer.id, 'locations', { pageLimit: 13 });
    assert.equal(result.received, 13);
    assert.equal(result.written, 12);
    assert.equal(await db.objects.count({ module: 'locations', peerId: peer.id }), 12);
    const again = await sync.sync(peer.id, 'locations');
    assert.equal(again.dateFrom?.getTime(), result.startedAt.getTime() - CLOCK_SKEW_MARGIN_MS);
    assert.equal(again.received, 0);
  });
});
