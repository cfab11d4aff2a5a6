/**
 * OCPI 2.3.0, module "Tariffs": the Tariff object and its data types, with the bookings branch's
 * additions (BookingRestrictionType, TariffRestrictions.booking).
 */
import type { Static } from '@sinclair/typebox';
import {
  CiString,
  DateTime,
  OcpiClass,
  OcpiEnum,
  OcpiInt,
  OcpiNumber,
  OcpiString,
  OneOrMore,
  Optional,
  Url,
  ZeroOrMore,
} from '../common/primitives.js';
import { TIME_OF_DAY_PATTERN } from '../v2_1_1/tariffs.js';
import {
  DayOfWeek,
  LOCAL_DATE_PATTERN,
  PriceComponent,
  ReservationRestrictionType,
  TariffType,
} from '../v2_2_1/tariffs.js';
import { EnergyMix } from './locations.js';
import { DisplayText } from './types.js';

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

// bookings branch: adds `booking`. Otherwise as 2.2.1.
export const TariffRestrictions = OcpiClass('TariffRestrictions', {
  start_time: Optional(OcpiString(5, { pattern: TIME_OF_DAY_PATTERN })),
  end_time: Optional(OcpiString(5, { pattern: TIME_OF_DAY_PATTERN })),
  start_date: Optional(OcpiString(10, { pattern: LOCAL_DATE_PATTERN })),
  end_date: Optional(OcpiString(10, { pattern: LOCAL_DATE_PATTERN })),
  min_kwh: Optional(OcpiNumber()),
  max_kwh: Optional(OcpiNumber()),
  min_current: Optional(OcpiNumber()),
  max_current: Optional(OcpiNumber()),
  min_power: Optional(OcpiNumber()),
  max_power: Optional(OcpiNumber()),
  min_duration: Optional(OcpiInt()),
  max_duration: Optional(OcpiInt()),
  day_of_week: ZeroOrMore(DayOfWeek),
  reservation: Optional(ReservationRestrictionType),
  booking: Optional(BookingRestrictionType),
});
export type TariffRestrictions = Static<typeof TariffRestrictions>;

// 2.3.0: redefined because TariffRestrictions changed (bookings branch).
export const TariffElement = OcpiClass('TariffElement', {
  price_components: OneOrMore(PriceComponent),
  restrictions: Optional(TariffRestrictions),
});
export type TariffElement = Static<typeof TariffElement>;

// 2.3.0: min_price/max_price become PriceLimit; adds `preauthorize_amount` (Payments; absent from
// the older bookings branch text, core wins) and the required `tax_included`.
export const Tariff = OcpiClass('Tariff', {
  country_code: CiString(2),
  party_id: CiString(3),
  id: CiString(36),
  currency: OcpiString(3),
  type: Optional(TariffType),
  tariff_alt_text: ZeroOrMore(DisplayText),
  tariff_alt_url: Optional(Url()),
  min_price: Optional(PriceLimit),
  max_price: Optional(PriceLimit),
  preauthorize_amount: Optional(OcpiNumber()),
  elements: OneOrMore(TariffElement),
  tax_included: TaxIncluded,
  start_date_time: Optional(DateTime()),
  end_date_time: Optional(DateTime()),
  energy_mix: Optional(EnergyMix),
  last_updated: DateTime(),
});
export type Tariff = Static<typeof Tariff>;
