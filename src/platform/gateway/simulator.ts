/**
 * The built-in charge point simulator: a ChargePointGateway whose charge points obey the node's
 * commands themselves, for demos, tests and benchmarks without a charging-station backend.
 *
 * Each charge point answers as a well-behaved OCPP station would:
 * - START_SESSION: starts a session at once (the cable counts as plugged in) and answers
 *   ACCEPTED; EVSE_OCCUPIED when the EVSE has a session already; REJECTED when it is reserved for
 *   another token (a reservation for this token is used up by the session);
 * - STOP_SESSION: a final meter value, the session stopped (its CDR published), ACCEPTED;
 *   REJECTED for a session it is not running;
 * - RESERVE_NOW: holds the EVSE (status RESERVED) until the expiry (then AVAILABLE again);
 *   the same reservation id replaces the reservation; EVSE_OCCUPIED when a session runs there,
 *   REJECTED when another reservation holds it;
 * - CANCEL_RESERVATION: ACCEPTED and the EVSE AVAILABLE again, or UNKNOWN_RESERVATION;
 * - UNLOCK_CONNECTOR: ACCEPTED, REJECTED while a session runs on that connector;
 * - the charging profile commands (smart charging): SET_CHARGING_PROFILE replaces the running
 *   session's profile, CLEAR_CHARGING_PROFILE drops it, GET_ACTIVE_CHARGING_PROFILE answers the
 *   ActiveChargingProfile for the asked duration; each ACCEPTED, UNKNOWN when the session does not
 *   run here. The profile is obeyed: it caps the power the session draws (see below).
 *
 * The virtual meter is deterministic: a running session draws `powerKw` (default 11 kW) from
 * its start, capped by its charging profile's limit of the moment (W, or A × `voltage` ×
 * `phases`; a profile without start_date_time counts from the session's start; before its first
 * period and after its duration it does not limit) and by a local limit (`setLocalLimit`, the
 * CPO's load balancing). Energy is that power integrated over the clock (`now`). A meter value is
 * reported at the start, every `sampleIntervalMs` of real time while it runs, whenever the
 * profile or local limit changes (the new power from then on), and at the stop. A change of the
 * profile or local limit is also reported as the session's new ActiveChargingProfile
 * (ChargePointEvents.activeChargingProfile, over `activeProfileDurationS`).
 *
 * `override` lets a test make a charge point misbehave: answer something else, or never answer
 * ('silent').
 */
import { randomUUID } from 'node:crypto';
import type { PlatformLogger } from '../modules.js';
import { silentLogger } from '../modules.js';
import type {
  ChargePointAnswer,
  ChargePointCommand,
  ChargePointEvents,
  ChargePointGateway,
  ConnectorRef,
  EvseRef,
} from './types.js';

export interface SimulatorOptions {
  /** Power drawn by every session, kW. Default 11. */
  powerKw?: number;
  /** A meter value every this many ms of real time while a session runs; 0: only at start and stop. Default 60 000. */
  sampleIntervalMs?: number;
  /** The charge point answers this long after a command arrives. Default 0 (next turn of the event loop). */
  answerDelayMs?: number;
  /** Volts and phases a limit in A is multiplied by (A per phase, as profiles give it). Defaults 230 and 3. */
  voltage?: number;
  phases?: number;
  /** The span of the ActiveChargingProfile reported when a session's limit changes, seconds. Default 3600. */
  activeProfileDurationS?: number;
  /** A test's say instead of the simulated charge point's: an answer, 'silent' (never answers), or undefined (obey). */
  override?: (command: ChargePointCommand) => ChargePointAnswer | 'silent' | undefined;
  now?: () => Date;
  log?: PlatformLogger;
}

export interface SimulatedSession {
  sessionId: string;
  at: ConnectorRef;
  start: Date;
  tokenUid: string;
  /** kWh so far on the virtual meter. */
  energyKwh: number;
  /** kW drawn now (the profile and local limit applied). */
  powerKw: number;
  /** The charging profile set on it (canonical ChargingProfile), if any. */
  profile?: Record<string, unknown>;
}

export interface SimulatedReservation {
  reservationId: string;
  at: EvseRef;
  tokenUid: string;
  tokenParty: string;
  expiresAt: Date;
}

export interface SimulatedGateway extends ChargePointGateway {
  readonly kind: 'simulator';
  /** The sessions running now. */
  sessions(): SimulatedSession[];
  /** The reservations held now. */
  reservations(): SimulatedReservation[];
  /** Resolves when every command handed over so far has been answered (or dropped, 'silent'). */
  idle(): Promise<void>;
  /**
   * The CPO cancels a reservation (the charge point broke down, roadworks): the EVSE is free
   * again and the node is told (its sender gets CANCELED_RESERVATION, 2.2+). False when there is
   * no such reservation.
   */
  cancelReservation(reservationId: string): Promise<boolean>;
  /**
   * The CPO limits a running session locally (load balancing between EVSEs), kW; undefined
   * lifts the limit. Reported like a profile change (a meter value, the new
   * ActiveChargingProfile). False when no such session runs.
   */
  setLocalLimit(sessionId: string, kw: number | undefined): Promise<boolean>;
}

interface Running {
  sessionId: string;
  at: ConnectorRef;
  start: Date;
  tokenUid: string;
  timer: NodeJS.Timeout | undefined;
  /** Every step of this session runs after the previous one (meter values, the stop). */
  chain: Promise<void>;
  stopping: boolean;
  /** kWh on the meter at `settledAt`; the energy after it follows from the limits in force. */
  settledKwh: number;
  settledAt: Date;
  profile?: Record<string, unknown>;
  /** When the profile's periods count from (its start_date_time, or the session's start). */
  profileStart?: Date;
  localLimitKw?: number;
}

interface Held extends SimulatedReservation {
  timer: NodeJS.Timeout | undefined;
}

const evseKey = (at: EvseRef): string =>
  `${at.location.countryCode}/${at.location.partyId}/${at.location.id}/${at.evseUid}`;

export function createSimulatedGateway(options: SimulatorOptions = {}): SimulatedGateway {
  const powerKw = options.powerKw ?? 11;
  const voltage = options.voltage ?? 230;
  const phases = options.phases ?? 3;
  const activeProfileDurationS = options.activeProfileDurationS ?? 3600;
  const sampleIntervalMs = options.sampleIntervalMs ?? 60_000;
  const answerDelayMs = options.answerDelayMs ?? 0;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? silentLogger;
  let events: ChargePointEvents | undefined;
  let closed = false;

  const running = new Map<string, Running>();
  /** EVSE → the session on it ('starting' while its start is on the way). */
  const busy = new Map<string, string>();
  const reservations = new Map<string, Held>();
  /** EVSE → the reservation holding it. */
  const reservedEvses = new Map<string, string>();
  const inFlight = new Set<Promise<void>>();

  const connected = (): ChargePointEvents => {
    if (events === undefined) throw new Error('the simulator is not connected to a node');
    return events;
  };

  /** The profile's periods, by start (seconds from the profile's start). */
  function periodsOf(profile: Record<string, unknown>): { start: number; limit: number }[] {
    const list = Array.isArray(profile.charging_profile_period) ? profile.charging_profile_period : [];
    return (list as Record<string, unknown>[])
      .map((p) => ({ start: Number(p.start_period), limit: Number(p.limit) }))
      .filter((p) => Number.isFinite(p.start) && Number.isFinite(p.limit))
      .sort((a, b) => a.start - b.start);
  }

  /** kW the session's profile allows at `t` (Infinity: no limit then). */
  function profileLimitKw(run: Running, t: number): number {
    if (run.profile === undefined || run.profileStart === undefined) return Number.POSITIVE_INFINITY;
    const offsetS = (t - run.profileStart.getTime()) / 1000;
    const duration = run.profile.duration;
    if (offsetS < 0 || (typeof duration === 'number' && offsetS >= duration)) return Number.POSITIVE_INFINITY;
    const period = periodsOf(run.profile)
      .filter((p) => p.start <= offsetS)
      .at(-1);
    if (period === undefined) return Number.POSITIVE_INFINITY;
    return run.profile.charging_rate_unit === 'A'
      ? (period.limit * voltage * phases) / 1000
      : period.limit / 1000;
  }

  const powerAt = (run: Running, t: number): number =>
    Math.max(0, Math.min(powerKw, profileLimitKw(run, t), run.localLimitKw ?? Number.POSITIVE_INFINITY));

  /** The instants in (from, to) where the profile's limit may change. */
  function edges(run: Running, from: number, to: number): number[] {
    if (run.profile === undefined || run.profileStart === undefined) return [];
    const start = run.profileStart.getTime();
    const instants = periodsOf(run.profile).map((p) => start + p.start * 1000);
    if (typeof run.profile.duration === 'number') instants.push(start + run.profile.duration * 1000);
    return [...new Set(instants)].filter((t) => t > from && t < to).sort((a, b) => a - b);
  }

  /** kWh drawn between two instants: the power is constant between the profile's edges. */
  function energyBetween(run: Running, from: number, to: number): number {
    if (to <= from) return 0;
    let kwh = 0;
    let at = from;
    for (const edge of [...edges(run, from, to), to]) {
      kwh += (powerAt(run, at) * (edge - at)) / 3_600_000;
      at = edge;
    }
    return kwh;
  }

  const energyAt = (run: Running, at: Date): number =>
    run.settledKwh + energyBetween(run, run.settledAt.getTime(), at.getTime());

  /** Fixes the meter at `at` before the limits change (what was drawn stays drawn). */
  function settle(run: Running, at: Date): void {
    if (at.getTime() <= run.settledAt.getTime()) return;
    run.settledKwh = energyAt(run, at);
    run.settledAt = at;
  }

  const formatTime = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const tenth = (value: number) => Math.round(value * 10) / 10;

  /** The ActiveChargingProfile of a session from `from` for `durationS`: the power it will draw, in W. */
  function activeProfile(run: Running, from: Date, durationS: number): Record<string, unknown> {
    const start = from.getTime();
    const end = start + durationS * 1000;
    const periods: { start_period: number; limit: number }[] = [];
    for (const at of [start, ...edges(run, start, end)]) {
      const limit = tenth(powerAt(run, at) * 1000);
      if (periods.at(-1)?.limit !== limit) {
        periods.push({ start_period: Math.round((at - start) / 1000), limit });
      }
    }
    return {
      start_date_time: formatTime(from),
      charging_profile: { charging_rate_unit: 'W', duration: durationS, charging_profile_period: periods },
    };
  }

  /** Runs `step` after the session's previous steps; errors are logged, never thrown. */
  function onSession(run: Running, step: () => Promise<void>): Promise<void> {
    run.chain = run.chain.then(step).catch((error: unknown) => {
      log.warn(
        { sessionId: run.sessionId, err: error instanceof Error ? error.message : String(error) },
        'simulator: session step failed',
      );
    });
    return run.chain;
  }

  function sample(run: Running, at: Date) {
    const power = powerAt(run, at.getTime());
    // Held at 0 by a limit while the car wants to charge: the EVSE suspended delivery (TIME, not parking).
    return {
      time: at,
      energyKwh: energyAt(run, at),
      powerKw: power,
      ...(power === 0 ? { evseSuspended: true } : {}),
    };
  }

  /**
   * The session's limits change now: the meter is settled under the old ones, `change` applied,
   * a meter value with the new power and the new ActiveChargingProfile reported.
   */
  async function limitsChange(run: Running, change: () => void, commandId?: string): Promise<void> {
    const at = now();
    settle(run, at);
    change();
    await onSession(run, async () => {
      await connected().meterValues(run.sessionId, sample(run, at));
      await connected().activeChargingProfile?.(
        run.sessionId,
        activeProfile(run, at, activeProfileDurationS),
        commandId,
      );
    });
  }

  function scheduleSamples(run: Running): void {
    if (sampleIntervalMs <= 0 || closed) return;
    run.timer = setInterval(() => {
      if (run.stopping) return;
      void onSession(run, () => connected().meterValues(run.sessionId, sample(run, now())));
    }, sampleIntervalMs);
    run.timer.unref();
  }

  function releaseReservation(held: Held): void {
    if (held.timer !== undefined) clearTimeout(held.timer);
    reservations.delete(held.reservationId);
    if (reservedEvses.get(evseKey(held.at)) === held.reservationId) reservedEvses.delete(evseKey(held.at));
  }

  async function start(
    command: Extract<ChargePointCommand, { kind: 'START_SESSION' }>,
  ): Promise<ChargePointAnswer> {
    const key = evseKey(command.at);
    if (busy.has(key))
      return { result: 'EVSE_OCCUPIED', message: `a session is running on EVSE ${command.at.evseUid}` };
    const reservationId = reservedEvses.get(key);
    const reservation = reservationId === undefined ? undefined : reservations.get(reservationId);
    if (reservation !== undefined) {
      const party = `${command.token.country_code}/${command.token.party_id}`;
      if (reservation.tokenUid !== command.token.uid || reservation.tokenParty !== party) {
        return { result: 'REJECTED', message: `EVSE ${command.at.evseUid} is reserved for another token` };
      }
    }
    busy.set(key, 'starting');
    const when = now();
    try {
      const sessionId = randomUUID();
      const run: Running = {
        sessionId,
        at: command.at,
        start: when,
        tokenUid: command.token.uid,
        timer: undefined,
        chain: Promise.resolve(),
        stopping: false,
        settledKwh: 0,
        settledAt: when,
      };
      await connected().sessionStarted({ commandId: command.commandId, at: command.at, when, sessionId });
      if (reservation !== undefined) releaseReservation(reservation);
      busy.set(key, sessionId);
      running.set(sessionId, run);
      await connected().meterValues(sessionId, sample(run, when));
      scheduleSamples(run);
      return { result: 'ACCEPTED' };
    } catch (error) {
      busy.delete(key);
      return {
        result: 'FAILED',
        message: `the session could not start: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  async function stop(
    command: Extract<ChargePointCommand, { kind: 'STOP_SESSION' }>,
  ): Promise<ChargePointAnswer> {
    const run = running.get(command.sessionId);
    if (run === undefined || run.stopping) {
      return {
        result: 'REJECTED',
        message: `no session ${command.sessionId} is running at this charge point`,
      };
    }
    run.stopping = true;
    if (run.timer !== undefined) clearInterval(run.timer);
    let failure: string | undefined;
    await onSession(run, async () => {
      const when = now();
      try {
        await connected().meterValues(run.sessionId, sample(run, when));
        await connected().sessionStopped(run.sessionId, when);
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
    });
    running.delete(run.sessionId);
    busy.delete(evseKey(run.at));
    return failure === undefined ? { result: 'ACCEPTED' } : { result: 'FAILED', message: failure };
  }

  async function reserve(
    command: Extract<ChargePointCommand, { kind: 'RESERVE_NOW' }>,
  ): Promise<ChargePointAnswer> {
    const key = evseKey(command.at);
    if (busy.has(key))
      return { result: 'EVSE_OCCUPIED', message: `a session is running on EVSE ${command.at.evseUid}` };
    const holder = reservedEvses.get(key);
    if (holder !== undefined && holder !== command.reservationId) {
      return { result: 'REJECTED', message: `EVSE ${command.at.evseUid} is reserved already` };
    }
    const previous = reservations.get(command.reservationId);
    const movedFrom = previous !== undefined && evseKey(previous.at) !== key ? previous.at : undefined;
    if (previous !== undefined) releaseReservation(previous);
    const held: Held = {
      reservationId: command.reservationId,
      at: command.at,
      tokenUid: command.token.uid,
      tokenParty: `${command.token.country_code}/${command.token.party_id}`,
      expiresAt: command.expiresAt,
      timer: undefined,
    };
    reservations.set(held.reservationId, held);
    reservedEvses.set(key, held.reservationId);
    const left = Math.max(0, command.expiresAt.getTime() - now().getTime());
    // Timers hold at most ~24.8 days; a reservation that long is a test's mistake, not a station's.
    held.timer = setTimeout(() => void expireReservation(held), Math.min(left, 2 ** 31 - 1));
    held.timer.unref();
    if (movedFrom !== undefined) await connected().evseStatus(movedFrom, 'AVAILABLE');
    await connected().evseStatus(command.at, 'RESERVED');
    return { result: 'ACCEPTED' };
  }

  async function expireReservation(held: Held): Promise<void> {
    if (reservations.get(held.reservationId) !== held) return;
    releaseReservation(held);
    if (closed) return;
    try {
      if (!busy.has(evseKey(held.at))) await connected().evseStatus(held.at, 'AVAILABLE');
    } catch (error) {
      log.warn(
        { reservationId: held.reservationId, err: String(error) },
        'simulator: freeing an expired reservation failed',
      );
    }
  }

  async function cancel(
    command: Extract<ChargePointCommand, { kind: 'CANCEL_RESERVATION' }>,
  ): Promise<ChargePointAnswer> {
    const held = reservations.get(command.reservationId);
    if (held === undefined) return { result: 'UNKNOWN_RESERVATION' };
    releaseReservation(held);
    if (!busy.has(evseKey(held.at))) await connected().evseStatus(held.at, 'AVAILABLE');
    return { result: 'ACCEPTED' };
  }

  function unlock(command: Extract<ChargePointCommand, { kind: 'UNLOCK_CONNECTOR' }>): ChargePointAnswer {
    const sessionId = busy.get(evseKey(command.at));
    const run = sessionId === undefined ? undefined : running.get(sessionId);
    if (sessionId !== undefined && (run === undefined || run.at.connectorId === command.at.connectorId)) {
      return { result: 'REJECTED', message: `a session is running on connector ${command.at.connectorId}` };
    }
    return { result: 'ACCEPTED' };
  }

  async function profiles(command: ChargePointCommand): Promise<ChargePointAnswer> {
    if (!('sessionId' in command)) return { result: 'REJECTED' };
    const run = running.get(command.sessionId);
    if (run === undefined || run.stopping) return { result: 'UNKNOWN' };
    switch (command.kind) {
      case 'SET_CHARGING_PROFILE': {
        const profile = command.profile;
        const start =
          typeof profile.start_date_time === 'string' ? new Date(profile.start_date_time) : run.start;
        if (Number.isNaN(start.getTime()) || periodsOf(profile).length === 0) {
          return { result: 'REJECTED', message: 'the profile has no usable period' };
        }
        await limitsChange(
          run,
          () => {
            run.profile = profile;
            run.profileStart = start;
          },
          command.commandId,
        );
        return { result: 'ACCEPTED' };
      }
      case 'CLEAR_CHARGING_PROFILE':
        // Nothing set: nothing found to clear (OCPP's ClearChargingProfile answers Unknown).
        if (run.profile === undefined) return { result: 'UNKNOWN' };
        await limitsChange(
          run,
          () => {
            delete run.profile;
            delete run.profileStart;
          },
          command.commandId,
        );
        return { result: 'ACCEPTED' };
      case 'GET_ACTIVE_CHARGING_PROFILE':
        return { result: 'ACCEPTED', data: activeProfile(run, now(), command.durationS) };
      default:
        return { result: 'REJECTED' };
    }
  }

  async function obey(command: ChargePointCommand): Promise<ChargePointAnswer> {
    switch (command.kind) {
      case 'START_SESSION':
        return start(command);
      case 'STOP_SESSION':
        return stop(command);
      case 'RESERVE_NOW':
        return reserve(command);
      case 'CANCEL_RESERVATION':
        return cancel(command);
      case 'UNLOCK_CONNECTOR':
        return unlock(command);
      default:
        return profiles(command);
    }
  }

  async function answer(command: ChargePointCommand): Promise<void> {
    const said = options.override?.(command);
    if (said === 'silent') return;
    let result: ChargePointAnswer;
    try {
      result = said ?? (await obey(command));
    } catch (error) {
      result = { result: 'FAILED', message: error instanceof Error ? error.message : String(error) };
    }
    if (closed) return;
    try {
      await connected().commandResult(command.commandId, result);
    } catch (error) {
      log.error(
        { commandId: command.commandId, err: String(error) },
        'simulator: the node did not take a result',
      );
    }
  }

  return {
    kind: 'simulator',
    connect(given) {
      events = given;
    },
    async dispatch(command) {
      connected();
      if (closed) throw new Error('the simulator is closed');
      const task = new Promise<void>((resolve) => {
        const go = () => void answer(command).finally(resolve);
        if (answerDelayMs > 0) setTimeout(go, answerDelayMs).unref();
        else setImmediate(go);
      });
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    },
    async close() {
      closed = true;
      for (const run of running.values()) if (run.timer !== undefined) clearInterval(run.timer);
      for (const held of reservations.values()) if (held.timer !== undefined) clearTimeout(held.timer);
      await Promise.allSettled([...inFlight]);
    },
    sessions: () =>
      [...running.values()].map((run) => ({
        sessionId: run.sessionId,
        at: run.at,
        start: run.start,
        tokenUid: run.tokenUid,
        energyKwh: energyAt(run, now()),
        powerKw: powerAt(run, now().getTime()),
        ...(run.profile === undefined ? {} : { profile: run.profile }),
      })),
    reservations: () => [...reservations.values()].map(({ timer: _timer, ...held }) => ({ ...held })),
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async cancelReservation(reservationId) {
      const held = reservations.get(reservationId);
      if (held === undefined) return false;
      releaseReservation(held);
      if (!busy.has(evseKey(held.at))) await connected().evseStatus(held.at, 'AVAILABLE');
      await connected().reservationCanceled(reservationId);
      return true;
    },
    async setLocalLimit(sessionId, kw) {
      const run = running.get(sessionId);
      if (run === undefined || run.stopping) return false;
      await limitsChange(run, () => {
        if (kw === undefined) delete run.localLimitKw;
        else run.localLimitKw = Math.max(0, kw);
      });
      return true;
    },
  };
}
