/**
 * Receiver (eMSP side) benchmarks, each beside baselines measured in the same run, on a SQLite file
 * (the embedded default) and on PostgreSQL (skipped, with a note, when it does not answer):
 *
 * 1. CDR ingest: distinct 2.2.1 CDRs POSTed by a registered CPO peer to the real node's CDRs
 *    Receiver (`/ocpi/2.2.1/receiver/cdrs`), from 8 concurrent clients. A CDR counts once its POST
 *    is answered, and the handler answers after its transaction committed; at the end the CDRs
 *    are counted through a second connection, which sees only committed rows. Baselines: the same
 *    POSTs to a bare `node:http` server that parses the JSON body and answers a fixed envelope (no
 *    storage), and a `store.objects.put` loop, 8 at a time, on the same database (no HTTP, no
 *    validation or conversion). Interleaved rounds (app, bare, put, app, …).
 * 2. Session PATCH: 8 Sessions PUT once, then each PATCHed in order (kwh, total_cost, one new
 *    charging period, a later last_updated) at `{country_code}/{party_id}/{session_id}`, one
 *    client per Session. 2.2.1+ PATCH appends charging periods, so each Session grows by one
 *    period per PATCH: the rate over each Session's first PATCHes is compared with its last.
 *    Baseline: the same PATCHes to the bare server, in chunks alternating with the node's.
 *
 * The load comes from a worker thread (bench/receiver-client.ts), so the node keeps the main
 * thread to itself. PostgreSQL: ROAMKIT_BENCH_PG_URL or postgres://postgres@127.0.0.1:5432/postgres,
 * in a schema of its own, dropped afterwards. Run alone: `node dist/bench/receiver.js` (~1 min).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { buildApp } from '../src/http/app.js';
import { toCanonical } from '../src/model/index.js';
import { validateNodeConfig } from '../src/platform/config.js';
import { encodeAuthorization } from '../src/protocol/index.js';
import { openStore, type SqlStore } from '../src/store/database.js';
import { hashToken, newToken } from '../src/store/tokens.js';
import { examplesRoot } from '../test/helpers/fixtures.js';
import { type BenchResult, runIfMain } from './harness.js';
import { type ClientJob, type ClientReport, sessionPatch } from './receiver-client.js';

type Json = Record<string, unknown>;

const PG_URL = process.env.ROAMKIT_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The CPO peer that sends, and the eMSP party this node hosts (the CDRs' and Sessions' token owner). */
const CPO = { country_code: 'NL', party_id: 'CPO' };
const EMSP = { country_code: 'DE', party_id: 'MSP' };
const SESSION_START = '2026-11-25T10:00:00Z';

export interface ReceiverBenchOptions {
  /** Concurrent clients: CDR POST loops, and Sessions PATCHed side by side (default 8). */
  clients?: number;
  /** CDR ingest: seconds per measurement (default 2). */
  seconds?: number;
  /** CDR ingest: measurements per case, interleaved (default 2). */
  rounds?: number;
  /** Session PATCH: PATCHes per Session (default 400; 1000 takes about a minute per database). */
  patches?: number;
  /** Session PATCH: how many PATCHes are compared at the start and at the end of each Session (default 100). */
  window?: number;
  /** Which databases (default both; PostgreSQL is skipped when it does not answer). */
  backends?: readonly ('sqlite' | 'postgres')[];
  /** Which benchmarks (default both). */
  benchmarks?: readonly ('cdrs' | 'sessions')[];
}

// ---------------------------------------------------------------------------------------------
// Databases, the node, the peer, the bare server, the client worker.

interface Backend {
  label: string;
  /** A new, empty, migrated store. */
  open(): Promise<SqlStore>;
  /** A second store on the location `open` made last (another connection; not migrated). */
  reopen(): SqlStore;
  /** Removes everything `open` made. */
  cleanup(): Promise<void>;
}

function sqliteFileBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'roamkit-bench-receiver-'));
  let url = '';
  let n = 0;
  return {
    label: 'SQLite file',
    async open() {
      url = `sqlite:${join(dir, `receiver-${++n}.db`)}`;
      const store = openStore(url);
      await store.migrate();
      return store;
    },
    reopen: () => openStore(url),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Whether PostgreSQL answers at PG_URL, and when it does, how it commits (what "durable" means there). */
async function probePostgres(): Promise<{ unreachable: string } | { synchronousCommit: string }> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const result = await client.query<{ synchronous_commit: string }>('show synchronous_commit');
    return { synchronousCommit: result.rows[0]?.synchronous_commit ?? '?' };
  } catch (err) {
    return { unreachable: (err as Error).message || String((err as { code?: string }).code) };
  } finally {
    await client.end().catch(() => {});
  }
}

function postgresBackend(): Backend {
  const schemas: string[] = [];
  return {
    label: 'PostgreSQL',
    async open() {
      const schema = `roamkit_bench_receiver_${process.pid}_${randomBytes(4).toString('hex')}`;
      schemas.push(schema);
      const store = openStore(PG_URL, { schema });
      await store.migrate();
      return store;
    },
    reopen: () => openStore(PG_URL, { schema: schemas.at(-1) as string, poolSize: 1 }),
    async cleanup() {
      const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
      await client.connect();
      try {
        for (const schema of schemas.splice(0))
          await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

/** An eMSP node on a loopback port with a registered CPO peer, as the handshake leaves it. */
async function startEmsp(store: SqlStore) {
  const config = validateNodeConfig({
    publicUrl: 'http://127.0.0.1:1',
    parties: [`${EMSP.country_code}:${EMSP.party_id}:EMSP`],
  });
  const app = buildApp({ config, store, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  config.publicUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const token = newToken();
  const peer = await store.peers.create({
    name: 'CPO',
    status: 'REGISTERED',
    incomingTokenHash: hashToken(token),
    outgoingToken: newToken(),
    versionsUrl: 'https://cpo.example/ocpi/versions',
    version: '2.2.1',
    roles: [{ role: 'CPO', ...CPO, business_details: { name: 'CPO' } }],
  });
  return {
    app,
    url: `${config.publicUrl}/ocpi/2.2.1/receiver`,
    peer,
    authorization: encodeAuthorization(token, '2.2.1'),
  };
}

/**
 * The bare baseline: parses the JSON body (a receiver must) and answers a fixed OCPI envelope,
 * storing nothing. Any path, any method.
 */
async function startBare(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString());
      const body = `{"status_code":1000,"status_message":"Success","timestamp":"${new Date().toISOString().slice(0, 19)}Z"}`;
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      response.end(body);
    });
  });
  const port = await listen(server);
  return { server, url: `http://127.0.0.1:${port}/ocpi/2.2.1/receiver` };
}

/** The worker thread that sends every request of a run (bench/receiver-client.ts), one job at a time. */
class LoadClient {
  readonly #worker: Worker;
  constructor(sockets: number) {
    this.#worker = new Worker(new URL('./receiver-client.js', import.meta.url), { workerData: { sockets } });
  }

  run(job: ClientJob): Promise<ClientReport> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        this.#worker.off('message', onMessage);
        reject(error);
      };
      const onMessage = (report: ClientReport) => {
        this.#worker.off('error', onError);
        if (report.kind === 'error') reject(new Error(report.message));
        else resolve(report);
      };
      this.#worker.once('message', onMessage);
      this.#worker.once('error', onError);
      this.#worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}

/** A 2.2.1 spec example, owned by our CPO peer, its token the eMSP's. */
function example(file: string): Json {
  const doc = JSON.parse(readFileSync(join(examplesRoot, '2.2.1', file), 'utf8')) as Json;
  return { ...doc, ...CPO, cdr_token: { ...(doc.cdr_token as Json), ...EMSP } };
}

// ---------------------------------------------------------------------------------------------
// 1. CDR ingest.

function cdrTemplate(): Json {
  const cdr = example('cdr_example.json');
  const tariffs = (cdr.tariffs as Json[]).map((t) => ({ ...t, ...CPO }));
  return { ...cdr, tariffs };
}

/** CDRs stored by `store.objects.put`, `clients` at a time, for `seconds`: the storage floor. */
async function putLoop(
  store: SqlStore,
  peerId: string,
  canonical: Json,
  prefix: string,
  clients: number,
  seconds: number,
): Promise<{ stored: number; ms: number }> {
  let next = 0;
  let stored = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const lastUpdated = new Date(String(canonical.last_updated));
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const id = `${prefix}-${next++}`;
        await store.objects.put({
          module: 'cdrs',
          key: { countryCode: CPO.country_code, partyId: CPO.party_id, id },
          peerId,
          data: { ...canonical, id },
          lastUpdated,
        });
        stored++;
      }
    }),
  );
  return { stored, ms: performance.now() - started };
}

async function cdrIngest(
  client: LoadClient,
  backend: Backend,
  bareUrl: string,
  options: Required<ReceiverBenchOptions>,
): Promise<{ results: BenchResult[]; notes: string[] }> {
  const { clients, seconds, rounds } = options;
  const store = await backend.open();
  const node = await startEmsp(store);
  try {
    const template = cdrTemplate();
    // What the handler stores: the CDR in canonical form (the put loop stores the same bytes).
    const canonical = toCanonical('CDR', '2.2.1', template, { party: CPO }).value;
    let batch = 0;
    const post = async (url: string, s: number) => {
      const report = await client.run({
        kind: 'cdrs',
        url: `${url}/cdrs`,
        authorization: node.authorization,
        template,
        idPrefix: `CDR${batch++}`,
        clients,
        seconds: s,
      });
      if (report.kind !== 'cdrs') throw new Error('unexpected client report');
      return report;
    };
    let posted = 0;
    let put = 0;
    const rate = (n: number, ms: number) => n / (ms / 1000);

    // Warm-up (JIT, the page cache, the pool), then interleaved rounds.
    posted += (await post(node.url, 1)).answered;
    await post(bareUrl, 1);
    put += (await putLoop(store, node.peer.id, canonical, 'PUTW', clients, 0.5)).stored;
    const app: number[] = [];
    const bare: number[] = [];
    const raw: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const a = await post(node.url, seconds);
      posted += a.answered;
      app.push(rate(a.answered, a.ms));
      const b = await post(bareUrl, seconds);
      bare.push(rate(b.answered, b.ms));
      const p = await putLoop(store, node.peer.id, canonical, `PUT${round}`, clients, seconds / 2);
      put += p.stored;
      raw.push(rate(p.stored, p.ms));
    }

    // Durable: every answered POST is a committed row, seen from another connection.
    const other = backend.reopen();
    const stored = await other.objects.count({ module: 'cdrs', peerId: node.peer.id });
    await other.close();
    if (stored !== posted + put) {
      throw new Error(`${backend.label}: ${stored} CDRs stored, ${posted} POSTs answered + ${put} put`);
    }

    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const appRate = mean(app);
    const bareRate = mean(bare);
    const rawRate = mean(raw);
    const name = `POST 2.2.1 CDR to eMSP Receiver, ${backend.label} (${clients} clients)`;
    return {
      results: [
        {
          name,
          opsPerSec: appRate,
          baseline: 'bare node:http: JSON.parse + fixed envelope',
          baselineOpsPerSec: bareRate,
          ratio: bareRate / appRate,
        },
        {
          name,
          opsPerSec: appRate,
          baseline: `store.objects.put loop, ${clients} at a time (no HTTP)`,
          baselineOpsPerSec: rawRate,
          ratio: rawRate / appRate,
        },
      ],
      notes: [
        `CDR ingest, ${backend.label}: ${posted.toLocaleString('en-US')} POSTs answered, ${stored.toLocaleString('en-US')} CDRs counted from a second connection (incl. ${put.toLocaleString('en-US')} from the put loop).`,
      ],
    };
  } finally {
    await node.app.close();
    await store.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Session PATCH.

/** PATCHes sent and the time they took, summed over chunks. */
interface Tally {
  answered: number;
  ms: number;
}

const add = (t: Tally, r: Tally): void => {
  t.answered += r.answered;
  t.ms += r.ms;
};
const perSecond = (t: Tally) => t.answered / (t.ms / 1000);

async function sessionPatches(
  client: LoadClient,
  backend: Backend,
  bareUrl: string,
  options: Required<ReceiverBenchOptions>,
): Promise<{ results: BenchResult[]; notes: string[] }> {
  const { clients, patches } = options;
  const window = Math.max(1, Math.min(options.window, Math.floor(patches / 2)));
  const store = await backend.open();
  const node = await startEmsp(store);
  try {
    const session = example('session_example_1_simple_start.json');
    const put = async (id: string) => {
      const response = await fetch(`${node.url}/sessions/${CPO.country_code}/${CPO.party_id}/${id}`, {
        method: 'PUT',
        headers: { authorization: node.authorization, 'content-type': 'application/json' },
        body: JSON.stringify({
          ...session,
          id,
          status: 'ACTIVE',
          start_date_time: SESSION_START,
          last_updated: SESSION_START,
        }),
      });
      const answer = (await response.json()) as Json;
      if (answer.status_code !== 1000) throw new Error(`PUT session ${id}: ${JSON.stringify(answer)}`);
    };
    const ids = (prefix: string) => Array.from({ length: clients }, (_, c) => `${prefix}${c + 1}`);
    const urls = (base: string, prefix: string) =>
      ids(prefix).map((id) => `${base}/sessions/${CPO.country_code}/${CPO.party_id}/${id}`);
    const patch = async (base: string, prefix: string, from: number, count: number): Promise<Tally> => {
      const report = await client.run({
        kind: 'patches',
        urls: urls(base, prefix),
        authorization: node.authorization,
        from,
        count,
        start: SESSION_START,
      });
      if (report.kind !== 'patches') throw new Error('unexpected client report');
      return report;
    };
    for (const id of [...ids('WARM'), ...ids('S')]) await put(id);

    // Warm-up on Sessions of their own (the measured ones start with no charging period), the
    // bare server's for 1 s: its first thousands of requests run several times slower (JIT).
    await patch(node.url, 'WARM', 1, 100);
    for (let ms = 0; ms < 1000; ) ms += (await patch(bareUrl, 'WARM', 1, 100)).ms;

    // In chunks, each followed by the same chunk sent to the bare server (node, bare, node, …), so
    // a burst of machine noise hits both. The bare server's cost does not depend on the Session's
    // length (it stores nothing), so its rate over every chunk is the baseline of every row; its
    // chunks are too short to be a baseline each (~0.1 s: one GC pause of the node's garbage, or
    // the JIT, moves them by 2x), and each is sent again until it has run for 0.5 s.
    const chunk = Math.min(window, 100);
    const app = { all: { answered: 0, ms: 0 }, first: { answered: 0, ms: 0 }, last: { answered: 0, ms: 0 } };
    const bare: Tally = { answered: 0, ms: 0 };
    for (let from = 1; from <= patches; from += chunk) {
      const count = Math.min(chunk, patches - from + 1);
      const a = await patch(node.url, 'S', from, count);
      for (let ms = 0; ms < 500; ) {
        const b = await patch(bareUrl, 'S', from, count);
        add(bare, b);
        ms += b.ms;
      }
      add(app.all, a);
      // A chunk counts in a window when it lies in it (chunks are no longer than the window).
      if (from + count - 1 <= window) add(app.first, a);
      if (from > patches - window) add(app.last, a);
    }

    // Every PATCH applied: one period each, the totals and last_updated of the last.
    const expected = sessionPatch(patches, SESSION_START);
    let bytes = 0;
    for (const id of ids('S')) {
      const record = await store.objects.get('sessions', {
        countryCode: CPO.country_code,
        partyId: CPO.party_id,
        id,
      });
      const periods = record?.data.charging_periods;
      if (
        !Array.isArray(periods) ||
        periods.length !== patches ||
        record?.data.kwh !== expected.kwh ||
        record?.data.last_updated !== expected.last_updated
      ) {
        throw new Error(
          `${backend.label}: session ${id} has ${Array.isArray(periods) ? periods.length : 'no'} periods, kwh ${String(record?.data.kwh)}, last_updated ${String(record?.data.last_updated)}`,
        );
      }
      bytes = JSON.stringify(record?.data).length;
    }

    const label = `PATCH 2.2.1 Session at eMSP Receiver, ${backend.label}`;
    const row = (name: string, a: Tally): BenchResult => ({
      name,
      opsPerSec: perSecond(a),
      baseline: 'bare node:http: the same PATCHes',
      baselineOpsPerSec: perSecond(bare),
      ratio: perSecond(bare) / perSecond(a),
    });
    // What the windows hold (whole chunks only): the row names say exactly which PATCHes.
    const firstN = app.first.answered / clients;
    const lastFrom = patches - app.last.answered / clients + 1;
    const slowdown = perSecond(app.first) / perSecond(app.last);
    return {
      results: [
        row(`${label} (${clients} Sessions x ${patches})`, app.all),
        row(`${label}: PATCHes 1-${firstN} of each`, app.first),
        row(`${label}: PATCHes ${lastFrom}-${patches} of each`, app.last),
      ],
      notes: [
        `Session PATCH, ${backend.label}: PATCHes ${lastFrom}-${patches} of a Session take ${slowdown.toFixed(2)}x the time of its PATCHes 1-${firstN}; ` +
          `each Session ends with ${patches} charging periods, ${Math.round(bytes / 1024)} KiB of JSON (the bare baseline: all its chunks, whose cost does not grow).`,
      ],
    };
  } finally {
    await node.app.close();
    await store.close();
  }
}

// ---------------------------------------------------------------------------------------------

export async function runReceiverBenchmarks(
  options: ReceiverBenchOptions = {},
): Promise<{ results: BenchResult[]; notes: string[] }> {
  const settings: Required<ReceiverBenchOptions> = {
    clients: options.clients ?? 8,
    seconds: options.seconds ?? 2,
    rounds: options.rounds ?? 2,
    patches: options.patches ?? 400,
    window: options.window ?? 100,
    backends: options.backends ?? ['sqlite', 'postgres'],
    benchmarks: options.benchmarks ?? ['cdrs', 'sessions'],
  };
  const backends: Backend[] = [];
  const notes: string[] = [];
  if (settings.backends.includes('sqlite')) backends.push(sqliteFileBackend());
  let durability = 'SQLite: WAL, synchronous=NORMAL (a commit is not fsynced; one fsync per checkpoint)';
  if (settings.backends.includes('postgres')) {
    const probe = await probePostgres();
    if ('unreachable' in probe) {
      notes.push(
        `PostgreSQL receiver benchmarks skipped: not reachable at ${PG_URL} (${probe.unreachable}).`,
      );
    } else {
      backends.push(postgresBackend());
      durability += `; PostgreSQL: synchronous_commit=${probe.synchronousCommit}`;
    }
  }
  const bare = await startBare();
  const client = new LoadClient(settings.clients);
  const cdrResults: BenchResult[] = [];
  const patchResults: BenchResult[] = [];
  try {
    for (const backend of backends) {
      try {
        if (settings.benchmarks.includes('cdrs')) {
          const cdrs = await cdrIngest(client, backend, bare.url, settings);
          cdrResults.push(...cdrs.results);
          notes.push(...cdrs.notes);
        }
        if (settings.benchmarks.includes('sessions')) {
          const sessions = await sessionPatches(client, backend, bare.url, settings);
          patchResults.push(...sessions.results);
          notes.push(...sessions.notes);
        }
      } finally {
        await backend.cleanup();
      }
    }
  } finally {
    await client.close();
    await new Promise((resolve) => bare.server.close(resolve));
  }
  notes.push(
    `Receiver rows: ops/s = CDRs/s (a POST is answered once committed) or PATCHes/s; load from a worker thread. ${durability}.`,
  );
  return { results: [...cdrResults, ...patchResults], notes };
}

// `node dist/bench/receiver.js` runs these benchmarks alone.
await runIfMain(import.meta.url, runReceiverBenchmarks);
