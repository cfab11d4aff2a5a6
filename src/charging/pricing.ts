/**
 * A simple, documented price of a session from its ChargingPeriods and one Tariff, for the
 * Session's running total_cost and a CDR's totals until the tariff engine (issue 7, src/tariff/)
 * replaces it. The period splitting (periods.ts) stays; only this rule goes.
 *
 * The rule:
 * 1. Only periods whose tariff_id is this Tariff's id are priced (a period without one has no
 *    relevant Tariff, per the CDRs chapter).
 * 2. Per period, each dimension's price is the Price Component of the first Tariff Element with a
 *    component of that dimension whose restrictions match at the period's start: local time of
 *    the start, kWh delivered before it, seconds since the session start; power and current
 *    restrictions must hold over the whole period (its MIN_/MAX_ dimensions). Periods built by
 *    periods.ts are uniform, so "at the start" and "throughout" agree.
 * 3. ENERGY price × the period's kWh, TIME price × its charging hours, PARKING_TIME price × its
 *    parking hours. FLAT once per session: the first period where a FLAT component applies.
 * 4. step_size, applied simply, as the CDRs chapter counts it: once per session on the total
 *    ENERGY (in Wh, the step of the last ENERGY component used), and once on time: on the total
 *    parking time if parking was priced, else on the total charging time (in seconds, the step of
 *    the last such component). The amount rounded up is billed at that last component's price.
 * 5. Taxes per Price Component: `vat` is a percentage. Tariff.tax_included NO (or absent, as in
 *    2.2.1 Tariffs) adds it on top; YES takes it out of the price; N/A means no taxes at all. A
 *    component without `vat` adds no tax line (NO: taxes unknown to the CPO, as the North
 *    American example; YES: the price is reported as before_taxes, its tax share unknown).
 *    Tax lines are one per percentage, named "VAT".
 * 6. min_price / max_price clamp total_cost only: before_taxes to the before_taxes limits (taxes
 *    scaled along), then before + taxes to the after_taxes limits (taxes adjusted), the latter
 *    only when taxes apply (not N/A) and every priced component states its vat. The per-dimension
 *    totals are left as computed.
 * 7. Amounts are rounded (half up) to 4 decimals at the end, each before_taxes and each tax line
 *    on its own: 4 decimals is OCPI's default precision for numbers, and the Tariffs chapter
 *    leaves rounding to currency units to law and contract, which is the caller's business.
 */
import { Decimal } from 'decimal.js';
import { parseDateTime } from '../protocol/common/datetime.js';
import type { ChargingPeriod } from '../protocol/v2_3_0/cdrs.js';
import type { PriceComponent } from '../protocol/v2_3_0/tariffs.js';
import type { Price, TaxAmount } from '../protocol/v2_3_0/types.js';
import { localTime } from '../tariff/local-time.js';
import { activeComponents } from '../tariff/restrictions.js';
import { type CanonicalTariff, type ChargingTotals, chargingTotals, type LocalTime } from './periods.js';

export interface PriceSimpleOptions {
  /** IANA time zone of the Location, for time-of-day, day-of-week and date restrictions. */
  timeZone: string;
  /** Session start, for min/max_duration; defaults to the first period's start. */
  startDateTime?: Date;
}

/** Field names as on the 2.3.0 CDR (total_parking_cost, not …_time_cost), so they can be spread into one. */
export interface SimplePricing {
  total_cost: Price;
  /** FLAT components. */
  total_fixed_cost?: Price;
  total_energy_cost?: Price;
  /** TIME components (charging time). */
  total_time_cost?: Price;
  /** PARKING_TIME components. */
  total_parking_cost?: Price;
  /** Volumes over all periods (priced or not). */
  totals: ChargingTotals;
}

type PricedDimension = 'ENERGY' | 'FLAT' | 'PARKING_TIME' | 'TIME';

/** One priced quantity: kWh for ENERGY, hours for TIME and PARKING_TIME, 1 for FLAT. */
interface Line {
  dimension: PricedDimension;
  component: PriceComponent;
  quantity: Decimal;
}

/** Before-tax amount and tax per VAT percentage (undefined: a tax line without a percentage). */
interface Money {
  before: Decimal;
  taxes: Map<number | undefined, Decimal>;
}

const ZERO = new Decimal(0);
const TAX_NAME = 'VAT';

function volumesOf(period: ChargingPeriod): Map<string, number> {
  const volumes = new Map<string, number>();
  for (const d of period.dimensions) volumes.set(d.type, (volumes.get(d.type) ?? 0) + d.volume);
  return volumes;
}

function startOf(period: ChargingPeriod): number {
  const parsed = parseDateTime(period.start_date_time);
  if (!parsed.ok) throw new RangeError(`ChargingPeriod.start_date_time: ${parsed.error}`);
  return parsed.date.getTime();
}

/** The priced quantities per period (rules 1 to 3). */
function linesOf(
  tariff: CanonicalTariff,
  periods: readonly ChargingPeriod[],
  options: PriceSimpleOptions,
): Line[] {
  const first = periods[0];
  const startMs = options.startDateTime?.getTime() ?? (first === undefined ? 0 : startOf(first));
  const lines: Line[] = [];
  let energyBefore = 0;
  let flatCharged = false;
  for (const period of periods) {
    const volumes = volumesOf(period);
    if (period.tariff_id === tariff.id) {
      const at = startOf(period);
      let local: LocalTime | undefined;
      const active = activeComponents(tariff, {
        local: () => {
          local ??= localTime(at, options.timeZone);
          return local;
        },
        // To the µWh: a threshold reached exactly must not be missed by float noise in the sum.
        energyKwh: Math.round(energyBefore * 1e6) / 1e6,
        durationSeconds: (at - startMs) / 1000,
        minPowerKw: volumes.get('MIN_POWER'),
        maxPowerKw: volumes.get('MAX_POWER'),
        minCurrentA: volumes.get('MIN_CURRENT'),
        maxCurrentA: volumes.get('MAX_CURRENT'),
      });
      if (!flatCharged && active.FLAT !== undefined) {
        lines.push({ dimension: 'FLAT', component: active.FLAT.component, quantity: new Decimal(1) });
        flatCharged = true;
      }
      for (const dimension of ['ENERGY', 'TIME', 'PARKING_TIME'] as const) {
        const found = active[dimension];
        const quantity = volumes.get(dimension) ?? 0;
        if (found !== undefined && quantity > 0) {
          lines.push({ dimension, component: found.component, quantity: new Decimal(quantity) });
        }
      }
    }
    energyBefore += volumes.get('ENERGY') ?? 0;
  }
  return lines;
}

/**
 * Rounds the session total of a dimension up to the step_size of its last component, adding the
 * difference to the last line (rule 4). `unitsPerQuantity`: Wh per kWh, seconds per hour.
 */
function roundUpLast(lines: Line[], dimension: PricedDimension, unitsPerQuantity: number): void {
  const of = lines.filter((line) => line.dimension === dimension);
  const last = of.at(-1);
  if (last === undefined) return;
  const step = last.component.step_size > 0 ? last.component.step_size : 1;
  // To the mWh or ms first: 20 kWh summed from interpolated periods may be 20.000000000000004.
  const used = of
    .reduce((sum, line) => sum.plus(line.quantity), ZERO)
    .times(unitsPerQuantity)
    .toDecimalPlaces(3);
  const billed = used.div(step).ceil().times(step);
  last.quantity = last.quantity.plus(billed.minus(used).div(unitsPerQuantity));
}

function applyStepSize(lines: Line[]): void {
  roundUpLast(lines, 'ENERGY', 1000);
  const time = lines.some((line) => line.dimension === 'PARKING_TIME') ? 'PARKING_TIME' : 'TIME';
  roundUpLast(lines, time, 3600);
}

/** Amounts and taxes of some lines (rule 5). */
function moneyOf(lines: readonly Line[], tariff: CanonicalTariff): Money {
  const money: Money = { before: ZERO, taxes: new Map() };
  for (const line of lines) {
    const amount = new Decimal(line.component.price).times(line.quantity);
    const vat = line.component.vat;
    if (tariff.tax_included === 'N/A' || vat === undefined) {
      money.before = money.before.plus(amount);
      continue;
    }
    const net = tariff.tax_included === 'YES' ? amount.div(new Decimal(vat).div(100).plus(1)) : amount;
    const tax = tariff.tax_included === 'YES' ? amount.minus(net) : amount.times(vat).div(100);
    money.before = money.before.plus(net);
    money.taxes.set(vat, (money.taxes.get(vat) ?? ZERO).plus(tax));
  }
  return money;
}

function taxTotal(money: Money): Decimal {
  let total = ZERO;
  for (const tax of money.taxes.values()) total = total.plus(tax);
  return total;
}

/** Scales the tax lines so that they add up to `total`; one line without a percentage if there are none to scale. */
function withTaxTotal(money: Money, total: Decimal): Money {
  const current = taxTotal(money);
  if (current.isZero()) {
    return { before: money.before, taxes: total.isZero() ? new Map() : new Map([[undefined, total]]) };
  }
  const factor = total.div(current);
  return {
    before: money.before,
    taxes: new Map([...money.taxes].map(([vat, tax]) => [vat, tax.times(factor)])),
  };
}

function clamp(value: Decimal, min: number | undefined, max: number | undefined): Decimal {
  let result = value;
  if (min !== undefined && result.lessThan(min)) result = new Decimal(min);
  if (max !== undefined && result.greaterThan(max)) result = new Decimal(max);
  return result;
}

/** min_price / max_price on the total (rule 6). */
function applyLimits(money: Money, lines: readonly Line[], tariff: CanonicalTariff): Money {
  let result = money;
  const before = clamp(money.before, tariff.min_price?.before_taxes, tariff.max_price?.before_taxes);
  if (!before.equals(money.before)) {
    const factor = money.before.isZero() ? ZERO : before.div(money.before);
    result = withTaxTotal({ before, taxes: money.taxes }, taxTotal(money).times(factor));
  }
  const taxesKnown = tariff.tax_included !== 'N/A' && lines.every((line) => line.component.vat !== undefined);
  if (!taxesKnown) return result;
  const after = result.before.plus(taxTotal(result));
  const limited = clamp(after, tariff.min_price?.after_taxes, tariff.max_price?.after_taxes);
  return limited.equals(after) ? result : withTaxTotal(result, limited.minus(result.before));
}

function round4(value: Decimal): number {
  return value.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toNumber();
}

function toPrice(money: Money): Price {
  const taxes: TaxAmount[] = [...money.taxes].map(([percentage, amount]) => {
    const line: TaxAmount = { name: TAX_NAME, amount: round4(amount) };
    if (percentage !== undefined) line.percentage = percentage;
    return line;
  });
  return { before_taxes: round4(money.before), taxes };
}

/**
 * Prices ChargingPeriods with one Tariff by the simple rule above. Works on a running session's
 * periods as well as on a finished one's (for a running session the step_size rounding makes the
 * total a little higher than the exact cost so far, as the final CDR would be if it ended now).
 */
export function priceSimple(
  tariff: CanonicalTariff,
  periods: readonly ChargingPeriod[],
  options: PriceSimpleOptions,
): SimplePricing {
  const lines = linesOf(tariff, periods, options);
  applyStepSize(lines);
  const costs: Omit<SimplePricing, 'totals'> = {
    total_cost: toPrice(applyLimits(moneyOf(lines, tariff), lines, tariff)),
  };
  const fields = {
    FLAT: 'total_fixed_cost',
    ENERGY: 'total_energy_cost',
    TIME: 'total_time_cost',
    PARKING_TIME: 'total_parking_cost',
  } as const;
  for (const [dimension, field] of Object.entries(fields) as [
    PricedDimension,
    (typeof fields)[PricedDimension],
  ][]) {
    const of = lines.filter((line) => line.dimension === dimension);
    if (of.length > 0) costs[field] = toPrice(moneyOf(of, tariff));
  }
  return { ...costs, totals: chargingTotals(periods) };
}
