/**
 * End to end: Locations and Tariffs between real nodes on loopback ports, in every version, on
 * SQLite and on PostgreSQL. A CPO node (NL:CPO:CPO) publishes seeded data; an eMSP node
 * (NL:MSP:EMSP) and, in 2.2.1+, an NSP-only node (NL:NSP:NSP) get it by push (the CPO's delivery
 * worker, PUT / PATCH / DELETE to their Receiver interfaces) and by pull (their sync service
 * reading the CPO's Sender list, page by page). An unpublished location reaches the eMSP (it issues
 * the tokens that may see it) but neither the NSP nor a 2.1.1 peer (2.1.1 cannot carry `publish`).
 * Pulls: a full and an incremental sync (what was missed while pushes did not go), the pull a
 * peer registering late makes at connection, and a pull while the CPO changes the very objects
 * being read (none may be skipped). The CPO serves pages of two, so every list spans several.
 *
 * A killed worker process and a peer outage are proved in test/platform/delivery/kill.test.ts and
 * e2e.test.ts; this file proves the exchange itself across the version × backend matrix.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fromCanonical } from '../../src/model/index.js';
import { type ClientFactory, defaultClientFactory } from '../../src/platform/credentials.js';
import { silentLogger } from '../../src/platform/modules.js';
import { OBJECT_TYPES } from '../../src/platform/object-modules.js';
import { generateSeed } from '../../src/platform/seed/index.js';
import {
  CLOCK_SKEW_MARGIN_MS,
  createSyncService,
  type SyncResult,
  senderEndpoint,
} from '../../src/platform/sync.js';
import {
  formatDateTime,
  OCPI_VERSIONS,
  type OcpiVersion,
  parsePaginationHeaders,
} from '../../src/protocol/index.js';
import type { ObjectKey, ObjectModule, OcpiObjectRecord, PeerRecord } from '../../src/store/types.js';
import { capturingLogger } from '../http/helpers.js';
import { eventually } from '../platform/delivery/helpers.js';
import { pgRequired, pgUnreachableReason } from '../store/targets.js';
import {
  type Backend,
  connectNodes,
  deliverAll,
  postgresBackend,
  type RunningNode,
  sqliteBackend,
  startNode,
} from './helpers.js';

type Json = Record<string, unknown>;

const CPO_PARTY = { country_code: 'NL', party_id: 'CPO' };
/** The CPO's page size: every list of a handful of objects takes several pages. */
const PAGE = 2;

/**
 * The CPO's data: seeded locations (several EVSEs each, connectors naming the tariffs) and
 * tariffs. Everything last changed at least an hour ago, so every change the test makes (stamped
 * now) is newer. Location 4 goes out unpublished; location 5 is added later, while the eMSP is
 * not listening (stamped then: an incremental pull finds what changed since it last ran).
 */
function seedData() {
  const seed = generateSeed({
    locations: 6,
    seed: 'roamkit-e2e-locations',
    party: CPO_PARTY,
    now: new Date(Date.now() - 3_600_000),
    tariffs: 3,
  });
  const locations = seed.locations as unknown as Json[];
  const tariffs = seed.tariffs as unknown as Json[];
  const unpublished: Json = {
    ...(locations[4] as Json),
    publish: false,
    publish_allowed_to: [
      { uid: '0A1B2C3D', type: 'RFID', visual_number: 'NL-MSP-000123-4', issuer: 'MSP Mobility' },
    ],
  };
  const referenced = new Set(
    locations.flatMap((l) =>
      (l.evses as Json[]).flatMap((e) => (e.connectors as Json[]).flatMap((c) => c.tariff_ids as string[])),
    ),
  );
  // A tariff no location names is the one deleted (a location pointing at a gone tariff is not the point here).
  const deletable = tariffs.find((t) => !referenced.has(t.id as string)) ?? (tariffs.at(-1) as Json);
  return {
    published: locations.slice(0, 4),
    unpublished,
    later: locations[5] as Json,
    tariffs,
    deletable: deletable.id as string,
  };
}

const key = (id: string): ObjectKey => ({ countryCode: 'NL', partyId: 'CPO', id });
const idOf = (r: Pick<OcpiObjectRecord, 'key'>) => r.key.id;
const sorted = (ids: Iterable<string>) => [...ids].sort();
const evsesOf = (data: Json) => data.evses as Json[];

/** The object as the version carries it: what an eMSP holding it can compare with what the CPO has. */
const inVersion = (module: ObjectModule, version: OcpiVersion, data: Json) =>
  fromCanonical(OBJECT_TYPES[module], version, data).value;

interface Connection {
  /** The peer's id at the CPO. */
  atCpo: string;
  /** The CPO as a peer of the other node. */
  cpo: PeerRecord;
}

/** `other` registers with the CPO (the CPO invites), in the one version both nodes offer. */
async function connect(cpo: RunningNode, other: RunningNode, version: OcpiVersion): Promise<Connection> {
  const { atInviter, atOther } = await connectNodes(cpo, other, { version, name: other.label });
  return { atCpo: atInviter.id, cpo: atOther };
}

/** The live objects of `module` the node holds from the CPO, by id. */
async function heldFrom(node: RunningNode, cpoPeerId: string, module: ObjectModule) {
  const records = await node.store.objects.list({ module, peerId: cpoPeerId }, { offset: 0, limit: 1000 });
  return new Map(records.map((r) => [idOf(r), r]));
}

/**
 * The node holds exactly `ids` of the CPO's objects (no more: nothing unpublished leaked, nothing
 * twice), each equal in content to the CPO's own as far as the version carries it.
 */
async function assertHolds(
  cpo: RunningNode,
  node: RunningNode,
  connection: Connection,
  module: ObjectModule,
  version: OcpiVersion,
  ids: readonly string[],
): Promise<Map<string, OcpiObjectRecord>> {
  const held = await heldFrom(node, connection.cpo.id, module);
  assert.deepEqual(sorted(held.keys()), sorted(ids), `${node.label} holds the CPO's ${module}`);
  for (const [id, theirs] of held) {
    const ours = await cpo.store.objects.get(module, key(id));
    assert.ok(ours && !ours.deleted && ours.peerId === null, `the CPO has ${module} ${id}`);
    assert.equal(theirs.peerId, connection.cpo.id);
    assert.equal(theirs.lastUpdated.getTime(), ours.lastUpdated.getTime(), `${module} ${id} last_updated`);
    assert.deepEqual(
      inVersion(module, version, theirs.data),
      inVersion(module, version, ours.data),
      `${node.label}'s ${module} ${id} equals the CPO's in ${version}`,
    );
  }
  return held;
}

/** What the CPO's worker logged as sent to one peer (method, target) for one object. */
function sentTo(logs: ReturnType<typeof capturingLogger>, peerId: string, id: string) {
  return logs
    .lines()
    .filter((l) => l.msg === 'delivery sent' && l.peerId === peerId && l.object === `NL/CPO/${id}`)
    .map((l) => `${String(l.method)} ${String(l.target)}`);
}

/**
 * Waits for the next whole second. A sync reads the window up to its own start, in the whole
 * seconds of OCPI DateTimes: what changed in the second it starts comes with the next sync.
 */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1001 - (Date.now() % 1000)));

const expectSync = (result: SyncResult, count: number, label: string) => {
  assert.equal(result.rejected, 0, `${label}: nothing rejected`);
  assert.equal(result.received, count, `${label}: objects received`);
  assert.equal(result.total, count, `${label}: X-Total-Count`);
  assert.equal(result.pages, Math.max(1, Math.ceil(count / PAGE)), `${label}: pages of ${PAGE}`);
};

function versionSuite(backend: Backend, version: OcpiVersion) {
  const withNsp = version !== '2.1.1';
  const data = seedData();
  const publishedIds = data.published.map((l) => l.id as string);
  const unpublishedId = data.unpublished.id as string;
  const laterId = data.later.id as string;
  const tariffIds = data.tariffs.map((t) => t.id as string);
  // The eMSP issues tokens, so it may see unpublished locations, except in 2.1.1 (no `publish` there).
  const emspSees = (ids: string[]) => (version === '2.1.1' ? ids : [...ids, unpublishedId]);

  const cpoLogs = capturingLogger('info');
  let cpo: RunningNode;
  let emsp: RunningNode;
  let nsp: RunningNode | undefined;
  let late: RunningNode | undefined;
  let fresh: RunningNode | undefined;
  let toEmsp: Connection;
  let toNsp: Connection | undefined;

  before(async () => {
    const versions = [version];
    [cpo, emsp, nsp] = await Promise.all([
      startNode(backend, { label: 'CPO', versions, parties: ['NL:CPO:CPO'], logger: cpoLogs.logger }),
      startNode(backend, { label: 'eMSP', versions, parties: ['NL:MSP:EMSP'] }),
      withNsp ? startNode(backend, { label: 'NSP', versions, parties: ['NL:NSP:NSP'] }) : undefined,
    ]);
    // Read on every request (like publicUrl): small pages make every list span several.
    cpo.app.platform.config.pagination.maxLimit = PAGE;
    cpo.app.platform.config.pagination.defaultLimit = PAGE;
    toEmsp = await connect(cpo, emsp, version);
    if (nsp) toNsp = await connect(cpo, nsp, version);
  });
  after(async () => {
    await late?.app.platform.sync.stop();
    await Promise.all([cpo?.close(), emsp?.close(), nsp?.close(), late?.close(), fresh?.close()]);
  });

  test('push: what the CPO publishes arrives whole at every receiver that may see it', async () => {
    assert.equal(await cpo.app.platform.publisher.putMany('tariffs', data.tariffs), tariffIds.length);
    assert.equal(
      await cpo.app.platform.publisher.putMany('locations', [...data.published, data.unpublished]),
      publishedIds.length + 1,
    );
    const sent = await deliverAll(cpo);
    const emspLocations = emspSees(publishedIds);
    assert.equal(
      sent,
      emspLocations.length + tariffIds.length + (withNsp ? publishedIds.length + tariffIds.length : 0),
      'one message per object and receiver',
    );

    const held = await assertHolds(cpo, emsp, toEmsp, 'locations', version, emspLocations);
    await assertHolds(cpo, emsp, toEmsp, 'tariffs', version, tariffIds);
    // Key fields spelled out, beside the whole-object comparison.
    const ours = data.published[1] as Json;
    const theirs = held.get(ours.id as string)?.data as Json;
    assert.ok(evsesOf(ours).length >= 2, 'the seed gives a location with several EVSEs');
    assert.deepEqual(
      evsesOf(theirs).map((e) => [e.uid, e.status, (e.connectors as Json[]).map((c) => c.standard)]),
      evsesOf(ours).map((e) => [e.uid, e.status, (e.connectors as Json[]).map((c) => c.standard)]),
    );
    if (version !== '2.1.1') assert.equal(held.get(unpublishedId)?.data.publish, false);

    if (nsp && toNsp) {
      await assertHolds(cpo, nsp, toNsp, 'locations', version, publishedIds);
      await assertHolds(cpo, nsp, toNsp, 'tariffs', version, tariffIds);
      assert.deepEqual(
        sentTo(cpoLogs, toNsp.atCpo, unpublishedId),
        [],
        'nothing unpublished sent to the NSP',
      );
    }
    for (const id of publishedIds) assert.deepEqual(sentTo(cpoLogs, toEmsp.atCpo, id), ['PUT Location']);
    // Every row acknowledged at the object's revision.
    for (const d of await cpo.store.deliveries.list()) {
      const record = await cpo.store.objects.get(d.module, d.key);
      assert.equal(d.state, 'DONE');
      assert.equal(d.ackedRevision, record?.revision);
    }
  });

  test('push: an EVSE status change goes as a PATCH, a deleted tariff as a DELETE', async () => {
    const location = data.published[1] as Json;
    const id = location.id as string;
    const evse = evsesOf(location)[1] as Json;
    const status = evse.status === 'CHARGING' ? 'AVAILABLE' : 'CHARGING';
    const before = (await emsp.store.objects.get('locations', key(id))) as OcpiObjectRecord;

    const patched = await cpo.app.platform.publisher.patch('locations', key(id), [evse.uid as string], {
      status,
    });
    await deliverAll(cpo);
    assert.deepEqual(sentTo(cpoLogs, toEmsp.atCpo, id), ['PUT Location', 'PATCH EVSE']);
    const after = (await emsp.store.objects.get('locations', key(id))) as OcpiObjectRecord;
    assert.equal(after.revision, before.revision + 1, 'one write at the eMSP: the PATCH');
    assert.equal(evsesOf(after.data)[1]?.status, status);
    assert.equal(evsesOf(after.data)[1]?.last_updated, evsesOf(patched.data)[1]?.last_updated);
    assert.equal(
      after.lastUpdated.getTime(),
      patched.lastUpdated.getTime(),
      "the location's last_updated follows",
    );
    assert.ok(after.lastUpdated.getTime() > before.lastUpdated.getTime());
    await assertHolds(cpo, emsp, toEmsp, 'locations', version, emspSees(publishedIds));

    await cpo.app.platform.publisher.remove('tariffs', key(data.deletable));
    await deliverAll(cpo);
    const live = tariffIds.filter((t) => t !== data.deletable);
    for (const [node, connection] of [
      [emsp, toEmsp],
      ...(nsp && toNsp ? [[nsp, toNsp] as const] : []),
    ] as const) {
      assert.deepEqual(sentTo(cpoLogs, connection.atCpo, data.deletable), ['PUT Tariff', 'DELETE Tariff']);
      assert.equal((await node.store.objects.get('tariffs', key(data.deletable)))?.deleted, true);
      await assertHolds(cpo, node, connection, 'tariffs', version, live);
    }
    if (nsp && toNsp) {
      assert.deepEqual(sentTo(cpoLogs, toNsp.atCpo, id), ['PUT Location', 'PATCH EVSE']);
      await assertHolds(cpo, nsp, toNsp, 'locations', version, publishedIds);
    }
  });

  test('pull: a full sync reads every page of the Sender; an incremental one gets what was missed', async () => {
    const emspLocations = emspSees(publishedIds);
    const live = tariffIds.filter((t) => t !== data.deletable);
    await nextSecond();
    const full = await emsp.app.platform.sync.sync(toEmsp.cpo.id, 'locations', { full: true });
    expectSync(full, emspLocations.length, 'eMSP full locations');
    expectSync(
      await emsp.app.platform.sync.sync(toEmsp.cpo.id, 'tariffs', { full: true }),
      live.length,
      'eMSP full tariffs',
    );

    // The CPO changes things and its worker does not run: the pushes are missed.
    const publisher = cpo.app.platform.publisher;
    const renamed = publishedIds[0] as string;
    await publisher.patch('locations', key(renamed), [], { name: 'Renamed while nobody listened' });
    await publisher.put('locations', { ...data.later, last_updated: formatDateTime(new Date()) });
    await publisher.patch('locations', key(unpublishedId), [], { name: 'Still private' });
    const newTariff = {
      ...(data.tariffs[0] as Json),
      id: 'NEW-TARIFF',
      last_updated: formatDateTime(new Date()),
    };
    await publisher.put('tariffs', newTariff);
    assert.notEqual((await cpo.store.deliveries.list({ state: 'PENDING' })).length, 0, 'pushes are owed');
    await nextSecond();

    const incremental = await emsp.app.platform.sync.sync(toEmsp.cpo.id, 'locations');
    assert.ok(incremental.dateFrom, 'incremental: date_from is sent');
    assert.equal(incremental.dateFrom?.getTime(), full.startedAt.getTime() - CLOCK_SKEW_MARGIN_MS);
    const changed = version === '2.1.1' ? [renamed, laterId] : [renamed, laterId, unpublishedId];
    assert.deepEqual(
      sorted((await heldFrom(emsp, toEmsp.cpo.id, 'locations')).keys()),
      sorted([...emspLocations, laterId]),
    );
    // What changed since the last sync, plus what changed in the minute before it (the window
    // reaches back CLOCK_SKEW_MARGIN_MS): never the whole list again.
    assert.equal(incremental.rejected, 0);
    assert.ok(incremental.received >= changed.length, `incremental: at least the ${changed.length} changed`);
    assert.ok(incremental.received < full.received + 1, 'incremental: not everything again');
    assert.equal(
      (await emsp.store.objects.get('locations', key(renamed)))?.data.name,
      'Renamed while nobody listened',
    );
    await emsp.app.platform.sync.sync(toEmsp.cpo.id, 'tariffs');
    await assertHolds(cpo, emsp, toEmsp, 'locations', version, [...emspLocations, laterId]);
    await assertHolds(cpo, emsp, toEmsp, 'tariffs', version, [...live, 'NEW-TARIFF']);

    if (nsp && toNsp) {
      // The NSP, too, pulls what it missed, and never the unpublished location.
      expectSync(
        await nsp.app.platform.sync.sync(toNsp.cpo.id, 'locations', { full: true }),
        publishedIds.length + 1,
        'NSP full locations',
      );
      await nsp.app.platform.sync.sync(toNsp.cpo.id, 'tariffs');
      await assertHolds(cpo, nsp, toNsp, 'locations', version, [...publishedIds, laterId]);
      await assertHolds(cpo, nsp, toNsp, 'tariffs', version, [...live, 'NEW-TARIFF']);
    }

    // The owed pushes still go, and change nothing: both sides hold the same, nothing twice.
    await deliverAll(cpo);
    await assertHolds(cpo, emsp, toEmsp, 'locations', version, [...emspLocations, laterId]);
    await assertHolds(cpo, emsp, toEmsp, 'tariffs', version, [...live, 'NEW-TARIFF']);
    if (nsp && toNsp) {
      await assertHolds(cpo, nsp, toNsp, 'locations', version, [...publishedIds, laterId]);
      assert.equal(await nsp.store.objects.get('locations', key(unpublishedId)), undefined);
    }
  });

  test('pull at connection: an eMSP registering after everything was published gets it all', async () => {
    late = await startNode(backend, { label: 'late eMSP', versions: [version], parties: ['NL:LAT:EMSP'] });
    // What `roamkit serve` runs: the sync service pulls from a peer as soon as it is connected.
    late.app.platform.sync.start();
    const toLate = await connect(cpo, late, version);
    const locations = emspSees([...publishedIds, laterId]);
    const tariffs = [...tariffIds.filter((t) => t !== data.deletable), 'NEW-TARIFF'];
    const node = late;
    await eventually(
      async () =>
        (await heldFrom(node, toLate.cpo.id, 'locations')).size === locations.length &&
        (await heldFrom(node, toLate.cpo.id, 'tariffs')).size === tariffs.length,
      10_000,
      'the pull at connection',
    );
    await assertHolds(cpo, late, toLate, 'locations', version, locations);
    await assertHolds(cpo, late, toLate, 'tariffs', version, tariffs);
    const status = await late.app.platform.sync.status(toLate.cpo.id, 'locations');
    assert.equal(status?.lastResult?.full, false);
    assert.equal(status?.lastResult?.dateFrom, undefined, 'a first sync asks for everything');
    assert.equal(status?.lastResult?.pages, Math.ceil(locations.length / PAGE));
  });

  test('pull while the CPO changes the objects being read: none is skipped', async () => {
    const node = await startNode(backend, {
      label: 'fresh eMSP',
      versions: [version],
      parties: ['NL:FRS:EMSP'],
    });
    fresh = node;
    const toFresh = await connect(cpo, node, version);
    const changed: string[] = [];
    // The eMSP's client, except that between the first page and the second the CPO changes both
    // objects of the first page (an ordinary day: EVSE statuses change all the time).
    const clientFactory: ClientFactory = (options) => {
      const client = defaultClientFactory(node.app.platform.config)(options);
      const request = client.request.bind(client);
      client.request = (async (call: Parameters<typeof request>[0]) => {
        const result = await request(call);
        if (call.method === 'GET' && changed.length === 0) {
          for (const location of result.data as Json[]) {
            const id = location.id as string;
            changed.push(id);
            await cpo.app.platform.publisher.patch('locations', key(id), [], { name: `${id} renamed` });
          }
        }
        return result;
      }) as typeof client.request;
      return client;
    };
    const sync = createSyncService({
      config: node.app.platform.config,
      store: node.store,
      clientFactory,
      log: silentLogger,
    });
    const expected = emspSees([...publishedIds, laterId]);
    await nextSecond();
    await sync.sync(toFresh.cpo.id, 'locations', { full: true });
    assert.equal(changed.length, PAGE);
    assert.deepEqual(
      sorted((await heldFrom(node, toFresh.cpo.id, 'locations')).keys()),
      sorted(expected),
      'one full sync reads every location, also while others change',
    );
    // What changed during the sync comes with the next incremental one.
    await nextSecond();
    await sync.sync(toFresh.cpo.id, 'locations');
    await assertHolds(cpo, node, toFresh, 'locations', version, expected);
    for (const id of changed) {
      assert.equal((await node.store.objects.get('locations', key(id)))?.data.name, `${id} renamed`);
    }
  });

  test("pagination: the eMSP's client follows Link pages with X-Total-Count and X-Limit", async () => {
    const url = senderEndpoint(toEmsp.cpo, 'locations');
    assert.ok(url, "the CPO's locations Sender endpoint");
    const client = defaultClientFactory(emsp.app.platform.config)({
      version,
      token: toEmsp.cpo.outgoingToken as string,
    });
    const expected = emspSees([...publishedIds, laterId]);
    // A date_from the Link must carry along: it leaves out the oldest location.
    const ours = await cpo.store.objects.list(
      { module: 'locations', peerId: null, ...(version === '2.1.1' ? { publishedOnly: true } : {}) },
      { offset: 0, limit: 100 },
    );
    const oldest = [...ours].sort(
      (a, b) => a.lastUpdated.getTime() - b.lastUpdated.getTime(),
    )[0] as OcpiObjectRecord;
    const dateFrom = new Date(oldest.lastUpdated.getTime() + 1000);

    for (const [query, ids] of [
      [{ limit: 50 }, expected],
      [{ limit: 50, date_from: dateFrom }, expected.filter((id) => id !== idOf(oldest))],
    ] as const) {
      const seen: string[] = [];
      let pages = 0;
      for await (const page of client.pages<Json>({ url, query })) {
        pages++;
        const headers = parsePaginationHeaders(page.headers);
        assert.equal(headers.totalCount, ids.length, 'X-Total-Count');
        assert.equal(headers.limit, PAGE, 'X-Limit: the CPO lowers the limit asked');
        assert.ok(page.data.length <= PAGE);
        seen.push(...page.data.map((l) => l.id as string));
        const last = seen.length === ids.length;
        assert.equal(headers.next === undefined, last, 'a Link on every page but the last');
        if (headers.next !== undefined) {
          const next = new URL(headers.next);
          assert.equal(next.searchParams.get('offset'), String(seen.length));
          assert.equal(next.searchParams.get('limit'), String(PAGE));
          assert.equal(next.searchParams.has('date_from'), 'date_from' in query, 'filters are carried');
        }
      }
      assert.equal(pages, Math.ceil(ids.length / PAGE));
      assert.deepEqual(sorted(seen), sorted(ids), 'every location once');
    }
  });

  test('withdrawn from publication: a 2.2.1+ peer is told (publish: false), a 2.1.1 peer is sent nothing', async () => {
    const id = publishedIds[3] as string;
    // What is still owed goes first, so the withdrawal is one change on a revision every peer holds.
    await deliverAll(cpo);
    const before = sentTo(cpoLogs, toEmsp.atCpo, id);
    await cpo.app.platform.publisher.patch('locations', key(id), [], { publish: false });
    await deliverAll(cpo);
    await nextSecond();
    const visible = [...publishedIds, laterId].filter((l) => l !== id);
    if (version === '2.1.1') {
      // 2.1.1 has no `publish`: the location would be shown to everyone, so it is not sent at all.
      assert.deepEqual(sentTo(cpoLogs, toEmsp.atCpo, id), before);
      expectSync(
        await emsp.app.platform.sync.sync(toEmsp.cpo.id, 'locations', { full: true }),
        visible.length,
        'eMSP full locations after the withdrawal',
      );
      return;
    }
    assert.deepEqual(sentTo(cpoLogs, toEmsp.atCpo, id), [...before, 'PATCH Location']);
    assert.equal((await emsp.store.objects.get('locations', key(id)))?.data.publish, false);
    if (nsp && toNsp) {
      assert.deepEqual(sentTo(cpoLogs, toNsp.atCpo, id).at(-1), 'PATCH Location');
      const atNsp = await nsp.store.objects.get('locations', key(id));
      assert.equal(atNsp?.data.publish, false, 'the NSP learns to stop showing it');
      assert.equal(atNsp?.published, false);
      // Its Sender list for the NSP no longer has it.
      expectSync(
        await nsp.app.platform.sync.sync(toNsp.cpo.id, 'locations', { full: true }),
        visible.length,
        'NSP full locations after the withdrawal',
      );
    }
  });
}

function suite(backend: Backend) {
  after(() => backend.cleanup());
  for (const version of OCPI_VERSIONS) {
    describe(`${version}: CPO to eMSP${version === '2.1.1' ? '' : ' and NSP'}`, { concurrency: 1 }, () =>
      versionSuite(backend, version),
    );
  }
}

const pgReason = await pgUnreachableReason();

// The versions and backends run side by side (each with its own nodes and databases); the steps of one in order.
describe('locations and tariffs end to end', { concurrency: true }, () => {
  describe('on SQLite', { concurrency: true }, () => suite(sqliteBackend()));
  if (pgReason === undefined) {
    describe('on PostgreSQL', { concurrency: true }, () => suite(postgresBackend()));
  } else if (pgRequired) {
    test('on PostgreSQL', () => assert.fail(`CI=true but ${pgReason}`));
  } else {
    describe('on PostgreSQL', { skip: `skipped: ${pgReason}` }, () => {});
  }
});
