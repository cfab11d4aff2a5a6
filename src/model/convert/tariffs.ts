/**
 * Converters of the Tariffs module: Tariff -> TariffElement -> PriceComponent / TariffRestrictions,
 * between 2.1.1 / 2.2.1 and the canonical 2.3.0 shape. Field-by-field reasoning: docs/versions.md
 * (Tariffs).
 *
 * The one real modelling difference is tax. 2.1.1 and 2.2.1 prices are always excluding VAT
 * (2.2.1 adds the VAT percentage per component); 2.3.0 prices include taxes or not as the
 * Tariff's `tax_included` says (YES / NO / N/A). So:
 * - up: tax_included is NO (what the older text says of its prices), prices unchanged;
 * - down from NO or N/A: prices unchanged;
 * - down from YES: a price with a `vat` percentage is turned into its excluding-VAT price,
 *   price / (1 + vat/100), in decimal arithmetic and not rounded (rounding to currency units is a
 *   billing policy, and keeping the digits lets the receiver get the inclusive price back); a
 *   price without `vat` cannot be split and is sent as it is (the receiver then takes the
 *   tax-inclusive amount as untaxed: the driver pays the same, the tax share is lost).
 * min_price/max_price: 2.3.0 PriceLimit {before_taxes, after_taxes} is 2.2.1 Price
 * {excl_vat, incl_vat} renamed (both state excluding and including tax explicitly): exact.
 *
 * Dropped list items are reported at the list's pointer; dropped fields at their own pointer.
 */
import { Decimal } from 'decimal.js';
import {
  child,
  type DroppedField,
  dropFields,
  dropOwner,
  droppedFieldRows,
  droppedForEach,
  energyMix,
  inventOwner,
  isObject,
  type Json,
  mapObjects,
  type OlderVersion,
  row,
  rowsDown,
  versioned,
  withFields,
  withObject,
  withObjects,
} from './common.js';
import type {
  ConversionContext,
  ConvertFn,
  LossyMapping,
  ModuleConverters,
  VersionConverter,
} from './types.js';

/** Fields the older versions lack: dropped on the way down (one table: the drops and their rows). */
const DROPPED: readonly DroppedField[] = [
  {
    object: 'Tariff',
    field: 'type',
    to: '2.1.1',
    id: 'Tariff.type-dropped',
    description:
      '2.1.1 has no TariffType: a tariff meant only for e.g. ad hoc payment or a charging preference looks ' +
      'like one for every session.',
  },
  {
    object: 'Tariff',
    field: 'min_price, max_price',
    to: '2.1.1',
    id: 'Tariff.price-limits-dropped',
    description:
      '2.1.1 has no minimum or maximum session price: the limits are dropped, so a receiver computing costs ' +
      'from the elements may get a lower (min) or higher (max) total.',
  },
  {
    object: 'Tariff',
    field: 'start_date_time, end_date_time',
    to: '2.1.1',
    id: 'Tariff.validity-dropped',
    description: '2.1.1 has no validity window: a tariff looks valid at all times.',
  },
  ...droppedForEach((to) => ({
    object: 'Tariff',
    field: 'preauthorize_amount',
    to,
    id: versioned('Tariff.preauthorize-amount-dropped', to),
    description: 'preauthorize_amount (payment terminals, 2.3.0) is dropped.',
  })),
  {
    object: 'PriceComponent',
    field: 'vat',
    to: '2.1.1',
    id: 'PriceComponent.vat-dropped',
    description: '2.1.1 has no VAT percentage per component; it is dropped.',
  },
  {
    object: 'TariffRestrictions',
    field: 'min_current, max_current',
    to: '2.1.1',
    id: 'TariffRestrictions.current-dropped',
    description:
      '2.1.1 cannot restrict an element by current: the restriction is dropped, so the element applies at any ' +
      'current (it may shadow elements after it).',
  },
];

/** Renames the keys of a nested object that is present (an exact mapping). */
function renameKeys(value: unknown, names: Record<string, string>): unknown {
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [key, field] of Object.entries(value)) out[names[key] ?? key] = field;
  return out;
}

const PRICE_LIMITS = ['min_price', 'max_price'];
const PRICE_TO_LIMIT = { excl_vat: 'before_taxes', incl_vat: 'after_taxes' };
const LIMIT_TO_PRICE = { before_taxes: 'excl_vat', after_taxes: 'incl_vat' };

// ---- up: 2.1.1 / 2.2.1 -> canonical ----

/** Older prices are all excluding VAT: that is tax_included NO (never invented in a PATCH). */
function withTaxIncluded(value: Json, ctx: ConversionContext, id: string, pointer: string): Json {
  if (ctx.partial || 'tax_included' in value) return value;
  ctx.report(id, child(pointer, 'tax_included'));
  return { ...value, tax_included: 'NO' };
}

function tariffToCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  let out = inventOwner(value, ctx, 'Tariff.party-from-context', pointer, 'Tariff');
  out = withTaxIncluded(out, ctx, 'Tariff.tax-included-from-2.1.1', pointer);
  return withObject(out, 'energy_mix', energyMix['2.1.1'].toCanonical, ctx, pointer);
}

function tariffToCanonical221(value: Json, ctx: ConversionContext, pointer: string): Json {
  const out = withFields(value, PRICE_LIMITS, (limit) => renameKeys(limit, PRICE_TO_LIMIT), ctx, pointer);
  return withTaxIncluded(out, ctx, 'Tariff.tax-included-from-2.2.1', pointer);
}

// ---- down: canonical -> 2.1.1 / 2.2.1 ----

/** Elements an older version cannot restrict to what they price (reservations, bookings). */
function isUnsupportedElement(element: unknown, version: OlderVersion): boolean {
  if (!isObject(element) || !isObject(element.restrictions)) return false;
  const { reservation, booking } = element.restrictions;
  return booking !== undefined || (version === '2.1.1' && reservation !== undefined);
}

function priceComponentFromCanonical(version: OlderVersion, taxIncluded: unknown): ConvertFn {
  return (value, ctx, pointer) => {
    const out: Json = { ...value };
    if (taxIncluded === 'YES' && typeof value.price === 'number') {
      if (typeof value.vat === 'number') {
        const factor = new Decimal(1).plus(new Decimal(value.vat).dividedBy(100));
        out.price = new Decimal(value.price).dividedBy(factor).toNumber();
        ctx.report(versioned('PriceComponent.tax-removed', version), child(pointer, 'price'));
      } else {
        ctx.report(versioned('Tariff.tax-included', version), child(pointer, 'price'));
      }
    }
    return dropFields(out, DROPPED, 'PriceComponent', version, ctx, pointer);
  };
}

/** The Tariff's elements: those the version cannot restrict are left out; prices lose their tax. */
function withElements(version: OlderVersion, value: Json, ctx: ConversionContext, pointer: string): Json {
  const list = value.elements;
  if (!Array.isArray(list)) return value;
  const at = child(pointer, 'elements');
  const kept = list.filter((element) => !isUnsupportedElement(element, version));
  if (kept.length !== list.length) {
    ctx.report(
      version === '2.1.1' ? 'TariffElement.reservation-dropped' : 'TariffElement.booking-dropped',
      at,
    );
  }
  const component = priceComponentFromCanonical(version, value.tax_included);
  const restrictions: ConvertFn = (item, c, p) =>
    dropFields(item, DROPPED, 'TariffRestrictions', version, c, p);
  const elements = mapObjects(kept, at, (element, p) => {
    const out = withObjects({ ...element }, 'price_components', component, ctx, p);
    return withObject(out, 'restrictions', restrictions, ctx, p);
  });
  return { ...value, elements };
}

function tariffFromCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  let out = dropOwner(value, ctx, 'Tariff.party-dropped', pointer);
  out = dropFields(out, DROPPED, 'Tariff', '2.1.1', ctx, pointer);
  const { tax_included, ...rest } = withElements('2.1.1', out, ctx, pointer);
  // 2.1.1 prices are excluding VAT, and nothing can say that no tax applies at all.
  if (tax_included === 'N/A') ctx.report('Tariff.tax-included-2.1.1', child(pointer, 'tax_included'));
  return withObject(rest, 'energy_mix', energyMix['2.1.1'].fromCanonical, ctx, pointer);
}

function tariffFromCanonical221(value: Json, ctx: ConversionContext, pointer: string): Json {
  let out = withFields(value, PRICE_LIMITS, (limit) => renameKeys(limit, LIMIT_TO_PRICE), ctx, pointer);
  out = dropFields(out, DROPPED, 'Tariff', '2.2.1', ctx, pointer);
  // NO and N/A mean what 2.2.1 prices mean (excluding VAT; no vat = none applies); YES is
  // handled per price component above.
  const { tax_included: _, ...rest } = withElements('2.2.1', out, ctx, pointer);
  return withObject(rest, 'energy_mix', energyMix['2.2.1'].fromCanonical, ctx, pointer);
}

export const tariffConverters: Record<OlderVersion, VersionConverter> = {
  '2.1.1': { toCanonical: tariffToCanonical211, fromCanonical: tariffFromCanonical211 },
  '2.2.1': { toCanonical: tariffToCanonical221, fromCanonical: tariffFromCanonical221 },
};

export const converters: ModuleConverters = { Tariff: tariffConverters };

// ---- the rows of the lossy table ----

export const lossyMappings: LossyMapping[] = [
  row(
    'Tariff.party-from-context',
    'Tariff',
    'country_code, party_id',
    '2.1.1',
    '2.3.0',
    'invents',
    'A 2.1.1 Tariff names no owner; country_code and party_id are taken from the party of the connection ' +
      '(options.party). Without it a complete Tariff cannot be converted (ConversionError).',
  ),
  row(
    'Tariff.tax-included-from-2.1.1',
    'Tariff',
    'tax_included',
    '2.1.1',
    '2.3.0',
    'invents',
    'tax_included (required in 2.3.0) is set to NO: 2.1.1 prices are excluding VAT by definition. The meaning ' +
      'is kept; reported because the field is filled in by the conversion.',
  ),
  row(
    'Tariff.tax-included-from-2.2.1',
    'Tariff',
    'tax_included',
    '2.2.1',
    '2.3.0',
    'invents',
    'tax_included (required in 2.3.0) is set to NO: 2.2.1 prices are excluding VAT, with the VAT percentage per ' +
      'component. This is how the 2.3.0 chapter itself restates the 2.2.1 examples; reported because the ' +
      'field is filled in by the conversion.',
  ),
  row(
    'Tariff.party-dropped',
    'Tariff',
    'country_code, party_id',
    '2.3.0',
    '2.1.1',
    'loses',
    'A 2.1.1 Tariff carries no owner. Reported when the owner is not the party of the connection (options.party).',
  ),
  row(
    'Tariff.tax-included-2.1.1',
    'Tariff',
    'tax_included',
    '2.3.0',
    '2.1.1',
    'loses',
    '2.1.1 prices are excluding VAT. Reported at /tax_included for N/A (2.1.1 cannot say that no tax applies), ' +
      'and at a price for tax_included YES when that component has no vat to take the tax out with: the ' +
      'tax-inclusive price is sent as if untaxed.',
  ),
  row(
    'Tariff.tax-included-2.2.1',
    'Tariff',
    'tax_included',
    '2.3.0',
    '2.2.1',
    'loses',
    'For tax_included YES, a component without vat cannot be split: its tax-inclusive price is sent as the ' +
      '2.2.1 (excluding VAT, no VAT applicable) price, so the total is right but the tax share is lost. NO and ' +
      'N/A map exactly and are not reported.',
  ),
  ...rowsDown(
    'PriceComponent.tax-removed',
    'PriceComponent',
    'price',
    'For tax_included YES, a price with a vat percentage becomes price / (1 + vat/100) (decimal, not rounded ' +
      'to currency units), since the older versions price excluding VAT.',
  ),
  row(
    'TariffElement.reservation-dropped',
    'TariffElement',
    'restrictions.reservation, restrictions.booking',
    '2.3.0',
    '2.1.1',
    'loses',
    'An element restricted to reservation or booking costs is dropped: without the restriction 2.1.1 would ' +
      'apply its prices to ordinary charging. The elements list loses those items.',
  ),
  row(
    'TariffElement.booking-dropped',
    'TariffElement',
    'restrictions.booking',
    '2.3.0',
    '2.2.1',
    'loses',
    'An element restricted to booking costs (bookings extension) is dropped: without the restriction 2.2.1 ' +
      'would apply its prices to ordinary charging.',
  ),
  ...droppedFieldRows(DROPPED),
];
