/**
 * Taxes: per Price Component, from its `vat` rate and the Tariff's tax_included (2.3.0), and the
 * tax lines of a total, one per rate.
 *
 * - 2.1.1: no VAT at all; amounts are excluding VAT.
 * - 2.2.1: prices exclude VAT; `vat` is the rate to add; no `vat`: no VAT applies (not 0 %).
 * - 2.3.0: tax_included NO adds the rate to the price (no `vat`: no line, and taxes may still be
 *   added by local law, the North American case); YES takes the rate out of the price (no `vat`:
 *   the tax share is unknown, the price counts as before taxes); N/A: no taxes.
 * A component's tax is rounded like its amount (policy.componentDecimals). Tax lines are sums of
 * component taxes, so they add up exactly to the taxes of the total.
 */

import type { Price, TaxAmount } from '../protocol/v2_3_0/types.js';
import type { CompiledComponent, CompiledTariff } from './compile.js';
import {
  divRound,
  type ExactDecimal,
  type Money,
  moneyOfUnits,
  plus,
  pow10,
  type Rounding,
  roundMoney,
  toNumber,
  ZERO,
} from './money.js';
import { note, type PricingNote } from './notes.js';

/** The name of every tax line: the Tariffs chapter only knows VAT rates. */
export const TAX_NAME = 'VAT';

export interface TaxLine {
  /** The rate (vat) as the Tariff wrote it; undefined for a line whose rate is not known. */
  percentage: number | undefined;
  /** The rate as an exact decimal (undefined with the percentage). */
  rate: ExactDecimal | undefined;
  /** The amount before taxes the rate applies to. */
  basis: Money;
  amount: Money;
}

/** Amounts before taxes and tax lines by rate, added up component by component. */
export class TaxBook {
  before: Money = ZERO;
  readonly lines: TaxLine[] = [];

  add(component: CompiledComponent, before: Money, tax: Money): void {
    this.before = plus(this.before, before);
    const rate = component.vatPercent;
    if (component.vat === undefined || rate === undefined) return;
    // A handful of rates at most: a list beats a map.
    let line: TaxLine | undefined;
    for (const l of this.lines) if (l.percentage === rate) line = l;
    if (line === undefined) {
      line = { percentage: rate, rate: component.vat, basis: ZERO, amount: ZERO };
      this.lines.push(line);
    }
    line.basis = plus(line.basis, before);
    line.amount = plus(line.amount, tax);
  }
}

export function taxBook(): TaxBook {
  return new TaxBook();
}

/**
 * A component's amount (an integer count of 10^-decimals, price × quantity as written) split into
 * before taxes and tax.
 */
export function splitTax(
  ct: CompiledTariff,
  component: CompiledComponent,
  amount: bigint,
  decimals: number,
  rounding: Rounding,
): { before: Money; tax: Money } {
  const vat = component.vat;
  if (!ct.taxes || vat === undefined || ct.taxIncluded === 'N/A') {
    return { before: moneyOfUnits(amount, decimals), tax: ZERO };
  }
  const hundred = 100n * pow10(vat.decimals);
  if (ct.taxIncluded === 'YES') {
    const before = divRound(amount * hundred, hundred + vat.units, rounding);
    return { before: moneyOfUnits(before, decimals), tax: moneyOfUnits(amount - before, decimals) };
  }
  const tax = divRound(amount * vat.units, hundred, rounding);
  return { before: moneyOfUnits(amount, decimals), tax: moneyOfUnits(tax, decimals) };
}

/** Tax lines as the 2.3.0 TaxAmount list. */
export function taxAmounts(lines: readonly TaxLine[]): TaxAmount[] {
  return lines.map((line) => {
    const amount = toNumber(line.amount);
    return line.percentage === undefined
      ? { name: TAX_NAME, amount }
      : { name: TAX_NAME, percentage: line.percentage, amount };
  });
}

/** A book as a 2.3.0 Price, rounded to `decimals`. */
export function priceOf(book: TaxBook, decimals: number, rounding: Rounding): Price {
  return {
    before_taxes: toNumber(roundMoney(book.before, decimals, rounding)),
    taxes: taxAmounts(book.lines.map((l) => ({ ...l, amount: roundMoney(l.amount, decimals, rounding) }))),
  };
}

/** Whether the taxes of the priced components are all known (an after_taxes limit can be judged). */
export function taxesKnown(ct: CompiledTariff, components: readonly CompiledComponent[]): boolean {
  if (!ct.taxes || ct.taxIncluded === 'N/A' || ct.version === '2.2.1') return true;
  return components.every((c) => c.vat !== undefined);
}

/** Info notes for 2.3.0 components whose taxes the Tariff does not give. */
export function noteTaxes(
  ct: CompiledTariff,
  components: readonly CompiledComponent[],
  notes: PricingNote[],
) {
  if (ct.version !== '2.3.0' || ct.taxIncluded === 'N/A') return;
  const without = components.filter((c) => c.vat === undefined);
  if (without.length === 0) return;
  const which = without.map((c) => `${c.type} of element ${c.element}`).join(', ');
  notes.push(
    ct.taxIncluded === 'NO'
      ? note(
          'TAXES_NOT_INCLUDED',
          `no vat on ${which}: no tax line; taxes may still be added on top according to local law`,
        )
      : note(
          'TAX_SHARE_UNKNOWN',
          `no vat on ${which}: the price includes taxes whose share is unknown, reported as before taxes`,
        ),
  );
}
