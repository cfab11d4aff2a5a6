/**
 * Converters shared by several modules: the Types-chapter classes (Price, DisplayText) and the
 * Locations classes other modules embed (EnergyMix/EnvironmentalImpact), plus small helpers for
 * walking plain JSON (lists, enums) that the module converters compose.
 *
 * Money semantics (Price):
 * - 2.1.1 has no Price class: amounts are bare numbers, and every one of them (Session/CDR
 *   total_cost, PriceComponent.price) is excluding VAT.
 * - 2.2.1 Price is `{ excl_vat, incl_vat? }`: one tax figure, folded into a total.
 * - 2.3.0 (canonical) Price is `{ before_taxes, taxes?: TaxAmount[] }`: each tax line on its own.
 *
 * The lossy rows of this file (`commonLossyMappings`) enter THE lossy table in lossy.ts; users of
 * these helpers need not list them again.
 */
import { Decimal } from 'decimal.js';
import { ConversionError } from './errors.js';
import type { ConversionContext, LossyMapping, ObjectConverters } from './types.js';

export type Json = Record<string, unknown>;

// ---- plain-JSON helpers ----

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A JSON pointer one step down (escapes `~` and `/` as RFC 6901 asks). */
export function child(pointer: string, key: string | number): string {
  return `${pointer}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/**
 * Applies `fn` to each object of a list, with the item's pointer. Anything that is not a list (or
 * an item that is not an object) is kept as it is: validation is not the converter's job.
 */
export function mapObjects(
  list: unknown,
  pointer: string,
  fn: (item: Json, pointer: string) => unknown,
): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((item, index) => (isObject(item) ? fn(item, child(pointer, index)) : item));
}

/** Applies `fn` to an object value (a nested class); anything else is kept as it is. */
export function mapObject(
  value: unknown,
  pointer: string,
  fn: (item: Json, pointer: string) => unknown,
): unknown {
  return isObject(value) ? fn(value, pointer) : value;
}

/**
 * An enum list (e.g. capabilities) for a version that knows only `known`: values it does not know
 * are dropped, reported once under `id` at the list's pointer. Not a list: kept as it is.
 */
export function filterEnumList(
  list: unknown,
  known: readonly string[],
  ctx: ConversionContext,
  id: string,
  pointer: string,
): unknown {
  if (!Array.isArray(list)) return list;
  const kept = list.filter((value) => typeof value !== 'string' || known.includes(value));
  if (kept.length !== list.length) ctx.report(id, pointer);
  return kept;
}

/** Sets `key` on `target` only when `value` is not undefined (keeps absent fields absent). */
export function setIfDefined(target: Json, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

/** Nested objects are whole values even inside a PATCH body: convert them as complete. */
export function complete(ctx: ConversionContext): ConversionContext {
  return ctx.partial ? { ...ctx, partial: false } : ctx;
}

/**
 * Removes `key` for a version that lacks it, reporting `id` at the field's (now absent) pointer
 * when it held something (not for undefined or an empty list, which carry nothing).
 */
export function drop(value: Json, key: string, ctx: ConversionContext, id: string, pointer: string): Json {
  if (!(key in value)) return value;
  const { [key]: dropped, ...rest } = value;
  if (dropped !== undefined && !(Array.isArray(dropped) && dropped.length === 0)) {
    ctx.report(id, child(pointer, key));
  }
  return rest;
}

// ---- the owner of 2.1.1 objects (no country_code/party_id: known from the connection) ----

function sameParty(value: Json, ctx: ConversionContext): boolean {
  const party = ctx.party;
  if (party === undefined) return false;
  const eq = (a: unknown, b: string) => typeof a === 'string' && a.toUpperCase() === b.toUpperCase();
  return eq(value.country_code, party.country_code) && eq(value.party_id, party.party_id);
}

/**
 * Canonical -> 2.1.1: drops country_code/party_id. Reported (id, at /party_id) unless the
 * connection's party (ctx.party) is that same owner, compared case-insensitively (CiString).
 */
export function dropOwner(value: Json, ctx: ConversionContext, id: string, pointer: string): Json {
  if (!('country_code' in value) && !('party_id' in value)) return value;
  const { country_code: _c, party_id: _p, ...rest } = value;
  if (!sameParty(value, ctx)) ctx.report(id, child(pointer, 'party_id'));
  return rest;
}

/**
 * 2.1.1 -> canonical: adds country_code/party_id from ctx.party, reported (id, at /party_id).
 * Never in a PATCH (ctx.partial). A complete object without ctx.party: ConversionError.
 */
export function inventOwner(
  value: Json,
  ctx: ConversionContext,
  id: string,
  pointer: string,
  type: string,
): Json {
  if (ctx.partial || ('country_code' in value && 'party_id' in value)) return value;
  if (ctx.party === undefined) {
    throw new ConversionError(
      `a 2.1.1 ${type} has no owner: pass the party (country_code, party_id) in the options`,
    );
  }
  ctx.report(id, child(pointer, 'party_id'));
  return { country_code: ctx.party.country_code, party_id: ctx.party.party_id, ...value };
}

// ---- Price ----

/** The name given to the one tax line made from a 2.2.1 Price (2.2.1 only knows VAT). */
export const VAT_TAX_NAME = 'VAT';

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** a + b (or a - b) in decimal arithmetic, never binary floating point. */
function decimalSum(values: number[]): number {
  return values.reduce((sum, n) => sum.plus(new Decimal(n)), new Decimal(0)).toNumber();
}

/** 2.1.1 amount (a number, excl. VAT) -> canonical Price. Exact: no tax information is given. */
export function priceToCanonical211(value: unknown, _ctx: ConversionContext, _pointer: string): unknown {
  if (!isNumber(value)) return value;
  return { before_taxes: value };
}

/**
 * Canonical Price -> 2.1.1 amount excl. VAT (`before_taxes`). The tax lines cannot be carried:
 * `Price.taxes-dropped` when the Price has a `taxes` list (even empty: "no tax" is lost too).
 */
export function priceFromCanonical211(value: unknown, ctx: ConversionContext, pointer: string): unknown {
  if (!isObject(value)) return value;
  if (value.taxes !== undefined) ctx.report('Price.taxes-dropped', pointer);
  return value.before_taxes;
}

/**
 * 2.2.1 Price -> canonical Price. `excl_vat` becomes `before_taxes`; `incl_vat` becomes tax lines:
 * - absent: no `taxes` (the sender gave no tax information);
 * - equal to excl_vat: `taxes: []` (no tax is due: we do not invent a zero line);
 * - otherwise one line `{ name: 'VAT', amount: incl_vat - excl_vat }` (decimal arithmetic); its
 *   name is our assumption and its percentage unknown: reported as `Price.vat-as-tax-line`.
 */
export function priceToCanonical221(value: unknown, ctx: ConversionContext, pointer: string): unknown {
  if (!isObject(value)) return value;
  const { excl_vat, incl_vat, ...rest } = value;
  const out: Json = { ...rest };
  setIfDefined(out, 'before_taxes', excl_vat);
  if (incl_vat === undefined) return out;
  if (!isNumber(incl_vat) || !isNumber(excl_vat)) {
    // Malformed: keep the source field rather than guess.
    out.incl_vat = incl_vat;
    return out;
  }
  const tax = new Decimal(incl_vat).minus(new Decimal(excl_vat));
  if (tax.isZero()) {
    out.taxes = [];
  } else {
    out.taxes = [{ name: VAT_TAX_NAME, amount: tax.toNumber() }];
    ctx.report('Price.vat-as-tax-line', child(pointer, 'taxes'));
  }
  return out;
}

/** True when a canonical tax list is exactly what priceToCanonical221 makes from some incl_vat. */
function isReconstructible(taxes: unknown): boolean {
  if (!Array.isArray(taxes)) return false;
  if (taxes.length === 0) return true;
  if (taxes.length !== 1) return false;
  const [line] = taxes;
  if (!isObject(line)) return false;
  const keys = Object.keys(line).sort();
  return (
    keys.length === 2 &&
    keys[0] === 'amount' &&
    keys[1] === 'name' &&
    line.name === VAT_TAX_NAME &&
    isNumber(line.amount) &&
    line.amount !== 0
  );
}

/**
 * Canonical Price -> 2.2.1 Price. `before_taxes` becomes `excl_vat`; a `taxes` list becomes
 * `incl_vat = before_taxes + sum(amounts)` (decimal). No `taxes`: no `incl_vat`. Names,
 * percentages and account numbers of the lines are lost (`Price.taxes-summed`), unless the list
 * is one that the way back rebuilds exactly (empty, or one non-zero line named VAT).
 */
export function priceFromCanonical221(value: unknown, ctx: ConversionContext, pointer: string): unknown {
  if (!isObject(value)) return value;
  const { before_taxes, taxes, ...rest } = value;
  const out: Json = { ...rest };
  setIfDefined(out, 'excl_vat', before_taxes);
  if (taxes === undefined) return out;
  const amounts = Array.isArray(taxes) ? taxes.map((line) => (isObject(line) ? line.amount : undefined)) : [];
  if (!Array.isArray(taxes) || !isNumber(before_taxes) || !amounts.every(isNumber)) {
    out.taxes = taxes;
    return out;
  }
  out.incl_vat = decimalSum([before_taxes, ...(amounts as number[])]);
  if (!isReconstructible(taxes)) ctx.report('Price.taxes-summed', child(pointer, 'incl_vat'));
  return out;
}

// ---- DisplayText ----

/** DisplayText is the same class in every version: converted as it is. */
export const displayTextConverters: ObjectConverters = {
  '2.1.1': { toCanonical: (value) => value, fromCanonical: (value) => value },
  '2.2.1': { toCanonical: (value) => value, fromCanonical: (value) => value },
};

// ---- EnergyMix / EnvironmentalImpact ----

/** EnvironmentalImpactCategory values of 2.1.1 and 2.2.1 (closed); 2.3.0 makes it an OpenEnum. */
export const ENVIRONMENTAL_IMPACT_CATEGORIES = ['NUCLEAR_WASTE', 'CARBON_DIOXIDE'] as const;

/** 2.1.1 EnvironmentalImpact `source` is 2.2+ `category`: an exact rename. */
function environmentalImpactToCanonical211(value: Json): Json {
  if (!('source' in value)) return value;
  const { source, ...rest } = value;
  return { ...rest, category: source };
}

function environmentalImpactFromCanonical211(value: Json): Json {
  if (!('category' in value)) return value;
  const { category, ...rest } = value;
  return { ...rest, source: category };
}

/**
 * Canonical environ_impact -> an older version: a category the older closed enum lacks (2.3.0 is
 * open) cannot be sent; the line is dropped and reported.
 */
function knownImpacts(list: unknown, ctx: ConversionContext, id: string, pointer: string): unknown {
  if (!Array.isArray(list)) return list;
  const kept = list.filter(
    (item) =>
      !isObject(item) ||
      typeof item.category !== 'string' ||
      (ENVIRONMENTAL_IMPACT_CATEGORIES as readonly string[]).includes(item.category),
  );
  if (kept.length !== list.length) ctx.report(id, pointer);
  return kept;
}

function withEnvironImpact(value: Json, environ: unknown): Json {
  const { environ_impact: _, ...rest } = value;
  return environ === undefined ? rest : { ...rest, environ_impact: environ };
}

export function energyMixToCanonical211(value: Json, _ctx: ConversionContext, pointer: string): Json {
  if (!('environ_impact' in value)) return value;
  const environ = mapObjects(
    value.environ_impact,
    child(pointer, 'environ_impact'),
    environmentalImpactToCanonical211,
  );
  return withEnvironImpact(value, environ);
}

export function energyMixFromCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  if (!('environ_impact' in value)) return value;
  const at = child(pointer, 'environ_impact');
  const kept = knownImpacts(value.environ_impact, ctx, 'EnvironmentalImpact.unknown-category-2.1.1', at);
  return withEnvironImpact(value, mapObjects(kept, at, environmentalImpactFromCanonical211));
}

/** 2.2.1 EnergyMix is the canonical shape (only the enum closes): identity up. */
export function energyMixToCanonical221(value: Json, _ctx: ConversionContext, _pointer: string): Json {
  return value;
}

export function energyMixFromCanonical221(value: Json, ctx: ConversionContext, pointer: string): Json {
  if (!('environ_impact' in value)) return value;
  const at = child(pointer, 'environ_impact');
  return withEnvironImpact(
    value,
    knownImpacts(value.environ_impact, ctx, 'EnvironmentalImpact.unknown-category-2.2.1', at),
  );
}

export const energyMixConverters: ObjectConverters = {
  '2.1.1': { toCanonical: energyMixToCanonical211, fromCanonical: energyMixFromCanonical211 },
  '2.2.1': { toCanonical: energyMixToCanonical221, fromCanonical: energyMixFromCanonical221 },
};

// ---- the rows of the lossy table for this file ----

export const commonLossyMappings: LossyMapping[] = [
  {
    id: 'Price.taxes-dropped',
    object: 'Price',
    field: 'taxes',
    from: '2.3.0',
    to: '2.1.1',
    kind: 'loses',
    description:
      '2.1.1 amounts are bare numbers excluding VAT: the amount becomes before_taxes and the tax lines ' +
      '(amounts, names, percentages; an empty list, meaning no tax, too) are not carried.',
  },
  {
    id: 'Price.taxes-summed',
    object: 'Price',
    field: 'taxes -> incl_vat',
    from: '2.3.0',
    to: '2.2.1',
    kind: 'loses',
    description:
      'incl_vat is before_taxes plus the sum of all tax line amounts (decimal arithmetic); the lines ' +
      'themselves (names, percentages, account numbers, how many) are lost. Not reported when the list ' +
      'is empty or a single non-zero line named VAT, which the way back rebuilds exactly.',
  },
  {
    id: 'Price.vat-as-tax-line',
    object: 'Price',
    field: 'incl_vat -> taxes',
    from: '2.2.1',
    to: '2.3.0',
    kind: 'invents',
    description:
      'incl_vat above or below excl_vat becomes one tax line named "VAT" whose amount is the ' +
      'difference (decimal arithmetic); the name is assumed and no percentage is given. incl_vat equal ' +
      'to excl_vat becomes an empty tax list; no incl_vat, no taxes field.',
  },
  {
    id: 'EnvironmentalImpact.unknown-category-2.1.1',
    object: 'EnergyMix',
    field: 'environ_impact[].category',
    from: '2.3.0',
    to: '2.1.1',
    kind: 'loses',
    description:
      "2.3.0's EnvironmentalImpactCategory is open; a line with a category 2.1.1 does not know is dropped.",
  },
  {
    id: 'EnvironmentalImpact.unknown-category-2.2.1',
    object: 'EnergyMix',
    field: 'environ_impact[].category',
    from: '2.3.0',
    to: '2.2.1',
    kind: 'loses',
    description:
      "2.3.0's EnvironmentalImpactCategory is open; a line with a category 2.2.1 does not know is dropped.",
  },
];
