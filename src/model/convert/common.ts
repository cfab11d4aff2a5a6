/**
 * What several module converters share: the Types-chapter classes (Price, DisplayText), the
 * Locations classes other modules embed (EnergyMix/EnvironmentalImpact), and the building blocks
 * every module file composes: plain-JSON walking, identity converters, lossy-table rows, the
 * dropped-field table, enum narrowing (enum values always read from the schemas), the owner of
 * 2.1.1 objects. Nothing here imports a module converter, so every module may import this file.
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
import type { TSchema } from '@sinclair/typebox';
import { Decimal } from 'decimal.js';
import { type OcpiVersion, v2_1_1, v2_2_1 } from '../../protocol/index.js';
import { ConversionError } from './errors.js';
import type {
  ConversionContext,
  ConvertFn,
  LossyMapping,
  ObjectConverters,
  VersionConverter,
} from './types.js';

export type Json = Record<string, unknown>;

/** A conversion of a field's value (a Price is a number in 2.1.1, not an object). */
export type ValueFn = (value: unknown, ctx: ConversionContext, pointer: string) => unknown;

/** The versions that need converters (2.3.0 is the canonical shape). */
export type OlderVersion = Exclude<OcpiVersion, '2.3.0'>;
export const OLDER_VERSIONS: readonly OlderVersion[] = ['2.1.1', '2.2.1'];

/** One value per older version, made by `make` (converters or tables that differ only by version). */
export function perOlderVersion<T>(make: (version: OlderVersion) => T): Record<OlderVersion, T> {
  return { '2.1.1': make('2.1.1'), '2.2.1': make('2.2.1') };
}

// ---- plain-JSON helpers ----

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A JSON pointer one step down (escapes `~` and `/` as RFC 6901 asks). */
export function child(pointer: string, key: string | number): string {
  return `${pointer}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/** Case-insensitive equality of two strings (CiString); false when either is not a string. */
export function ciEqual(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
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

/** Nested objects are whole values even inside a PATCH body: convert them as complete. */
export function complete(ctx: ConversionContext): ConversionContext {
  return ctx.partial ? { ...ctx, partial: false } : ctx;
}

/** `map` (mapObject or mapObjects) applied to the value under `key`, when present, with `fn` (nested: complete). */
function convertUnder(map: typeof mapObject) {
  return (value: Json, key: string, fn: ConvertFn, ctx: ConversionContext, pointer: string): Json => {
    if (!(key in value)) return value;
    const inner = complete(ctx);
    return { ...value, [key]: map(value[key], child(pointer, key), (item, at) => fn(item, inner, at)) };
  };
}

/** The nested object under `key`, when present, converted by `fn` (as a complete object). */
export const withObject = convertUnder(mapObject);

/** Each object of the list under `key`, when present, converted by `fn` (as complete objects). */
export const withObjects = convertUnder(mapObjects);

/** Each field of `keys` that is present, converted by `fn` with its pointer (e.g. Prices). */
export function withFields(
  value: Json,
  keys: readonly string[],
  fn: ValueFn,
  ctx: ConversionContext,
  pointer: string,
): Json {
  const out: Json = { ...value };
  for (const key of keys) if (key in out) out[key] = fn(out[key], ctx, child(pointer, key));
  return out;
}

/** Sets `key` on `target` only when `value` is not undefined (keeps absent fields absent). */
export function setIfDefined(target: Json, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

/** Renames `from` to `to` when present (an exact mapping). */
export function rename(value: Json, from: string, to: string): Json {
  if (!(from in value)) return value;
  const { [from]: moved, ...rest } = value;
  return { ...rest, [to]: moved };
}

/**
 * The keys of `value` in the order of `schema`'s properties (spec table order), unknown keys
 * after them in their own order. Only for readable output: no test depends on key order.
 */
export function ordered(value: Json, schema: TSchema): Json {
  const order = Object.keys((schema as { properties?: Record<string, unknown> }).properties ?? {});
  const out: Json = {};
  for (const key of order) if (key in value) out[key] = value[key];
  for (const key of Object.keys(value)) if (!(key in out)) out[key] = value[key];
  return out;
}

// ---- enums: the values are the schemas' own, never typed again here ----

/** The values of a closed enum schema (OcpiEnum). A schema without them is a programming error. */
export function enumValues(schema: TSchema): readonly string[] {
  const values = (schema as { enum?: unknown }).enum;
  if (!Array.isArray(values)) throw new Error(`${String(schema.ocpiType)} is not a closed enum`);
  return values as string[];
}

/**
 * An enum value for a version that knows only `known`: kept when known, else `fallback`, reported
 * under `id`. A value that is not a string is kept (validation is not the converter's job).
 */
export function narrowEnum(
  value: unknown,
  known: readonly string[],
  fallback: string,
  ctx: ConversionContext,
  id: string,
  pointer: string,
): unknown {
  if (typeof value !== 'string' || known.includes(value)) return value;
  ctx.report(id, pointer);
  return fallback;
}

/** narrowEnum on the field `key`, when present. */
export function withEnum(
  value: Json,
  key: string,
  known: readonly string[],
  fallback: string,
  ctx: ConversionContext,
  id: string,
  pointer: string,
): Json {
  if (!(key in value)) return value;
  return { ...value, [key]: narrowEnum(value[key], known, fallback, ctx, id, child(pointer, key)) };
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

/** filterEnumList on the list under `key`, when present. */
export function withEnumList(
  value: Json,
  key: string,
  known: readonly string[],
  ctx: ConversionContext,
  id: string,
  pointer: string,
): Json {
  if (!(key in value)) return value;
  return { ...value, [key]: filterEnumList(value[key], known, ctx, id, child(pointer, key)) };
}

/** 2.3.0 has no Role HUB: a `role` HUB (2.2.1) becomes OTHER, reported under `id`. */
export function withHubAsOther(value: Json, ctx: ConversionContext, id: string, pointer: string): Json {
  if (value.role !== 'HUB') return value;
  ctx.report(id, child(pointer, 'role'));
  return { ...value, role: 'OTHER' };
}

// ---- converters of objects that (partly) did not change ----

/** A direction in which nothing changes. */
export const same: ConvertFn = (value) => value;

/** The object is the same in the older version and in canonical: nothing to convert. */
export const identity: VersionConverter = { toCanonical: same, fromCanonical: same };

/** Only the way down changes (canonical adds values or fields the older version lacks). */
export function downOnly(fromCanonical: ConvertFn): VersionConverter {
  return { toCanonical: same, fromCanonical };
}

/** Only the way up changes (every canonical value exists in the older version). */
export function upOnly(toCanonical: ConvertFn): VersionConverter {
  return { toCanonical, fromCanonical: same };
}

/** An object unchanged in the given older versions (and absent from the others). */
export function unchangedIn(...versions: OlderVersion[]): ObjectConverters {
  return Object.fromEntries(versions.map((v) => [v, identity]));
}

/** Applies a nested object's converter to an object value (nested objects are always complete). */
export function convertNested(
  converter: VersionConverter,
  direction: keyof VersionConverter,
  value: unknown,
  ctx: ConversionContext,
  pointer: string,
): unknown {
  const inner = complete(ctx);
  return mapObject(value, pointer, (item, at) => converter[direction](item, inner, at));
}

// ---- rows of the lossy table ----

/** A lossy-table row, written compactly. */
export function row(
  id: string,
  object: string,
  field: string,
  from: OcpiVersion,
  to: OcpiVersion,
  kind: LossyMapping['kind'],
  description: string,
): LossyMapping {
  return { id, object, field, from, to, kind, description };
}

/** A row id for one target version, e.g. `Image.category` -> `Image.category-2.2.1`. */
export function versioned(id: string, version: OlderVersion): string {
  return `${id}-${version}`;
}

/** One `loses` row per older version (id suffixed by the version) for a 2.3.0 addition both lack. */
export function rowsDown(id: string, object: string, field: string, description: string): LossyMapping[] {
  return OLDER_VERSIONS.map((v) => row(versioned(id, v), object, field, '2.3.0', v, 'loses', description));
}

/** A canonical field (or fields) the target version does not have: dropped on the way down, reported. */
export interface DroppedField {
  object: string;
  /** The field, or several under one row (`min_price, max_price`). */
  field: string;
  to: OlderVersion;
  /** Why it matters, in our words: the row's description is `<to> has no <field>: <why>`. */
  why?: string;
  /** The row's whole description, where the `why` form does not fit. */
  description?: string;
  /** The row id, where it is not `<object>.<field>-dropped-<to>`. */
  id?: string;
  /** Values that carry nothing (e.g. `credit: false`): dropped without a report. */
  carriesNothing?: (value: unknown) => boolean;
}

/** The same dropped field for each older version (e.g. a 2.3.0 addition). */
export function droppedForEach(make: (to: OlderVersion) => DroppedField): DroppedField[] {
  return Object.values(perOlderVersion(make));
}

export function droppedFieldId(f: DroppedField): string {
  return f.id ?? `${f.object}.${f.field}-dropped-${f.to}`;
}

/** The lossy rows of a dropped-field table. */
export function droppedFieldRows(fields: readonly DroppedField[]): LossyMapping[] {
  return fields.map((f) =>
    row(
      droppedFieldId(f),
      f.object,
      f.field,
      '2.3.0',
      f.to,
      'loses',
      f.description ?? `${f.to} has no ${f.field}: ${f.why}`,
    ),
  );
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

/**
 * Removes the fields of the table that apply to (`object`, `to`), in table order, reporting each
 * one that held something (as `drop`: not an empty list, nor a value the row says carries nothing).
 */
export function dropFields(
  value: Json,
  fields: readonly DroppedField[],
  object: string,
  to: OlderVersion,
  ctx: ConversionContext,
  pointer: string,
): Json {
  // Always a copy: callers assign to the result.
  let out: Json = { ...value };
  for (const f of fields) {
    if (f.object !== object || f.to !== to) continue;
    for (const key of f.field.split(', ')) {
      if (!(key in out)) continue;
      if (f.carriesNothing?.(out[key])) {
        const { [key]: _, ...rest } = out;
        out = rest;
      } else {
        out = drop(out, key, ctx, droppedFieldId(f), pointer);
      }
    }
  }
  return out;
}

// ---- the owner of 2.1.1 objects (no country_code/party_id: known from the connection) ----

function sameParty(value: Json, ctx: ConversionContext): boolean {
  const party = ctx.party;
  if (party === undefined) return false;
  return ciEqual(value.country_code, party.country_code) && ciEqual(value.party_id, party.party_id);
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

/** The Price conversions, by older version and direction. */
const price: Record<OlderVersion, Record<keyof VersionConverter, ValueFn>> = {
  '2.1.1': { toCanonical: priceToCanonical211, fromCanonical: priceFromCanonical211 },
  '2.2.1': { toCanonical: priceToCanonical221, fromCanonical: priceFromCanonical221 },
};

/** The Price fields of `keys` that are present, converted between `version` and canonical. */
export function withPrices(
  value: Json,
  keys: readonly string[],
  version: OlderVersion,
  direction: keyof VersionConverter,
  ctx: ConversionContext,
  pointer: string,
): Json {
  return withFields(value, keys, price[version][direction], ctx, pointer);
}

// ---- DisplayText ----

/** DisplayText is the same class in every version: converted as it is. */
export const displayTextConverters: ObjectConverters = unchangedIn('2.1.1', '2.2.1');

// ---- EnergyMix / EnvironmentalImpact ----

/** EnvironmentalImpactCategory of the older versions (closed); 2.3.0 makes it an OpenEnum. */
const ENVIRONMENTAL_IMPACT_CATEGORIES: Record<OlderVersion, readonly string[]> = {
  '2.1.1': enumValues(v2_1_1.locations.EnvironmentalImpactCategory),
  '2.2.1': enumValues(v2_2_1.locations.EnvironmentalImpactCategory),
};

/**
 * Canonical environ_impact -> an older version: a line whose category the older closed enum lacks
 * (2.3.0 is open) cannot be sent; it is dropped, reported once at the list.
 */
function knownImpacts(value: Json, version: OlderVersion, ctx: ConversionContext, pointer: string): Json {
  const list = value.environ_impact;
  if (!Array.isArray(list)) return value;
  const known = ENVIRONMENTAL_IMPACT_CATEGORIES[version];
  const kept = list.filter(
    (item) => !isObject(item) || typeof item.category !== 'string' || known.includes(item.category),
  );
  if (kept.length !== list.length) {
    ctx.report(versioned('EnvironmentalImpact.unknown-category', version), child(pointer, 'environ_impact'));
  }
  return { ...value, environ_impact: kept };
}

/** 2.1.1 EnvironmentalImpact `source` is 2.2+ `category`: an exact rename, both ways. */
const environmentalImpact211: VersionConverter = {
  toCanonical: (value) => rename(value, 'source', 'category'),
  fromCanonical: (value) => rename(value, 'category', 'source'),
};

/** 2.2.1 EnergyMix is the canonical shape (only the enum closes): identity up. */
export const energyMix: Record<OlderVersion, VersionConverter> = {
  '2.1.1': {
    toCanonical: (value, ctx, pointer) =>
      withObjects(value, 'environ_impact', environmentalImpact211.toCanonical, ctx, pointer),
    fromCanonical: (value, ctx, pointer) =>
      withObjects(
        knownImpacts(value, '2.1.1', ctx, pointer),
        'environ_impact',
        environmentalImpact211.fromCanonical,
        ctx,
        pointer,
      ),
  },
  '2.2.1': downOnly((value, ctx, pointer) => knownImpacts(value, '2.2.1', ctx, pointer)),
};

export const energyMixConverters: ObjectConverters = energyMix;

// ---- the rows of the lossy table for this file ----

export const commonLossyMappings: LossyMapping[] = [
  row(
    'Price.taxes-dropped',
    'Price',
    'taxes',
    '2.3.0',
    '2.1.1',
    'loses',
    '2.1.1 amounts are bare numbers excluding VAT: the amount becomes before_taxes and the tax lines ' +
      '(amounts, names, percentages; an empty list, meaning no tax, too) are not carried.',
  ),
  row(
    'Price.taxes-summed',
    'Price',
    'taxes -> incl_vat',
    '2.3.0',
    '2.2.1',
    'loses',
    'incl_vat is before_taxes plus the sum of all tax line amounts (decimal arithmetic); the lines ' +
      'themselves (names, percentages, account numbers, how many) are lost. Not reported when the list ' +
      'is empty or a single non-zero line named VAT, which the way back rebuilds exactly.',
  ),
  row(
    'Price.vat-as-tax-line',
    'Price',
    'incl_vat -> taxes',
    '2.2.1',
    '2.3.0',
    'invents',
    'incl_vat above or below excl_vat becomes one tax line named "VAT" whose amount is the ' +
      'difference (decimal arithmetic); the name is assumed and no percentage is given. incl_vat equal ' +
      'to excl_vat becomes an empty tax list; no incl_vat, no taxes field.',
  ),
  ...OLDER_VERSIONS.map((v) =>
    row(
      versioned('EnvironmentalImpact.unknown-category', v),
      'EnergyMix',
      'environ_impact[].category',
      '2.3.0',
      v,
      'loses',
      `2.3.0's EnvironmentalImpactCategory is open; a line with a category ${v} does not know is dropped.`,
    ),
  ),
];
