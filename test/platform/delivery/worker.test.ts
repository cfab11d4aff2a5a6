/**
 * The delivery worker against a scripted OCPI Receiver on a loopback port: success, PATCH after
 * PUT, retries and parking, the peer coming back, refusals, timeouts, leases after a crash.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { OcpiStatusError, OcpiTransportError } from '../../../src/client/errors.js';
import type { NodeConfig } from '../../../src/platform/config.js';
import { defaultClientFactory } from '../../../src/platform/credentials.js';
import { createPublisher, type Publisher } from '../../../src/platform/delivery/publisher.js';
import {
  classifyFailure,
  createDeliveryWorker,
  type DeliveryWorker,
  retryDelay,
} from '../../../src/platform/delivery/worker.js';
import type { PlatformLogger } from '../../../src/platform/modules.js';
import { openStore, type SqlStore } from '../../../src/store/database.js';
import type { ObjectModule, PeerRecord } from '../../../src/store/types.js';
import { memoryStore } from '../../http/helpers.js';
import {
  addPeer,
  deliveryConfig,
  eventually,
  type Json,
  ourLocation,
  ourTariff,
  type ScriptedReceiver,
  scriptedReceiver,
} from './helpers.js';

const key = (id = 'LOC1') => ({ countryCode: 'NL', partyId: 'RMK', id });

/** A logger that keeps every entry, to check outcomes are logged and tokens never are. */
function recordingLog() {
  const entries: { level: string; obj: object; msg: string | undefined }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      entries.push({ level, obj, msg });
    };
  const log: PlatformLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, entries, text: () => JSON.stringify(entries) };
}

interface Setup {
  store: SqlStore;
  receiver: ScriptedReceiver;
  peer: PeerRecord;
  config: NodeConfig;
  publisher: Publisher;
  worker: DeliveryWorker;
  logs: ReturnType<typeof recordingLog>;
}

async function setup(
  options: {
    delivery?: Partial<NodeConfig['delivery']>;
    store?: SqlStore;
    version?: PeerRecord['version'];
  } = {},
): Promise<Setup> {
  const store = options.store ?? (await memoryStore());
  const receiver = await scriptedReceiver();
  const peer = await addPeer(store, {
    base: receiver.base,
    version: options.version ?? '2.2.1',
    name: 'emsp',
  });
  const config = deliveryConfig(options.delivery);
  const logs = recordingLog();
  const publisher = createPublisher({ config, store });
  const worker = createDeliveryWorker({
    config,
    store,
    clientFactory: defaultClientFactory(config),
    log: logs.log,
    workerId: 'w1',
  });
  return { store, receiver, peer, config, publisher, worker, logs };
}

const row = (s: Setup, id = 'LOC1', module: ObjectModule = 'locations') =>
  s.store.deliveries.get(s.peer.id, module, key(id));

/** Runs rounds until `check` holds. */
async function roundsUntil(s: Setup, check: () => Promise<boolean>, what: string, timeoutMs = 5000) {
  await eventually(
    async () => {
      await s.worker.runOnce();
      return check();
    },
    timeoutMs,
    what,
  );
}

describe('retryDelay and classifyFailure', () => {
  test('exponential from baseDelayMs, capped at maxDelayMs, with equal jitter', () => {
    const settings = { baseDelayMs: 100, maxDelayMs: 1000 };
    assert.equal(
      retryDelay(0, settings, () => 0),
      50,
    );
    assert.equal(
      retryDelay(0, settings, () => 0.999999),
      100,
    );
    assert.equal(
      retryDelay(3, settings, () => 0),
      400,
    );
    assert.equal(
      retryDelay(3, settings, () => 0.999999),
      800,
    );
    assert.equal(
      retryDelay(10, settings, () => 0.999999),
      1000,
    );
    assert.equal(
      retryDelay(500, settings, () => 0),
      500,
    );
  });

  test('an OCPI 2xxx refuses the object; auth failures, 3xxx and transport errors are transient', () => {
    const request = { method: 'PUT', url: 'http://x', attempts: 1 };
    const status = (code: number, httpStatus = 200) =>
      new OcpiStatusError(
        { code, httpStatus, statusMessage: undefined, data: undefined, timestamp: undefined },
        request,
      );
    assert.equal(classifyFailure(status(2001)), 'refused');
    assert.equal(classifyFailure(status(2003, 404)), 'refused');
    assert.equal(classifyFailure(status(2000, 401)), 'transient');
    assert.equal(classifyFailure(status(3000, 500)), 'transient');
    assert.equal(classifyFailure(new OcpiTransportError('NETWORK', 'refused', request)), 'transient');
  });
});

describe('delivery worker', () => {
  let s: Setup;
  beforeEach(async () => {
    s = await setup();
  });
  afterEach(async () => {
    await s.worker.stop();
    await s.receiver.close().catch(() => {});
    await s.store.close();
  });

  test('a new location goes as a PUT in the peer version with routing headers; the row is DONE', async () => {
    await s.publisher.put('locations', ourLocation());
    const result = await s.worker.runOnce();
    assert.deepEqual(result, { sent: 1, failed: 0, skipped: 0 });
    assert.equal(s.receiver.requests.length, 1);
    const request = s.receiver.requests[0];
    assert.ok(request);
    assert.equal(request.method, 'PUT');
    assert.equal(request.path, '/ocpi/locations/NL/RMK/LOC1');
    assert.equal((request.body as Json).id, 'LOC1');
    assert.equal((request.body as Json).parking_places, undefined, '2.3.0-only field left out for 2.2.1');
    assert.equal(request.headers.authorization, `Token ${Buffer.from('token-for-emsp').toString('base64')}`);
    assert.equal(request.headers['ocpi-from-country-code'], 'NL');
    assert.equal(request.headers['ocpi-from-party-id'], 'RMK');
    assert.equal(request.headers['ocpi-to-country-code'], 'DE');
    assert.equal(request.headers['ocpi-to-party-id'], 'PEE');
    assert.ok(request.headers['x-request-id']);
    const done = await row(s);
    assert.equal(done?.state, 'DONE');
    assert.equal(done?.ackedRevision, 1);
    assert.ok(s.logs.entries.some((e) => e.msg === 'delivery sent'));
    assert.doesNotMatch(s.logs.text(), /token-for-emsp/);
    // Nothing more to do.
    assert.deepEqual(await s.worker.runOnce(), { sent: 0, failed: 0, skipped: 0 });
  });

  test('an EVSE status change after the PUT goes as an EVSE PATCH', async () => {
    await s.publisher.put('locations', ourLocation());
    await s.worker.runOnce();
    await s.publisher.patch('locations', key(), ['3257'], {
      status: 'AVAILABLE',
      last_updated: '2025-02-01T00:00:00Z',
    });
    assert.equal((await s.worker.runOnce()).sent, 1);
    const patch = s.receiver.requests[1];
    assert.equal(patch?.method, 'PATCH');
    assert.equal(patch?.path, '/ocpi/locations/NL/RMK/LOC1/3257');
    assert.deepEqual(patch?.body, { status: 'AVAILABLE', last_updated: '2025-02-01T00:00:00Z' });
    assert.equal((await row(s))?.ackedRevision, 2);
  });

  test('a deleted tariff goes as a DELETE', async () => {
    await s.publisher.put('tariffs', ourTariff());
    await s.worker.runOnce();
    await s.publisher.remove('tariffs', key('12'));
    await s.worker.runOnce();
    assert.deepEqual(
      s.receiver.requests.map((r) => `${r.method} ${r.path}`),
      ['PUT /ocpi/tariffs/NL/RMK/12', 'DELETE /ocpi/tariffs/NL/RMK/12'],
    );
    assert.equal(s.receiver.requests[1]?.body, undefined);
    assert.equal((await row(s, '12', 'tariffs'))?.state, 'DONE');
  });

  test('transient errors are retried with backoff, then the peer is parked after the retry window', async () => {
    s.receiver.setAnswer(() => ({ kind: 'http', http: 503 }));
    await s.publisher.put('locations', ourLocation('A'));
    await s.publisher.put('locations', ourLocation('B'));
    const started = Date.now();
    await roundsUntil(s, async () => (await row(s, 'A'))?.state === 'PARKED', 'parked');
    assert.ok(Date.now() - started >= 300, 'not parked before the retry window');
    const parked = await row(s, 'A');
    assert.match(parked?.lastError ?? '', /HTTP 503/);
    assert.ok((parked?.attempts ?? 0) >= 2, `attempts ${parked?.attempts}`);
    assert.equal((await row(s, 'B'))?.state, 'PARKED');
    const attemptsOnA = s.receiver.requests.filter((r) => r.path.endsWith('/A')).length;
    assert.ok(attemptsOnA >= 2 && attemptsOnA < 20, `attempts on A: ${attemptsOnA}`);
    // Backoff: no two attempts on A closer than the smallest jittered delay.
    assert.ok(s.logs.entries.some((e) => /its deliveries are parked/.test(e.msg ?? '')));
    // A change while parked waits too.
    await s.publisher.put('locations', ourLocation('C'));
    assert.equal((await row(s, 'C'))?.state, 'PARKED');
  });

  test('peer back: parked rows go as PUTs of their current state, each once, after a probe', async () => {
    await s.publisher.put('locations', ourLocation('A'));
    await s.publisher.put('locations', ourLocation('B'));
    await s.worker.runOnce();
    assert.equal(s.receiver.requests.length, 2);
    await s.receiver.close();

    await s.publisher.patch('locations', key('A'), ['3256'], {
      status: 'CHARGING',
      last_updated: '2025-02-01T00:00:00Z',
    });
    await roundsUntil(s, async () => (await row(s, 'A'))?.state === 'PARKED', 'A parked');
    // Two changes of A and one of B while parked: only the latest states matter.
    await s.publisher.patch('locations', key('A'), ['3256'], {
      status: 'OUTOFORDER',
      last_updated: '2025-02-02T00:00:00Z',
    });
    await s.publisher.patch('locations', key('A'), ['3257'], {
      status: 'AVAILABLE',
      last_updated: '2025-02-03T00:00:00Z',
    });
    await s.publisher.patch('locations', key('B'), [], {
      name: 'B renamed',
      last_updated: '2025-02-03T00:00:00Z',
    });
    assert.equal((await row(s, 'B'))?.state, 'PARKED');
    // Probes fail while the peer is away.
    await new Promise((r) => setTimeout(r, 150));
    await s.worker.runOnce();
    assert.match((await row(s, 'A'))?.lastError ?? '', /no response|ECONNREFUSED/);

    const before = s.receiver.requests.length;
    await s.receiver.reopen();
    await roundsUntil(
      s,
      async () => (await row(s, 'A'))?.state === 'DONE' && (await row(s, 'B'))?.state === 'DONE',
      'delivered after the outage',
    );
    const catchUp = s.receiver.requests.slice(before);
    assert.deepEqual(catchUp.map((r) => `${r.method} ${r.path}`).sort(), [
      'PUT /ocpi/locations/NL/RMK/A',
      'PUT /ocpi/locations/NL/RMK/B',
    ]);
    const a = (catchUp.find((r) => r.path.endsWith('/A'))?.body ?? {}) as Json;
    assert.deepEqual(
      (a.evses as Json[]).map((e) => e.status),
      ['OUTOFORDER', 'AVAILABLE'],
    );
    const b = catchUp.find((r) => r.path.endsWith('/B'));
    assert.equal((b?.body as Json | undefined)?.name, 'B renamed');
    assert.equal((await row(s, 'A'))?.ackedRevision, 4);
    assert.ok(s.logs.entries.some((e) => /answers again/.test(e.msg ?? '')));
  });

  test('a 2xxx answer refuses only that row; the others go on; a change or an operator retry sends it again', async () => {
    let refuse = true;
    s.receiver.setAnswer((r) =>
      refuse && r.path.endsWith('/BAD') ? { kind: 'status', code: 2001 } : { kind: 'ok' },
    );
    await s.publisher.put('locations', ourLocation('BAD'));
    await s.publisher.put('locations', ourLocation('GOOD'));
    const result = await s.worker.runOnce();
    assert.deepEqual(result, { sent: 1, failed: 1, skipped: 0 });
    const bad = await row(s, 'BAD');
    assert.equal(bad?.state, 'REFUSED');
    assert.match(bad?.lastError ?? '', /OCPI status 2001/);
    assert.equal((await row(s, 'GOOD'))?.state, 'DONE');

    // The peer is not unreachable: a later change of another object goes at once.
    await s.publisher.put('locations', ourLocation('LATER'));
    assert.equal((await s.worker.runOnce()).sent, 1);
    assert.equal((await row(s, 'LATER'))?.state, 'DONE');
    await new Promise((r) => setTimeout(r, 150));
    await s.worker.runOnce();
    assert.equal(
      s.receiver.requests.filter((r) => r.path.endsWith('/BAD')).length,
      1,
      'not retried by itself',
    );

    // A change of the refused object: tried again (refused again here).
    await s.publisher.patch('locations', key('BAD'), [], { name: 'fixed?' });
    await s.worker.runOnce();
    assert.equal(s.receiver.requests.filter((r) => r.path.endsWith('/BAD')).length, 2);
    assert.equal((await row(s, 'BAD'))?.state, 'REFUSED');

    // The peer fixed its side; the operator retries: the whole current object goes.
    refuse = false;
    assert.equal(await s.store.deliveries.unpark({ peerId: s.peer.id, refused: true }, new Date()), 1);
    await s.worker.runOnce();
    assert.equal((await row(s, 'BAD'))?.state, 'DONE');
    const last = s.receiver.requests.at(-1);
    assert.equal(last?.method, 'PUT');
    assert.equal(((last?.body ?? {}) as Json).name, 'fixed?');
  });

  test('a probe answered with a 2xxx: that row is refused, but the peer is back and its parked rows go', async () => {
    await s.publisher.put('locations', ourLocation('A'));
    await s.publisher.put('locations', ourLocation('B'));
    await s.store.deliveries.parkPeer(s.peer.id, { nextProbeAt: new Date(Date.now() - 1), error: 'down' });
    // The probe takes the lowest key (A), which the peer refuses.
    s.receiver.setAnswer((r) => (r.path.endsWith('/A') ? { kind: 'status', code: 2001 } : { kind: 'ok' }));
    await s.worker.runOnce();
    assert.equal((await row(s, 'A'))?.state, 'REFUSED');
    assert.equal((await row(s, 'B'))?.state, 'PENDING');
    await s.worker.runOnce();
    assert.equal((await row(s, 'B'))?.state, 'DONE');
  });

  test('a slow peer times out and is retried', async () => {
    s.worker = createDeliveryWorker({
      config: deliveryConfig({ timeoutMs: 200 }),
      store: s.store,
      clientFactory: defaultClientFactory(s.config),
      log: s.logs.log,
      workerId: 'w1',
    });
    let first = true;
    s.receiver.setAnswer(() => {
      if (!first) return { kind: 'ok' };
      first = false;
      return { kind: 'hang' };
    });
    await s.publisher.put('locations', ourLocation());
    assert.deepEqual(await s.worker.runOnce(), { sent: 0, failed: 1, skipped: 0 });
    const failed = await row(s);
    assert.equal(failed?.state, 'PENDING');
    assert.match(failed?.lastError ?? '', /no answer within 200 ms/);
    assert.equal(failed?.attempts, 1);
    await roundsUntil(s, async () => (await row(s))?.state === 'DONE', 'delivered on retry');
    assert.equal(s.receiver.requests.length, 2);
  });

  test('a peer no longer REGISTERED: its rows are forgotten, nothing is sent', async () => {
    await s.publisher.put('locations', ourLocation());
    await s.store.peers.update(s.peer.id, { status: 'UNREGISTERED' });
    assert.deepEqual(await s.worker.runOnce(), { sent: 0, failed: 0, skipped: 1 });
    assert.equal(await row(s), undefined);
    assert.equal(s.receiver.requests.length, 0);
  });

  test('a location unpublished before it was ever sent is withheld from a peer that may not see it', async () => {
    const nsp = await addPeer(s.store, {
      base: s.receiver.base,
      role: 'NSP',
      name: 'nsp',
      party: { country_code: 'FR', party_id: 'NSP' },
    });
    await s.publisher.put('locations', ourLocation());
    await s.publisher.put('locations', { ...ourLocation('LOC1', '2025-01-02T00:00:00Z'), publish: false });
    await s.worker.runOnce();
    // The eMSP gets it (with publish: false); the NSP, which never had it, gets nothing.
    assert.deepEqual(
      s.receiver.requests.map((r) => r.headers['ocpi-to-party-id']),
      ['PEE'],
    );
    const nspRow = await s.store.deliveries.get(nsp.id, 'locations', key());
    assert.equal(nspRow?.state, 'DONE');
  });

  test('start and stop: the loop delivers what is published', async () => {
    s.worker.start();
    await s.publisher.put('locations', ourLocation());
    s.worker.wake();
    await eventually(async () => (await row(s))?.state === 'DONE', 5000, 'delivered by the loop');
    await s.worker.stop();
    await s.publisher.put('locations', ourLocation('AFTER'));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await row(s, 'AFTER'))?.state, 'PENDING', 'a stopped worker sends nothing');
  });
});

describe('delivery worker on 2.1.1', () => {
  test('bodies without owner fields, the raw token, no routing headers', async () => {
    const s = await setup({ version: '2.1.1' });
    try {
      await s.publisher.put('locations', ourLocation());
      await s.worker.runOnce();
      const request = s.receiver.requests[0];
      assert.equal(request?.method, 'PUT');
      assert.equal(request?.path, '/ocpi/locations/NL/RMK/LOC1');
      assert.equal(((request?.body ?? {}) as Json).country_code, undefined);
      assert.equal(request?.headers.authorization, 'Token token-for-emsp');
      assert.equal(request?.headers['ocpi-from-country-code'], undefined);
      await s.publisher.patch('locations', key(), ['3256'], { status: 'CHARGING' });
      await s.worker.runOnce();
      assert.equal(s.receiver.requests[1]?.method, 'PATCH');
      assert.equal(s.receiver.requests[1]?.path, '/ocpi/locations/NL/RMK/LOC1/3256');
      assert.equal(((s.receiver.requests[1]?.body ?? {}) as Json).status, 'CHARGING');
    } finally {
      await s.receiver.close();
      await s.store.close();
    }
  });
});

describe('delivery worker after a crash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roamkit-delivery-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('rows leased by a worker that died come free after the lease and are sent by a new worker', async () => {
    const url = `sqlite:${join(dir, 'node.db')}`;
    const first = openStore(url);
    await first.migrate();
    const s = await setup({ store: first });
    try {
      await s.publisher.put('locations', ourLocation('A'));
      await s.publisher.put('locations', ourLocation('B'));
      // The "crashed" worker claimed both and never acknowledged.
      const claimed = await first.deliveries.claim({
        workerId: 'crashed',
        now: new Date(),
        limit: 10,
        leaseMs: 300,
      });
      assert.equal(claimed.length, 2);
      await first.close();

      const second = openStore(url);
      await second.migrate();
      try {
        const worker = createDeliveryWorker({
          config: s.config,
          store: second,
          clientFactory: defaultClientFactory(s.config),
          log: s.logs.log,
          workerId: 'restarted',
        });
        assert.deepEqual(await worker.runOnce(), { sent: 0, failed: 0, skipped: 0 }, 'still leased');
        await new Promise((r) => setTimeout(r, 320));
        assert.deepEqual(await worker.runOnce(), { sent: 2, failed: 0, skipped: 0 });
        const rows = await second.deliveries.list({ peerId: s.peer.id });
        assert.deepEqual(
          rows.map((r) => r.state),
          ['DONE', 'DONE'],
        );
      } finally {
        await second.close();
      }
    } finally {
      await s.receiver.close();
    }
  });
});
