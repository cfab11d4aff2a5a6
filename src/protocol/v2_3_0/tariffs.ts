/**
 * OCPI 2.3.0, module "Tariffs": the Tariff object and its data types, with the bookings branch's
 * additions (BookingRestrictionType, TariffRestrictions.booking).
 */
import type { Static } from '@sinclair/typebox';
import { DerivedClass, OcpiClass, OcpiEnum, OcpiNumber, OneOrMore, Optional } from '../common/primitives.js';
import * as v2_2_1 from '../v2_2_1/tariffs.js';
import { EnergyMix } from './locations.js';

// Unchanged since 2.2.1 (PriceComponent.price now follows Tariff.tax_included, a change of meaning
// only: same fields and types).
export {
  DayOfWeek,
  PriceComponent,
  ReservationRestrictionType,
  TariffDimensionType,
  TariffType,
} from '../v2_2_1/tariffs.js';

// bookings branch: which kind of booking cost a Tariff Element describes.
export const BookingRestrictionType = OcpiEnum('BookingRestrictionType', [
  'BOOKING',
  'BOOKING_EXPIRES',
  'BOOKING_CANCELLATION_FEES',
  'BOOKING_OVERTIME',
]);
export type BookingRestrictionType = Static<typeof BookingRestrictionType>;

// 2.3.0: replaces Price in min_price/max_price (before/after taxes instead of excl/incl VAT).
export const PriceLimit = OcpiClass('PriceLimit', {
  before_taxes: OcpiNumber(),
  after_taxes: Optional(OcpiNumber()),
});
export type PriceLimit = Static<typeof PriceLimit>;

// 2.3.0: new; says whether the Tariff's prices include taxes (N/A: no taxes apply).
export const TaxIncluded = OcpiEnum('TaxIncluded', ['YES', 'NO', 'N/A']);
export type TaxIncluded = Static<typeof TaxIncluded>;

// bookings branch: adds `booking`.
export const TariffRestrictions = DerivedClass('TariffRestrictions', v2_2_1.TariffRestrictions, {
  booking: Optional(BookingRestrictionType),
});
export type TariffRestrictions = Static<typeof TariffRestrictions>;

// 2.3.0: restrictions are the 2.3.0 TariffRestrictions (bookings branch).
export const TariffElement = DerivedClass('TariffElement', v2_2_1.TariffElement, {
  restrictions: Optional(TariffRestrictions),
});
export type TariffElement = Static<typeof TariffElement>;

// 2.3.0: min_price/max_price become PriceLimit, elements and energy_mix are 2.3.0's; adds
// `preauthorize_amount` (Payments; absent from the older bookings branch text, core wins) and the
// required `tax_included`.
export const Tariff = DerivedClass(
  'Tariff',
  v2_2_1.Tariff,
  {
    min_price: Optional(PriceLimit),
    max_price: Optional(PriceLimit),
    preauthorize_amount: Optional(OcpiNumber()),
    elements: OneOrMore(TariffElement),
    tax_included: TaxIncluded,
    energy_mix: Optional(EnergyMix),
  },
  { after: { preauthorize_amount: 'max_price', tax_included: 'elements' } },
);
export type Tariff = Static<typeof Tariff>;
