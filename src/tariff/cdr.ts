/**
 * A pricing in the shape of a version's CDR cost fields, and the invoice check: a CDR's claimed
 * costs against the computed ones.
 *
 * - 2.3.0: Price { before_taxes, taxes[] } (the pricing's own shape);
 * - 2.2.1: Price { excl_vat, incl_vat }, incl_vat = before taxes + every tax line;
 * - 2.1.1: a number, excluding VAT (2.1.1 CDRs only have total_cost; the split is given as numbers
 *   too, for reading).
 */
import type { OcpiVersion } from '../protocol/index.js';
import type { Price } from '../protocol/v2_3_0/types.js';
import { COST_FIELDS, type CostField } from './compile.js';
import { type Money, minus, moneyOf, moneyOfUnits, plus, sumMoney, toNumber, ZERO } from './money.js';
import type { Pricing } from './price.js';

export type CostFieldName = 'total_cost' | CostField;

export const CDR_COST_FIELDS: readonly CostFieldName[] = ['total_cost', ...COST_FIELDS];

export type VersionPrice = number | { excl_vat: number; incl_vat?: number } | Price;

export type CdrCosts = Partial<Record<CostFieldName, VersionPrice>> & { total_cost: VersionPrice };

/** Before and after taxes of a 2.3.0 Price, exactly. */
function sides(price: Price): { before: Money; after: Money } {
  const before = moneyOf(price.before_taxes);
  const taxes = sumMoney((price.taxes ?? []).map((t) => moneyOf(t.amount)));
  return { before, after: plus(before, taxes) };
}

function inVersion(price: Price, version: OcpiVersion): VersionPrice {
  if (version === '2.3.0') return price;
  const { before, after } = sides(price);
  if (version === '2.1.1') return toNumber(before);
  return { excl_vat: toNumber(before), incl_vat: toNumber(after) };
}

/** The pricing's total_cost, total_fixed_cost, … in `version`'s CDR shape (absent fields stay absent). */
export function cdrCosts(pricing: Pricing, version: OcpiVersion): CdrCosts {
  const out: CdrCosts = { total_cost: inVersion(pricing.total_cost, version) };
  for (const field of COST_FIELDS) {
    const price = pricing[field];
    if (price !== undefined) out[field] = inVersion(price, version);
  }
  return out;
}

export interface CostDifference {
  field: CostFieldName;
  side: 'before_taxes' | 'after_taxes';
  computed: number;
  claimed: number;
  /** claimed − computed. */
  difference: number;
  /** Within the tolerance. */
  ok: boolean;
}

export interface CdrCheck {
  /** Every compared amount within the tolerance, and the same currency. */
  ok: boolean;
  /** The CDR's currency against the Tariff's (amounts in different currencies never match). */
  currency: { computed: string; claimed: string | undefined; ok: boolean };
  compared: CostDifference[];
}

/** A CDR's claimed cost field in `version`'s shape, as before/after taxes (after undefined: not given). */
function claimedSides(value: unknown, version: OcpiVersion): { before: Money; after?: Money } | undefined {
  if (version === '2.1.1') return typeof value === 'number' ? { before: moneyOf(value) } : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (version === '2.2.1') {
    if (typeof v.excl_vat !== 'number') return undefined;
    return typeof v.incl_vat === 'number'
      ? { before: moneyOf(v.excl_vat), after: moneyOf(v.incl_vat) }
      : { before: moneyOf(v.excl_vat) };
  }
  if (typeof v.before_taxes !== 'number') return undefined;
  const taxes = Array.isArray(v.taxes) ? v.taxes : [];
  const amounts = taxes.map((t: unknown) =>
    t !== null && typeof t === 'object' && typeof (t as { amount?: unknown }).amount === 'number'
      ? moneyOf((t as { amount: number }).amount)
      : ZERO,
  );
  const before = moneyOf(v.before_taxes);
  return { before, after: plus(before, sumMoney(amounts)) };
}

/** A cent (of a currency with cents): the invoice check's default tolerance. */
const CENT = moneyOfUnits(1n, 2);

/**
 * Compares the cost fields a CDR (of `version`, its own shape) claims with the pricing's: each
 * field the CDR carries, before and after taxes, a field the pricing lacks counting as 0. An amount
 * is fine when it differs by at most `tolerance` (default a cent, 0.01).
 */
export function checkCdr(
  pricing: Pricing,
  cdr: Record<string, unknown>,
  version: OcpiVersion,
  tolerance?: number,
): CdrCheck {
  const limit = tolerance === undefined ? CENT : moneyOf(tolerance);
  const compared: CostDifference[] = [];
  for (const field of CDR_COST_FIELDS) {
    if (cdr[field] === undefined) continue;
    const claimed = claimedSides(cdr[field], version);
    const price = pricing[field];
    const computed = price === undefined ? { before: ZERO, after: ZERO } : sides(price);
    const compare = (side: CostDifference['side'], c: Money, k: Money | undefined) => {
      if (k === undefined) return;
      const difference = minus(k, c);
      compared.push({
        field,
        side,
        computed: toNumber(c),
        claimed: toNumber(k),
        difference: toNumber(difference),
        ok: (difference < 0n ? -difference : difference) <= limit,
      });
    };
    if (claimed === undefined) {
      // Not a number where one is required: compared with nothing, so it fails.
      compared.push({
        field,
        side: 'before_taxes',
        computed: toNumber(computed.before),
        claimed: Number.NaN,
        difference: Number.NaN,
        ok: false,
      });
      continue;
    }
    compare('before_taxes', computed.before, claimed.before);
    if (version !== '2.1.1') compare('after_taxes', computed.after, claimed.after);
  }
  const claimedCurrency = typeof cdr.currency === 'string' ? cdr.currency : undefined;
  const currency = {
    computed: pricing.currency,
    claimed: claimedCurrency,
    ok: claimedCurrency === undefined || claimedCurrency.toUpperCase() === pricing.currency.toUpperCase(),
  };
  return { ok: currency.ok && compared.every((c) => c.ok), currency, compared };
}
