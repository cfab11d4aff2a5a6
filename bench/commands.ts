/**
 * Commands benchmark (issue 8): remote commands through two real nodes on loopback ports, each on
 * its own SQLite file, in this process: an eMSP (DE:MSP:EMSP) sends, a CPO (NL:CPO:CPO) judges,
 * answers, forwards to the built-in charge point simulator (answering at once) and posts the
 * result back through its outbox. A command counts when its final result is stored at the eMSP
 * (`commands.sendAndWait` resolved): its time is from the call to that moment, two HTTP exchanges
 * (the command and its synchronous answer; the result POST and its acknowledgement) and the
 * writes at both ends (the eMSP's command row three times, the CPO's twice plus its outbox).
 *
 * 1. UNLOCK_CONNECTOR: the command path alone (nothing else changes at the CPO).
 * 2. START_SESSION then STOP_SESSION on the same EVSE, in a loop: each start makes a Session and an
 *    EVSE status change, each stop a final meter value, the completed Session, its CDR and a status
 *    change; the CPO's delivery worker pushes all of them to the eMSP meanwhile (as a serving node
 *    would).
 *
 * `clients` loops run side by side, each on its own EVSE (of its own Location). Baseline, same
 * run: the same loops doing two plain POSTs per command (a command and a result) to a bare
 * `node:http` server answering a fixed envelope: the HTTP floor of the two exchanges, no storage.
 *
 * Run alone: `node dist/bench/commands.js`.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/http/app.js';
import { commandsModule } from '../src/platform/commands/module.js';
import { type CommandsService, createCommandsService } from '../src/platform/commands/service.js';
import { validateNodeConfig } from '../src/platform/config.js';
import { createSimulatedGateway } from '../src/platform/gateway/simulator.js';
import { generateSeed } from '../src/platform/seed/index.js';
import { formatDateTime, MODULE_IDS } from '../src/protocol/index.js';
import { openStore, type SqlStore } from '../src/store/database.js';
import type { BenchResult } from './harness.js';

type Json = Record<string, unknown>;

export interface CommandsBenchOptions {
  /** Command loops side by side (default 16). */
  clients?: number;
  /** Seconds per measurement (default 4). */
  seconds?: number;
}

interface Node {
  app: FastifyInstance;
  store: SqlStore;
  commands: CommandsService;
  close(): Promise<void>;
}

async function startNode(dir: string, name: string, party: string): Promise<Node> {
  const store = openStore(`sqlite:${join(dir, `${name}.db`)}`);
  await store.migrate();
  const base = validateNodeConfig({ publicUrl: 'http://127.0.0.1:1', parties: [party], versions: ['2.2.1'] });
  const config = {
    ...base,
    modules: MODULE_IDS.filter((id) => base.modules.includes(id) || id === 'commands'),
  };
  let commands: CommandsService | undefined;
  const app = buildApp({
    config,
    store,
    logger: false,
    modules: [commandsModule({ commands: () => commands as CommandsService })],
  });
  const service = createCommandsService({
    config,
    store,
    chargingSessions: app.platform.chargingSessions,
    publisher: app.platform.publisher,
    gateway: createSimulatedGateway({ sampleIntervalMs: 0 }),
  });
  commands = service;
  await app.listen({ host: '127.0.0.1', port: 0 });
  config.publicUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  service.start();
  return {
    app,
    store,
    commands: service,
    close: async () => {
      await service.stop();
      await app.platform.delivery.stop();
      await app.close();
      await store.close();
    },
  };
}

/** A bare server answering every POST with a fixed envelope (the baseline). */
async function startBare(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString() || '{}');
      const body = `{"data":{"result":"ACCEPTED","timeout":40},"status_code":1000,"timestamp":"${new Date().toISOString().slice(0, 19)}Z"}`;
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

interface Run {
  commands: number;
  ms: number;
  latencies: number[];
  failures: string[];
}

/** `clients` loops for `seconds`, each running `step(client)` (one or more commands, each timed). */
async function loops(
  clients: number,
  seconds: number,
  step: (client: number, time: (run: () => Promise<string>) => Promise<void>) => Promise<void>,
): Promise<Run> {
  const run: Run = { commands: 0, ms: 0, latencies: [], failures: [] };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const time = async (command: () => Promise<string>) => {
    const t = performance.now();
    const outcome = await command();
    run.latencies.push(performance.now() - t);
    run.commands++;
    if (outcome !== 'ACCEPTED' && run.failures.length < 5) run.failures.push(outcome);
  };
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < deadline) await step(client, time);
    }),
  );
  run.ms = performance.now() - started;
  run.latencies.sort((a, b) => a - b);
  return run;
}

const rate = (run: Run) => (run.commands / run.ms) * 1000;
const ms = (value: number) => `${value.toFixed(1)} ms`;

export async function runCommandsBenchmarks(
  options: CommandsBenchOptions = {},
): Promise<{ results: BenchResult[]; notes: string[] }> {
  const clients = options.clients ?? 16;
  const seconds = options.seconds ?? 4;
  const dir = mkdtempSync(join(tmpdir(), 'roamkit-bench-commands-'));
  const [cpo, emsp] = await Promise.all([
    startNode(dir, 'cpo', 'NL:CPO:CPO'),
    startNode(dir, 'emsp', 'DE:MSP:EMSP'),
  ]);
  const bare = await startBare();
  try {
    const invite = await cpo.app.platform.credentials.invitePeer({ name: 'eMSP' });
    const peer = await emsp.app.platform.credentials.registerWithPeer({
      versionsUrl: invite.versionsUrl,
      token: invite.token,
      name: 'CPO',
    });
    // One Location per client, every EVSE free and capable of everything.
    const seed = generateSeed({
      locations: clients,
      seed: 'bench-commands',
      party: { country_code: 'NL', party_id: 'CPO' },
      now: new Date(Date.now() - 3_600_000),
      tariffs: 2,
    });
    const locations: Json[] = (seed.locations as unknown as Json[]).map((location) => ({
      ...location,
      evses: (location.evses as Json[]).map((evse) => ({
        ...evse,
        status: 'AVAILABLE',
        capabilities: ['RFID_READER', 'REMOTE_START_STOP_CAPABLE', 'UNLOCK_CAPABLE', 'RESERVABLE'],
      })),
    }));
    await cpo.app.platform.publisher.putAll([
      { module: 'tariffs', documents: seed.tariffs as unknown as Json[] },
      { module: 'locations', documents: locations },
    ]);
    const where = locations.map((l) => {
      const evse = (l.evses as Json[])[0] as Json;
      return {
        location_id: String(l.id),
        evse_uid: String(evse.uid),
        connector_id: String(((evse.connectors as Json[])[0] as Json).id),
      };
    });
    const token = {
      country_code: 'DE',
      party_id: 'MSP',
      uid: 'BENCH0001',
      type: 'APP_USER',
      contract_id: 'DE-MSP-CBENCH0001',
      issuer: 'MSP Mobility',
      valid: true,
      whitelist: 'ALLOWED',
      last_updated: formatDateTime(new Date(Date.now() - 60_000)),
    };
    cpo.app.platform.delivery.start();
    const send = async (command: Parameters<CommandsService['send']>[1], request: Json) =>
      (await emsp.commands.sendAndWait(peer.id, command, request)).outcome ?? 'NONE';

    const unlock = () =>
      loops(clients, seconds, (client, time) => time(() => send('UNLOCK_CONNECTOR', where[client] as Json)));
    const startStop = () =>
      loops(clients, seconds, async (client, time) => {
        const at = where[client] as Json;
        let sessionId = '';
        await time(async () => {
          const started = await emsp.commands.sendAndWait(peer.id, 'START_SESSION', {
            token,
            location_id: at.location_id,
            evse_uid: at.evse_uid,
          });
          // The CPO's record of the command names the session it started (found by our reference: the command id).
          sessionId =
            (
              await cpo.commands.list({ side: 'RECEIVED', command: 'START_SESSION', limit: clients * 2 })
            ).find((r) => r.request.authorization_reference === started.id)?.reference ?? '';
          return started.outcome ?? 'NONE';
        });
        await time(() => send('STOP_SESSION', { session_id: sessionId }));
      });
    const baseline = () =>
      loops(clients, seconds, (_client, time) =>
        time(async () => {
          for (const path of ['/commands/UNLOCK_CONNECTOR', '/results/x']) {
            const response = await fetch(`${bare.url}${path}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: 'Token x' },
              body: JSON.stringify({ result: 'ACCEPTED' }),
            });
            await response.json();
          }
          return 'ACCEPTED';
        }),
      );

    // Warm-up, then interleaved: unlock, baseline, start/stop, baseline.
    await loops(clients, 1, (client, time) => time(() => send('UNLOCK_CONNECTOR', where[client] as Json)));
    const unlocks = await unlock();
    const bare1 = await baseline();
    const pairs = await startStop();
    const bare2 = await baseline();
    const baselineRate = (rate(bare1) + rate(bare2)) / 2;
    const baselineName = 'two bare HTTP POSTs per command (node:http, fixed answer)';
    const results: BenchResult[] = [
      {
        name: `commands: UNLOCK_CONNECTOR, eMSP → CPO → simulator → result (${clients} clients)`,
        opsPerSec: rate(unlocks),
        baseline: baselineName,
        baselineOpsPerSec: baselineRate,
        ratio: baselineRate / rate(unlocks),
      },
      {
        name: `commands: START_SESSION + STOP_SESSION (Session, CDR, pushes) (${clients} clients)`,
        opsPerSec: rate(pairs),
        baseline: baselineName,
        baselineOpsPerSec: baselineRate,
        ratio: baselineRate / rate(pairs),
      },
    ];
    const latency = (label: string, run: Run) =>
      `${label}: ${run.commands} commands, p50 ${ms(percentile(run.latencies, 50))}, p99 ${ms(percentile(run.latencies, 99))}` +
      (run.failures.length === 0 ? '' : ` (not ACCEPTED: ${run.failures.join(', ')})`);
    const cdrs = await cpo.store.objects.count({ module: 'cdrs', peerId: null });
    const notes = [
      'Commands rows: ops/s = commands whose final result is stored at the eMSP, per second; two nodes in one process, SQLite files.',
      latency('  UNLOCK_CONNECTOR, command to result', unlocks),
      latency('  START_SESSION/STOP_SESSION, command to result', pairs),
      latency('  baseline, two bare POSTs', bare1),
      `  ${cdrs} sessions started and stopped by command (each with its CDR).`,
    ];
    return { results, notes };
  } finally {
    await new Promise((resolve) => bare.server.close(resolve));
    await Promise.all([cpo.close(), emsp.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { formatResults } = await import('./harness.js');
  const { results, notes } = await runCommandsBenchmarks();
  console.log(formatResults(results));
  for (const note of notes) console.log(note);
}
