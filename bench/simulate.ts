/**
 * Charging simulator benchmark (issue 6): 1,000 concurrent sessions between two real nodes on
 * loopback ports, each on its own SQLite file, in this process.
 *
 * The eMSP (DE:MSP:EMSP) pushes 1,200 tokens to the CPO (NL:CPO:CPO), which has enough seeded
 * EVSEs for every session to run at once. The simulator (src/simulate/) then plays 1,000 drivers
 * arriving within ten simulated minutes (`arrivals: 'burst'`, concurrency 1,000, speed Infinity:
 * no waiting, the platform as fast as it goes, the driver's default 32 steps in flight):
 * authorization (most from the whitelist, a fifth by a real-time call to the eMSP), start, a
 * meter value every 15 simulated minutes, stop with its CDR. The CPO's delivery worker (default
 * settings: 16 requests at a time) pushes Sessions (PUT, then PATCH), EVSE statuses and CDRs to
 * the eMSP while the simulation runs. Tokens refused are counted by reason: only the planned ones
 * (blocked, unknown) should be; a real-time authorization that timed out would show here.
 *
 * Latency, end to end: from the commit of a change at the CPO (the charging-sessions call
 * returned: the publisher committed the Session and its delivery rows) to the eMSP having stored
 * it (its receiver committed and is answering 1000: a Fastify onSend hook on the eMSP, added
 * before it listens). The worker sends the current state of an object, so several changes of a
 * Session made while one message is on its way go together in the next; a Session change counts
 * as delivered when the eMSP stores a message of that Session with the change's last_updated or a
 * later one (each state of a Session has its own simulated last_updated; the start and the first
 * meter value share one, and count once, from the first commit). A CDR: from the commit of the
 * stop (Session COMPLETED and CDR in one transaction) to the eMSP storing the POST.
 *
 * Baseline, same run: as many Session PUTs as there were Session states, sent blind with fetch,
 * 16 at a time (the worker's concurrency), straight to the same eMSP receiver: no CPO store, no
 * outbox, no planning or conversion. Its latency is one request's round trip.
 *
 * Run alone: `node dist/bench/simulate.js`.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/http/app.js';
import { fromCanonical } from '../src/model/index.js';
import { validateNodeConfig } from '../src/platform/config.js';
import { generateSeed } from '../src/platform/seed/index.js';
import { encodeAuthorization, formatDateTime } from '../src/protocol/index.js';
import { runSimulation, type SimulationSummary } from '../src/simulate/driver.js';
import { evsesOfLocations } from '../src/simulate/scenario.js';
import { openStore, type SqlStore } from '../src/store/database.js';
import type { BenchResult } from './harness.js';

type Json = Record<string, unknown>;

const CPO = { country_code: 'NL', party_id: 'CPO' };
const EMSP = { country_code: 'DE', party_id: 'MSP' };

export interface SimulateBenchOptions {
  /** Drivers, all at once (default 1000). */
  sessions?: number;
  /** Simulated minutes between meter values (default 15). */
  sampleMinutes?: number;
  /** Tokens the eMSP pushes (default 1.2 × sessions). */
  tokens?: number;
  /** The driver's steps in flight (default: the driver's). */
  inFlight?: number;
}

interface Node {
  app: FastifyInstance;
  store: SqlStore;
  url: string;
}

async function startNode(
  db: string,
  parties: string[],
  onStored?: (request: StoredRequest) => void,
): Promise<Node> {
  const store = openStore(db);
  await store.migrate();
  const config = validateNodeConfig({ publicUrl: 'http://127.0.0.1:1', parties, versions: ['2.3.0'] });
  const app = buildApp({ config, store, logger: false });
  if (onStored !== undefined) {
    // Called as the answer goes out: the receiver has committed what it stored.
    app.addHook('onSend', async (request, _reply, payload) => {
      if (typeof payload === 'string' && payload.includes('"status_code":1000')) {
        onStored({ method: request.method, url: request.url, body: request.body });
      }
      return payload;
    });
  }
  await app.listen({ host: '127.0.0.1', port: 0 });
  config.publicUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { app, store, url: config.publicUrl };
}

interface StoredRequest {
  method: string;
  url: string;
  body: unknown;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);

const sortedCopy = (values: readonly number[]) => [...values].sort((a, b) => a - b);

async function until(what: string, check: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench simulate: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const owedBy = async (store: SqlStore) =>
  (await store.deliveries.counts()).filter((c) => c.state !== 'DONE').reduce((n, c) => n + c.count, 0);

function token(i: number): Json {
  const uid = `BENCH${String(i).padStart(6, '0')}`;
  // A fifth asked in real time (NEVER); one in fifty blocked.
  const whitelist = i % 5 === 0 ? 'NEVER' : i % 5 === 1 ? 'ALWAYS' : 'ALLOWED';
  return {
    ...EMSP,
    uid,
    type: 'RFID',
    contract_id: `DE-MSP-C${String(i).padStart(8, '0')}`,
    issuer: 'MSP Mobility',
    valid: i % 50 !== 49,
    whitelist,
    last_updated: formatDateTime(new Date(Date.now() - 86_400_000)),
  };
}

export interface SimulateFigures {
  summary: SimulationSummary;
  /** Why tokens were refused, with how many. */
  refusals: Record<string, number>;
  /** Distinct Session states published, and how many Session messages the eMSP stored. */
  sessionStates: number;
  sessionMessages: number;
  cdrs: number;
  /** ms: from the simulation's start to its last call returning, and to the last delivery stored. */
  simulateMs: number;
  endToEndMs: number;
  sessionLatency: { p50: number; p99: number; max: number };
  cdrLatency: { p50: number; p99: number; max: number };
  blind: { requests: number; ms: number; p50: number; p99: number };
}

export async function simulateBenchmark(options: SimulateBenchOptions = {}): Promise<SimulateFigures> {
  const sessions = options.sessions ?? 1000;
  const sampleMinutes = options.sampleMinutes ?? 15;
  const tokenCount = options.tokens ?? Math.ceil(sessions * 1.2);
  const dir = mkdtempSync(join(tmpdir(), 'roamkit-bench-simulate-'));

  // What the eMSP stored, as its receiver answered: Session states by id, CDRs by id.
  const pendingStates = new Map<string, { lastUpdated: number; at: number }[]>();
  const pendingCdrs = new Map<string, number>();
  const sessionLatencies: number[] = [];
  const cdrLatencies: number[] = [];
  let sessionMessages = 0;
  let lastStored = 0;
  let measuring = false;
  const onStored = (request: StoredRequest) => {
    if (!measuring) return;
    const now = performance.now();
    const path = request.url.split('?')[0] ?? '';
    const body = (request.body ?? {}) as Json;
    if (path.includes('/receiver/sessions/')) {
      sessionMessages++;
      const id = decodeURIComponent(path.split('/').pop() ?? '');
      const stamp = Date.parse(String(body.last_updated));
      const waiting = pendingStates.get(id) ?? [];
      const left = waiting.filter((w) => {
        if (w.lastUpdated > stamp) return true;
        sessionLatencies.push(now - w.at);
        return false;
      });
      pendingStates.set(id, left);
      lastStored = now;
    } else if (request.method === 'POST' && path.endsWith('/receiver/cdrs')) {
      const published = pendingCdrs.get(String(body.id));
      if (published !== undefined) {
        cdrLatencies.push(now - published);
        pendingCdrs.delete(String(body.id));
        lastStored = now;
      }
    }
  };

  const cpo = await startNode(`sqlite:${join(dir, 'cpo.db')}`, ['NL:CPO:CPO']);
  const emsp = await startNode(`sqlite:${join(dir, 'emsp.db')}`, ['DE:MSP:EMSP'], onStored);
  try {
    const invite = await cpo.app.platform.credentials.invitePeer({ name: 'eMSP' });
    await emsp.app.platform.credentials.registerWithPeer({
      versionsUrl: invite.versionsUrl,
      token: invite.token,
      name: 'CPO',
    });
    const emspAtCpo = await cpo.store.peers.findById(invite.peer.id);
    if (emspAtCpo?.outgoingToken == null) throw new Error('the handshake did not complete');
    cpo.app.platform.delivery.start();
    emsp.app.platform.delivery.start();

    // Enough EVSEs for every session at once (a tenth more: some EVSEs are out of order).
    let count = Math.ceil(sessions / 3);
    let seed = generateSeed({
      locations: count,
      seed: 'bench-simulate',
      party: CPO,
      now: new Date(),
      tariffs: 4,
    });
    while (evsesOfLocations(seed.locations as unknown as Json[]).length < sessions * 1.1) {
      count = Math.ceil(count * 1.3);
      seed = generateSeed({
        locations: count,
        seed: 'bench-simulate',
        party: CPO,
        now: new Date(),
        tariffs: 4,
      });
    }
    await cpo.app.platform.publisher.putAll([
      { module: 'tariffs', documents: seed.tariffs as unknown as Json[] },
      { module: 'locations', documents: seed.locations as unknown as Json[] },
    ]);
    await emsp.app.platform.publisher.putMany(
      'tokens',
      Array.from({ length: tokenCount }, (_, i) => token(i)),
    );
    await until(
      'the tokens at the CPO',
      async () => (await cpo.store.objects.count({ module: 'tokens', peerId: emspAtCpo.id })) === tokenCount,
      60_000,
    );
    await until('the locations at the eMSP', async () => (await owedBy(cpo.store)) === 0, 60_000);

    // The simulation, measured.
    const statesSeen = new Map<string, Set<number>>();
    let sessionStates = 0;
    const published = (sessionId: string, at: Date) => {
      const stamp = at.getTime();
      const seen = statesSeen.get(sessionId) ?? new Set<number>();
      statesSeen.set(sessionId, seen);
      if (seen.has(stamp)) return; // the same state (start and first meter value): its first commit counts
      seen.add(stamp);
      sessionStates++;
      const list = pendingStates.get(sessionId) ?? [];
      list.push({ lastUpdated: stamp, at: performance.now() });
      pendingStates.set(sessionId, list);
    };
    const refusals = new Map<string, number>();
    measuring = true;
    const t0 = performance.now();
    const summary = await runSimulation(cpo.app.platform, {
      sessions,
      concurrency: sessions,
      seed: 'bench',
      speed: Number.POSITIVE_INFINITY,
      sampleMinutes,
      arrivals: 'burst',
      refusedShare: 0.02,
      ...(options.inFlight === undefined ? {} : { inFlight: options.inFlight }),
      onEvent: (event) => {
        if (event.type === 'refused') {
          const why = event.reason.replace(/BENCH\d+|UNKNOWN\d+/g, 'X');
          refusals.set(why, (refusals.get(why) ?? 0) + 1);
        }
        if (event.type === 'started' || event.type === 'meter') published(event.sessionId, event.at);
        else if (event.type === 'stopped') {
          published(event.sessionId, event.at);
          pendingCdrs.set(String(event.cdr.id), performance.now());
        }
      },
    });
    const simulateMs = performance.now() - t0;
    if (summary.failed > 0)
      throw new Error(`bench simulate: ${summary.failed} steps failed: ${summary.errors[0]}`);
    await until(
      'every Session state and CDR at the eMSP',
      () => pendingCdrs.size === 0 && [...pendingStates.values()].every((list) => list.length === 0),
      120_000,
    );
    measuring = false;
    const endToEndMs = lastStored - t0;

    // Baseline: the same number of Session PUTs, blind, 16 at a time, to the same receiver.
    const url = emspAtCpo.endpoints.find((e) => e.identifier === 'sessions' && e.role === 'RECEIVER')?.url;
    if (url === undefined) throw new Error('the eMSP has no Sessions Receiver');
    const finals = (
      await cpo.store.objects.list({ module: 'sessions', peerId: null }, { offset: 0, limit: sessions })
    ).map((r) => r.data);
    const headers = {
      authorization: encodeAuthorization(emspAtCpo.outgoingToken, '2.3.0'),
      'content-type': 'application/json',
    };
    const concurrency = cpo.app.platform.config.delivery.concurrency;
    const jobs = Array.from({ length: sessionStates }, (_, i) => i);
    const blindLatencies: number[] = [];
    const b0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = jobs.shift(); i !== undefined; i = jobs.shift()) {
          const source = finals[i % finals.length] as Json;
          const id = `B${String(i % finals.length).padStart(6, '0')}`;
          const body = fromCanonical('Session', '2.3.0', {
            ...source,
            id,
            last_updated: formatDateTime(new Date(Date.parse(String(source.last_updated)) + i * 1000)),
          }).value;
          const started = performance.now();
          const response = await fetch(`${url}/NL/CPO/${id}`, {
            method: 'PUT',
            headers,
            body: JSON.stringify(body),
          });
          const answer = (await response.json()) as { status_code: number };
          if (answer.status_code !== 1000) throw new Error(`blind PUT answered ${answer.status_code}`);
          blindLatencies.push(performance.now() - started);
        }
      }),
    );
    const blindMs = performance.now() - b0;

    const s = sortedCopy(sessionLatencies);
    const c = sortedCopy(cdrLatencies);
    const b = sortedCopy(blindLatencies);
    return {
      summary,
      refusals: Object.fromEntries(refusals),
      sessionStates,
      sessionMessages,
      cdrs: cdrLatencies.length,
      simulateMs,
      endToEndMs,
      sessionLatency: { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? Number.NaN },
      cdrLatency: { p50: percentile(c, 50), p99: percentile(c, 99), max: c[c.length - 1] ?? Number.NaN },
      blind: { requests: blindLatencies.length, ms: blindMs, p50: percentile(b, 50), p99: percentile(b, 99) },
    };
  } finally {
    await Promise.all([cpo.app.platform.delivery.stop(), emsp.app.platform.delivery.stop()]);
    await Promise.all([cpo.app.close(), emsp.app.close()]);
    await Promise.all([cpo.store.close(), emsp.store.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

export async function runSimulateBenchmarks(
  options: SimulateBenchOptions = {},
): Promise<{ results: BenchResult[]; notes: string[] }> {
  const f = await simulateBenchmark(options);
  const perSecond = (count: number, time: number) => count / (time / 1000);
  const results: BenchResult[] = [
    {
      name: `simulate ${f.summary.planned} concurrent sessions: Session states delivered to the eMSP`,
      opsPerSec: perSecond(f.sessionStates, f.endToEndMs),
      baseline: 'the same number of Session PUTs sent blind with fetch',
      baselineOpsPerSec: perSecond(f.blind.requests, f.blind.ms),
      ratio: perSecond(f.blind.requests, f.blind.ms) / perSecond(f.sessionStates, f.endToEndMs),
    },
  ];
  const refused = { blocked: 0, unknown: 0, other: 0 };
  for (const [reason, n] of Object.entries(f.refusals)) {
    if (/BLOCKED|valid=false/.test(reason)) refused.blocked += n;
    else if (/does not know/.test(reason)) refused.unknown += n;
    else refused.other += n;
  }
  const notes = [
    `simulate: ${f.summary.sessions} sessions (tokens refused: ${refused.blocked} blocked, ${refused.unknown} unknown, ` +
      `${refused.other} other), ${f.sessionStates} Session states, ` +
      `${f.cdrs} CDRs, ${f.summary.kwh.toFixed(0)} kWh; simulation ${(f.simulateMs / 1000).toFixed(1)} s, ` +
      `everything at the eMSP after ${(f.endToEndMs / 1000).toFixed(1)} s ` +
      `(${perSecond(f.summary.sessions, f.endToEndMs).toFixed(0)} sessions/s end to end); ` +
      `${f.sessionMessages} Session messages carried them (the worker sends current state).`,
    `simulate latency, commit at the CPO to stored at the eMSP: Session states p50 ${ms(f.sessionLatency.p50)}, ` +
      `p99 ${ms(f.sessionLatency.p99)} (max ${ms(f.sessionLatency.max)}); CDRs p50 ${ms(f.cdrLatency.p50)}, ` +
      `p99 ${ms(f.cdrLatency.p99)}; blind PUT round trip p50 ${ms(f.blind.p50)}, p99 ${ms(f.blind.p99)}.`,
  ];
  return { results, notes };
}

const invokedDirectly =
  process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { formatResults } = await import('./harness.js');
  const started = performance.now();
  const { results, notes } = await runSimulateBenchmarks();
  console.log(formatResults(results));
  for (const note of notes) console.log(note);
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s in all)`);
}
