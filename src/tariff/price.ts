/**
 * The tariff engine: the cost of a session under a Tariff, from the session's ChargingPeriods, with
 * the audit trail that explains every amount. Pure: no I/O, no clock. The rules and the choices
 * where the specification is silent: docs/tariffs.md.
 *
 * The steps:
 * 1. Periods are read in the order given (out of order: a note, never a guess); each ends where
 *    the next begins, the last at the session end.
 * 2. Per period and dimension (ENERGY, TIME, PARKING_TIME; RESERVATION_TIME and FLAT), the Price
 *    Component is the one of the first Tariff Element, in list order, that has a component of
 *    that dimension and whose restrictions hold at the period's start. Every restriction is also
 *    judged over the whole period: when the applying component is not the same throughout, the
 *    period outlasts it and a note says the CPO should have split it.
 * 3. step_size, once per session: on the total priced energy, and on one total of time (priced
 *    parking time if any, else charging time, else reservation time), with the step of the last
 *    component of that total; what the step adds goes to the last segment.
 * 4. Per Price Component: price × its billed quantity, rounded once (policy), and its tax.
 * 5. Totals per CDR field and in all, then min_price/max_price, the tax lines moved in proportion.
 */
import type { OcpiVersion } from '../protocol/index.js';
import type { ChargingPeriod } from '../protocol/v2_3_0/cdrs.js';
import type { Tariff, TariffDimensionType } from '../protocol/v2_3_0/tariffs.js';
import type { Price } from '../protocol/v2_3_0/types.js';
import {
  type Candidate,
  COST_FIELDS,
  type CompiledComponent,
  type CompiledTariff,
  type CostField,
  compileTariff,
  type PricingContext,
  type Skip,
} from './compile.js';
import {
  exceedsPeriod,
  formatInstant,
  hoursBetween,
  inUnit,
  kwhOf,
  later,
  msToUnits,
  roundUpToStep,
  setLocalFacts,
  stretchesOf,
  unitsToMs,
  type Volumes,
  volumesOf,
} from './facts.js';
import { applyLimits, type LimitApplied } from './limits.js';
import { assertTimeZone, parseInstant } from './local-time.js';
import {
  divRound,
  exactNumber,
  type Money,
  mulDivRoundExact,
  plus,
  pow10,
  smallUnitsToNumber,
  toNumber,
  unitsToNumber,
} from './money.js';
import { type NoteCode, note, type PricingNote } from './notes.js';
import { OCPI_2X_POLICY, type PricingPolicy, pricingPolicy } from './policy.js';
import { type QuantityScale, quantityScale } from './quantity.js';
import {
  AT_START_ONLY,
  failingAtStart,
  type Judgement,
  judge,
  LATER,
  NEVER,
  type PeriodFacts,
  type RestrictionName,
} from './restrictions.js';
import { noteTaxes, priceOf, splitTax, type TaxBook, taxBook } from './tax.js';

// ---------------------------------------------------------------------------------------------
// Input and output

/** A reservation before the session (2.2.1+), when the periods do not carry RESERVATION_TIME. */
export interface ReservationFacts {
  /** When the reservation started. */
  start_date_time: string;
  /** When the driver started charging, or the reservation expired. */
  end_date_time: string;
  /**
   * The reservation expired without a charging session: RESERVATION_EXPIRES elements price it.
   * Default: expired when there is reservation time and no period has charging or parking time
   * or energy.
   */
  expired?: boolean;
}

/** The facts of a session that a Tariff prices. */
export interface PricingSession {
  /** Start of the session (of the reservation, when the CDR starts with one). */
  start_date_time: string;
  /** End of the session. Absent (a running session): the last period's start plus its time volumes. */
  end_date_time?: string;
  /** IANA time zone of the Location, for start_time/end_time, day_of_week and dates. */
  time_zone: string;
  /** The canonical (2.3.0) ChargingPeriods; their own costs are never read. */
  charging_periods: readonly ChargingPeriod[];
  reservation?: ReservationFacts;
}

export interface PricingOptions {
  /**
   * The OCPI version whose rules apply (default 2.3.0): 2.1.1 has no VAT (amounts excluding VAT),
   * 2.2.1 prices are always excluding VAT (vat per component), 2.3.0 follows tax_included.
   */
  ocpiVersion?: OcpiVersion;
  /** Rounding and step_size settings; default OCPI_2X_POLICY. */
  policy?: Partial<PricingPolicy>;
}

/** A dimension of a segment: what a Price Component prices in one period. */
export type SegmentDimension = 'ENERGY' | 'TIME' | 'PARKING_TIME' | 'RESERVATION_TIME' | 'FLAT';

/**
 * Why an element priced a segment: its restrictions (all held), and the elements tried before it.
 * Reasons and skipped entries that recur are shared between segments and pricings, and frozen.
 */
export interface Reason {
  element: number;
  /** The restriction fields of the element (they all held at the period's start); [] = none. */
  restrictions: readonly RestrictionName[];
  /** Earlier elements with a component of this dimension, and the restriction that ruled each out. */
  skipped?: Skip[];
}

export interface Segment {
  dimension: SegmentDimension;
  /** Measured volume: kWh (ENERGY), hours (the times), 1 (FLAT). */
  volume: number;
  /** Volume billed after step_size (the step's addition lands on the dimension's last segment). */
  billed: number;
  /** Index in Pricing.components of the Price Component that priced it; absent: free. */
  component?: number;
  /** price × billed, before taxes, rounded to the policy's component decimals (for reading). */
  amount?: number;
  reason?: Reason;
}

export interface PeriodCost {
  /** Index in the session's charging_periods; -1 for the reservation given as facts. */
  index: number;
  start_date_time: string;
  /** When the period ends: the next period's start, or the session end. */
  end_date_time: string;
  tariff_id?: string;
  /** The sum of its segments' amounts, before taxes. */
  amount: number;
  segments: Segment[];
}

export interface ComponentCost {
  tariff_id: string;
  element: number;
  component: number;
  type: TariffDimensionType;
  context: PricingContext;
  cdr_field: CostField;
  price: number;
  vat?: number;
  step_size: number;
  /** Billed quantity: kWh, hours, or 1 for FLAT. */
  quantity: number;
  /** Amount before taxes, its tax and the two together. */
  before_taxes: number;
  tax: number;
  after_taxes: number;
  /** Index in Pricing.periods of the first period it priced. */
  first_period: number;
}

export interface DimensionAudit {
  dimension: Exclude<SegmentDimension, 'FLAT'>;
  unit: 'kWh' | 'h';
  /** All that the periods measured. */
  measured: number;
  /** The part some Price Component priced. */
  priced: number;
  /** The priced part after step_size. */
  billed: number;
  step?: { component: number; step_size: number; unit: 'Wh' | 's'; added: number };
}

/** The price of a session: CDR fields (2.3.0 shapes) beside the audit trail. */
export interface Pricing {
  tariff_id: string;
  currency: string;
  ocpi_version: OcpiVersion;
  policy: PricingPolicy;
  total_cost: Price;
  total_fixed_cost?: Price;
  total_energy_cost?: Price;
  total_time_cost?: Price;
  total_parking_cost?: Price;
  total_reservation_cost?: Price;
  /** kWh, all ENERGY volumes. */
  total_energy: number;
  /** Hours from the session start to its end. */
  total_time: number;
  /** Hours, all PARKING_TIME volumes. */
  total_parking_time: number;
  /** Before taxes, the sum of the tax lines, and both: total_cost in numbers. */
  totals: { before_taxes: number; taxes: number; after_taxes: number };
  components: ComponentCost[];
  periods: PeriodCost[];
  dimensions: DimensionAudit[];
  /** min_price/max_price that moved the total, in the order applied. */
  limits: LimitApplied[];
  notes: PricingNote[];
}

// ---------------------------------------------------------------------------------------------
// Working state

/** A Price Component as used in this pricing. */
interface Usage {
  candidate: Candidate;
  context: PricingContext;
  /** Index in the output's periods of its first segment. */
  firstPeriod: number;
  /** Billed quantity in units (FLAT: 1, a fee is due once). */
  units: number;
  /** Index in the output's components. */
  index: number;
  money: ComponentMoney;
}

/**
 * amount (in 10^-componentDecimals) = num × units / den, num = price × 10^componentDecimals and
 * den = 10^priceDecimals × units per kWh or hour; numN and denN the same as numbers when exact.
 */
interface ComponentMoney {
  num: bigint;
  den: bigint;
  numN: number;
  denN: number;
}

const moneyMemo = new WeakMap<CompiledComponent, Map<number, ComponentMoney>>();

function componentMoney(component: CompiledComponent, c: number, scale: QuantityScale): ComponentMoney {
  let byPolicy = moneyMemo.get(component);
  if (byPolicy === undefined) {
    byPolicy = new Map();
    moneyMemo.set(component, byPolicy);
  }
  const key = c * 16 + scale.decimals;
  let money = byPolicy.get(key);
  if (money === undefined) {
    const per = component.type === 'ENERGY' ? scale.perKwh : component.type === 'FLAT' ? 1 : scale.perHour;
    const num = component.price.units * pow10(c);
    const den = pow10(component.price.decimals) * BigInt(per);
    money = { num, den, numN: exactNumber(num) ?? Number.NaN, denN: exactNumber(den) ?? Number.NaN };
    byPolicy.set(key, money);
  }
  return money;
}

function sameId(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

function freeMessage(
  dimension: SegmentDimension,
  context: PricingContext,
  type: TariffDimensionType,
  inTariff: boolean,
) {
  return inTariff
    ? `no element with a ${type} component applies to ${dimension}: that volume is free (the spec advises a fallback element)`
    : `the Tariff has no ${type} component${context === 'charging' ? '' : ' for reservations'}: ${dimension} is free`;
}

const UNMEASURED = new Set<RestrictionName | 'reservation'>([
  'min_power',
  'max_power',
  'min_current',
  'max_current',
]);

/**
 * The state of one pricing. Segments are kept in parallel arrays (segment, its period, measured
 * and billed units, the component's usage) rather than one object each: a pricing of 20 periods
 * makes thousands of them per second.
 */
class Pricer {
  readonly notes: PricingNote[];
  readonly out: PeriodCost[] = [];
  readonly segments: Segment[] = [];
  readonly segmentOut: number[] = [];
  readonly units: number[] = [];
  readonly billed: number[] = [];
  readonly usageOf: (Usage | undefined)[] = [];
  /** Per component id, its use in this pricing. */
  readonly usages: (Usage | undefined)[];
  readonly facts: PeriodFacts = {
    start: { secondOfDay: 0, dayIndex: 0, day: 0 },
    stretches: undefined,
    energyFrom: 0,
    energyTo: 0,
    durationFrom: 0,
    durationTo: 0,
    minPower: Number.NaN,
    maxPower: Number.NaN,
    minCurrent: Number.NaN,
    maxCurrent: Number.NaN,
  };
  /** Per element, its judgement over the current period (-1: not judged yet). */
  readonly judged: Int8Array;
  /** Per element, the skipped-entry for the current period (why it does not apply). */
  readonly skips: (Skip | undefined)[];
  #flags: Map<string, PricingNote> | undefined;

  constructor(
    readonly ct: CompiledTariff,
    readonly scale: QuantityScale,
    readonly timeZone: string,
  ) {
    this.notes = ct.notes.length === 0 ? [] : ct.notes.map((n) => ({ ...n }));
    this.judged = new Int8Array(ct.elements.length);
    this.usages = new Array(ct.componentCount);
    this.skips = new Array(ct.elements.length);
  }

  /** One note per code and key, listing the periods it concerns (-1: the reservation facts). */
  flag(code: NoteCode, key: string, period: number, make: () => PricingNote): void {
    this.#flags ??= new Map();
    const k = `${code}|${key}`;
    let existing = this.#flags.get(k);
    if (existing === undefined) {
      existing = make();
      existing.periods = [];
      this.#flags.set(k, existing);
      this.notes.push(existing);
    }
    if (period >= 0 && !existing.periods!.includes(period)) existing.periods!.push(period);
  }

  /** Sets what restrictions are judged on for the stretch [from, to). */
  setFacts(
    from: number,
    to: number,
    energyFrom: number,
    energyTo: number,
    origin: number,
    v?: Volumes,
  ): void {
    const f = this.facts;
    if (this.ct.usesLocal) {
      setLocalFacts(f.start, from, this.timeZone);
      f.stretches = stretchesOf(from, to, this.timeZone, this.ct.boundaries);
    }
    f.energyFrom = kwhOf(energyFrom, this.scale);
    f.energyTo = kwhOf(energyTo, this.scale);
    f.durationFrom = from - origin;
    f.durationTo = to - origin;
    f.minPower = v === undefined ? Number.NaN : v.minPower;
    f.maxPower = v === undefined ? Number.NaN : v.maxPower;
    f.minCurrent = v === undefined ? Number.NaN : v.minCurrent;
    f.maxCurrent = v === undefined ? Number.NaN : v.maxCurrent;
    const judged = this.judged;
    const skips = this.skips;
    for (let e = 0; e < judged.length; e++) {
      judged[e] = -1;
      skips[e] = undefined;
    }
  }

  /** Why an element does not apply in the current period (computed once per period). */
  #skip(element: number, period: number) {
    let skip = this.skips[element];
    if (skip === undefined) {
      const f = this.facts;
      const compiled = this.ct.elements[element]!;
      const failed = failingAtStart(compiled.restrictions, f) ?? 'reservation';
      // The same few entries recur in every period: shared, frozen, one per element and restriction.
      skip = compiled.skips.get(failed);
      if (skip === undefined) {
        skip = Object.freeze({ element, failed });
        compiled.skips.set(failed, skip);
      }
      this.skips[element] = skip;
      if (
        UNMEASURED.has(failed) &&
        (failed.endsWith('power') ? Number.isNaN(f.minPower) : Number.isNaN(f.minCurrent))
      ) {
        this.flag('RESTRICTION_NOT_MEASURED', failed, period, () =>
          note(
            'RESTRICTION_NOT_MEASURED',
            `element ${element} restricts ${failed}, which the period does not measure: taken not to apply`,
            { element },
          ),
        );
      }
    }
    return skip;
  }

  /**
   * Prices one dimension of the current period: the candidate of the first element that holds at
   * the period's start; a note when the applying component changes within the period.
   */
  price(
    period: number,
    dimension: SegmentDimension,
    context: PricingContext,
    type: TariffDimensionType,
    units: number,
    list: readonly Candidate[] | undefined,
  ): void {
    let chosen: Candidate | undefined;
    let spans = false;
    let skipped: Reason['skipped'] | undefined;
    if (list !== undefined) {
      for (const candidate of list) {
        const index = candidate.element.index;
        let j = this.judged[index]! as Judgement | -1;
        if (j === -1) {
          j = judge(candidate.element.restrictions, this.facts);
          this.judged[index] = j;
        }
        if (j === NEVER || j === LATER) {
          if (j === LATER) spans = true;
          skipped ??= [];
          skipped.push(this.#skip(index, period));
          continue;
        }
        if (j === AT_START_ONLY) spans = true;
        chosen = candidate;
        break;
      }
    }
    if (spans) {
      this.flag('PERIOD_SPANS_COMPONENT_CHANGE', dimension, period, () =>
        note(
          'PERIOD_SPANS_COMPONENT_CHANGE',
          `another ${dimension} Price Component applies before the period ends: the CPO should have split it; priced as at its start`,
          { dimension },
        ),
      );
    }
    const out = this.out.length - 1;
    if (chosen === undefined) {
      if (type === 'FLAT' || units === 0) return;
      const inTariff = list !== undefined;
      const code = inTariff ? 'DIMENSION_NOT_PRICED' : 'DIMENSION_NOT_IN_TARIFF';
      this.flag(code, dimension, period, () =>
        note(code, freeMessage(dimension, context, type, inTariff), { dimension }),
      );
      this.#push(out, { dimension, volume: 0, billed: 0 }, units, 0, undefined);
      return;
    }
    let usage = this.usages[chosen.component.id];
    if (type === 'FLAT' && usage !== undefined) return; // a fee is due once
    if (usage === undefined) {
      usage = {
        candidate: chosen,
        context,
        firstPeriod: out,
        units: 0,
        index: -1,
        money: undefined as never,
      };
      this.usages[chosen.component.id] = usage;
    }
    const reason: Reason =
      skipped === undefined
        ? chosen.element.reason
        : { element: chosen.element.index, restrictions: chosen.element.restrictions.names, skipped };
    const flat = type === 'FLAT';
    this.#push(
      out,
      { dimension, volume: 0, billed: 0, component: -1, amount: 0, reason },
      flat ? 1 : units,
      flat ? 1 : units,
      usage,
    );
  }

  #push(out: number, segment: Segment, units: number, billed: number, usage: Usage | undefined): void {
    this.out[out]!.segments.push(segment);
    this.segments.push(segment);
    this.segmentOut.push(out);
    this.units.push(units);
    this.billed.push(billed);
    this.usageOf.push(usage);
  }

  /**
   * step_size on the total priced quantity of one kind of segment, with the step of the last
   * component of that kind; the rounded-up rest goes to the last segment.
   */
  step(kind: SegmentDimension, policy: PricingPolicy): Step {
    let total = 0;
    let last = -1;
    for (let k = 0; k < this.segments.length; k++) {
      if (this.usageOf[k] !== undefined && this.segments[k]!.dimension === kind) {
        total += this.units[k]!;
        last = k;
      }
    }
    if (!policy.stepSize || last < 0 || total <= 0) return undefined;
    const usage = this.usageOf[last]!;
    const step = usage.candidate.component.stepSize * this.scale.perStep;
    if (step <= 0) return undefined;
    const added = roundUpToStep(total, step) - total;
    this.billed[last]! += added;
    return { usage, added };
  }

  hasPriced(kind: SegmentDimension): boolean {
    for (let k = 0; k < this.segments.length; k++) {
      if (this.usageOf[k] !== undefined && this.segments[k]!.dimension === kind) return true;
    }
    return false;
  }
}

type Step = { usage: Usage; added: number } | undefined;

// ---------------------------------------------------------------------------------------------
// The engine

function policyOf(settings: Partial<PricingPolicy> | undefined): PricingPolicy {
  return settings === undefined ? OCPI_2X_POLICY : pricingPolicy(settings);
}

function instant(text: string | undefined, what: string): number {
  const ms = parseInstant(text as string);
  if (Number.isNaN(ms)) throw new RangeError(`${what} '${text}' is not a DateTime`);
  return ms;
}

/**
 * Prices a session under a Tariff (canonical 2.3.0 shape, from any version through
 * model.toCanonical). Throws a RangeError when the session's start or end, the reservation's times
 * or the time zone are unusable; every other problem of the input is a note in the result.
 */
export function priceSession(tariff: Tariff, session: PricingSession, options: PricingOptions = {}): Pricing {
  const version = options.ocpiVersion ?? '2.3.0';
  const policy = policyOf(options.policy);
  const ct = compileTariff(tariff, version);
  const scale = quantityScale(policy.quantityDecimals);
  const timeZone = session.time_zone;
  assertTimeZone(timeZone);
  const pricer = new Pricer(ct, scale, timeZone);
  const { notes, out } = pricer;

  const sessionStart = instant(session.start_date_time, 'session start_date_time');
  const periods: readonly ChargingPeriod[] = Array.isArray(session.charging_periods)
    ? session.charging_periods
    : [];
  const count = periods.length;

  // 1. Starts and volumes, in the order given.
  const starts = new Array<number>(count);
  const volumes = new Array<Volumes>(count);
  let latest = Number.NEGATIVE_INFINITY;
  let anyCharging = false;
  let anyReservation = false;
  let chargingStart = Number.NaN;
  let reservationStart = Number.NaN;
  for (let i = 0; i < count; i++) {
    const period = periods[i];
    const start = parseInstant(period?.start_date_time as string);
    const v = volumesOf(period, scale);
    starts[i] = start;
    volumes[i] = v;
    const charging = v.energy !== 0 || v.time !== 0 || v.parking !== 0;
    if (charging) anyCharging = true;
    if (v.reservation !== 0) anyReservation = true;
    if (Number.isNaN(start)) {
      notes.push(
        note('PERIOD_INVALID', `charging period ${i} has no valid start_date_time: not priced`, {
          periods: [i],
        }),
      );
      continue;
    }
    // Duration restrictions count from the start of charging, reservation time from its own start.
    if ((charging || v.reservation === 0) && Number.isNaN(chargingStart)) chargingStart = start;
    if (v.reservation !== 0 && Number.isNaN(reservationStart)) reservationStart = start;
    if (start < latest) {
      notes.push(
        note('PERIODS_OUT_OF_ORDER', `charging period ${i} starts before the period listed before it`, {
          periods: [i],
        }),
      );
    }
    if (start > latest) latest = start;
  }
  if (Number.isNaN(chargingStart)) chargingStart = sessionStart;
  if (Number.isNaN(reservationStart)) reservationStart = sessionStart;

  // Ends: the next period's start, the last at the session end.
  let sessionEnd: number;
  if (session.end_date_time !== undefined) {
    sessionEnd = instant(session.end_date_time, 'session end_date_time');
  } else {
    // A running session: the last period lasts as long as its time volumes say.
    sessionEnd = sessionStart;
    for (let i = count - 1; i >= 0; i--) {
      const start = starts[i]!;
      if (Number.isNaN(start)) continue;
      const v = volumes[i]!;
      sessionEnd = start + unitsToMs(v.time + v.parking + v.reservation, scale);
      break;
    }
  }
  const ends = new Array<number>(count);
  /** The end as text when it is the next period's start_date_time or the session's end as given. */
  const endTexts = new Array<string | undefined>(count);
  let next = sessionEnd;
  let nextText = session.end_date_time;
  for (let i = count - 1; i >= 0; i--) {
    const start = starts[i]!;
    if (Number.isNaN(start)) continue;
    ends[i] = later(next, start);
    endTexts[i] = next >= start ? nextText : periods[i]!.start_date_time;
    next = start;
    nextText = periods[i]!.start_date_time;
    if (start < sessionStart || start > sessionEnd) {
      pricer.flag('PERIOD_OUTSIDE_SESSION', '', i, () =>
        note('PERIOD_OUTSIDE_SESSION', 'charging periods start outside the session start and end'),
      );
    }
  }

  // 2. Segments: per period and dimension, the component that prices it.
  const reservation = session.reservation;
  const expired = reservation?.expired ?? ((anyReservation || reservation !== undefined) && !anyCharging);
  const reservationContext: PricingContext = expired ? 'reservation_expires' : 'reservation';
  const reserving = ct.candidates[reservationContext];
  const charging = ct.candidates.charging;
  let reservationFactsUnits = 0;
  if (reservation !== undefined && !anyReservation) {
    // The reservation given as facts: a period of its own before the first one.
    const from = instant(reservation.start_date_time, 'reservation start_date_time');
    const to = instant(reservation.end_date_time, 'reservation end_date_time');
    if (to < from) throw new RangeError('reservation end_date_time is before its start_date_time');
    out.push({
      index: -1,
      start_date_time: reservation.start_date_time,
      end_date_time: reservation.end_date_time,
      amount: 0,
      segments: [],
    });
    reservationFactsUnits = msToUnits(to - from, scale);
    pricer.setFacts(from, to, 0, 0, from);
    pricer.price(-1, 'FLAT', reservationContext, 'FLAT', 1, reserving.FLAT);
    pricer.price(-1, 'RESERVATION_TIME', reservationContext, 'TIME', reservationFactsUnits, reserving.TIME);
  }
  const tariffId = ct.id;
  const { from: validFrom, until: validUntil } = ct.validity;
  let energyBefore = 0;
  for (let i = 0; i < count; i++) {
    const start = starts[i]!;
    const v = volumes[i]!;
    const energyAfter = energyBefore + v.energy;
    if (Number.isNaN(start)) {
      energyBefore = energyAfter;
      continue;
    }
    const period = periods[i]!;
    const end = ends[i]!;
    const cost: PeriodCost = {
      index: i,
      start_date_time: period.start_date_time,
      end_date_time: endTexts[i] ?? formatInstant(end),
      amount: 0,
      segments: [],
    };
    const periodTariff = period.tariff_id;
    if (typeof periodTariff === 'string') cost.tariff_id = periodTariff;
    out.push(cost);
    if (exceedsPeriod(v.time + v.parking + v.reservation, start, end, scale)) {
      pricer.flag('TIME_EXCEEDS_PERIOD', '', i, () =>
        note('TIME_EXCEEDS_PERIOD', 'the time volumes of a period add up to more than the period lasts'),
      );
    }
    if (typeof periodTariff === 'string' && !sameId(periodTariff, tariffId)) {
      pricer.flag('PERIOD_OTHER_TARIFF', periodTariff, i, () =>
        note(
          'PERIOD_OTHER_TARIFF',
          `periods priced by Tariff '${periodTariff}', not '${tariffId}': not priced`,
        ),
      );
    } else if (start < validFrom || start > validUntil) {
      pricer.flag('TARIFF_NOT_VALID', '', i, () =>
        note(
          'TARIFF_NOT_VALID',
          'periods start outside the Tariff start_date_time/end_date_time: not priced',
        ),
      );
    } else {
      if (v.reservation !== 0) {
        pricer.setFacts(start, end, energyBefore, energyAfter, reservationStart, v);
        pricer.price(i, 'FLAT', reservationContext, 'FLAT', 1, reserving.FLAT);
        pricer.price(i, 'RESERVATION_TIME', reservationContext, 'TIME', v.reservation, reserving.TIME);
      }
      if (v.reservation === 0 || v.energy !== 0 || v.time !== 0 || v.parking !== 0) {
        pricer.setFacts(start, end, energyBefore, energyAfter, chargingStart, v);
        pricer.price(i, 'FLAT', 'charging', 'FLAT', 1, charging.FLAT);
        if (v.energy !== 0) pricer.price(i, 'ENERGY', 'charging', 'ENERGY', v.energy, charging.ENERGY);
        if (v.time !== 0) pricer.price(i, 'TIME', 'charging', 'TIME', v.time, charging.TIME);
        if (v.parking !== 0) {
          pricer.price(i, 'PARKING_TIME', 'charging', 'PARKING_TIME', v.parking, charging.PARKING_TIME);
        }
      }
    }
    energyBefore = energyAfter;
  }

  // 3. step_size: once on energy, once on time (parking if any was priced, else charging, else reservation).
  const energyStep = pricer.step('ENERGY', policy);
  const timeKind: SegmentDimension = pricer.hasPriced('PARKING_TIME')
    ? 'PARKING_TIME'
    : pricer.hasPriced('TIME')
      ? 'TIME'
      : 'RESERVATION_TIME';
  const timeStep = pricer.step(timeKind, policy);

  // 4. Components: the billed quantity of each, priced once.
  const { rounding, componentDecimals: c } = policy;
  const { segments, segmentOut, units, billed, usageOf } = pricer;
  const ordered: Usage[] = [];
  for (let k = 0; k < segments.length; k++) {
    const usage = usageOf[k];
    if (usage === undefined) continue;
    if (usage.index < 0) {
      usage.index = ordered.length;
      usage.money = componentMoney(usage.candidate.component, c, scale);
      ordered.push(usage);
    }
    usage.units += billed[k]!;
  }
  const book: TaxBook = taxBook();
  const fieldBooks = new Map<CostField, TaxBook>();
  const components: ComponentCost[] = [];
  const priced: CompiledComponent[] = [];
  const taxed: { component: CompiledComponent; before: Money; tax: Money }[] = [];
  for (const usage of ordered) {
    const component = usage.candidate.component;
    priced.push(component);
    const amount = divRound(usage.money.num * BigInt(usage.units), usage.money.den, rounding);
    const { before, tax } = splitTax(ct, component, amount, c, rounding);
    taxed.push({ component, before, tax });
    components.push(componentCost(tariffId, usage, component, scale, before, tax));
  }
  // Tax lines in the order of the Tariff's components, whichever period each first priced.
  if (taxed.length > 1)
    taxed.sort(
      (a, b) => a.component.element - b.component.element || a.component.component - b.component.component,
    );
  for (const { component, before, tax } of taxed) {
    book.add(component, before, tax);
    let fieldBook = fieldBooks.get(component.field);
    if (fieldBook === undefined) {
      fieldBook = taxBook();
      fieldBooks.set(component.field, fieldBook);
    }
    fieldBook.add(component, before, tax);
  }
  noteTaxes(ct, priced, notes);

  // Segments' volumes and amounts; periods' sums (exact integers in numbers while they fit).
  const sums = new Array<number>(out.length).fill(0);
  let bigSums: bigint[] | undefined;
  for (let k = 0; k < segments.length; k++) {
    const segment = segments[k]!;
    if (segment.dimension !== 'FLAT') {
      const per = segment.dimension === 'ENERGY' ? scale.perKwh : scale.perHour;
      segment.volume = inUnit(units[k]!, per);
      segment.billed = inUnit(billed[k]!, per);
    } else {
      segment.volume = 1;
      segment.billed = 1;
    }
    const usage = usageOf[k];
    if (usage === undefined) continue;
    segment.component = usage.index;
    const money = usage.money;
    const o = segmentOut[k]!;
    const fast =
      bigSums === undefined ? mulDivRoundExact(money.numN, billed[k]!, money.denN, rounding) : undefined;
    // Sums stay exact integers in numbers below 2^53; past that, or past the fast path, bigints.
    if (fast !== undefined && Number.isSafeInteger(sums[o]! + fast)) {
      segment.amount = smallUnitsToNumber(fast, c);
      sums[o]! += fast;
    } else {
      const amount = divRound(money.num * BigInt(billed[k]!), money.den, rounding);
      segment.amount = unitsToNumber(amount, c);
      bigSums ??= sums.map((n) => BigInt(n));
      bigSums[o]! += amount;
    }
  }
  for (let i = 0; i < out.length; i++) {
    out[i]!.amount = bigSums === undefined ? smallUnitsToNumber(sums[i]!, c) : unitsToNumber(bigSums[i]!, c);
  }

  // 5. Totals per CDR field and in all; min_price/max_price.
  const fields: Partial<Record<CostField, Price>> = {};
  for (const [field, fieldBook] of fieldBooks)
    fields[field] = priceOf(fieldBook, policy.totalDecimals, rounding);
  const limited = applyLimits(ct, book, priced, policy, notes);

  let energy = 0;
  let parking = 0;
  for (const v of volumes) {
    energy += v.energy;
    parking += v.parking;
  }
  const pricing: Pricing = {
    tariff_id: tariffId,
    currency: ct.currency,
    ocpi_version: version,
    policy,
    total_cost: limited.price,
    total_energy: inUnit(energy, scale.perKwh),
    total_time: hoursBetween(sessionStart, sessionEnd),
    total_parking_time: inUnit(parking, scale.perHour),
    totals: {
      before_taxes: limited.price.before_taxes,
      taxes: toNumber(limited.taxTotal),
      after_taxes: toNumber(plus(limited.before, limited.taxTotal)),
    },
    components,
    periods: out,
    dimensions: dimensionAudits(
      pricer,
      volumes,
      scale,
      reservationFactsUnits,
      energyStep,
      timeKind,
      timeStep,
    ),
    limits: limited.applied,
    notes,
  };
  for (const field of COST_FIELDS) if (fields[field] !== undefined) pricing[field] = fields[field];
  return pricing;
}

function componentCost(
  tariffId: string,
  usage: Usage,
  component: CompiledComponent,
  scale: QuantityScale,
  before: Money,
  tax: Money,
): ComponentCost {
  const per = component.type === 'ENERGY' ? scale.perKwh : scale.perHour;
  const cost: ComponentCost = {
    tariff_id: tariffId,
    element: component.element,
    component: component.component,
    type: component.type,
    context: usage.context,
    cdr_field: component.field,
    price: component.raw.price,
    step_size: component.stepSize,
    quantity: component.type === 'FLAT' ? usage.units : inUnit(usage.units, per),
    before_taxes: toNumber(before),
    tax: toNumber(tax),
    after_taxes: toNumber(plus(before, tax)),
    first_period: usage.firstPeriod,
  };
  if (component.vatPercent !== undefined) cost.vat = component.vatPercent;
  return cost;
}

const AUDITED = ['ENERGY', 'TIME', 'PARKING_TIME', 'RESERVATION_TIME'] as const;

/** Per dimension: measured, priced, billed after step_size, and the step. */
function dimensionAudits(
  pricer: Pricer,
  volumes: readonly Volumes[],
  scale: QuantityScale,
  reservationFactsUnits: number,
  energyStep: Step,
  timeKind: SegmentDimension,
  timeStep: Step,
): DimensionAudit[] {
  const measured = [0, 0, 0, reservationFactsUnits];
  const priced = [0, 0, 0, 0];
  const billed = [0, 0, 0, 0];
  for (const v of volumes) {
    measured[0]! += v.energy;
    measured[1]! += v.time;
    measured[2]! += v.parking;
    measured[3]! += v.reservation;
  }
  const { segments, units, billed: billedUnits, usageOf } = pricer;
  for (let k = 0; k < segments.length; k++) {
    if (usageOf[k] === undefined) continue;
    const d = segments[k]!.dimension;
    const a =
      d === 'ENERGY' ? 0 : d === 'TIME' ? 1 : d === 'PARKING_TIME' ? 2 : d === 'RESERVATION_TIME' ? 3 : -1;
    if (a < 0) continue;
    priced[a]! += units[k]!;
    billed[a]! += billedUnits[k]!;
  }
  const audits: DimensionAudit[] = [];
  for (let a = 0; a < AUDITED.length; a++) {
    if (measured[a] === 0 && priced[a] === 0) continue;
    const kind = AUDITED[a]!;
    const per = a === 0 ? scale.perKwh : scale.perHour;
    const audit: DimensionAudit = {
      dimension: kind,
      unit: a === 0 ? 'kWh' : 'h',
      measured: inUnit(measured[a]!, per),
      priced: inUnit(priced[a]!, per),
      billed: inUnit(billed[a]!, per),
    };
    const step = a === 0 ? energyStep : kind === timeKind ? timeStep : undefined;
    if (step !== undefined && step.added !== 0) {
      audit.step = {
        component: step.usage.index,
        step_size: step.usage.candidate.component.stepSize,
        unit: a === 0 ? 'Wh' : 's',
        added: inUnit(step.added, per),
      };
    }
    audits.push(audit);
  }
  return audits;
}
