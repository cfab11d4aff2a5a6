/**
 * Crash safety: a delivery worker in a child process on a SQLite file is SIGKILLed at random
 * points during bursts of changes, and restarted, again and again. At the end the receiver (a
 * scripted OCPI Receiver that applies PUTs and PATCHes as a real one would) holds every location
 * at its latest state, every delivery row is DONE at the latest revision, and no request ever
 * carried an older state than one before it (redeliveries carry current state only).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fromCanonical } from '../../../src/model/index.js';
import { createPublisher } from '../../../src/platform/delivery/publisher.js';
import { openStore } from '../../../src/store/database.js';
import { testConfig } from '../../http/helpers.js';
import { addPeer, CHILD_DELIVERY, eventually, type Json, ourLocation, scriptedReceiver } from './helpers.js';

const CHILD = fileURLToPath(new URL('./worker-child.js', import.meta.url));
const LOCATIONS = 12;
const CYCLES = 6;
const STATUSES = ['AVAILABLE', 'CHARGING', 'BLOCKED', 'OUTOFORDER', 'RESERVED'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;

function startChild(db: string, id: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CHILD], {
    env: {
      ...process.env,
      ROAMKIT_DELIVERY_CHILD_DB: db,
      ROAMKIT_DELIVERY_CHILD_SETTINGS: JSON.stringify(CHILD_DELIVERY),
      ROAMKIT_DELIVERY_CHILD_ID: id,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker child ${id} did not start within 15 s`));
    }, 15_000);
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`worker child ${id} exited (${code ?? signal}) before it was ready`)),
    );
    child.stdout?.once('data', () => {
      clearTimeout(timer);
      resolve(child);
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('delivery worker killed at random points', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roamkit-kill-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('nothing lost, only current state sent, everything DONE in the end', {
    timeout: 120_000,
  }, async (t) => {
    const db = `sqlite:${join(dir, 'node.db')}`;
    const store = openStore(db);
    await store.migrate();
    const receiver = await scriptedReceiver();
    const children: ChildProcess[] = [];
    try {
      const peer = await addPeer(store, { base: receiver.base, name: 'emsp' });
      const publisher = createPublisher({ config: testConfig(), store });
      const ids = Array.from({ length: LOCATIONS }, (_, i) => `L${String(i).padStart(2, '0')}`);
      await publisher.putMany(
        'locations',
        ids.map((id) => ourLocation(id)),
      );

      // The receiver's side: what it holds, and the last_updated of every message per location.
      const held = new Map<string, Json>();
      const stamps = new Map<string, string[]>();
      let puts = 0;
      let patches = 0;
      receiver.setAnswer((r) => {
        const [cc, pid, id, evseUid, connectorId] = r.path.replace('/ocpi/locations/', '').split('/');
        assert.equal(`${cc}/${pid}`, 'NL/RMK');
        const body = r.body as Json;
        const list = stamps.get(id as string) ?? [];
        list.push(String(body.last_updated));
        stamps.set(id as string, list);
        if (r.method === 'PUT' && evseUid === undefined) {
          held.set(id as string, structuredClone(body));
          puts++;
        } else if (r.method === 'PATCH') {
          patches++;
          const location = held.get(id as string);
          if (location === undefined) return { kind: 'status', code: 2003 };
          const evse = (location.evses as Json[]).find((e) => e.uid === evseUid);
          if (evseUid !== undefined && evse === undefined) return { kind: 'status', code: 2003 };
          const connector = (evse?.connectors as Json[] | undefined)?.find((c) => c.id === connectorId);
          const target = connectorId !== undefined ? connector : (evse ?? location);
          if (target === undefined) return { kind: 'status', code: 2003 };
          Object.assign(target, body);
          if (evse !== undefined) evse.last_updated = body.last_updated;
          location.last_updated = body.last_updated;
        } else {
          return { kind: 'status', code: 2000 };
        }
        return { kind: 'ok', delayMs: Math.floor(Math.random() * 15) };
      });

      let changes = 0;
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const child = await startChild(db, `child-${cycle}`);
        children.push(child);
        const burst = 15 + Math.floor(Math.random() * 20);
        for (let i = 0; i < burst; i++) {
          const id = pick(ids);
          const roll = Math.random();
          if (roll < 0.7) {
            await publisher.patch(
              'locations',
              { countryCode: 'NL', partyId: 'RMK', id },
              [pick(['3256', '3257'])],
              {
                status: pick(STATUSES),
              },
            );
          } else if (roll < 0.85) {
            await publisher.patch('locations', { countryCode: 'NL', partyId: 'RMK', id }, [], {
              name: `Name ${cycle}-${i}`,
            });
          } else {
            const current = await store.objects.get('locations', { countryCode: 'NL', partyId: 'RMK', id });
            const doc = structuredClone(current?.data as Json);
            doc.address = `Street ${cycle}-${i}`;
            (doc.evses as Json[]).reverse(); // EVSEs reordered: a PUT
            await publisher.put('locations', doc);
          }
          changes++;
          await sleep(Math.random() * 30);
        }
        await sleep(Math.random() * 80);
        child.kill('SIGKILL');
        await exited(child);
      }

      const last = await startChild(db, 'final');
      children.push(last);
      await eventually(
        async () => (await store.deliveries.list({ state: ['PENDING', 'PARKED', 'REFUSED'] })).length === 0,
        30_000,
        'every delivery DONE',
      );
      last.kill('SIGTERM');
      await exited(last);

      t.diagnostic(`${changes} changes, ${puts} PUTs and ${patches} PATCHes received over ${CYCLES} kills`);
      const rows = await store.deliveries.list({ peerId: peer.id });
      assert.equal(rows.length, LOCATIONS);
      for (const id of ids) {
        const current = await store.objects.get('locations', { countryCode: 'NL', partyId: 'RMK', id });
        assert.ok(current);
        const row = rows.find((r) => r.key.id === id);
        assert.equal(row?.state, 'DONE', id);
        assert.equal(row?.ackedRevision, current.revision, id);
        assert.deepEqual(
          held.get(id),
          fromCanonical('Location', '2.2.1', current.data).value,
          `${id} as the receiver holds it`,
        );
        const sent = stamps.get(id) ?? [];
        for (let i = 1; i < sent.length; i++) {
          assert.ok(
            (sent[i] as string) >= (sent[i - 1] as string),
            `${id}: an older state was sent after a newer one`,
          );
        }
      }
      assert.ok(puts + patches >= LOCATIONS);
    } finally {
      for (const child of children)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await receiver.close();
      await store.close();
    }
  });
});
