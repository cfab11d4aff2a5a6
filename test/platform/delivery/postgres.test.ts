/**
 * Two delivery workers (two stores, two workerIds) sharing one PostgreSQL schema while 200
 * changes are published: the receiver never gets one object's state twice, and ends with every
 * object's latest state. Skipped with one line when no PostgreSQL answers, unless CI=true.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { defaultClientFactory } from '../../../src/platform/credentials.js';
import { createPublisher } from '../../../src/platform/delivery/publisher.js';
import { createDeliveryWorker } from '../../../src/platform/delivery/worker.js';
import { silentLogger } from '../../../src/platform/modules.js';
import { openStore, type SqlStore } from '../../../src/store/database.js';
import { dropTestSchemas, newTestSchema, pgTestUrl, whenPostgres } from '../../store/targets.js';
import { addPeer, deliveryConfig, eventually, type Json, ourLocation, scriptedReceiver } from './helpers.js';

const OBJECTS = 20;
const CHANGES = 200;

await whenPostgres('delivery workers on PostgreSQL', 'PostgreSQL delivery tests skipped', () => {
  describe('two delivery workers on one PostgreSQL schema', () => {
    const schema = newTestSchema('delivery');
    const stores: SqlStore[] = [];
    after(async () => {
      for (const store of stores) await store.close();
      await dropTestSchemas([schema]);
    });

    it('200 changes: each state received at most once, the latest of every object received', {
      timeout: 60_000,
    }, async (t) => {
      const first = openStore(pgTestUrl, { schema, poolSize: 4 });
      stores.push(first);
      await first.migrate();
      const second = openStore(pgTestUrl, { schema, poolSize: 4 });
      stores.push(second);
      const receiver = await scriptedReceiver();
      const received: string[] = [];
      receiver.setAnswer((r) => {
        const id = r.path.split('/')[5];
        received.push(`${id} ${String((r.body as Json).name)}`);
        return { kind: 'ok', delayMs: Math.floor(Math.random() * 5) };
      });
      const config = deliveryConfig({ leaseMs: 30_000, concurrency: 4, pollIntervalMs: 5 });
      await addPeer(first, { base: receiver.base, name: 'emsp' });
      const workers = [first, second].map((store, i) =>
        createDeliveryWorker({
          config,
          store,
          clientFactory: defaultClientFactory(config),
          log: silentLogger,
          workerId: `pg-worker-${i + 1}`,
        }),
      );
      try {
        for (const worker of workers) worker.start();
        const publishers = [first, second].map((store) => createPublisher({ config, store }));
        const latest = new Map<string, string>();
        const base = Date.parse('2025-01-01T00:00:00Z');
        for (let n = 0; n < CHANGES; n++) {
          const id = `P${String(n % OBJECTS).padStart(2, '0')}`;
          const name = `state ${n}`;
          const doc = {
            ...ourLocation(id, new Date(base + n * 1000).toISOString().replace('.000', '')),
            name,
          };
          await (publishers[n % 2] as (typeof publishers)[number]).put('locations', doc);
          latest.set(id, name);
          if (n % 10 === 0) await new Promise((r) => setTimeout(r, 5));
        }
        await eventually(
          async () => (await first.deliveries.list({ state: ['PENDING', 'PARKED', 'REFUSED'] })).length === 0,
          30_000,
          'every delivery DONE',
        );
        t.diagnostic(`${CHANGES} changes, ${received.length} messages received`);
        const duplicates = received.filter((entry, i) => received.indexOf(entry) !== i);
        assert.deepEqual(duplicates, [], 'a state was received twice');
        for (const [id, name] of latest)
          assert.ok(received.includes(`${id} ${name}`), `${id}: latest state missing`);
        const rows = await first.deliveries.list({});
        assert.equal(rows.length, OBJECTS);
        assert.ok(rows.every((r) => r.state === 'DONE' && r.ackedRevision === r.pendingRevision));
      } finally {
        for (const worker of workers) await worker.stop();
        await receiver.close();
      }
    });
  });
});
