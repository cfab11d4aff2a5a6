/**
 * The charging simulator's driver: plays a scenario (scenario.ts) against a CPO node's charging
 * sessions (platform.chargingSessions) as its charge stations would: each driver presents a
 * token (authorize), an authorized one starts a session, meter values come in, the session
 * stops (its CDR). Everything a peer sees follows from those calls: the Session pushed as it
 * runs, EVSE status changes, the CDR.
 *
 * Time is virtual. The scenario's offsets are placed on a midnight in the past such that the
 * last stop lies a minute before now: every Session, period and CDR carries past DateTimes, so an
 * eMSP's pull (which reads up to the moment it starts) sees them as well as the pushes. Between
 * two events the driver waits (speed) simulated seconds per real second; speed Infinity never
 * waits. Events run in simulated-time order, at most `inFlight` at a time (the scenario keeps at
 * most `concurrency` sessions open at once); the events of one EVSE run one after the other (a
 * session's own in order, and a session starts at an EVSE only after the previous one there
 * stopped).
 *
 * Ids are deterministic: `SIM-{seed hash}-{run}-{index}`, run 0 on a node that never ran this
 * seed before (a later run of the same seed on the same database takes the next free run number,
 * so it never collides with the CDRs already sent: CDRs are never changed).
 */
import { performance } from 'node:perf_hooks';
import type { Platform } from '../platform/platform.js';
import { hashSeed } from '../platform/seed/random.js';
import { formatDateTime } from '../protocol/index.js';
import type { ObjectKey, PartyKey } from '../store/types.js';
import {
  type ArrivalPattern,
  evsesOfLocations,
  generateScenario,
  type PlannedSession,
  peakConcurrency,
  type Scenario,
  type ScenarioEvse,
  type ScenarioSample,
  type ScenarioToken,
} from './scenario.js';

type Json = Record<string, unknown>;

const DAY = 86_400_000;
/** The scenario ends this long before the clock's now. */
const END_MARGIN_MS = 60_000;
/** The default speed: simulated seconds per real second (an hour a second; a simulated day in 24 s). */
export const DEFAULT_SPEED = 3600;
/** Steps in flight at most, unless told (see SimulationOptions.inFlight). */
export const DEFAULT_IN_FLIGHT = 32;

export interface SimulationOptions {
  /** Drivers arriving (most charge; a few are refused). */
  sessions: number;
  /** At most this many sessions at once. */
  concurrency: number;
  /**
   * At most this many steps (platform calls) in flight (default 32, never more than
   * `concurrency`). Between batches the driver lets the event loop turn: on SQLite every store
   * call completes synchronously, so a long queue of them would run back to back and starve the
   * process's network I/O and timers (the node's own HTTP server, the delivery worker, real-time
   * authorization calls and their timeouts).
   */
  inFlight?: number;
  seed: string | number;
  /** Simulated seconds per real second (default 3600); Infinity: no waiting at all. */
  speed?: number;
  /** A meter value every this many simulated minutes (default 5). */
  sampleMinutes?: number;
  /** Default 'daily' (see scenario.ts). */
  arrivals?: ArrivalPattern;
  /** Share of drivers with a token to be refused (default 0.04). */
  refusedShare?: number;
  /** Told of every step, after the platform call returned (its change committed). */
  onEvent?: (event: SimulationEvent) => void;
  /** Default: the system clock (the scenario ends a minute before it). */
  now?: () => Date;
  /** Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

/** A presented token as the events name it. */
export interface SimulatedToken {
  uid: string;
  type: string;
  issuer: PartyKey;
}

export interface SimulatedChargePoint {
  location: ObjectKey;
  evseUid: string;
  connectorId: string;
}

export type SimulationEvent =
  | { type: 'planned'; planned: number; charging: number; from: Date; to: Date; run: number }
  | {
      type: 'refused';
      index: number;
      at: Date;
      token: SimulatedToken;
      chargePoint: SimulatedChargePoint;
      reason: string;
    }
  | {
      type: 'started';
      index: number;
      at: Date;
      sessionId: string;
      token: SimulatedToken;
      chargePoint: SimulatedChargePoint;
    }
  | { type: 'meter'; index: number; at: Date; sessionId: string; energyKwh: number; powerKw: number }
  | { type: 'stopped'; index: number; at: Date; sessionId: string; session: Json; cdr: Json }
  | { type: 'error'; index: number; at: Date; sessionId?: string; message: string };

/** One session that ran to its CDR. */
export interface CompletedSession {
  sessionId: string;
  cdrId: string;
  token: SimulatedToken;
  chargePoint: SimulatedChargePoint;
  kwh: number;
  /** The CDR's total_cost before taxes, in `currency`. */
  cost: number;
  currency: string;
  start: string;
  end: string;
}

export interface SimulationSummary {
  /** Drivers in the scenario. */
  planned: number;
  /** Tokens the CPO authorized. */
  authorized: number;
  /** Tokens refused (no session). */
  refused: number;
  /** Sessions started. */
  sessions: number;
  /** CDRs made (sessions stopped). */
  cdrs: number;
  /** Energy of those CDRs (kWh). */
  kwh: number;
  /** Their total_cost before taxes, by currency. */
  revenue: Record<string, number>;
  meterValues: number;
  /** Steps that failed (the platform threw); the session's later steps are skipped. */
  failed: number;
  /** The first failures' messages. */
  errors: string[];
  /** The simulated span: the first arrival and the last stop. */
  from: Date;
  to: Date;
  /** Most sessions at the same time, as planned. */
  peakConcurrency: number;
  /** Real time taken. */
  realMs: number;
  /** The run number in the ids (0 on a node that never ran this seed). */
  run: number;
  /** The sessions that ran to their CDR, by id (the order they arrived in). */
  completed: CompletedSession[];
}

/** What the CPO node offers the simulator: the tokens it holds from eMSPs and its EVSEs. */
export interface SimulationInputs {
  tokens: ScenarioToken[];
  evses: ScenarioEvse[];
}

/**
 * The tokens the node holds from its peers (the eMSPs' pushes or pulls) and the EVSEs of the
 * locations of its CPO parties.
 */
export async function simulationInputs(
  platform: Pick<Platform, 'config' | 'store'>,
): Promise<SimulationInputs> {
  const { store, config } = platform;
  const tokens: ScenarioToken[] = [];
  for await (const record of store.objects.iterate({ module: 'tokens' })) {
    if (record.peerId === null || record.deleted) continue;
    const data = record.data;
    if (typeof data.uid !== 'string' || typeof data.type !== 'string') continue;
    tokens.push({
      uid: data.uid,
      type: data.type,
      issuer: { countryCode: record.key.countryCode, partyId: record.key.partyId },
      valid: data.valid === true,
    });
  }
  const parties = config.parties
    .filter((p) => p.role === 'CPO')
    .map((p) => ({ countryCode: p.country_code, partyId: p.party_id }));
  const locations: Json[] = [];
  if (parties.length > 0) {
    for await (const record of store.objects.iterate({ module: 'locations', peerId: null, parties })) {
      if (!record.deleted) locations.push(record.data);
    }
  }
  return { tokens, evses: evsesOfLocations(locations) };
}

/** Why a simulation cannot run on this node (CLI: a clear message, exit 1). */
export class SimulationError extends Error {
  override readonly name = 'SimulationError';
  constructor(
    readonly kind: 'no_tokens' | 'no_evses',
    message: string,
  ) {
    super(message);
  }
}

/** The seed's part of the ids: 8 hex digits. */
export const seedTag = (seed: string | number): string => hashSeed(seed).toString(16).padStart(8, '0');

export const simulatedSessionId = (seed: string | number, run: number, index: number): string =>
  `SIM-${seedTag(seed)}-${run}-${String(index).padStart(6, '0')}`;

/** One thing to do at one simulated instant. */
interface Step {
  atMs: number;
  session: PlannedSession;
  /** Order within the session. */
  seq: number;
  kind: 'arrive' | 'meter' | 'stop';
  sample?: ScenarioSample;
}

function stepsOf(scenario: Scenario): Step[] {
  const steps: Step[] = [];
  for (const session of scenario.sessions) {
    steps.push({ atMs: session.arrivalMs, session, seq: 0, kind: 'arrive' });
    const charge = session.charge;
    if (charge === undefined) continue;
    let seq = 1;
    for (const sample of charge.samples) {
      steps.push({ atMs: sample.atMs, session, seq: seq++, kind: 'meter', sample });
    }
    steps.push({ atMs: charge.stopMs, session, seq, kind: 'stop' });
  }
  // By time; at the same instant the earlier arrival first (a session stopping at an EVSE before
  // the next one starts there), and a session's own steps in order.
  return steps.sort((a, b) => a.atMs - b.atMs || a.session.index - b.session.index || a.seq - b.seq);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const chargePointKey = (c: SimulatedChargePoint) =>
  `${c.location.countryCode}/${c.location.partyId}/${c.location.id}/${c.evseUid}`;

/**
 * The first run number none of whose session ids this node holds for this seed (any of them:
 * a session planned first may have been refused by the eMSP in that run).
 */
async function freeRun(platform: Pick<Platform, 'store'>, scenario: Scenario, seed: string | number) {
  const planned = scenario.sessions.filter((s) => s.charge !== undefined);
  for (let run = 0; ; run++) {
    const keys = planned.map((s) => ({
      countryCode: s.chargePoint.location.countryCode,
      partyId: s.chargePoint.location.partyId,
      id: simulatedSessionId(seed, run, s.index),
    }));
    if (keys.length === 0 || (await platform.store.objects.getMany('sessions', keys)).length === 0)
      return run;
  }
}

interface SessionState {
  status: 'waiting' | 'running' | 'refused' | 'done' | 'failed';
  id?: string;
}

/** Runs a simulation on a CPO node; resolves when every session has stopped (or failed). */
export async function runSimulation(
  platform: Pick<Platform, 'config' | 'store' | 'chargingSessions'>,
  options: SimulationOptions,
): Promise<SimulationSummary> {
  const speed = options.speed ?? DEFAULT_SPEED;
  if (!(speed > 0)) throw new RangeError(`speed must be a positive number (or Infinity), not ${speed}`);
  const clock = options.now ?? (() => new Date());
  const sleep = options.sleep ?? defaultSleep;
  const emit = options.onEvent ?? (() => {});
  const started = performance.now();

  const inputs = await simulationInputs(platform);
  if (options.sessions > 0 && inputs.tokens.length === 0) {
    throw new SimulationError(
      'no_tokens',
      'this node holds no tokens from any eMSP: a connected eMSP must push (or the node pull) its tokens first',
    );
  }
  if (options.sessions > 0 && inputs.evses.length === 0) {
    throw new SimulationError(
      'no_evses',
      'this node has no EVSE to charge at: publish locations of its CPO party first (e.g. roamkit seed)',
    );
  }
  const scenario = generateScenario({
    seed: options.seed,
    sessions: options.sessions,
    tokens: inputs.tokens,
    evses: inputs.evses,
    concurrency: options.concurrency,
    ...(options.sampleMinutes === undefined ? {} : { sampleMinutes: options.sampleMinutes }),
    ...(options.arrivals === undefined ? {} : { arrivals: options.arrivals }),
    ...(options.refusedShare === undefined ? {} : { refusedShare: options.refusedShare }),
  });
  const run = await freeRun(platform, scenario, options.seed);

  // Offset 0 is a midnight: the daily profile's hours are the DateTimes' hours.
  const baseMs = Math.floor((clock().getTime() - END_MARGIN_MS - scenario.spanMs) / DAY) * DAY;
  const dateOf = (offsetMs: number) => new Date(baseMs + offsetMs);
  const steps = stepsOf(scenario);
  const firstMs = scenario.sessions[0]?.arrivalMs ?? 0;
  emit({
    type: 'planned',
    planned: scenario.sessions.length,
    charging: scenario.sessions.filter((s) => s.charge !== undefined).length,
    from: dateOf(firstMs),
    to: dateOf(scenario.spanMs),
    run,
  });

  const summary: SimulationSummary = {
    planned: scenario.sessions.length,
    authorized: 0,
    refused: 0,
    sessions: 0,
    cdrs: 0,
    kwh: 0,
    revenue: {},
    meterValues: 0,
    failed: 0,
    errors: [],
    from: dateOf(firstMs),
    to: dateOf(scenario.spanMs),
    peakConcurrency: peakConcurrency(scenario),
    realMs: 0,
    run,
    completed: [],
  };
  const states: SessionState[] = scenario.sessions.map(() => ({ status: 'waiting' }));
  const sessions = platform.chargingSessions;

  async function execute(step: Step): Promise<void> {
    const planned = step.session;
    const state = states[planned.index] as SessionState;
    const at = dateOf(step.atMs);
    const token: SimulatedToken = planned.token;
    const chargePoint: SimulatedChargePoint = planned.chargePoint;
    if (step.kind === 'arrive') {
      // A card carries only its uid: the CPO finds the issuer in its cache. A card it has never
      // seen is named with the issuer its contract id would show, so the eMSP is asked about it.
      const presented = {
        uid: token.uid,
        type: token.type,
        ...(planned.expected === 'unknown' ? { issuer: token.issuer } : {}),
      };
      const authorization = await sessions.authorize(presented, chargePoint, at);
      if (!authorization.decision.authorized) {
        state.status = 'refused';
        summary.refused++;
        emit({
          type: 'refused',
          index: planned.index,
          at,
          token,
          chargePoint,
          reason: authorization.decision.reason,
        });
        return;
      }
      summary.authorized++;
      if (planned.charge === undefined) {
        // Meant to be refused but let through (the eMSP decides): the driver had no car to charge.
        state.status = 'done';
        return;
      }
      const id = simulatedSessionId(options.seed, run, planned.index);
      state.id = id;
      await sessions.start({ authorization, at: chargePoint, when: at, id });
      state.status = 'running';
      summary.sessions++;
      emit({ type: 'started', index: planned.index, at, sessionId: id, token, chargePoint });
      return;
    }
    if (state.status !== 'running' || state.id === undefined) return;
    const id = state.id;
    if (step.kind === 'meter' && step.sample !== undefined) {
      const sample = step.sample;
      await sessions.meter(id, {
        time: at,
        energyKwh: sample.energyKwh,
        powerKw: sample.powerKw,
        currentA: sample.currentA,
      });
      summary.meterValues++;
      emit({
        type: 'meter',
        index: planned.index,
        at,
        sessionId: id,
        energyKwh: sample.energyKwh,
        powerKw: sample.powerKw,
      });
      return;
    }
    const { session, cdr } = await sessions.stop(id, at);
    state.status = 'done';
    summary.cdrs++;
    const kwh = Number(cdr.total_energy ?? 0);
    const cost = Number((cdr.total_cost as Json | undefined)?.before_taxes ?? 0);
    const currency = String(cdr.currency ?? '');
    summary.kwh += kwh;
    summary.revenue[currency] = (summary.revenue[currency] ?? 0) + cost;
    summary.completed.push({
      sessionId: id,
      cdrId: String(cdr.id),
      token,
      chargePoint,
      kwh,
      cost,
      currency,
      start: String(session.start_date_time),
      end: formatDateTime(at),
    });
    emit({ type: 'stopped', index: planned.index, at, sessionId: id, session, cdr });
  }

  // One chain of steps per EVSE; at most `limit` steps dispatched and not finished.
  const chains = new Map<string, Promise<void>>();
  let inFlight = 0;
  let freed: (() => void) | undefined;
  const limit = Math.max(1, Math.min(options.inFlight ?? DEFAULT_IN_FLIGHT, options.concurrency));
  const playStart = performance.now();
  for (const step of steps) {
    if (Number.isFinite(speed)) {
      const due = playStart + (step.atMs - firstMs) / speed;
      const wait = due - performance.now();
      if (wait >= 1) await sleep(wait);
    }
    if (inFlight >= limit) {
      while (inFlight >= limit) await new Promise<void>((resolve) => (freed = resolve));
      // A turn of the event loop before the next batch: I/O and timers get their share.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    inFlight++;
    const key = chargePointKey(step.session.chargePoint);
    const task = async () => {
      const state = states[step.session.index] as SessionState;
      if (state.status === 'failed') return;
      try {
        await execute(step);
      } catch (error) {
        state.status = 'failed';
        summary.failed++;
        const message = `${step.kind} ${state.id ?? `#${step.session.index}`}: ${(error as Error).message}`;
        if (summary.errors.length < 20) summary.errors.push(message);
        emit({
          type: 'error',
          index: step.session.index,
          at: dateOf(step.atMs),
          ...(state.id === undefined ? {} : { sessionId: state.id }),
          message,
        });
      }
    };
    const next = (chains.get(key) ?? Promise.resolve()).then(task).finally(() => {
      inFlight--;
      const wake = freed;
      freed = undefined;
      wake?.();
    });
    chains.set(key, next);
  }
  await Promise.all(chains.values());
  summary.completed.sort((a, b) => (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0));
  summary.kwh = Math.round(summary.kwh * 1000) / 1000;
  for (const currency of Object.keys(summary.revenue)) {
    summary.revenue[currency] = Math.round((summary.revenue[currency] ?? 0) * 100) / 100;
  }
  summary.realMs = performance.now() - started;
  return summary;
}
