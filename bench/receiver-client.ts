/**
 * The load generator of the receiver benchmarks (bench/receiver.ts), in a worker thread so the
 * server under test keeps the main thread to itself. The worker takes jobs by message, one at a
 * time, and answers each with its report (or `{kind: 'error'}`). Every request is a distinct OCPI
 * message built here; every answer must be HTTP 2xx with status_code 1000, or the job fails (a
 * benchmark of errors measures nothing).
 *
 * Jobs:
 * - `cdrs`: `clients` loops POST copies of `template`, each with a new id (`${idPrefix}-${n}`),
 *   for `seconds`; reports how many were answered and in how long.
 * - `patches`: one loop per URL (one Session each) sends PATCHes `from`..`from + count - 1` in
 *   order: kwh, total_cost, one new charging period and last_updated each, one minute apart from
 *   `start`. The parent sends a Session's PATCHes in chunks, so that each chunk can be measured
 *   beside the same chunk sent to the baseline.
 */
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

type Json = Record<string, unknown>;

export type ClientJob =
  | {
      kind: 'cdrs';
      url: string;
      authorization: string;
      template: Json;
      idPrefix: string;
      clients: number;
      seconds: number;
    }
  | {
      kind: 'patches';
      urls: string[];
      authorization: string;
      /** PATCHes number `from` to `from + count - 1` of each Session, in order. */
      from: number;
      count: number;
      /** last_updated of PATCH k = start + k minutes. */
      start: string;
    };

export type ClientReport =
  | { kind: 'error'; message: string }
  | { kind: 'cdrs'; answered: number; ms: number }
  | { kind: 'patches'; answered: number; ms: number };

/** The PATCH a CPO sends while charging: the running totals and the one period since the last. */
export function sessionPatch(k: number, start: string): Json {
  const minute = (n: number) => new Date(Date.parse(start) + n * 60_000).toISOString().replace('.000Z', 'Z');
  const excl = Math.round(k * 4) / 100; // 0.04 per period
  return {
    kwh: Math.round(k * 250) / 1000, // 0.25 kWh per period
    total_cost: { excl_vat: excl, incl_vat: Math.round(excl * 121) / 100 },
    charging_periods: [{ start_date_time: minute(k - 1), dimensions: [{ type: 'ENERGY', volume: 0.25 }] }],
    last_updated: minute(k),
  };
}

function send(agent: Agent, method: string, url: string, authorization: string, body: string) {
  return new Promise<void>((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          authorization,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          const status = res.statusCode ?? 0;
          let code: unknown;
          try {
            code = (JSON.parse(text) as Json).status_code;
          } catch {
            code = undefined;
          }
          if (status >= 200 && status < 300 && code === 1000) resolve();
          else reject(new Error(`${method} ${url}: HTTP ${status} ${text.slice(0, 500)}`));
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function postCdrs(job: Extract<ClientJob, { kind: 'cdrs' }>, agent: Agent): Promise<ClientReport> {
  let next = 0;
  let answered = 0;
  const started = performance.now();
  const deadline = started + job.seconds * 1000;
  await Promise.all(
    Array.from({ length: job.clients }, async () => {
      while (performance.now() < deadline) {
        const body = JSON.stringify({ ...job.template, id: `${job.idPrefix}-${next++}` });
        await send(agent, 'POST', job.url, job.authorization, body);
        answered++;
      }
    }),
  );
  return { kind: 'cdrs', answered, ms: performance.now() - started };
}

async function patchSessions(
  job: Extract<ClientJob, { kind: 'patches' }>,
  agent: Agent,
): Promise<ClientReport> {
  // Built before the clock starts, so the client's own work is the same for every chunk.
  const bodies = Array.from({ length: job.count }, (_, i) =>
    JSON.stringify(sessionPatch(job.from + i, job.start)),
  );
  const started = performance.now();
  await Promise.all(
    job.urls.map(async (url) => {
      for (const body of bodies) await send(agent, 'PATCH', url, job.authorization, body);
    }),
  );
  return { kind: 'patches', answered: job.urls.length * job.count, ms: performance.now() - started };
}

// One worker serves every job of a run: its JIT and its keep-alive connections stay warm, so a
// job's first requests do not pay for a cold client (which would flatter a Session's late PATCHes).
const port = parentPort;
if (port !== null) {
  const agent = new Agent({ keepAlive: true, maxSockets: (workerData as { sockets: number }).sockets });
  port.on('message', (job: ClientJob) => {
    const run = job.kind === 'cdrs' ? postCdrs(job, agent) : patchSessions(job, agent);
    run.then(
      (report) => port.postMessage(report),
      (error: unknown) =>
        port.postMessage({ kind: 'error', message: String((error as Error)?.message ?? error) }),
    );
  });
}
