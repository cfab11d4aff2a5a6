/**
 * End to end with real nodes: a CPO node publishes, its delivery worker pushes to an eMSP node
 * (the Locations and Tariffs Receiver modules behind real HTTP), which stores what it got. Then
 * the eMSP node goes down: the deliveries are parked; it comes back on the same port: the probe
 * succeeds and the current state arrives. In 2.2.1 and in 2.1.1.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/http/app.js';
import { defaultClientFactory } from '../../../src/platform/credentials.js';
import { createPublisher } from '../../../src/platform/delivery/publisher.js';
import { createDeliveryWorker } from '../../../src/platform/delivery/worker.js';
import { silentLogger } from '../../../src/platform/modules.js';
import type { OcpiVersion } from '../../../src/protocol/index.js';
import type { ObjectKey } from '../../../src/store/types.js';
import { sqliteBackend, startNode } from '../../e2e/helpers.js';
import { readExample } from '../../helpers/fixtures.js';
import { eventually, type Json, TEST_DELIVERY_TIMINGS } from './helpers.js';

const CPO = { country_code: 'NL', party_id: 'CPA' };
const SETTINGS = { ...TEST_DELIVERY_TIMINGS, leaseMs: 5000, timeoutMs: 1000 };

const location = (lastUpdated: string): Json => ({
  ...(structuredClone(readExample('2.3.0/location_example.json')) as Json),
  ...CPO,
  last_updated: lastUpdated,
});
const tariff = (): Json => ({
  ...(structuredClone(readExample('2.3.0/tariff_1_simple_2hour.json')) as Json),
  ...CPO,
  last_updated: '2025-01-01T00:00:00Z',
});

async function pair(version: OcpiVersion) {
  const backend = sqliteBackend();
  const cpo = await startNode(backend, { label: 'CPO', versions: [version], parties: ['NL:CPA:CPO'] });
  const emsp = await startNode(backend, { label: 'eMSP', versions: [version], parties: ['DE:EMB:EMSP'] });
  const invite = await cpo.app.platform.credentials.invitePeer({ name: 'eMSP' });
  const atEmsp = await emsp.app.platform.credentials.registerWithPeer({
    versionsUrl: invite.versionsUrl,
    token: invite.token,
    name: 'CPO',
  });
  const publisher = createPublisher({ config: cpo.app.platform.config, store: cpo.store });
  const worker = createDeliveryWorker({
    config: { delivery: SETTINGS },
    store: cpo.store,
    clientFactory: defaultClientFactory(cpo.app.platform.config),
    log: silentLogger,
    workerId: 'e2e',
  });
  return { cpo, emsp, emspPeerAtCpo: invite.peer.id, cpoPeerAtEmsp: atEmsp.id, publisher, worker };
}

const key = (id: string): ObjectKey => ({ countryCode: 'NL', partyId: 'CPA', id });

for (const version of ['2.2.1', '2.1.1'] as OcpiVersion[]) {
  describe(`push delivery between two nodes in ${version}`, () => {
    const cleanup: (() => Promise<unknown>)[] = [];
    after(async () => {
      for (const fn of cleanup.reverse()) await fn();
    });

    test('the eMSP node stores what the CPO publishes; down, parked, back, delivered', {
      timeout: 60_000,
    }, async () => {
      const { cpo, emsp, emspPeerAtCpo, cpoPeerAtEmsp, publisher, worker } = await pair(version);
      let emspApp: FastifyInstance = emsp.app;
      cleanup.push(
        () => cpo.close(),
        () => emspApp.close().then(() => emsp.store.close()),
      );
      worker.start();
      cleanup.push(() => worker.stop());
      const stored = (id: string, module: 'locations' | 'tariffs' = 'locations') =>
        emsp.store.objects.get(module, key(id));
      const row = (id: string, module: 'locations' | 'tariffs' = 'locations') =>
        cpo.store.deliveries.get(emspPeerAtCpo, module, key(id));

      // Published: the eMSP node holds it, as the CPO's peer's object.
      await publisher.put('locations', location('2025-01-01T00:00:00Z'));
      await publisher.put('tariffs', tariff());
      worker.wake();
      await eventually(
        async () => (await row('LOC1'))?.state === 'DONE' && (await row('12', 'tariffs'))?.state === 'DONE',
        10_000,
        'first delivery',
      );
      const first = await stored('LOC1');
      assert.ok(first, 'the eMSP node stored the location');
      assert.equal(first.peerId, cpoPeerAtEmsp);
      assert.equal(first.data.name, 'Gent Zuid');
      assert.equal((await stored('12', 'tariffs'))?.data.currency, 'EUR');

      // An EVSE status change (a PATCH) arrives.
      await publisher.patch('locations', key('LOC1'), ['3256'], {
        status: 'CHARGING',
        last_updated: '2025-01-02T00:00:00Z',
      });
      await eventually(
        async () => ((await stored('LOC1'))?.data.evses as Json[] | undefined)?.[0]?.status === 'CHARGING',
        10_000,
        'EVSE PATCH applied',
      );

      // The eMSP node goes away: retries, then parked.
      await emsp.stop();
      await publisher.patch('locations', key('LOC1'), ['3257'], {
        status: 'AVAILABLE',
        last_updated: '2025-01-03T00:00:00Z',
      });
      await publisher.patch('locations', key('LOC1'), [], {
        name: 'Gent Zuid P+R',
        last_updated: '2025-01-04T00:00:00Z',
      });
      await publisher.remove('tariffs', key('12'));
      await eventually(async () => (await row('LOC1'))?.state === 'PARKED', 10_000, 'parked');

      // Back on the same port: the probe answers, everything goes as current state.
      emspApp = buildApp({ config: emsp.app.platform.config, store: emsp.store, logger: false });
      await emspApp.listen({ host: '127.0.0.1', port: Number(new URL(emsp.url).port) });
      await eventually(
        async () => (await row('LOC1'))?.state === 'DONE' && (await row('12', 'tariffs'))?.state === 'DONE',
        10_000,
        'delivered after the outage',
      );
      const latest = await stored('LOC1');
      assert.equal(latest?.data.name, 'Gent Zuid P+R');
      assert.deepEqual(
        ((latest?.data.evses ?? []) as Json[]).map((e) => e.status),
        ['CHARGING', 'AVAILABLE'],
      );
      assert.equal((await stored('12', 'tariffs'))?.deleted, true, 'the tariff DELETE arrived');
      const ours = await cpo.store.objects.get('locations', key('LOC1'));
      assert.equal((await row('LOC1'))?.ackedRevision, ours?.revision);
    });
  });
}
