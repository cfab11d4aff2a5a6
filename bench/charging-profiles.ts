/**
 * Charging profiles benchmark (issue 8): smart charging requests through two real nodes on
 * loopback ports, each on its own SQLite file, in this process: a sender (DE:MSP:EMSP and
 * DE:SCP:SCSP) sets, reads and clears the profile of running sessions at a CPO (NL:CPO:CPO), which
 * judges each request, answers, forwards it to the built-in charge point simulator (answering at
 * once, the profile capping the session's power: a meter value per change) and posts the result
 * back through its outbox. A request counts when its result is stored at the sender
 * (`sendAndWait` resolved): request → result, two HTTP exchanges and the writes at both ends.
 *
 * `clients` loops side by side, each on its own running session, each doing SET (a limit that
 * changes every round), GET (15 min) and CLEAR in turn. Baseline, same run: the same loops doing
 * two plain HTTP exchanges per request to a bare `node:http` server with a fixed answer.
 *
 * Run alone: `node dist/bench/charging-profiles.js`.
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
import { chargingProfilesModule } from '../src/platform/charging-profiles/module.js';
import {
  type ChargingProfilesService,
  createChargingProfilesService,
} from '../src/platform/charging-profiles/service.js';
import type { ProfileRequest } from '../src/platform/charging-profiles/types.js';
import { commandsModule } from '../src/platform/commands/module.js';
import { type CommandsService, createCommandsService } from '../src/platform/commands/service.js';
import { validateNodeConfig } from '../src/platform/config.js';
import { createSimulatedGateway } from '../src/platform/gateway/simulator.js';
import { generateSeed } from '../src/platform/seed/index.js';
import { formatDateTime } from '../src/protocol/index.js';
import { openStore, type SqlStore } from '../src/store/database.js';
import type { BenchResult } from './harness.js';

type Json = Record<string, unknown>;

export interface ChargingProfilesBenchOptions {
  /** Loops side by side, one running session each (default 16). */
  clients?: number;
  /** Seconds per measurement (default 4). */
  seconds?: number;
}

interface Node {
  app: FastifyInstance;
  store: SqlStore;
  commands: CommandsService;
  profiles: ChargingProfilesService;
  close(): Promise<void>;
}

async function startNode(dir: string, name: string, parties: string[]): Promise<Node> {
  const store = openStore(`sqlite:${join(dir, `${name}.db`)}`);
  await store.migrate();
  const config = validateNodeConfig({ publicUrl: 'http://127.0.0.1:1', parties, versions: ['2.2.1'] });
  let commands: CommandsService | undefined;
  let profiles: ChargingProfilesService | undefined;
  const app = buildApp({
    config,
    store,
    logger: false,
    modules: [
      commandsModule({ commands: () => commands as CommandsService }),
      chargingProfilesModule({ chargingProfiles: () => profiles as ChargingProfilesService }),
    ],
  });
  const gateway = createSimulatedGateway({ sampleIntervalMs: 0 });
  const c = createCommandsService({
    config,
    store,
    chargingSessions: app.platform.chargingSessions,
    publisher: app.platform.publisher,
    gateway,
  });
  const p = createChargingProfilesService({ config, store, gateway, events: c.chargePointEvents });
  commands = c;
  profiles = p;
  await app.listen({ host: '127.0.0.1', port: 0 });
  config.publicUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  c.start();
  p.start();
  return {
    app,
    store,
    commands: c,
    profiles: p,
    close: async () => {
      await p.stop();
      await c.stop();
      await app.platform.delivery.stop();
      await app.close();
      await store.close();
    },
  };
}

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

type Kind = ProfileRequest['type'] | 'BASELINE';

interface Run {
  requests: number;
  ms: number;
  latencies: Map<Kind, number[]>;
  failures: string[];
}

async function loops(
  clients: number,
  seconds: number,
  step: (
    client: number,
    round: number,
    time: (kind: Kind, run: () => Promise<string>) => Promise<void>,
  ) => Promise<void>,
): Promise<Run> {
  const run: Run = { requests: 0, ms: 0, latencies: new Map(), failures: [] };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const time = async (kind: Kind, request: () => Promise<string>) => {
    const t = performance.now();
    const outcome = await request();
    const list = run.latencies.get(kind) ?? [];
    list.push(performance.now() - t);
    run.latencies.set(kind, list);
    run.requests++;
    if (outcome !== 'ACCEPTED' && run.failures.length < 5) run.failures.push(`${kind} ${outcome}`);
  };
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let round = 0; performance.now() < deadline; round++) await step(client, round, time);
    }),
  );
  run.ms = performance.now() - started;
  for (const list of run.latencies.values()) list.sort((a, b) => a - b);
  return run;
}

const rate = (run: Run) => (run.requests / run.ms) * 1000;
const ms = (value: number) => `${value.toFixed(1)} ms`;

export async function runChargingProfilesBenchmarks(
  options: ChargingProfilesBenchOptions = {},
): Promise<{ results: BenchResult[]; notes: string[] }> {
  const clients = options.clients ?? 16;
  const seconds = options.seconds ?? 4;
  const dir = mkdtempSync(join(tmpdir(), 'roamkit-bench-profiles-'));
  const [cpo, sender] = await Promise.all([
    startNode(dir, 'cpo', ['NL:CPO:CPO']),
    startNode(dir, 'sender', ['DE:MSP:EMSP', 'DE:SCP:SCSP']),
  ]);
  const bare = await startBare();
  try {
    const invite = await cpo.app.platform.credentials.invitePeer({ name: 'sender' });
    const peer = await sender.app.platform.credentials.registerWithPeer({
      versionsUrl: invite.versionsUrl,
      token: invite.token,
      name: 'CPO',
    });
    const seed = generateSeed({
      locations: clients,
      seed: 'bench-profiles',
      party: { country_code: 'NL', party_id: 'CPO' },
      now: new Date(Date.now() - 3_600_000),
      tariffs: 1,
    });
    const locations: Json[] = (seed.locations as unknown as Json[]).map((location) => ({
      ...location,
      evses: (location.evses as Json[]).map((evse) => ({
        ...evse,
        status: 'AVAILABLE',
        capabilities: ['RFID_READER', 'REMOTE_START_STOP_CAPABLE', 'CHARGING_PROFILE_CAPABLE'],
      })),
    }));
    await cpo.app.platform.publisher.putAll([
      { module: 'tariffs', documents: seed.tariffs as unknown as Json[] },
      { module: 'locations', documents: locations },
    ]);
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
    // One running session per client.
    const sessions: string[] = [];
    for (const location of locations) {
      const started = await sender.commands.sendAndWait(peer.id, 'START_SESSION', {
        token,
        location_id: location.id,
        evse_uid: ((location.evses as Json[])[0] as Json).uid,
      });
      if (started.outcome !== 'ACCEPTED') throw new Error(`START_SESSION: ${started.outcome}`);
      const atCpo = (await cpo.commands.list({ side: 'RECEIVED', command: 'START_SESSION', limit: 5 })).find(
        (r) => r.request.authorization_reference === started.id,
      );
      sessions.push(atCpo?.reference as string);
    }
    cpo.app.platform.delivery.start();

    const request = async (r: ProfileRequest) =>
      (await sender.profiles.sendAndWait(peer.id, r)).outcome ?? 'NONE';
    const profileLoop = () =>
      loops(clients, seconds, async (client, round, time) => {
        const sessionId = sessions[client] as string;
        const chargingProfile = {
          charging_rate_unit: 'W',
          charging_profile_period: [{ start_period: 0, limit: 3000 + (round % 8) * 1000 }],
        };
        await time('SET_CHARGING_PROFILE', () =>
          request({ type: 'SET_CHARGING_PROFILE', sessionId, chargingProfile }),
        );
        await time('GET_ACTIVE_CHARGING_PROFILE', () =>
          request({ type: 'GET_ACTIVE_CHARGING_PROFILE', sessionId, durationS: 900 }),
        );
        await time('CLEAR_PROFILE', () => request({ type: 'CLEAR_PROFILE', sessionId }));
      });
    const baseline = () =>
      loops(clients, seconds, (_client, _round, time) =>
        time('BASELINE', async () => {
          for (const path of ['/chargingprofiles/S1', '/results/x']) {
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

    await loops(clients, 1, (client, _round, time) =>
      time('GET_ACTIVE_CHARGING_PROFILE', () =>
        request({
          type: 'GET_ACTIVE_CHARGING_PROFILE',
          sessionId: sessions[client] as string,
          durationS: 60,
        }),
      ),
    );
    const bare1 = await baseline();
    const run = await profileLoop();
    const bare2 = await baseline();
    const baselineRate = (rate(bare1) + rate(bare2)) / 2;
    const results: BenchResult[] = [
      {
        name: `charging profiles: SET/GET/CLEAR, sender → CPO → simulator → result (${clients} sessions)`,
        opsPerSec: rate(run),
        baseline: 'two bare HTTP POSTs per request (node:http, fixed answer)',
        baselineOpsPerSec: baselineRate,
        ratio: baselineRate / rate(run),
      },
    ];
    const all = [...run.latencies.entries()].filter(([k]) => k !== 'BASELINE');
    const everything = all.flatMap(([, l]) => l).sort((a, b) => a - b);
    const line = (label: string, list: number[]) =>
      `  ${label}: ${list.length} requests, p50 ${ms(percentile(list, 50))}, p99 ${ms(percentile(list, 99))}`;
    const notes = [
      'Charging profiles: ops/s = requests whose result is stored at the sender, per second; two nodes in one process, SQLite files.',
      line('all requests, request to result', everything),
      ...all.map(([kind, list]) => line(kind, list)),
      line('baseline, two bare POSTs', (bare1.latencies.get('BASELINE') ?? []) as number[]),
      ...(run.failures.length === 0 ? [] : [`  not ACCEPTED: ${run.failures.join(', ')}`]),
    ];
    return { results, notes };
  } finally {
    await new Promise((resolve) => bare.server.close(resolve));
    await Promise.all([cpo.close(), sender.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { formatResults } = await import('./harness.js');
  const { results, notes } = await runChargingProfilesBenchmarks();
  console.log(formatResults(results));
  for (const note of notes) console.log(note);
}
