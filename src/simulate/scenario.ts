/**
 * The charging simulator's scenario: who arrives when, at which EVSE, with which car and token,
 * and what the meter says while it charges. Pure and deterministic: the same seed and inputs
 * give the same scenario on every machine (the seed generator's PRNG, src/platform/seed/random.ts).
 *
 * Time is relative: offset 0 is a midnight (UTC) and every instant is a whole number of
 * milliseconds after it, whole seconds in practice (OCPI DateTimes have whole seconds). The
 * driver (driver.ts) places that midnight in the past so that the whole scenario ends before now.
 *
 * The model, kept simple but with the shapes real sessions have:
 * - arrivals: a Poisson process, its rate following a daily profile (a morning and an evening
 *   peak, quiet nights), scaled so that about `concurrency` sessions overlap at the peak; or a
 *   constant rate; or a burst (everyone within the first minutes, a load test);
 * - at most `concurrency` sessions at once and one per EVSE: a driver who finds no room waits
 *   (first come, first served) and plugs in a minute after a session ends;
 * - the car: battery 40 to 100 kWh, an on-board AC charger (7.4 kW on one phase, 11 or 22 kW on
 *   three), a DC limit growing with the battery;
 * - AC charges flat at what both the connector and the car allow (phases × amperage × voltage);
 *   DC ramps up in its first 90 s, runs constant up to 80 % state of charge, then tapers;
 * - charging stops at the target state of charge; some drivers leave the car parked after it
 *   (more often at AC posts), the tail PARKING_TIME;
 * - now and then a token that is refused: one the eMSP has blocked (valid false), or one nobody
 *   issued.
 */

import { deriveSeed, hashSeed, Random } from '../platform/seed/random.js';
import type { ObjectKey, PartyKey } from '../store/types.js';

type Json = Record<string, unknown>;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------------------------
// Inputs.

/** A token the CPO holds from an eMSP (its cached copy): what a driver may present. */
export interface ScenarioToken {
  uid: string;
  type: string;
  /** The eMSP party that issued it (the token's owner). */
  issuer: PartyKey;
  valid: boolean;
}

export interface ScenarioConnector {
  id: string;
  /** OCPI PowerType: AC_1_PHASE, AC_2_PHASE, AC_2_PHASE_SPLIT, AC_3_PHASE or DC. */
  powerType: string;
  /** V: line to neutral for AC. */
  maxVoltage: number;
  /** A, per phase for AC. */
  maxAmperage: number;
  /** kW (OCPI's max_electric_power is in W). */
  maxPowerKw: number;
}

/** An EVSE of ours: one session at a time, on one of its connectors. */
export interface ScenarioEvse {
  location: ObjectKey;
  evseUid: string;
  connectors: ScenarioConnector[];
}

/** When drivers arrive. */
export type ArrivalPattern = 'daily' | 'poisson' | 'burst';

export interface ScenarioOptions {
  /** Any string or number; the same seed gives the same scenario. */
  seed: string | number;
  /** How many drivers arrive (each presents a token; most charge). */
  sessions: number;
  tokens: readonly ScenarioToken[];
  evses: readonly ScenarioEvse[];
  /** At most this many sessions at once (and the arrival rate is scaled to reach it). */
  concurrency: number;
  /** A meter value every this many minutes (default 5). */
  sampleMinutes?: number;
  /** Default 'daily'. */
  arrivals?: ArrivalPattern;
  /** The share of drivers whose token is refused (default 0.04). */
  refusedShare?: number;
}

// ---------------------------------------------------------------------------------------------
// Outputs.

export interface Car {
  batteryKwh: number;
  /** The on-board charger: phases and amperage per phase (7.4 kW = 1 × 32 A, 11 kW = 3 × 16 A, 22 kW = 3 × 32 A). */
  acPhases: 1 | 3;
  acAmps: number;
  /** The most the car takes from a DC charger. */
  dcMaxKw: number;
  /** Battery voltage class (DC current = power / voltage). */
  batteryVolts: 400 | 800;
}

/** A meter value as the charge station reports it (charging/meter.ts MeterSample, time as an offset). */
export interface ScenarioSample {
  /** From the scenario start (ms). */
  atMs: number;
  /** Cumulative since the session start, Wh resolution. */
  energyKwh: number;
  /** From this sample until the next (the average over that interval, so energy and power agree). */
  powerKw: number;
  /** Sum over the phases (AC) or the DC current. */
  currentA: number;
}

export interface PlannedCharge {
  car: Car;
  connector: ScenarioConnector;
  /** State of charge at arrival and the one the driver wants, 0 to 1. */
  socStart: number;
  socTarget: number;
  /** The most this car draws from this connector (kW). */
  powerKw: number;
  /** Delivered, as the last sample says. */
  energyKwh: number;
  /** When the car stops drawing energy (from the scenario start). */
  chargingEndMs: number;
  /** When the session stops (the car unplugged); after chargingEndMs when the car was left parked. */
  stopMs: number;
  /** The first at arrivalMs (energy 0), then every sampleMinutes, one when charging ends, and while parked. */
  samples: ScenarioSample[];
}

export interface PlannedSession {
  /** 0 … sessions − 1, in order of arrival. */
  index: number;
  /** When the driver presents the token (after waiting for room, if there was none). */
  arrivalMs: number;
  /** When the driver came (before any wait). */
  requestedMs: number;
  token: { uid: string; type: string; issuer: PartyKey };
  /** What the scenario meant: a session, or a token that should be refused (the eMSP decides). */
  expected: 'charge' | 'blocked' | 'unknown';
  chargePoint: { location: ObjectKey; evseUid: string; connectorId: string };
  /** Absent for a token meant to be refused. */
  charge?: PlannedCharge;
}

export interface Scenario {
  sessions: PlannedSession[];
  /** From offset 0 to the last stop (or arrival). */
  spanMs: number;
}

// ---------------------------------------------------------------------------------------------
// Charge points from Locations.

/** EVSE statuses at which no session can start (broken, blocked by a car, or not there). */
const UNUSABLE_STATUSES = new Set(['OUTOFORDER', 'INOPERATIVE', 'BLOCKED', 'REMOVED', 'PLANNED']);

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/**
 * The EVSEs of these (canonical) Locations a car can charge at: not out of order, removed or
 * planned, with at least one connector that has a power rating. Sorted by location, EVSE and
 * connector, so the store's order never changes a scenario.
 */
export function evsesOfLocations(locations: readonly Json[]): ScenarioEvse[] {
  const out: ScenarioEvse[] = [];
  for (const location of locations) {
    const key: ObjectKey = {
      countryCode: String(location.country_code),
      partyId: String(location.party_id),
      id: String(location.id),
    };
    for (const evse of Array.isArray(location.evses) ? (location.evses as Json[]) : []) {
      if (typeof evse.uid !== 'string' || UNUSABLE_STATUSES.has(String(evse.status))) continue;
      const connectors: ScenarioConnector[] = [];
      for (const c of Array.isArray(evse.connectors) ? (evse.connectors as Json[]) : []) {
        const maxPowerKw = num(c.max_electric_power) / 1000;
        if (typeof c.id !== 'string' || maxPowerKw <= 0) continue;
        connectors.push({
          id: c.id,
          powerType: String(c.power_type),
          maxVoltage: num(c.max_voltage) || 230,
          maxAmperage: num(c.max_amperage) || 16,
          maxPowerKw,
        });
      }
      if (connectors.length === 0) continue;
      connectors.sort((a, b) => compare(a.id, b.id));
      out.push({ location: key, evseUid: evse.uid, connectors });
    }
  }
  return out.sort(
    (a, b) =>
      compare(a.location.countryCode, b.location.countryCode) ||
      compare(a.location.partyId, b.location.partyId) ||
      compare(a.location.id, b.location.id) ||
      compare(a.evseUid, b.evseUid),
  );
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// Power.

const isDc = (connector: ScenarioConnector) => connector.powerType === 'DC';

function phasesOf(connector: ScenarioConnector): number {
  if (connector.powerType === 'AC_3_PHASE') return 3;
  if (connector.powerType === 'AC_2_PHASE' || connector.powerType === 'AC_2_PHASE_SPLIT') return 2;
  return 1;
}

/**
 * The most this car draws from this connector (kW). AC: the phases both have, at the lower of
 * the two amperages, at the connector's voltage, never above its rating (an 11 kW car on a
 * single-phase 32 A socket gets 1 × 16 A, 3.7 kW). DC: the lower of charger and car.
 */
export function maxChargingPowerKw(car: Car, connector: ScenarioConnector): number {
  if (isDc(connector)) return Math.min(connector.maxPowerKw, car.dcMaxKw);
  const phases = Math.min(car.acPhases, phasesOf(connector));
  const amps = Math.min(car.acAmps, connector.maxAmperage);
  return Math.min(connector.maxPowerKw, (connector.maxVoltage * amps * phases) / 1000);
}

/** Above this state of charge a DC charge tapers (the battery's constant-voltage phase). */
export const DC_TAPER_SOC = 0.8;
/** A DC charge reaches full power this long after it starts (the handshake and ramp-up). */
const DC_RAMP_SECONDS = 90;
/** Charger and battery losses: energy metered vs energy stored. */
const EFFICIENCY = { AC: 0.9, DC: 0.95 } as const;

/**
 * The power (kW) drawn at `seconds` into a charge at state of charge `soc`. AC: flat. DC: from a
 * fifth of the maximum up to all of it over the first 90 s, constant up to 80 %, then falling
 * with the charge left (as its 1.5th power: about a third at 90 %), never below 8 %.
 */
export function powerAt(maxKw: number, dc: boolean, soc: number, seconds: number): number {
  if (!dc) return maxKw;
  const ramp = Math.min(1, 0.2 + (0.8 * seconds) / DC_RAMP_SECONDS);
  const taper = soc < DC_TAPER_SOC ? 1 : Math.max(0.08, ((1 - soc) / (1 - DC_TAPER_SOC)) ** 1.5);
  return maxKw * Math.min(ramp, taper);
}

/** A charge as it happens: the metered energy at every step edge, power constant within a step. */
export interface ChargeCurve {
  /** Seconds from the start of each step, the last one the end of the charge. */
  seconds: number[];
  /** Metered kWh at each of those instants (0 at the first). */
  energyKwh: number[];
  /** When the target was reached (whole seconds). */
  durationSeconds: number;
}

const STEP_SECONDS = 30;
/** No charge lasts longer (a car on a slow socket with a big battery). */
const MAX_CHARGE_SECONDS = 20 * 3600;

/**
 * Integrates the charge from `socStart` to `socTarget` in 30 s steps (the last one shortened to
 * the whole second the target is reached in): the battery gains power × time × efficiency, the
 * meter counts power × time.
 */
export function chargeCurve(input: {
  batteryKwh: number;
  socStart: number;
  socTarget: number;
  maxKw: number;
  dc: boolean;
}): ChargeCurve {
  const efficiency = input.dc ? EFFICIENCY.DC : EFFICIENCY.AC;
  const seconds = [0];
  const energyKwh = [0];
  let soc = input.socStart;
  let t = 0;
  let metered = 0;
  while (soc < input.socTarget && t < MAX_CHARGE_SECONDS) {
    const kw = powerAt(input.maxKw, input.dc, soc, t);
    const stored = (kw * STEP_SECONDS * efficiency) / 3600;
    const needed = (input.socTarget - soc) * input.batteryKwh;
    if (stored >= needed) {
      // The last step: the car stops drawing once full, within the second (times are whole seconds).
      t += Math.max(1, Math.ceil((needed / (kw * efficiency)) * 3600));
      metered += needed / efficiency;
      soc = input.socTarget;
    } else {
      t += STEP_SECONDS;
      metered += (kw * STEP_SECONDS) / 3600;
      soc += stored / input.batteryKwh;
    }
    seconds.push(t);
    energyKwh.push(metered);
  }
  return { seconds, energyKwh, durationSeconds: t };
}

/** The metered energy at `s` seconds into the charge (linear within a step: constant power). */
export function energyAt(curve: ChargeCurve, s: number): number {
  const { seconds, energyKwh } = curve;
  if (s <= 0) return 0;
  if (s >= curve.durationSeconds) return energyKwh[energyKwh.length - 1] ?? 0;
  let lo = 0;
  let hi = seconds.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((seconds[mid] as number) <= s) lo = mid;
    else hi = mid;
  }
  const s0 = seconds[lo] as number;
  const s1 = seconds[hi] as number;
  const e0 = energyKwh[lo] as number;
  const e1 = energyKwh[hi] as number;
  return e0 + ((e1 - e0) * (s - s0)) / (s1 - s0);
}

const roundTo = (value: number, places: number) => {
  const f = 10 ** places;
  return Math.round(value * f) / f;
};

/**
 * The meter values of one session, times relative to its start: one at the start, one every
 * `sampleMinutes` while charging, one when charging ends (power 0 from there), then every
 * `sampleMinutes` while the car stays parked, none at or after `stopSeconds`. Energy is rounded
 * to the Wh, as meters report it; each sample's power is the average over the interval up to
 * the next sample, so power × time matches the energy (the charging module interpolates energy
 * linearly between samples and holds power from one sample to the next).
 */
export function meterSamples(
  curve: ChargeCurve,
  options: { sampleMinutes: number; stopSeconds: number; dc: boolean; batteryVolts: number; acVolts: number },
): { atSeconds: number; energyKwh: number; powerKw: number; currentA: number }[] {
  const every = options.sampleMinutes * 60;
  const end = curve.durationSeconds;
  const times: number[] = [];
  for (let s = 0; s < end; s += every) times.push(s);
  times.push(end);
  for (let s = (Math.floor(end / every) + 1) * every; s < options.stopSeconds; s += every) times.push(s);
  const exact = times.map((s) => energyAt(curve, s));
  return times.map((s, i) => {
    const next = times[i + 1];
    const charging = s < end && next !== undefined;
    // From the exact curve: the rounded energies would make a short last interval look faster
    // than the charger can go.
    const powerKw = charging
      ? roundTo((((exact[i + 1] as number) - (exact[i] as number)) * 3600) / (next - s), 2)
      : 0;
    const volts = options.dc ? options.batteryVolts : options.acVolts;
    return {
      atSeconds: s,
      energyKwh: roundTo(exact[i] as number, 3),
      powerKw,
      currentA: roundTo((powerKw * 1000) / volts, 1),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Arrivals.

/**
 * Relative arrival rate by hour of day (UTC), highest 1: the shape of public charging in Europe
 * (local time about UTC+1): a morning peak as people reach work, a lunchtime plateau, the
 * evening peak as they get home, quiet nights.
 */
export const DAILY_PROFILE: readonly number[] = [
  0.1, 0.06, 0.04, 0.04, 0.05, 0.12, 0.3, 0.6, 0.8, 0.75, 0.62, 0.6, 0.65, 0.6, 0.6, 0.7, 0.9, 1, 0.92, 0.72,
  0.52, 0.36, 0.22, 0.14,
];

/** The rate factor at `ms` after a midnight. */
export function dailyFactor(ms: number): number {
  const hour = Math.floor((((ms % DAY) + DAY) % DAY) / HOUR);
  return DAILY_PROFILE[hour] ?? 1;
}

/** Expected session length (h) for the rate: DC about 40 min, AC about 4 h with parked tails. */
function meanSessionHours(evses: readonly ScenarioEvse[]): number {
  const dc = evses.filter((e) => e.connectors.some(isDc)).length / Math.max(1, evses.length);
  return dc * 0.7 + (1 - dc) * 4;
}

/**
 * The next arrival after `from` (ms): a Poisson process of rate `perHour` × the daily factor,
 * drawn by thinning (candidates at the peak rate, each kept with the factor's probability).
 */
function nextArrival(rng: Random, from: number, perHour: number, pattern: ArrivalPattern): number {
  const exp = () => (-Math.log(1 - rng.next()) / perHour) * HOUR;
  if (pattern === 'poisson') return from + exp();
  let t = from;
  for (;;) {
    t += exp();
    if (rng.next() < dailyFactor(t)) return t;
  }
}

// ---------------------------------------------------------------------------------------------
// The scenario.

/** Battery sizes (kWh) as they are common on the road, with weights. */
const BATTERIES: readonly (readonly [number, number])[] = [
  [40, 2],
  [52, 3],
  [58, 4],
  [64, 3],
  [77, 4],
  [82, 2],
  [100, 1],
];
const ONBOARD: readonly (readonly [{ phases: 1 | 3; amps: number }, number])[] = [
  [{ phases: 1, amps: 32 }, 2], // 7.4 kW
  [{ phases: 3, amps: 16 }, 6], // 11 kW
  [{ phases: 3, amps: 32 }, 1], // 22 kW
];

/** The draws of one driver, all made up front: how many draws a branch makes never shifts another's. */
interface Draws {
  refuse: number;
  blockedOrUnknown: number;
  tokenPicks: number[];
  evse: number;
  connector: number;
  battery: number;
  onboard: number;
  dcFactor: number;
  socStart: number;
  socTarget: number;
  parks: number;
  parkMinutes: number;
}

function drawsOf(rng: Random): Draws {
  return {
    refuse: rng.next(),
    blockedOrUnknown: rng.next(),
    tokenPicks: [rng.next(), rng.next(), rng.next(), rng.next(), rng.next()],
    evse: rng.next(),
    connector: rng.next(),
    battery: rng.next(),
    onboard: rng.next(),
    dcFactor: rng.next(),
    socStart: rng.next(),
    socTarget: rng.next(),
    parks: rng.next(),
    parkMinutes: rng.next(),
  };
}

function weightedBy<T>(u: number, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let r = u * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return (items[items.length - 1] as readonly [T, number])[0];
}

const pickBy = <T>(u: number, items: readonly T[]): T => items[Math.floor(u * items.length)] as T;

function carOf(d: Draws): Car {
  const batteryKwh = weightedBy(d.battery, BATTERIES);
  const onboard = weightedBy(d.onboard, ONBOARD);
  // Bigger packs charge faster on DC: from about 1.2 C (small, older) up to 2.6 C, at most 250 kW.
  const dcMaxKw = Math.min(250, Math.round(batteryKwh * (1.2 + 1.4 * d.dcFactor)));
  return {
    batteryKwh,
    acPhases: onboard.phases,
    acAmps: onboard.amps,
    dcMaxKw,
    batteryVolts: dcMaxKw >= 200 ? 800 : 400,
  };
}

/**
 * The state of charge at arrival and the target. DC (a stop on the way): arrives low, 5–40 %,
 * leaves at 80 % (one in five at 90 %). AC (charging where the car stands anyway): arrives at
 * 20–70 %, wants 80, 90 or 100 %.
 */
function socsOf(d: Draws, dc: boolean): { socStart: number; socTarget: number } {
  if (dc) {
    return { socStart: roundTo(0.05 + 0.35 * d.socStart, 3), socTarget: d.socTarget < 0.8 ? 0.8 : 0.9 };
  }
  const socTarget = d.socTarget < 0.45 ? 0.8 : d.socTarget < 0.75 ? 0.9 : 1;
  return { socStart: roundTo(0.2 + 0.5 * d.socStart, 3), socTarget };
}

/**
 * How long the car stays after charging (minutes): at an AC post two in five stay, 15 min up to
 * 10 h (overnight, at work), most a few hours; at a DC charger one in ten, up to 30 min.
 */
function parkedMinutes(d: Draws, dc: boolean): number {
  if (dc) return d.parks < 0.1 ? Math.round(5 + 25 * d.parkMinutes) : 0;
  if (d.parks >= 0.4) return 0;
  return Math.min(600, Math.round(15 - Math.log(1 - d.parkMinutes) * 120));
}

const tokenKey = (t: { uid: string; type: string; issuer: PartyKey }) =>
  `${t.issuer.countryCode}/${t.issuer.partyId}/${t.type}/${t.uid}`;
const evseKey = (e: { location: ObjectKey; evseUid: string }) =>
  `${e.location.countryCode}/${e.location.partyId}/${e.location.id}/${e.evseUid}`;

/** Drivers who find no room plug in this long after a session ends. */
const HANDOVER_MS = MINUTE;

export function generateScenario(options: ScenarioOptions): Scenario {
  const n = options.sessions;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`sessions must be a whole number, not ${n}`);
  const concurrency = options.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a whole number of 1 or more, not ${concurrency}`);
  }
  const sampleMinutes = options.sampleMinutes ?? 5;
  if (!(sampleMinutes > 0) || !Number.isFinite(sampleMinutes)) {
    throw new RangeError(`sampleMinutes must be a positive number, not ${sampleMinutes}`);
  }
  const refusedShare = options.refusedShare ?? 0.04;
  const pattern = options.arrivals ?? 'daily';
  const tokens = [...options.tokens].sort((a, b) => compare(tokenKey(a), tokenKey(b)));
  const valid = tokens.filter((t) => t.valid);
  const blocked = tokens.filter((t) => !t.valid);
  const evses = [...options.evses].sort((a, b) => compare(evseKey(a), evseKey(b)));
  if (n > 0 && tokens.length === 0) throw new RangeError('no tokens to present');
  if (n > 0 && evses.length === 0) throw new RangeError('no EVSE to charge at');

  const base = hashSeed(options.seed);
  const arrivals = new Random(deriveSeed(base, 0));
  // Little's law: this rate at the peak keeps about `concurrency` sessions going.
  const perHour = concurrency / meanSessionHours(evses);
  const burstMs = Math.max(sampleMinutes * MINUTE, 10 * MINUTE);

  /** Running (or planned) sessions: when each EVSE and token is free again. */
  const evseFreeAt = new Map<string, number>();
  const tokenFreeAt = new Map<string, number>();
  let active: number[] = []; // stop times of the sessions that overlap the current arrival
  const sessions: PlannedSession[] = [];
  let clock = 0;
  let lastArrival = 0;
  let spanMs = 0;

  for (let index = 0; index < n; index++) {
    const d = drawsOf(new Random(deriveSeed(base, index + 1)));
    // A burst: evenly over the first minutes, each at a random moment of its slot.
    clock =
      pattern === 'burst'
        ? ((index + arrivals.next()) / n) * burstMs
        : nextArrival(arrivals, clock, perHour, pattern);
    const requestedMs = Math.round(clock / SECOND) * SECOND;
    // First come, first served: nobody gets ahead of a driver still waiting.
    let at = Math.max(requestedMs, lastArrival);

    const refused = valid.length === 0 || d.refuse < refusedShare;
    if (refused) {
      const useBlocked = blocked.length > 0 && d.blockedOrUnknown < 0.5;
      const issuer = pickBy(d.tokenPicks[0] as number, tokens).issuer;
      const token = useBlocked
        ? pickBy(d.tokenPicks[1] as number, blocked)
        : { uid: `UNKNOWN${String(index).padStart(6, '0')}`, type: 'RFID', issuer };
      const free = evses.filter((e) => (evseFreeAt.get(evseKey(e)) ?? 0) <= at);
      const evse = pickBy(d.evse, free.length > 0 ? free : evses);
      const connector = pickBy(d.connector, evse.connectors);
      sessions.push({
        index,
        arrivalMs: at,
        requestedMs,
        token: { uid: token.uid, type: token.type, issuer: token.issuer },
        expected: useBlocked ? 'blocked' : 'unknown',
        chargePoint: { location: evse.location, evseUid: evse.evseUid, connectorId: connector.id },
      });
      lastArrival = at;
      spanMs = Math.max(spanMs, at);
      continue;
    }

    // Room: fewer than `concurrency` sessions and a free EVSE; else wait for the next to end.
    for (;;) {
      active = active.filter((stop) => stop > at);
      const anyFree = evses.some((e) => (evseFreeAt.get(evseKey(e)) ?? 0) <= at);
      if (active.length < concurrency && anyFree) break;
      const ends = [...active, ...[...evseFreeAt.values()].filter((t) => t > at)];
      at = Math.min(...ends) + HANDOVER_MS;
    }
    const free = evses.filter((e) => (evseFreeAt.get(evseKey(e)) ?? 0) <= at);
    const evse = pickBy(d.evse, free);
    const connector = pickBy(d.connector, evse.connectors);
    const dc = isDc(connector);
    const car = carOf(d);
    const { socStart, socTarget } = socsOf(d, dc);
    const powerKw = maxChargingPowerKw(car, connector);
    const curve = chargeCurve({ batteryKwh: car.batteryKwh, socStart, socTarget, maxKw: powerKw, dc });
    const stopSeconds = curve.durationSeconds + parkedMinutes(d, dc) * 60;
    const samples = meterSamples(curve, {
      sampleMinutes,
      stopSeconds,
      dc,
      batteryVolts: car.batteryVolts,
      acVolts: connector.maxVoltage,
    }).map((s) => ({
      atMs: at + s.atSeconds * SECOND,
      energyKwh: s.energyKwh,
      powerKw: s.powerKw,
      currentA: s.currentA,
    }));
    const stopMs = at + stopSeconds * SECOND;

    // A driver has one card: prefer a token nobody is charging with now.
    const candidates = d.tokenPicks.map((u) => pickBy(u, valid));
    const token = candidates.find((t) => (tokenFreeAt.get(tokenKey(t)) ?? 0) <= at) ?? candidates[0];
    if (token === undefined) throw new Error('unreachable: no valid token');
    tokenFreeAt.set(tokenKey(token), stopMs);
    evseFreeAt.set(evseKey(evse), stopMs);
    active.push(stopMs);

    sessions.push({
      index,
      arrivalMs: at,
      requestedMs,
      token: { uid: token.uid, type: token.type, issuer: token.issuer },
      expected: 'charge',
      chargePoint: { location: evse.location, evseUid: evse.evseUid, connectorId: connector.id },
      charge: {
        car,
        connector,
        socStart,
        socTarget,
        powerKw: roundTo(powerKw, 2),
        energyKwh: samples[samples.length - 1]?.energyKwh ?? 0,
        chargingEndMs: at + curve.durationSeconds * SECOND,
        stopMs,
        samples,
      },
    });
    lastArrival = at;
    spanMs = Math.max(spanMs, stopMs);
  }
  return { sessions, spanMs };
}

/** The highest number of sessions charging (or parked) at the same time in a scenario. */
export function peakConcurrency(scenario: Scenario): number {
  const edges: [number, number][] = [];
  for (const s of scenario.sessions) {
    if (s.charge === undefined) continue;
    edges.push([s.arrivalMs, 1], [s.charge.stopMs, -1]);
  }
  // Ends before starts at the same instant: a handover is not an overlap.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, delta] of edges) {
    now += delta;
    peak = Math.max(peak, now);
  }
  return peak;
}
