/**
 * min_price / max_price: the total of a session, before and after taxes, kept within the limits.
 *
 * Both sides apply (the Tariffs chapter's notes). First the total before taxes is clamped to the
 * before_taxes limits; each VAT rate's basis moves in the same proportion and its tax is computed
 * again on it, so a rate stays that rate (min_price € 0.50 at 10 % is € 0.05 of tax, whatever
 * few cents were priced). Then the total after taxes is clamped to the after_taxes limits by
 * moving the taxes alone, the tax lines keeping their proportions, so that the before-taxes limit
 * still holds: tariff_6's € 13.00 + 1.35 becomes € 10.00 + 1.00, as the chapter says. The tax
 * lines always add up exactly to the taxes of the total; a rounding difference goes to the largest
 * line. The per-field totals (energy, time…) are left as computed: the limits are the session's.
 *
 * An after_taxes limit needs the taxes: it is not judged when a priced component has no vat in
 * 2.3.0 (taxes unknown). When the Tariff has no VAT rate at all (N/A, or a 2.2.1 Tariff without
 * vat), the total after taxes is the total before taxes, and the after_taxes limit moves it.
 */
import type { Price } from '../protocol/v2_3_0/types.js';
import type { CompiledComponent, CompiledTariff } from './compile.js';
import {
  divRound,
  MONEY_DECIMALS,
  type Money,
  minus,
  moneyOfUnits,
  plus,
  pow10,
  type Rounding,
  roundMoney,
  sumMoney,
  toNumber,
  unitsOf,
  ZERO,
} from './money.js';
import { note, type PricingNote } from './notes.js';
import type { PricingPolicy } from './policy.js';
import { type TaxBook, type TaxLine, taxAmounts, taxesKnown } from './tax.js';

export interface LimitApplied {
  limit: 'min_price' | 'max_price';
  side: 'before_taxes' | 'after_taxes';
  /** The limit, as the Tariff gives it. */
  value: number;
  /** The total on that side before the limit moved it, and after. */
  from: number;
  to: number;
}

export interface LimitedTotal {
  price: Price;
  before: Money;
  taxTotal: Money;
  applied: LimitApplied[];
}

/** `total` shared over the lines in proportion to their amounts, at `decimals`. */
function share(lines: readonly TaxLine[], total: Money, decimals: number, rounding: Rounding): TaxLine[] {
  const weight = sumMoney(lines.map((l) => l.amount));
  const target = unitsOf(total, decimals, rounding);
  if (weight === 0n) return lines.map((l, i) => ({ ...l, amount: i === 0 ? total : ZERO }));
  const units = lines.map((l) => divRound(target * l.amount, weight, rounding));
  const rest = target - units.reduce((a, b) => a + b, 0n);
  if (rest !== 0n) {
    const size = (m: Money) => (m < 0n ? -m : m);
    let largest = 0;
    lines.forEach((l, i) => {
      if (size(l.amount) > size(lines[largest]!.amount)) largest = i;
    });
    units[largest] = units[largest]! + rest;
  }
  return lines.map((l, i) => ({ ...l, amount: moneyOfUnits(units[i]!, decimals) }));
}

/**
 * The tax lines when the total before taxes moved from `from` to `to`: each rate's basis moved in
 * the same proportion, and its tax computed on it at its rate (not the rounded tax scaled, which
 * on a tiny total would turn 21 % into anything). Nothing taxed to go by: the Tariff's only rate.
 */
function retax(
  ct: CompiledTariff,
  book: TaxBook,
  to: Money,
  decimals: number,
  rounding: Rounding,
): TaxLine[] {
  const from = book.before;
  const taxed = (line: TaxLine, basis: bigint, denominator: bigint): TaxLine => {
    const rate = line.rate!;
    const units = divRound(
      basis * rate.units,
      denominator * 100n * pow10(rate.decimals) * pow10(MONEY_DECIMALS - decimals),
      rounding,
    );
    return {
      ...line,
      basis: moneyOfUnits(divRound(basis, denominator, rounding), MONEY_DECIMALS),
      amount: moneyOfUnits(units, decimals),
    };
  };
  if (from > 0n && book.lines.length > 0) {
    return book.lines.map((line) => (line.rate === undefined ? line : taxed(line, line.basis * to, from)));
  }
  const sole = ct.soleVat;
  if (sole?.vat === undefined || to === 0n) return [];
  return [taxed({ percentage: sole.vatPercent, rate: sole.vat, basis: to, amount: ZERO }, to, 1n)];
}

export function applyLimits(
  ct: CompiledTariff,
  book: TaxBook,
  priced: readonly CompiledComponent[],
  policy: PricingPolicy,
  notes: PricingNote[],
): LimitedTotal {
  const t = policy.totalDecimals;
  const rounding = policy.rounding;
  const round = (m: Money) => roundMoney(m, t, rounding);
  const applied: LimitApplied[] = [];
  let before = round(book.before);
  let lines: TaxLine[] = book.lines.map((l) => ({ ...l, amount: round(l.amount) }));
  const min = ct.minPrice;
  const max = ct.maxPrice;
  if (min === undefined && max === undefined) return result(before, lines, applied);

  const bound =
    min !== undefined && before < min.before
      ? { limit: 'min_price' as const, value: min.before }
      : max !== undefined && before > max.before
        ? { limit: 'max_price' as const, value: max.before }
        : undefined;
  if (bound !== undefined) {
    const to = round(bound.value);
    applied.push(limitApplied(bound.limit, 'before_taxes', bound.value, before, to));
    before = to;
    if (ct.taxes && ct.taxIncluded !== 'N/A') lines = retax(ct, book, to, t, rounding);
  }

  const minAfter = min?.after;
  const maxAfter = max?.after;
  if (minAfter !== undefined || maxAfter !== undefined) {
    if (!taxesKnown(ct, priced)) {
      notes.push(
        note(
          'AFTER_TAXES_LIMIT_NOT_JUDGED',
          'the taxes of some priced components are unknown: the after_taxes limit is not judged',
        ),
      );
    } else {
      const after = plus(before, sumMoney(lines.map((l) => l.amount)));
      const afterBound =
        minAfter !== undefined && after < minAfter
          ? { limit: 'min_price' as const, value: minAfter }
          : maxAfter !== undefined && after > maxAfter
            ? { limit: 'max_price' as const, value: maxAfter }
            : undefined;
      if (afterBound !== undefined) {
        const to = round(afterBound.value);
        applied.push(limitApplied(afterBound.limit, 'after_taxes', afterBound.value, after, to));
        const taxTarget = minus(to, before);
        if (lines.length > 0) lines = share(lines, taxTarget, t, rounding);
        else if (!ct.anyVat)
          before = to; // no tax exists: the total itself moves
        else if (taxTarget !== 0n) {
          // Taxed components, none priced, and no single rate: a line without a percentage.
          lines = [
            { percentage: ct.soleVat?.vatPercent, rate: ct.soleVat?.vat, basis: before, amount: taxTarget },
          ];
        }
      }
    }
  }
  return result(before, lines, applied);
}

function limitApplied(
  limit: LimitApplied['limit'],
  side: LimitApplied['side'],
  value: Money,
  from: Money,
  to: Money,
): LimitApplied {
  return { limit, side, value: toNumber(value), from: toNumber(from), to: toNumber(to) };
}

function result(before: Money, lines: TaxLine[], applied: LimitApplied[]): LimitedTotal {
  return {
    price: { before_taxes: toNumber(before), taxes: taxAmounts(lines) },
    before,
    taxTotal: sumMoney(lines.map((l) => l.amount)),
    applied,
  };
}
