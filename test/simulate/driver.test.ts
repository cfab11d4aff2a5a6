/**
 * The simulator's driver (src/simulate/driver.ts) against a recording stand-in for
 * platform.chargingSessions, on a store holding a CPO's seeded locations and an eMSP's tokens:
 * each session's steps in order at past simulated times (a minute before now at the latest); one
 * session at a time per EVSE; never more than `concurrency` steps in flight; refused tokens start
 * nothing; a failing step ends its session only; `speed` paces the run in real time; the ids are
 * deterministic and a seed run before takes the next run number.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeterSample } from '../../src/charging/index.js';
import type {
  ChargePoint,
  ChargingSessions,
  PresentedToken,
} from '../../src/platform/charging-sessions/index.js';
import { validateNodeConfig } from '../../src/platform/config.js';
import { tokenObjectId } from '../../src/platform/object-modules.js';
import type { Platform } from '../../src/platform/platform.js';
import { generateSeed } from '../../src/platform/seed/index.js';
import {
  runSimulation,
  type SimulationEvent,
  type SimulationOptions,
  simulatedSessionId,
} from '../../src/simulate/driver.js';
import { openStore, type SqlStore } from '../../src/store/database.js';

type Json = Record<string, unknown>;

const CONFIG = validateNodeConfig({ publicUrl: 'http://127.0.0.1:1', parties: ['NL:CPO:CPO'] });
const NOW = new Date('2026-11-25T12:00:00Z');

interface Call {
  kind: 'authorize' | 'start' | 'meter' | 'stop';
  sessionId?: string;
  evse: string;
  when: Date;
  sample?: MeterSample;
  uid?: string;
}

/** A stand-in for the CPO's charging sessions: records every call, takes a little (real) time for each. */
function recorder(options: { failMeter?: (sessionId: string, n: number) => boolean } = {}) {
  const calls: Call[] = [];
  const where = new Map<string, string>();
  const meters = new Map<string, MeterSample[]>();
  let inFlight = 0;
  let maxInFlight = 0;
  const busy = async <T>(fn: () => T): Promise<T> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
      return fn();
    } finally {
      inFlight--;
    }
  };
  const evseOf = (at: ChargePoint) => `${at.location.id}/${at.evseUid}`;
  const sessions: ChargingSessions = {
    authorize: (token: PresentedToken, at: ChargePoint, when = new Date()) =>
      busy(() => {
        calls.push({ kind: 'authorize', evse: evseOf(at), when: when as Date, uid: token.uid });
        const authorized = !token.uid.startsWith('UNKNOWN') && !token.uid.startsWith('B');
        return {
          decision: {
            authorized,
            source: 'whitelist' as const,
            reason: authorized ? 'ok' : 'refused',
            decided_at: '',
          },
          cdrToken: {
            country_code: 'DE',
            party_id: 'MSP',
            uid: token.uid,
            type: token.type,
            contract_id: 'X',
          },
        };
      }),
    start: ({ at, when, id }) =>
      busy(() => {
        const sessionId = id as string;
        where.set(sessionId, evseOf(at));
        meters.set(sessionId, []);
        calls.push({ kind: 'start', sessionId, evse: evseOf(at), when: when as Date });
        return sessionId;
      }),
    meter: (sessionId: string, sample: MeterSample) =>
      busy(() => {
        const list = meters.get(sessionId) as MeterSample[];
        list.push(sample);
        if (options.failMeter?.(sessionId, list.length)) throw new Error('the meter broke');
        calls.push({
          kind: 'meter',
          sessionId,
          evse: where.get(sessionId) as string,
          when: sample.time,
          sample,
        });
      }),
    stop: (sessionId: string, when = new Date()) =>
      busy(() => {
        calls.push({ kind: 'stop', sessionId, evse: where.get(sessionId) as string, when: when as Date });
        const last = meters.get(sessionId)?.at(-1);
        return {
          session: { id: sessionId, start_date_time: 'x' },
          cdr: {
            id: sessionId,
            total_energy: last?.energyKwh ?? 0,
            total_cost: { before_taxes: 2.5 },
            currency: 'EUR',
          },
        };
      }),
    correct: () => Promise.reject(new Error('not used')),
    running: () => [],
  };
  return { sessions, calls, maxInFlight: () => maxInFlight };
}

let store: SqlStore;
before(async () => {
  store = openStore('sqlite::memory:');
  await store.migrate();
  const seed = generateSeed({
    locations: 8,
    seed: 'driver-test',
    party: { country_code: 'NL', party_id: 'CPO' },
    now: new Date('2026-11-01T00:00:00Z'),
  });
  for (const location of seed.locations) {
    await store.objects.put({
      module: 'locations',
      key: { countryCode: 'NL', partyId: 'CPO', id: location.id },
      peerId: null,
      data: location as unknown as Json,
      lastUpdated: new Date(location.last_updated),
    });
  }
  const peer = await store.peers.create({
    name: 'eMSP',
    status: 'REGISTERED',
    roles: [{ role: 'EMSP', country_code: 'DE', party_id: 'MSP', business_details: { name: 'MSP' } }],
  });
  for (let i = 0; i < 12; i++) {
    const uid = i === 11 ? 'B0000011' : `T${String(i).padStart(7, '0')}`;
    await store.objects.put({
      module: 'tokens',
      key: { countryCode: 'DE', partyId: 'MSP', id: tokenObjectId(uid, 'RFID') },
      peerId: peer.id,
      data: { country_code: 'DE', party_id: 'MSP', uid, type: 'RFID', valid: i !== 11, whitelist: 'ALWAYS' },
      lastUpdated: NOW,
    });
  }
});
after(() => store.close());

const platformWith = (sessions: ChargingSessions) =>
  ({ config: CONFIG, store, chargingSessions: sessions }) as unknown as Pick<
    Platform,
    'config' | 'store' | 'chargingSessions'
  >;

/** A run at NOW that never waits (speed Infinity), refusing nobody unless told. */
const unpaced = (options: Omit<SimulationOptions, 'speed' | 'now'>): SimulationOptions => ({
  refusedShare: 0,
  ...options,
  speed: Number.POSITIVE_INFINITY,
  now: () => NOW,
});

describe('runSimulation', () => {
  test('each session in order at past times, one per EVSE at a time, at most C steps in flight', async () => {
    const fake = recorder();
    const events: SimulationEvent[] = [];
    const run = unpaced({
      sessions: 40,
      concurrency: 4,
      seed: 'driver',
      sampleMinutes: 10,
      refusedShare: 0.15,
    });
    const summary = await runSimulation(platformWith(fake.sessions), {
      ...run,
      onEvent: (e) => events.push(e),
    });
    const { calls } = fake;
    assert.equal(summary.planned, 40);
    assert.equal(summary.authorized + summary.refused, 40);
    assert.ok(summary.refused >= 2, `refused ${summary.refused}`);
    assert.equal(calls.filter((c) => c.kind === 'authorize').length, 40);
    assert.equal(calls.filter((c) => c.kind === 'start').length, summary.sessions);
    assert.equal(summary.sessions, summary.authorized);
    assert.equal(calls.filter((c) => c.kind === 'stop').length, summary.cdrs);
    assert.equal(summary.cdrs, summary.sessions);
    assert.equal(summary.failed, 0);
    assert.equal(calls.filter((c) => c.kind === 'meter').length, summary.meterValues);
    assert.ok(fake.maxInFlight() <= 4, `in flight ${fake.maxInFlight()}`);
    assert.ok(fake.maxInFlight() >= 2, 'steps of different EVSEs overlap');

    // Refused tokens (blocked or unknown) start nothing.
    const refusedUids = calls.filter((c) => c.kind === 'authorize' && /^(UNKNOWN|B)/.test(c.uid ?? ''));
    assert.equal(refusedUids.length, summary.refused);

    // Each session: start, meter values (the first at the start with 0 kWh), stop; times in order.
    const ids = [...new Set(calls.filter((c) => c.sessionId).map((c) => c.sessionId as string))];
    for (const id of ids) {
      const own = calls.filter((c) => c.sessionId === id);
      assert.equal(own[0]?.kind, 'start');
      assert.equal(own.at(-1)?.kind, 'stop');
      assert.ok(own.slice(1, -1).every((c) => c.kind === 'meter'));
      assert.equal(own[1]?.when.getTime(), own[0]?.when.getTime());
      assert.equal(own[1]?.sample?.energyKwh, 0);
      for (let i = 1; i < own.length; i++) {
        assert.ok((own[i] as Call).when >= (own[i - 1] as Call).when);
      }
      assert.match(id, /^SIM-[0-9a-f]{8}-0-\d{6}$/);
    }
    // One session at a time per EVSE, in the order the calls were made.
    const open = new Map<string, string>();
    for (const c of calls) {
      if (c.kind === 'start') {
        assert.equal(open.get(c.evse), undefined, `EVSE ${c.evse} still busy`);
        open.set(c.evse, c.sessionId as string);
      } else if (c.kind === 'stop') open.delete(c.evse);
    }
    // All in the past: the last stop a minute before now, within the day before that.
    const latest = Math.max(...calls.map((c) => c.when.getTime()));
    assert.ok(latest <= NOW.getTime() - 60_000);
    assert.ok(latest > NOW.getTime() - 60_000 - 86_400_000);
    assert.equal(summary.to.getTime(), latest);
    assert.equal(summary.kwh, Math.round(summary.completed.reduce((s, c) => s + c.kwh, 0) * 1000) / 1000);
    assert.deepEqual(summary.revenue, { EUR: 2.5 * summary.cdrs });
    assert.deepEqual(
      summary.completed.map((c) => c.sessionId),
      [...summary.completed.map((c) => c.sessionId)].sort(),
    );
    // Events: planned first, then one per step.
    assert.equal(events[0]?.type, 'planned');
    assert.equal(events.filter((e) => e.type === 'stopped').length, summary.cdrs);
    assert.equal(events.filter((e) => e.type === 'refused').length, summary.refused);

    // The same seed again: the same plan (ids, EVSEs, energies) at the same times.
    const again = recorder();
    await runSimulation(platformWith(again.sessions), run);
    const plan = (list: Call[]) =>
      list
        .map(
          (c) =>
            `${c.kind} ${c.sessionId ?? c.uid} ${c.evse} ${c.when.toISOString()} ${c.sample?.energyKwh ?? ''}`,
        )
        .sort();
    assert.deepEqual(plan(again.calls), plan(calls));
  });

  test('a failing step ends its own session only', async () => {
    let victim: string | undefined;
    const fake = recorder({
      failMeter: (id, n) => {
        victim ??= n === 3 ? id : undefined;
        return id === victim;
      },
    });
    const errors: SimulationEvent[] = [];
    const summary = await runSimulation(platformWith(fake.sessions), {
      ...unpaced({ sessions: 10, concurrency: 3, seed: 'failing' }),
      onEvent: (e) => {
        if (e.type === 'error') errors.push(e);
      },
    });
    assert.ok(victim);
    assert.equal(summary.failed, 1);
    assert.equal(errors.length, 1);
    assert.match(summary.errors[0] ?? '', new RegExp(`meter ${victim}: the meter broke`));
    assert.equal(summary.cdrs, summary.sessions - 1);
    assert.ok(!fake.calls.some((c) => c.kind === 'stop' && c.sessionId === victim));
  });

  test('speed: the run takes simulated time / speed in real time; Infinity never waits', async () => {
    const options = {
      sessions: 8,
      concurrency: 2,
      seed: 'paced',
      refusedShare: 0,
      now: () => NOW,
    };
    const none: number[] = [];
    const unpaced = await runSimulation(platformWith(recorder().sessions), {
      ...options,
      speed: Number.POSITIVE_INFINITY,
      sleep: async (ms) => {
        none.push(ms);
      },
    });
    assert.deepEqual(none, []);
    // The same plan at a speed that makes it last 600 ms.
    const span = unpaced.to.getTime() - unpaced.from.getTime();
    const paced = await runSimulation(platformWith(recorder().sessions), { ...options, speed: span / 600 });
    assert.deepEqual(paced.to, unpaced.to);
    assert.ok(paced.realMs >= 595 && paced.realMs < 2000, `${paced.realMs} ms`);
  });

  test('ids: run 0 on a node that never ran the seed, the next run once its first session is stored', async () => {
    const fake = recorder();
    const run = unpaced({ sessions: 3, concurrency: 1, seed: 'runs' });
    const first = await runSimulation(platformWith(fake.sessions), run);
    assert.equal(first.run, 0);
    assert.equal(first.completed[0]?.sessionId, simulatedSessionId('runs', 0, 0));
    await store.objects.put({
      module: 'sessions',
      key: { countryCode: 'NL', partyId: 'CPO', id: simulatedSessionId('runs', 0, 0) },
      peerId: null,
      data: { id: simulatedSessionId('runs', 0, 0) },
      lastUpdated: NOW,
    });
    const second = await runSimulation(platformWith(recorder().sessions), run);
    assert.equal(second.run, 1);
    assert.equal(second.completed[0]?.sessionId, simulatedSessionId('runs', 1, 0));
  });
});
