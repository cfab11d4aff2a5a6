/**
 * Locations benchmarks (issue 5), each beside a baseline measured in the same run:
 *
 * 1. Sender list: `GET /ocpi/2.2.1/sender/locations?limit=100` (the URL our version details
 *    announce) from a store of 10k seeded locations, with auth, against a bare `node:http` server
 *    sending the same pre-serialised page. Target: at least 60 % of the bare server's rate.
 * 2. Pull sync: a pulling node (a child process, so its peak RSS is its own) pulls every page of
 *    a CPO node's locations into a SQLite file, for 10k and 100k locations; baseline: a child that
 *    only fetches and parses the same pages. Target: 100k under 10 s, RSS flat as N grows.
 * 3. Push fan-out: one location change delivered to 50 peers by the delivery worker (publish,
 *    mark 50 rows, claim, plan, convert, send, acknowledge), repeated; the peers are one bare
 *    receiver that acknowledges everything. Baseline: the same PUTs sent straight with fetch at
 *    the same concurrency (no store, no outbox).
 *
 * Run alone: `node dist/bench/locations.js`; `npm run bench` runs it with the others.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/http/app.js';
import { type NodeConfig, validateNodeConfig } from '../src/platform/config.js';
import { defaultClientFactory } from '../src/platform/credentials.js';
import { createPublisher } from '../src/platform/delivery/publisher.js';
import { createDeliveryWorker } from '../src/platform/delivery/worker.js';
import { silentLogger } from '../src/platform/modules.js';
import { generateSeed } from '../src/platform/seed/index.js';
import { encodeAuthorization } from '../src/protocol/index.js';
import { openStore, type SqlStore } from '../src/store/database.js';
import { hashToken, newToken } from '../src/store/tokens.js';
import type { PutObjectInput } from '../src/store/types.js';
import { type BenchResult, runIfMain } from './harness.js';
import { measureHttp } from './http.js';

const CPO = { country_code: 'NL', party_id: 'RMK' };
const NOW = new Date('2026-11-01T12:00:00Z');
/** The pulling child's V8 old-space cap (MiB): a pull of 100k locations must fit in what 10k needs. */
const CHILD_HEAP_MIB = 96;

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

/** A CPO node on a loopback port: config with its public URL set once the port is known. */
async function startCpo(store: SqlStore, extra: Partial<Record<string, unknown>> = {}) {
  const config = validateNodeConfig({
    publicUrl: 'http://127.0.0.1:1',
    parties: ['NL:RMK:CPO'],
    ...extra,
  });
  const app = buildApp({ config, store, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  config.publicUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { app, config };
}

/** `count` seeded locations of the CPO party stored as ours, in one transaction per 5000. */
async function seedLocations(store: SqlStore, count: number, first = 0): Promise<void> {
  const { locations } = generateSeed({ locations: first + count, seed: 'bench', party: CPO, now: NOW });
  const inputs: PutObjectInput[] = locations.slice(first).map((data) => ({
    module: 'locations',
    key: { countryCode: CPO.country_code, partyId: CPO.party_id, id: data.id },
    peerId: null,
    data: data as unknown as Record<string, unknown>,
    lastUpdated: new Date(data.last_updated),
  }));
  for (let i = 0; i < inputs.length; i += 5000) {
    await store.transaction((tx) => tx.objects.putMany(inputs.slice(i, i + 5000)).then(() => undefined));
  }
}

/** A peer as the handshake leaves it at the CPO: its token authenticates, it plays `role`. */
async function registerIncoming(store: SqlStore, role: string, partyId: string) {
  const token = newToken();
  const peer = await store.peers.create({
    name: `${role} ${partyId}`,
    status: 'REGISTERED',
    incomingTokenHash: hashToken(token),
    outgoingToken: newToken(),
    versionsUrl: 'https://peer.example/ocpi/versions',
    version: '2.2.1',
    roles: [{ role, country_code: 'NL', party_id: partyId, business_details: { name: partyId } }],
  });
  return { token, peer };
}

// ---------------------------------------------------------------------------------------------
// 1. The Sender list GET.

async function senderListBenchmark(): Promise<BenchResult> {
  const store = openStore('sqlite::memory:');
  await store.migrate();
  await seedLocations(store, 10_000);
  const { app, config } = await startCpo(store);
  const { token } = await registerIncoming(store, 'EMSP', 'MSP');
  const headers = { authorization: encodeAuthorization(token, '2.2.1') };
  const path = '/ocpi/2.2.1/sender/locations?limit=100';
  const first = await fetch(`${config.publicUrl}${path}`, { headers });
  const body = Buffer.from(await first.arrayBuffer());
  const envelope = JSON.parse(body.toString()) as { status_code: number; data: unknown[] };
  if (envelope.status_code !== 1000 || envelope.data.length !== 100) {
    throw new Error(`${path}: status ${envelope.status_code}, ${envelope.data?.length} locations`);
  }
  const bare = createServer((_request, response) => {
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': body.length,
    });
    response.end(body);
  });
  const barePort = await listen(bare);
  try {
    const rates = await measureHttp(
      { url: `${config.publicUrl}${path}`, headers },
      { url: `http://127.0.0.1:${barePort}${path}`, headers },
    );
    return {
      name: 'GET 2.2.1 sender/locations?limit=100 of 10k (auth, app)',
      opsPerSec: rates.subject,
      baseline: `bare node:http, same ${Math.round(body.length / 1024)} KiB page`,
      baselineOpsPerSec: rates.baseline,
      ratio: rates.baseline / rates.subject,
    };
  } finally {
    await new Promise((resolve) => bare.close(resolve));
    await app.close();
    await store.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Pull sync, in a child process (bench/sync-child.ts).

interface ChildReport {
  ms: number;
  maxRssMiB: number;
  received: number;
}

function runChild(args: Record<string, string>): Promise<ChildReport> {
  const script = fileURLToPath(new URL('./sync-child.js', import.meta.url));
  return new Promise((resolve, reject) => {
    // A capped old space: a pull whose memory grew with N would fail here instead of just using more.
    const child = fork(script, [JSON.stringify(args)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [`--max-old-space-size=${CHILD_HEAP_MIB}`],
    });
    let report: ChildReport | undefined;
    child.on('message', (message) => {
      report = message as ChildReport;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 && report !== undefined ? resolve(report) : reject(new Error(`sync child exited ${code}`)),
    );
  });
}

export interface SyncFigures {
  count: number;
  sync: ChildReport;
  fetchOnly: ChildReport;
}

export async function pullSyncBenchmark(counts: readonly number[]): Promise<SyncFigures[]> {
  const store = openStore('sqlite::memory:');
  await store.migrate();
  const { app, config } = await startCpo(store, { pagination: { defaultLimit: 1000, maxLimit: 1000 } });
  const { token } = await registerIncoming(store, 'EMSP', 'MSP');
  const out: SyncFigures[] = [];
  let seeded = 0;
  const dir = mkdtempSync(join(tmpdir(), 'roamkit-bench-'));
  try {
    for (const count of counts) {
      await seedLocations(store, count - seeded, seeded);
      seeded = count;
      const args = {
        url: `${config.publicUrl}/ocpi/2.2.1/sender/locations`,
        token,
        db: `sqlite:${join(dir, `pull-${count}.db`)}`,
      };
      const fetchOnly = await runChild({ ...args, mode: 'fetch' });
      const sync = await runChild({ ...args, mode: 'sync' });
      if (sync.received !== count) throw new Error(`pull sync stored ${sync.received} of ${count}`);
      out.push({ count, sync, fetchOnly });
    }
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 3. Push fan-out.

export interface FanOutFigures {
  peers: number;
  changes: number;
  deliveriesPerSec: number;
  baselinePerSec: number;
}

async function fanOutBenchmark(peers = 50, changes = 20): Promise<FanOutFigures> {
  // The receiving side is a bare node:http server that acknowledges every PUT/PATCH (checking it
  // is JSON), one URL per peer: what is measured is our outbox and worker, not a receiver.
  let received = 0;
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString());
      received++;
      const body = `{"status_code":1000,"timestamp":"${new Date().toISOString().slice(0, 19)}Z"}`;
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      response.end(body);
    });
  });
  const port = await listen(receiver);
  const receiverUrl = (i: number) => `http://127.0.0.1:${port}/peer${i}/ocpi/2.2.1/receiver/locations`;

  const cpoStore = openStore('sqlite::memory:');
  await cpoStore.migrate();
  const cpoConfig: NodeConfig = validateNodeConfig({
    publicUrl: 'https://cpo.example',
    parties: ['NL:RMK:CPO'],
    dev: true,
    delivery: { concurrency: 16, pollIntervalMs: 5 },
  });
  const tokens: string[] = [];
  for (let i = 0; i < peers; i++) {
    const token = newToken();
    tokens.push(token);
    await cpoStore.peers.create({
      name: `eMSP ${i}`,
      status: 'REGISTERED',
      incomingTokenHash: hashToken(newToken()),
      outgoingToken: token,
      versionsUrl: `http://127.0.0.1:${port}/peer${i}/ocpi/versions`,
      version: '2.2.1',
      endpoints: [{ identifier: 'locations', role: 'RECEIVER', url: receiverUrl(i) }],
      roles: [
        {
          role: 'EMSP',
          country_code: 'NL',
          party_id: `M${String(i).padStart(2, '0')}`,
          business_details: { name: `eMSP ${i}` },
        },
      ],
    });
  }
  const publisher = createPublisher({ config: cpoConfig, store: cpoStore });
  const worker = createDeliveryWorker({
    config: cpoConfig,
    store: cpoStore,
    clientFactory: defaultClientFactory(cpoConfig),
    log: silentLogger,
  });
  const location = generateSeed({ locations: 1, seed: 'fan-out', party: CPO, now: NOW }).locations[0];
  if (location === undefined) throw new Error('no location generated');
  const doc = location as unknown as Record<string, unknown>;
  const stamp = (second: number) =>
    new Date(NOW.getTime() + second * 1000).toISOString().replace('.000Z', 'Z');
  try {
    const owed = async () =>
      (await cpoStore.deliveries.counts()).filter((c) => c.state !== 'DONE').reduce((n, c) => n + c.count, 0);
    const drain = async () => {
      for (let rounds = 0; (await owed()) > 0; rounds++) {
        if (rounds > 10_000) throw new Error('fan-out did not drain');
        await worker.runOnce();
      }
      const refused = (await cpoStore.deliveries.counts()).filter((c) => c.state !== 'DONE');
      if (refused.length > 0) throw new Error(`fan-out left rows ${JSON.stringify(refused)}`);
    };
    // Warm-up: the first PUT to every peer.
    await publisher.put('locations', { ...doc, last_updated: stamp(0) });
    await drain();
    received = 0;
    const started = performance.now();
    for (let change = 1; change <= changes; change++) {
      await publisher.put('locations', { ...doc, name: `Change ${change}`, last_updated: stamp(change) });
      await drain();
    }
    const deliveriesPerSec = (peers * changes) / ((performance.now() - started) / 1000);
    if (received !== peers * changes) throw new Error(`fan-out: ${received} of ${peers * changes} received`);

    // Baseline: the same PUTs straight from fetch, 16 at a time, no store, no outbox.
    const t0 = performance.now();
    for (let change = 1; change <= changes; change++) {
      const body = JSON.stringify({
        ...doc,
        name: `Direct ${change}`,
        last_updated: stamp(changes + change),
      });
      const queue = tokens.map((token, i) => ({ token, i }));
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
            const response = await fetch(`${receiverUrl(next.i)}/NL/RMK/${String(doc.id)}`, {
              method: 'PUT',
              headers: {
                authorization: encodeAuthorization(next.token, '2.2.1'),
                'content-type': 'application/json',
              },
              body,
            });
            const answer = (await response.json()) as { status_code: number };
            if (answer.status_code !== 1000) throw new Error(`direct PUT answered ${answer.status_code}`);
          }
        }),
      );
    }
    const baselinePerSec = (peers * changes) / ((performance.now() - t0) / 1000);
    return { peers, changes, deliveriesPerSec, baselinePerSec };
  } finally {
    await new Promise((resolve) => receiver.close(resolve));
    await cpoStore.close();
  }
}

export async function runLocationsBenchmarks(): Promise<{ results: BenchResult[]; notes: string[] }> {
  const results: BenchResult[] = [await senderListBenchmark()];
  const notes: string[] = [];
  const syncs = await pullSyncBenchmark([10_000, 100_000]);
  for (const s of syncs) {
    results.push({
      name: `pull sync ${s.count / 1000}k locations (validate, convert, store)`,
      opsPerSec: s.count / (s.sync.ms / 1000),
      baseline: 'fetch + JSON.parse of the same pages',
      baselineOpsPerSec: s.count / (s.fetchOnly.ms / 1000),
      ratio: s.sync.ms / s.fetchOnly.ms,
    });
    notes.push(
      `pull sync ${s.count.toLocaleString('en-US')}: ${(s.sync.ms / 1000).toFixed(1)} s, peak RSS ${s.sync.maxRssMiB.toFixed(0)} MiB ` +
        `(fetch only: ${(s.fetchOnly.ms / 1000).toFixed(1)} s, ${s.fetchOnly.maxRssMiB.toFixed(0)} MiB)`,
    );
  }
  const fan = await fanOutBenchmark();
  results.push({
    name: `push fan-out: 1 change to ${fan.peers} peers, x${fan.changes} (outbox worker)`,
    opsPerSec: fan.deliveriesPerSec,
    baseline: 'the same PUTs sent straight with fetch',
    baselineOpsPerSec: fan.baselinePerSec,
    ratio: fan.baselinePerSec / fan.deliveriesPerSec,
  });
  notes.push('ops/s: requests/s (list GET), locations/s (pull sync), deliveries/s (fan-out).');
  return { results, notes };
}

// `node dist/bench/locations.js` runs these benchmarks alone.
await runIfMain(import.meta.url, runLocationsBenchmarks);
