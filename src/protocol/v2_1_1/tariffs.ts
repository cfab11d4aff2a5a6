/** OCPI 2.1.1, module "Tariffs": the Tariff object and its data types. */
import type { Static } from '@sinclair/typebox';
import {
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
import { EnergyMix } from './locations.js';
import { DisplayText } from './types.js';

export const DayOfWeek = OcpiEnum('DayOfWeek', [
  'MONDAY',
  'TUESDAY',
  'WEDNESDAY',
  'THURSDAY',
  'FRIDAY',
  'SATURDAY',
  'SUNDAY',
]);
export type DayOfWeek = Static<typeof DayOfWeek>;

export const TariffDimensionType = OcpiEnum('TariffDimensionType', [
  'ENERGY',
  'FLAT',
  'PARKING_TIME',
  'TIME',
]);
export type TariffDimensionType = Static<typeof TariffDimensionType>;

// 2.1.1 prices are always excluding VAT; there is no `vat` field yet.
export const PriceComponent = OcpiClass('PriceComponent', {
  type: TariffDimensionType,
  price: OcpiNumber(),
  step_size: OcpiInt(),
});
export type PriceComponent = Static<typeof PriceComponent>;

/** Local time of day "HH:MM" (24h, leading zeros), the regex the text gives for start_time/end_time. */
export const TIME_OF_DAY_PATTERN = '^([0-1][0-9]|2[0-3]):[0-5][0-9]$';

// 2.1.1 gives no rule for start_date/end_date beyond an example, so they are only length-checked.
export const TariffRestrictions = OcpiClass('TariffRestrictions', {
  start_time: Optional(OcpiString(5, { pattern: TIME_OF_DAY_PATTERN })),
  end_time: Optional(OcpiString(5, { pattern: TIME_OF_DAY_PATTERN })),
  start_date: Optional(OcpiString(10)),
  end_date: Optional(OcpiString(10)),
  min_kwh: Optional(OcpiNumber()),
  max_kwh: Optional(OcpiNumber()),
  min_power: Optional(OcpiNumber()),
  max_power: Optional(OcpiNumber()),
  min_duration: Optional(OcpiInt()),
  max_duration: Optional(OcpiInt()),
  day_of_week: ZeroOrMore(DayOfWeek),
});
export type TariffRestrictions = Static<typeof TariffRestrictions>;

export const TariffElement = OcpiClass('TariffElement', {
  price_components: OneOrMore(PriceComponent),
  restrictions: Optional(TariffRestrictions),
});
export type TariffElement = Static<typeof TariffElement>;

// 2.1.1: no country_code/party_id on the object, `id` is a case-sensitive string(36).
export const Tariff = OcpiClass('Tariff', {
  id: OcpiString(36),
  currency: OcpiString(3),
  tariff_alt_text: ZeroOrMore(DisplayText),
  tariff_alt_url: Optional(Url()),
  elements: OneOrMore(TariffElement),
  energy_mix: Optional(EnergyMix),
  last_updated: DateTime(),
});
export type Tariff = Static<typeof Tariff>;
