import { performance } from 'node:perf_hooks';
import type { ChargingProfilesService } from '../src/platform/charging-profiles/service.js';
import type { ProfileRequest } from '../src/platform/charging-profiles/types.js';
import { type BenchResult, runIfMain } from './harness.js';
import { benchToken, ms, percentile, publishLocations, withTwoNodes } from './two-nodes.js';

type Json = Record<string, unknown>;

export interface ChargingProfilesBenchOptions {
  /** Loops side by side, one running session each (default 16). */
  clients?: number;
  /** Seconds per measurement (default 4). */
  seconds?: number;
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

export async function runChargingProfilesBenchmarks(
  options: ChargingProfilesBenchOptions = {},
): Promise<{ results: BenchResult[]; notes: string[] }> {
  const clients = options.clients ?? 16;
  const seconds = options.seconds ?? 4;
  const spec = {
    dirPrefix: 'roamkit-bench-profiles-',
    senderName: 'sender',
    senderParties: ['DE:MSP:EMSP', 'DE:SCP:SCSP'],
    options: { chargingProfiles: true },
  };
  return withTwoNodes(spec, async ({ cpo, sender, peer, bare }) => {
    const profiles = sender.profiles as ChargingProfilesService;
    const locations = await publishLocations(cpo, {
      locations: clients,
      seed: 'bench-profiles',
      tariffs: 1,
      capabilities: ['RFID_READER', 'REMOTE_START_STOP_CAPABLE', 'CHARGING_PROFILE_CAPABLE'],
    });
    const token = benchToken();
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

    const request = async (r: ProfileRequest) => (await profiles.sendAndWait(peer.id, r)).outcome ?? 'NONE';
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
  });
}

// `node dist/bench/charging-profiles.js` runs these benchmarks alone.
await runIfMain(import.meta.url, runChargingProfilesBenchmarks);
