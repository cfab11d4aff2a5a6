import { performance } from 'node:perf_hooks';
import type { CommandsService } from '../src/platform/commands/service.js';
import { type BenchResult, runIfMain } from './harness.js';
import { benchToken, ms, percentile, publishLocations, withTwoNodes } from './two-nodes.js';

type Json = Record<string, unknown>;

export interface CommandsBenchOptions {
  /** Command loops side by side (default 16). */
  clients?: number;
  /** Seconds per measurement (default 4). */
  seconds?: number;
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

export async function runCommandsBenchmarks(
  options: CommandsBenchOptions = {},
): Promise<{ results: BenchResult[]; notes: string[] }> {
  const clients = options.clients ?? 16;
  const seconds = options.seconds ?? 4;
  const spec = {
    dirPrefix: 'roamkit-bench-commands-',
    senderName: 'eMSP',
    senderParties: ['DE:MSP:EMSP'],
    options: { forceCommands: true },
  };
  return withTwoNodes(spec, async ({ cpo, sender: emsp, peer, bare }) => {
    // One Location per client, every EVSE free and capable of everything.
    const locations = await publishLocations(cpo, {
      locations: clients,
      seed: 'bench-commands',
      tariffs: 2,
      capabilities: ['RFID_READER', 'REMOTE_START_STOP_CAPABLE', 'UNLOCK_CAPABLE', 'RESERVABLE'],
    });
    const where = locations.map((l) => {
      const evse = (l.evses as Json[])[0] as Json;
      return {
        location_id: String(l.id),
        evse_uid: String(evse.uid),
        connector_id: String(((evse.connectors as Json[])[0] as Json).id),
      };
    });
    const token = benchToken();
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
  });
}

// `node dist/bench/commands.js` runs these benchmarks alone.
await runIfMain(import.meta.url, runCommandsBenchmarks);
