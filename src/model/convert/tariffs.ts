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
  complete,
  drop,
  dropOwner,
  energyMixFromCanonical211,
  energyMixFromCanonical221,
  energyMixToCanonical211,
  inventOwner,
  isObject,
  type Json,
  mapObject,
  mapObjects,
} from './common.js';
import type { ConversionContext, LossyMapping, ModuleConverters } from './types.js';

type Older = '2.1.1' | '2.2.1';
const to = (id: string, version: Older) => `${id}-${version}`;

/** Renames the keys of a nested object that is present (an exact mapping). */
function renameKeys(value: unknown, names: Record<string, string>): unknown {
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [key, field] of Object.entries(value)) out[names[key] ?? key] = field;
  return out;
}

const PRICE_TO_LIMIT = { excl_vat: 'before_taxes', incl_vat: 'after_taxes' };
const LIMIT_TO_PRICE = { before_taxes: 'excl_vat', after_taxes: 'incl_vat' };

function renamePriceLimits(value: Json, names: Record<string, string>): Json {
  const out: Json = { ...value };
  for (const key of ['min_price', 'max_price']) if (key in value) out[key] = renameKeys(value[key], names);
  return out;
}

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
  if ('energy_mix' in out) {
    const c = complete(ctx);
    out.energy_mix = mapObject(out.energy_mix, child(pointer, 'energy_mix'), (v, p) =>
      energyMixToCanonical211(v, c, p),
    );
  }
  return out;
}

function tariffToCanonical221(value: Json, ctx: ConversionContext, pointer: string): Json {
  return withTaxIncluded(
    renamePriceLimits(value, PRICE_TO_LIMIT),
    ctx,
    'Tariff.tax-included-from-2.2.1',
    pointer,
  );
}

// ---- down: canonical -> 2.1.1 / 2.2.1 ----

/** Elements an older version cannot restrict to what they price (reservations, bookings). */
function isUnsupportedElement(element: unknown, version: Older): boolean {
  if (!isObject(element) || !isObject(element.restrictions)) return false;
  const { reservation, booking } = element.restrictions;
  return booking !== undefined || (version === '2.1.1' && reservation !== undefined);
}

function priceComponentFromCanonical(version: Older, taxIncluded: unknown) {
  return (value: Json, ctx: ConversionContext, pointer: string): Json => {
    const out: Json = { ...value };
    if (taxIncluded === 'YES' && typeof value.price === 'number') {
      if (typeof value.vat === 'number') {
        const factor = new Decimal(1).plus(new Decimal(value.vat).dividedBy(100));
        out.price = new Decimal(value.price).dividedBy(factor).toNumber();
        ctx.report(to('PriceComponent.tax-removed', version), child(pointer, 'price'));
      } else {
        ctx.report(to('Tariff.tax-included', version), child(pointer, 'price'));
      }
    }
    return version === '2.1.1' ? drop(out, 'vat', ctx, 'PriceComponent.vat-dropped', pointer) : out;
  };
}

function restrictionsFromCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  let out = drop(value, 'min_current', ctx, 'TariffRestrictions.current-dropped', pointer);
  out = drop(out, 'max_current', ctx, 'TariffRestrictions.current-dropped', pointer);
  return out;
}

function elementsFromCanonical(
  version: Older,
  value: Json,
  ctx: ConversionContext,
  pointer: string,
): unknown {
  const list = value.elements;
  if (!Array.isArray(list)) return list;
  const at = child(pointer, 'elements');
  const kept = list.filter((element) => !isUnsupportedElement(element, version));
  if (kept.length !== list.length) {
    ctx.report(
      version === '2.1.1' ? 'TariffElement.reservation-dropped' : 'TariffElement.booking-dropped',
      at,
    );
  }
  const component = priceComponentFromCanonical(version, value.tax_included);
  return mapObjects(kept, at, (element, p) => {
    const out: Json = { ...element };
    if ('price_components' in element) {
      out.price_components = mapObjects(element.price_components, child(p, 'price_components'), (v, q) =>
        component(v, ctx, q),
      );
    }
    if (version === '2.1.1' && 'restrictions' in element) {
      out.restrictions = mapObject(element.restrictions, child(p, 'restrictions'), (v, q) =>
        restrictionsFromCanonical211(v, ctx, q),
      );
    }
    return out;
  });
}

function tariffFromCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  const c = complete(ctx);
  let out = dropOwner(value, ctx, 'Tariff.party-dropped', pointer);
  out = drop(out, 'type', ctx, 'Tariff.type-dropped', pointer);
  out = drop(out, 'min_price', ctx, 'Tariff.price-limits-dropped', pointer);
  out = drop(out, 'max_price', ctx, 'Tariff.price-limits-dropped', pointer);
  out = drop(out, 'start_date_time', ctx, 'Tariff.validity-dropped', pointer);
  out = drop(out, 'end_date_time', ctx, 'Tariff.validity-dropped', pointer);
  out = drop(out, 'preauthorize_amount', ctx, 'Tariff.preauthorize-amount-dropped-2.1.1', pointer);
  if ('elements' in out) out.elements = elementsFromCanonical('2.1.1', value, c, pointer);
  const { tax_included, ...rest } = out;
  // 2.1.1 prices are excluding VAT, and nothing can say that no tax applies at all.
  if (tax_included === 'N/A') ctx.report('Tariff.tax-included-2.1.1', child(pointer, 'tax_included'));
  if ('energy_mix' in rest) {
    rest.energy_mix = mapObject(rest.energy_mix, child(pointer, 'energy_mix'), (v, p) =>
      energyMixFromCanonical211(v, c, p),
    );
  }
  return rest;
}

function tariffFromCanonical221(value: Json, ctx: ConversionContext, pointer: string): Json {
  const c = complete(ctx);
  let out = renamePriceLimits(value, LIMIT_TO_PRICE);
  out = drop(out, 'preauthorize_amount', ctx, 'Tariff.preauthorize-amount-dropped-2.2.1', pointer);
  if ('elements' in out) out.elements = elementsFromCanonical('2.2.1', value, c, pointer);
  // NO and N/A mean what 2.2.1 prices mean (excluding VAT; no vat = none applies); YES is
  // handled per price component above.
  const { tax_included: _, ...rest } = out;
  if ('energy_mix' in rest) {
    rest.energy_mix = mapObject(rest.energy_mix, child(pointer, 'energy_mix'), (v, p) =>
      energyMixFromCanonical221(v, c, p),
    );
  }
  return rest;
}

export const converters: ModuleConverters = {
  Tariff: {
    '2.1.1': { toCanonical: tariffToCanonical211, fromCanonical: tariffFromCanonical211 },
    '2.2.1': { toCanonical: tariffToCanonical221, fromCanonical: tariffFromCanonical221 },
  },
};

// ---- the rows of the lossy table ----

function row(
  id: string,
  field: string,
  from: LossyMapping['from'],
  target: LossyMapping['to'],
  kind: LossyMapping['kind'],
  description: string,
  object = 'Tariff',
): LossyMapping {
  return { id, object, field, from, to: target, kind, description };
}

export const lossyMappings: LossyMapping[] = [
  row(
    'Tariff.party-from-context',
    'country_code, party_id',
    '2.1.1',
    '2.3.0',
    'invents',
    'A 2.1.1 Tariff names no owner; country_code and party_id are taken from the party of the connection ' +
      '(options.party). Without it a complete Tariff cannot be converted (ConversionError).',
  ),
  row(
    'Tariff.tax-included-from-2.1.1',
    'tax_included',
    '2.1.1',
    '2.3.0',
    'invents',
    'tax_included (required in 2.3.0) is set to NO: 2.1.1 prices are excluding VAT by definition. The meaning ' +
      'is kept; reported because the field is filled in by the conversion.',
  ),
  row(
    'Tariff.tax-included-from-2.2.1',
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
    'country_code, party_id',
    '2.3.0',
    '2.1.1',
    'loses',
    'A 2.1.1 Tariff carries no owner. Reported when the owner is not the party of the connection (options.party).',
  ),
  row(
    'Tariff.type-dropped',
    'type',
    '2.3.0',
    '2.1.1',
    'loses',
    '2.1.1 has no TariffType: a tariff meant only for e.g. ad hoc payment or a charging preference looks ' +
      'like one for every session.',
  ),
  row(
    'Tariff.price-limits-dropped',
    'min_price, max_price',
    '2.3.0',
    '2.1.1',
    'loses',
    '2.1.1 has no minimum or maximum session price: the limits are dropped, so a receiver computing costs ' +
      'from the elements may get a lower (min) or higher (max) total.',
  ),
  row(
    'Tariff.validity-dropped',
    'start_date_time, end_date_time',
    '2.3.0',
    '2.1.1',
    'loses',
    '2.1.1 has no validity window: a tariff looks valid at all times.',
  ),
  ...(['2.1.1', '2.2.1'] as const).map((v) =>
    row(
      to('Tariff.preauthorize-amount-dropped', v),
      'preauthorize_amount',
      '2.3.0',
      v,
      'loses',
      'preauthorize_amount (payment terminals, 2.3.0) is dropped.',
    ),
  ),
  row(
    'Tariff.tax-included-2.1.1',
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
    'tax_included',
    '2.3.0',
    '2.2.1',
    'loses',
    'For tax_included YES, a component without vat cannot be split: its tax-inclusive price is sent as the ' +
      '2.2.1 (excluding VAT, no VAT applicable) price, so the total is right but the tax share is lost. NO and ' +
      'N/A map exactly and are not reported.',
  ),
  ...(['2.1.1', '2.2.1'] as const).map((v) =>
    row(
      to('PriceComponent.tax-removed', v),
      'price',
      '2.3.0',
      v,
      'loses',
      'For tax_included YES, a price with a vat percentage becomes price / (1 + vat/100) (decimal, not rounded ' +
        'to currency units), since the older versions price excluding VAT.',
      'PriceComponent',
    ),
  ),
  row(
    'PriceComponent.vat-dropped',
    'vat',
    '2.3.0',
    '2.1.1',
    'loses',
    '2.1.1 has no VAT percentage per component; it is dropped.',
    'PriceComponent',
  ),
  row(
    'TariffElement.reservation-dropped',
    'restrictions.reservation, restrictions.booking',
    '2.3.0',
    '2.1.1',
    'loses',
    'An element restricted to reservation or booking costs is dropped: without the restriction 2.1.1 would ' +
      'apply its prices to ordinary charging. The elements list loses those items.',
    'TariffElement',
  ),
  row(
    'TariffElement.booking-dropped',
    'restrictions.booking',
    '2.3.0',
    '2.2.1',
    'loses',
    'An element restricted to booking costs (bookings extension) is dropped: without the restriction 2.2.1 ' +
      'would apply its prices to ordinary charging.',
    'TariffElement',
  ),
  row(
    'TariffRestrictions.current-dropped',
    'min_current, max_current',
    '2.3.0',
    '2.1.1',
    'loses',
    '2.1.1 cannot restrict an element by current: the restriction is dropped, so the element applies at any ' +
      'current (it may shadow elements after it).',
    'TariffRestrictions',
  ),
];
