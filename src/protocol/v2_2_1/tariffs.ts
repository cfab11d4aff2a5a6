/** OCPI 2.2.1, module "Tariffs": the Tariff object and its data types. */
import type { Static } from '@sinclair/typebox';
import {
  CiString,
  DateTime,
  DerivedClass,
  OcpiClass,
  OcpiEnum,
  OcpiNumber,
  OcpiString,
  OneOrMore,
  Optional,
  Url,
  ZeroOrMore,
} from '../common/primitives.js';
import * as v2_1_1 from '../v2_1_1/tariffs.js';
import { EnergyMix } from './locations.js';
import { DisplayText, Price } from './types.js';

// Unchanged since 2.1.1.
export { DayOfWeek, TariffDimensionType } from '../v2_1_1/tariffs.js';

// 2.2.1: adds `vat` (a percentage; absent means no VAT applies, which is not the same as 0).
export const PriceComponent = DerivedClass(
  'PriceComponent',
  v2_1_1.PriceComponent,
  { vat: Optional(OcpiNumber()) },
  { after: { vat: 'price' } },
);
export type PriceComponent = Static<typeof PriceComponent>;

export const ReservationRestrictionType = OcpiEnum('ReservationRestrictionType', [
  'RESERVATION',
  'RESERVATION_EXPIRES',
]);
export type ReservationRestrictionType = Static<typeof ReservationRestrictionType>;

/** Local date "YYYY-MM-DD", the regex 2.2.1 gives for TariffRestrictions.start_date/end_date. */
export const LOCAL_DATE_PATTERN = '^([12][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';

// 2.2.1: adds `min_current`, `max_current` and `reservation`, and a regex for the dates.
export const TariffRestrictions = DerivedClass(
  'TariffRestrictions',
  v2_1_1.TariffRestrictions,
  {
    start_date: Optional(OcpiString(10, { pattern: LOCAL_DATE_PATTERN })),
    end_date: Optional(OcpiString(10, { pattern: LOCAL_DATE_PATTERN })),
    min_current: Optional(OcpiNumber()),
    max_current: Optional(OcpiNumber()),
    reservation: Optional(ReservationRestrictionType),
  },
  { after: { min_current: 'max_kwh', max_current: 'min_current' } },
);
export type TariffRestrictions = Static<typeof TariffRestrictions>;

// 2.2.1: redefined because PriceComponent and TariffRestrictions changed.
export const TariffElement = OcpiClass('TariffElement', {
  price_components: OneOrMore(PriceComponent),
  restrictions: Optional(TariffRestrictions),
});
export type TariffElement = Static<typeof TariffElement>;

export const TariffType = OcpiEnum('TariffType', [
  'AD_HOC_PAYMENT',
  'PROFILE_CHEAP',
  'PROFILE_FAST',
  'PROFILE_GREEN',
  'REGULAR',
]);
export type TariffType = Static<typeof TariffType>;

// 2.2.1: adds the owner (`country_code`, `party_id`), `type`, `min_price`/`max_price` and the
// validity window; `id` becomes a CiString(36).
export const Tariff = OcpiClass('Tariff', {
  country_code: CiString(2),
  party_id: CiString(3),
  id: CiString(36),
  currency: OcpiString(3),
  type: Optional(TariffType),
  tariff_alt_text: ZeroOrMore(DisplayText),
  tariff_alt_url: Optional(Url()),
  min_price: Optional(Price),
  max_price: Optional(Price),
  elements: OneOrMore(TariffElement),
  start_date_time: Optional(DateTime()),
  end_date_time: Optional(DateTime()),
  energy_mix: Optional(EnergyMix),
  last_updated: DateTime(),
});
export type Tariff = Static<typeof Tariff>;
