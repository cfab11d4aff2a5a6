/**
 * `roamkit simulate [--sessions N] [--concurrency C] [--seed S] [--speed X] [--db URL]`: charging
 * sessions at a CPO node's EVSEs (src/simulate/), on the node's database. Drivers present the
 * tokens the node holds from its eMSPs; the sessions run through the node's charging sessions, so
 * every Session, EVSE status and CDR is published and owed to the peers as a real one would be.
 * The delivery worker runs in this process too, so the peers get them even when no `roamkit
 * serve` runs on the database (when one does, both workers share the work through their leases);
 * at the end the command waits until nothing is owed (at most --wait seconds).
 *
 * Exit codes: 0 done; 1 nothing to simulate with (no tokens from any eMSP, no EVSE), a session
 * step failed, a peer refused a Session or CDR, or the database failed; 2 usage (bad arguments,
 * no usable database, no CPO party on the node).
 */
import type cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { createPlatform } from '../platform/platform.js';
import {
  DEFAULT_SPEED,
  runSimulation,
  SimulationError,
  type SimulationEvent,
  type SimulationSummary,
} from '../simulate/driver.js';
import type { ArrivalPattern } from '../simulate/scenario.js';
import type { SqlStore } from '../store/database.js';
import { StoreError } from '../store/errors.js';
import { redactStoreUrl } from '../store/url.js';
import { cliLogger, type LineFormat } from './cli-logger.js';
import { checkNodeDatabase, databaseUrl, withNodeStore } from './node-context.js';
import { onTerminal, type ProgressIo, perSecond, progressBar } from './progress.js';
import { InputError } from './read-documents.js';

export type SimulateIo = ProgressIo;

export interface SimulateCommandOptions {
  sessions: number;
  concurrency: number;
  seed: string;
  speed: number;
  sampleMinutes: number;
  arrivals: ArrivalPattern;
  /** Share of drivers whose token is refused (0 to 1). */
  refused: number;
  /** Seconds to wait at the end for the deliveries. */
  wait: number;
  db?: string;
}

export const SIMULATE_DEFAULTS = {
  sessions: 20,
  concurrency: 5,
  seed: 'roamkit',
  speed: DEFAULT_SPEED,
  sampleMinutes: 5,
  arrivals: 'daily' as ArrivalPattern,
  refused: 0.04,
  wait: 60,
};

// ---------------------------------------------------------------------------------------------
// Arguments.

function parseWhole(min: number) {
  return (value: string): number => {
    const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min)
      throw new InvalidArgumentError(`use a whole number of ${min} or more`);
    return n;
  };
}

function parsePositive(value: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('use a positive number');
  return n;
}

/** Simulated seconds per real second; `max` (or `inf`) for no waiting at all. */
export function parseSpeed(value: string): number {
  const text = value.trim().toLowerCase();
  if (text === 'max' || text === 'inf' || text === 'infinity') return Number.POSITIVE_INFINITY;
  const n = Number(text);
  if (text === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('use simulated seconds per real second (e.g. 600), or max for no waiting');
  }
  return n;
}

function parseShare(value: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError('use a number from 0 to 1');
  return n;
}

function parseArrivals(value: string): ArrivalPattern {
  const text = value.trim().toLowerCase();
  if (text !== 'daily' && text !== 'poisson' && text !== 'burst') {
    throw new InvalidArgumentError('use daily, poisson or burst');
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Output.

const hours = (ms: number) => `${(ms / 3_600_000).toFixed(1)} h`;
const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Revenue by currency: `312.55 EUR, 12.10 CHF`; `none` when nothing was charged. */
export function formatRevenue(revenue: Record<string, number>): string {
  const parts = Object.entries(revenue)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, amount]) => `${amount.toFixed(2)} ${currency}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** The summary of a finished simulation, as lines. */
export function formatSimulationSummary(summary: SimulationSummary, speed: number): string[] {
  const span = summary.to.getTime() - summary.from.getTime();
  const pace = Number.isFinite(speed) ? `speed ${speed}` : 'speed max';
  const lines = [
    `simulated ${summary.planned} drivers from ${iso(summary.from)} to ${iso(summary.to)}: ` +
      `${hours(span)} in ${(summary.realMs / 1000).toFixed(1)} s (${pace}), at most ${summary.peakConcurrency} sessions at once`,
    `tokens: ${summary.authorized} authorized, ${summary.refused} refused (no session)`,
    `sessions: ${summary.sessions} started, ${summary.cdrs} CDRs, ${summary.kwh.toFixed(3)} kWh, ` +
      `revenue ${formatRevenue(summary.revenue)} (before taxes), ${summary.meterValues} meter values`,
  ];
  const first = summary.completed[0];
  if (first !== undefined) {
    const last = summary.completed[summary.completed.length - 1];
    lines.push(
      `ids: ${first.sessionId}${last !== undefined && last !== first ? ` … ${last.sessionId}` : ''} (run ${summary.run}; a CDR has its session's id)`,
    );
  }
  if (summary.failed > 0) {
    lines.push(`failed steps: ${summary.failed}`);
    for (const error of summary.errors) lines.push(`  ${error}`);
  }
  return lines;
}

/** Shows the progress: a bar on a terminal, else a line every tenth of the drivers. */
function progressReporter(io: SimulateIo) {
  const tty = onTerminal(io);
  const started = Date.now();
  let total = 0;
  let done = 0;
  let charging = 0;
  let kwh = 0;
  let nextLine = 0;
  let simulated = '';
  let bar: cliProgress.SingleBar | undefined;
  const payload = () => ({
    charging,
    kwh: kwh.toFixed(1),
    at: simulated,
    rate: perSecond(done, Date.now() - started),
  });
  const update = () => {
    if (bar !== undefined) {
      bar.update(done, payload());
      return;
    }
    if (tty || total === 0) return;
    if (done >= nextLine || done === total) {
      io.err(
        `${done}/${total} drivers done: ${charging} charging, ${kwh.toFixed(1)} kWh delivered; simulated time ${simulated}`,
      );
      nextLine = Math.min(total, done + Math.max(1, Math.ceil(total / 10)));
    }
  };
  return {
    tty,
    onEvent(event: SimulationEvent) {
      if (event.type === 'planned') {
        total = event.planned;
        nextLine = Math.max(1, Math.ceil(total / 10));
        simulated = iso(event.from);
        if (tty && total > 0) {
          bar = progressBar(
            io,
            'drivers [{bar}] {value}/{total} | {charging} charging | {kwh} kWh | {at} | ETA {eta_formatted}',
            50,
          );
          bar.start(total, 0, payload());
        }
        return;
      }
      // Steps at different EVSEs finish out of order: show the furthest simulated time reached.
      if (iso(event.at) > simulated) simulated = iso(event.at);
      if (event.type === 'started') charging++;
      else if (event.type === 'stopped') {
        charging--;
        done++;
        kwh += Number(event.cdr.total_energy ?? 0);
      } else if (event.type === 'refused') done++;
      else if (event.type === 'error') done++;
      update();
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/** A log record as a line with its error; a message repeated is shown 3 times, 20 lines at most. */
function simulateLine(): LineFormat {
  const seen = new Map<string, number>();
  let shown = 0;
  return (level, obj, msg) => {
    const key = `${level}:${msg ?? ''}`;
    const times = (seen.get(key) ?? 0) + 1;
    seen.set(key, times);
    if (times > 3 || shown >= 20) return undefined;
    shown++;
    const { error } = obj as { error?: unknown };
    return `${level}: ${msg ?? ''}${error === undefined ? '' : ` (${String(error)})`}`;
  };
}

/** What is still owed to peers, by state. */
interface Owed {
  pending: number;
  parked: number;
  /** Sessions and CDRs a peer refused. */
  refused: number;
}

async function owed(store: SqlStore): Promise<Owed> {
  const counts = await store.deliveries.counts();
  const sum = (state: string) => counts.filter((c) => c.state === state).reduce((n, c) => n + c.count, 0);
  const refused = await store.deliveries.list({ state: 'REFUSED' });
  return {
    pending: sum('PENDING'),
    parked: sum('PARKED'),
    refused: refused.filter((d) => d.module === 'sessions' || d.module === 'cdrs').length,
  };
}

/** Waits until no delivery is PENDING (sent, parked or refused), at most `ms`. */
async function waitForDeliveries(store: SqlStore, ms: number): Promise<Owed> {
  const deadline = Date.now() + ms;
  for (;;) {
    const now = await owed(store);
    if (now.pending === 0 || Date.now() >= deadline) return now;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// ---------------------------------------------------------------------------------------------
// The command.

export function addSimulateCommand(program: Command, io: SimulateIo): Command {
  const d = SIMULATE_DEFAULTS;
  return program
    .command('simulate')
    .description(
      "charging sessions at the node's EVSEs with the tokens its eMSPs sent: Sessions and CDRs pushed to them",
    )
    .option('--sessions <n>', `drivers arriving`, parseWhole(0), d.sessions)
    .option('--concurrency <n>', `most sessions at once`, parseWhole(1), d.concurrency)
    .option('--seed <seed>', `the same seed gives the same sessions`, d.seed)
    .option(
      '--speed <x>',
      'simulated seconds per real second (3600: an hour a second), or max for no waiting',
      parseSpeed,
      d.speed,
    )
    .option('--sample-minutes <m>', `a meter value every M simulated minutes`, parsePositive, d.sampleMinutes)
    .option('--arrivals <pattern>', `daily, poisson or burst`, parseArrivals, d.arrivals)
    .option(
      '--refused <share>',
      `share of drivers with a token the CPO refuses: blocked, or unknown`,
      parseShare,
      d.refused,
    )
    .option('--wait <seconds>', `at most this long for the deliveries at the end`, parsePositive, d.wait)
    .option('--db <url>', "the node's database: sqlite:PATH or postgres://… (env ROAMKIT_DB)")
    .action(async (options: SimulateCommandOptions) => {
      process.exitCode = await runSimulateCommand(options, io);
    });
}

/** The command's work; returns the exit code. */
export async function runSimulateCommand(options: SimulateCommandOptions, io: SimulateIo): Promise<number> {
  let reporter: ReturnType<typeof progressReporter> | undefined;
  const log = cliLogger(io.err, () => reporter?.tty === true, simulateLine());
  const url = databaseUrl(options.db, io.env ?? process.env);
  try {
    checkNodeDatabase(url, 'simulate');
    return await withNodeStore(url, async (store, config) => {
      if (!config.parties.some((p) => p.role === 'CPO')) {
        throw new InputError(
          "roamkit simulate: this node hosts no CPO party (sessions happen at a CPO's EVSEs)",
        );
      }
      const platform = createPlatform({ config, store, log: log.logger });
      platform.delivery.start();
      let summary: SimulationSummary;
      let left: Owed;
      try {
        reporter = progressReporter(io);
        try {
          summary = await runSimulation(platform, {
            sessions: options.sessions,
            concurrency: options.concurrency,
            seed: options.seed,
            speed: options.speed,
            sampleMinutes: options.sampleMinutes,
            arrivals: options.arrivals,
            refusedShare: options.refused,
            onEvent: reporter.onEvent,
          });
        } finally {
          reporter.stop();
          log.flush();
        }
        left = await waitForDeliveries(store, options.wait * 1000);
      } finally {
        await platform.delivery.stop();
        log.flush();
      }
      for (const line of formatSimulationSummary(summary, options.speed)) io.out(line);
      if (left.pending === 0 && left.parked === 0) {
        io.out('deliveries: nothing owed to any peer');
      } else {
        io.out(
          `deliveries: ${left.pending} still owed, ${left.parked} parked (peer unreachable): ` +
            'the node sends them when it runs (roamkit serve; roamkit outbox list shows them)',
        );
      }
      if (left.refused > 0) {
        io.err(
          `roamkit simulate: ${left.refused} Sessions or CDRs were refused by a peer (roamkit outbox list --state REFUSED)`,
        );
      }
      return summary.failed > 0 || left.refused > 0 ? 1 : 0;
    });
  } catch (error) {
    reporter?.stop();
    log.flush();
    if (error instanceof InputError) {
      io.err(error.message);
      return 2;
    }
    if (error instanceof SimulationError) {
      io.err(`roamkit simulate: ${error.message}`);
      return 1;
    }
    if (error instanceof StoreError) {
      io.err(`roamkit simulate: cannot use the database ${redactStoreUrl(url)}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
