/**
 * HTTP benchmark: `GET /ocpi/versions` and `GET /ocpi/2.2.1` with a registered peer's token
 * against the real app (SQLite in memory), each beside a bare `node:http` server answering the
 * same bytes, in the same run. autocannon runs in-process, in a worker thread, so the servers keep
 * the main thread to themselves; the cases are interleaved (app, bare, app, bare, …) so a burst
 * of machine noise hits both sides. Run alone: `node dist/bench/http.js`; `npm run bench` runs it
 * after the CPU benchmarks.
 */

import { realpathSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/http/app.js';
import { validateNodeConfig } from '../src/platform/config.js';
import { encodeAuthorization } from '../src/protocol/index.js';
import { openStore } from '../src/store/database.js';
import { hashToken, newToken } from '../src/store/tokens.js';
import type { BenchResult } from './harness.js';

/** The part of autocannon's result used here (the package ships no types). */
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: { total: number; average: number };
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  workers?: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface HttpBenchOptions {
  /** Seconds per measurement (default 3). */
  seconds?: number;
  /** Measurements per case, interleaved with the baseline (default 2). */
  rounds?: number;
  /** Concurrent connections (default 10). */
  connections?: number;
}

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

/** Requests per second of one run, refusing a run that measured errors instead of answers. */
async function measure(url: string, headers: Record<string, string>, seconds: number, connections: number) {
  const result = await autocannon({ url, connections, duration: seconds, workers: 1, headers });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    throw new Error(
      `${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`,
    );
  }
  return result.requests.total / result.duration;
}

/**
 * Requests per second of `subject` and `baseline`, measured interleaved (warm-up, then subject,
 * baseline, subject, baseline …) and averaged over the rounds.
 */
export async function measureHttp(
  subject: { url: string; headers: Record<string, string> },
  baseline: { url: string; headers: Record<string, string> },
  options: HttpBenchOptions = {},
): Promise<{ subject: number; baseline: number }> {
  const seconds = options.seconds ?? 3;
  const rounds = options.rounds ?? 2;
  const connections = options.connections ?? 10;
  await measure(subject.url, subject.headers, 1, connections);
  await measure(baseline.url, baseline.headers, 1, connections);
  let a = 0;
  let b = 0;
  for (let round = 0; round < rounds; round++) {
    a += await measure(subject.url, subject.headers, seconds, connections);
    b += await measure(baseline.url, baseline.headers, seconds, connections);
  }
  return { subject: a / rounds, baseline: b / rounds };
}

export async function runHttpBenchmarks(options: HttpBenchOptions = {}): Promise<BenchResult[]> {
  const seconds = options.seconds ?? 3;
  const rounds = options.rounds ?? 2;
  const connections = options.connections ?? 10;

  const store = openStore('sqlite::memory:');
  await store.migrate();
  const config = validateNodeConfig({ publicUrl: 'http://127.0.0.1:1', parties: ['NL:RMK:CPO'] });
  const app = buildApp({ config, store, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  config.publicUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  // A registered peer, as the credentials handshake leaves it: its token is what authenticates.
  const token = newToken();
  await store.peers.create({
    name: 'bench',
    status: 'REGISTERED',
    incomingTokenHash: hashToken(token),
    outgoingToken: newToken(),
    versionsUrl: 'https://peer.example/ocpi/versions',
    version: '2.2.1',
  });
  const headers = { authorization: encodeAuthorization(token, '2.2.1') };

  // The bare server answers each path with the bytes the app answered it with once.
  const paths = ['/ocpi/versions', '/ocpi/2.2.1'];
  const bodies = new Map<string, Buffer>();
  for (const path of paths) {
    const response = await fetch(`${config.publicUrl}${path}`, { headers });
    const body = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200 || JSON.parse(body.toString()).status_code !== 1000) {
      throw new Error(`${path} answered HTTP ${response.status}: ${body.toString()}`);
    }
    bodies.set(path, body);
  }
  const bare = createServer((request, response) => {
    const body = bodies.get(request.url ?? '');
    response.writeHead(body === undefined ? 404 : 200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': body?.length ?? 0,
    });
    response.end(body);
  });
  const barePort = await listen(bare);

  const results: BenchResult[] = [];
  try {
    for (const path of paths) {
      // Warm-up first (JIT, connection pools, SQLite's page cache), then interleaved rounds.
      const rates = await measureHttp(
        { url: `${config.publicUrl}${path}`, headers },
        { url: `http://127.0.0.1:${barePort}${path}`, headers },
        { seconds, rounds, connections },
      );
      const appRate = rates.subject;
      const bareRate = rates.baseline;
      results.push({
        name: `HTTP GET ${path} (auth, app)`,
        opsPerSec: appRate,
        baseline: `bare node:http, same ${bodies.get(path)?.length} bytes`,
        baselineOpsPerSec: bareRate,
        ratio: bareRate / appRate,
      });
    }
  } finally {
    await new Promise((resolve) => bare.close(resolve));
    await app.close();
    await store.close();
  }
  return results;
}

// `node dist/bench/http.js` runs this benchmark alone.
const invokedDirectly =
  process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { formatResults } = await import('./harness.js');
  console.log(formatResults(await runHttpBenchmarks()));
  console.log(
    '\nops/s = requests/s (autocannon, 10 connections, in a worker thread); averages of the rounds.',
  );
}
