/**
 * OCPI 2.1.1, chapter "Locations": Location, EVSE, Connector and their data types.
 * 2.1.1 Locations carry no country_code/party_id: the owner is known from the URL and credentials.
 */
import type { Static } from '@sinclair/typebox';
import {
  DateTime,
  OcpiBoolean,
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
import { DisplayText } from './types.js';

/** 2.1.1 coordinates: exactly six decimals (2.2+ relaxes this to five to seven). */
const LATITUDE_2_1_1 = '^-?[0-9]{1,2}\\.[0-9]{6}$';
const LONGITUDE_2_1_1 = '^-?[0-9]{1,3}\\.[0-9]{6}$';
/** Local time of day, 24h with leading zeros ("08:00"); the same rule in every version. */
const TIME_OF_DAY_PATTERN = '^([0-1][0-9]|2[0-3]):[0-5][0-9]$';

// ---- enums ----

export const Capability = OcpiEnum('Capability', [
  'CHARGING_PROFILE_CAPABLE',
  'CREDIT_CARD_PAYABLE',
  'REMOTE_START_STOP_CAPABLE',
  'RESERVABLE',
  'RFID_READER',
  'UNLOCK_CAPABLE',
]);
export type Capability = Static<typeof Capability>;

export const ConnectorFormat = OcpiEnum('ConnectorFormat', ['SOCKET', 'CABLE']);
export type ConnectorFormat = Static<typeof ConnectorFormat>;

export const ConnectorType = OcpiEnum('ConnectorType', [
  'CHADEMO',
  'DOMESTIC_A',
  'DOMESTIC_B',
  'DOMESTIC_C',
  'DOMESTIC_D',
  'DOMESTIC_E',
  'DOMESTIC_F',
  'DOMESTIC_G',
  'DOMESTIC_H',
  'DOMESTIC_I',
  'DOMESTIC_J',
  'DOMESTIC_K',
  'DOMESTIC_L',
  'IEC_60309_2_single_16',
  'IEC_60309_2_three_16',
  'IEC_60309_2_three_32',
  'IEC_60309_2_three_64',
  'IEC_62196_T1',
  'IEC_62196_T1_COMBO',
  'IEC_62196_T2',
  'IEC_62196_T2_COMBO',
  'IEC_62196_T3A',
  'IEC_62196_T3C',
  'TESLA_R',
  'TESLA_S',
]);
export type ConnectorType = Static<typeof ConnectorType>;

export const EnergySourceCategory = OcpiEnum('EnergySourceCategory', [
  'NUCLEAR',
  'GENERAL_FOSSIL',
  'COAL',
  'GAS',
  'GENERAL_GREEN',
  'SOLAR',
  'WIND',
  'WATER',
]);
export type EnergySourceCategory = Static<typeof EnergySourceCategory>;

export const EnvironmentalImpactCategory = OcpiEnum('EnvironmentalImpactCategory', [
  'NUCLEAR_WASTE',
  'CARBON_DIOXIDE',
]);
export type EnvironmentalImpactCategory = Static<typeof EnvironmentalImpactCategory>;

export const Facility = OcpiEnum('Facility', [
  'HOTEL',
  'RESTAURANT',
  'CAFE',
  'MALL',
  'SUPERMARKET',
  'SPORT',
  'RECREATION_AREA',
  'NATURE',
  'MUSEUM',
  'BUS_STOP',
  'TAXI_STAND',
  'TRAIN_STATION',
  'AIRPORT',
  'CARPOOL_PARKING',
  'FUEL_STATION',
  'WIFI',
]);
export type Facility = Static<typeof Facility>;

export const ImageCategory = OcpiEnum('ImageCategory', [
  'CHARGER',
  'ENTRANCE',
  'LOCATION',
  'NETWORK',
  'OPERATOR',
  'OTHER',
  'OWNER',
]);
export type ImageCategory = Static<typeof ImageCategory>;

/** 2.1.1 only: 2.2 replaces it with the optional ParkingType. */
export const LocationType = OcpiEnum('LocationType', [
  'ON_STREET',
  'PARKING_GARAGE',
  'UNDERGROUND_GARAGE',
  'PARKING_LOT',
  'OTHER',
  'UNKNOWN',
]);
export type LocationType = Static<typeof LocationType>;

export const ParkingRestriction = OcpiEnum('ParkingRestriction', [
  'EV_ONLY',
  'PLUGGED',
  'DISABLED',
  'CUSTOMERS',
  'MOTORCYCLES',
]);
export type ParkingRestriction = Static<typeof ParkingRestriction>;

export const PowerType = OcpiEnum('PowerType', ['AC_1_PHASE', 'AC_3_PHASE', 'DC']);
export type PowerType = Static<typeof PowerType>;

export const Status = OcpiEnum('Status', [
  'AVAILABLE',
  'BLOCKED',
  'CHARGING',
  'INOPERATIVE',
  'OUTOFORDER',
  'PLANNED',
  'REMOVED',
  'RESERVED',
  'UNKNOWN',
]);
export type Status = Static<typeof Status>;

// ---- data type classes ----

export const AdditionalGeoLocation = OcpiClass('AdditionalGeoLocation', {
  latitude: OcpiString(10, { pattern: LATITUDE_2_1_1 }),
  longitude: OcpiString(11, { pattern: LONGITUDE_2_1_1 }),
  name: Optional(DisplayText),
});
export type AdditionalGeoLocation = Static<typeof AdditionalGeoLocation>;

export const Image = OcpiClass('Image', {
  url: Url(),
  thumbnail: Optional(Url()),
  category: ImageCategory,
  type: OcpiString(4),
  // int(5): at most five digits; a pixel size is never negative.
  width: Optional(OcpiInt({ minimum: 0, maximum: 99999 })),
  height: Optional(OcpiInt({ minimum: 0, maximum: 99999 })),
});
export type Image = Static<typeof Image>;

export const BusinessDetails = OcpiClass('BusinessDetails', {
  name: OcpiString(100),
  website: Optional(Url()),
  logo: Optional(Image),
});
export type BusinessDetails = Static<typeof BusinessDetails>;

export const EnergySource = OcpiClass('EnergySource', {
  source: EnergySourceCategory,
  percentage: OcpiNumber(),
});
export type EnergySource = Static<typeof EnergySource>;

/** 2.1.1 names the category field `source` (2.2+: `category`). */
export const EnvironmentalImpact = OcpiClass('EnvironmentalImpact', {
  source: EnvironmentalImpactCategory,
  amount: OcpiNumber(),
});
export type EnvironmentalImpact = Static<typeof EnvironmentalImpact>;

export const EnergyMix = OcpiClass('EnergyMix', {
  is_green_energy: OcpiBoolean(),
  energy_sources: ZeroOrMore(EnergySource),
  environ_impact: ZeroOrMore(EnvironmentalImpact),
  supplier_name: Optional(OcpiString(64)),
  energy_product_name: Optional(OcpiString(64)),
});
export type EnergyMix = Static<typeof EnergyMix>;

export const ExceptionalPeriod = OcpiClass('ExceptionalPeriod', {
  period_begin: DateTime(),
  period_end: DateTime(),
});
export type ExceptionalPeriod = Static<typeof ExceptionalPeriod>;

export const GeoLocation = OcpiClass('GeoLocation', {
  latitude: OcpiString(10, { pattern: LATITUDE_2_1_1 }),
  longitude: OcpiString(11, { pattern: LONGITUDE_2_1_1 }),
});
export type GeoLocation = Static<typeof GeoLocation>;

export const RegularHours = OcpiClass('RegularHours', {
  // int(1): Monday (1) to Sunday (7).
  weekday: OcpiInt({ minimum: 1, maximum: 7 }),
  period_begin: OcpiString(5, { pattern: TIME_OF_DAY_PATTERN }),
  period_end: OcpiString(5, { pattern: TIME_OF_DAY_PATTERN }),
});
export type RegularHours = Static<typeof RegularHours>;

/**
 * 2.1.1 makes `regular_hours` and `twentyfourseven` a choice, so neither is required on its own,
 * but one of them must be there. Both at once is tolerated: the chapter's own example sends
 * `regular_hours` together with `twentyfourseven: false`.
 */
export const Hours = OcpiClass(
  'Hours',
  {
    regular_hours: ZeroOrMore(RegularHours),
    twentyfourseven: Optional(OcpiBoolean()),
    exceptional_openings: ZeroOrMore(ExceptionalPeriod),
    exceptional_closings: ZeroOrMore(ExceptionalPeriod),
  },
  {
    // Each branch names its property too: Ajv's strict mode wants `required` keys declared.
    anyOf: [
      { required: ['regular_hours'], properties: { regular_hours: {} } },
      { required: ['twentyfourseven'], properties: { twentyfourseven: {} } },
    ],
  },
);
export type Hours = Static<typeof Hours>;

export const StatusSchedule = OcpiClass('StatusSchedule', {
  period_begin: DateTime(),
  period_end: Optional(DateTime()),
  status: Status,
});
export type StatusSchedule = Static<typeof StatusSchedule>;

// ---- objects ----

export const Connector = OcpiClass('Connector', {
  id: OcpiString(36),
  standard: ConnectorType,
  format: ConnectorFormat,
  power_type: PowerType,
  voltage: OcpiInt(),
  amperage: OcpiInt(),
  tariff_id: Optional(OcpiString(36)),
  terms_and_conditions: Optional(Url()),
  last_updated: DateTime(),
});
export type Connector = Static<typeof Connector>;

export const EVSE = OcpiClass('EVSE', {
  uid: OcpiString(39),
  evse_id: Optional(OcpiString(48)),
  status: Status,
  status_schedule: ZeroOrMore(StatusSchedule),
  capabilities: ZeroOrMore(Capability),
  connectors: OneOrMore(Connector),
  floor_level: Optional(OcpiString(4)),
  coordinates: Optional(GeoLocation),
  physical_reference: Optional(OcpiString(16)),
  directions: ZeroOrMore(DisplayText),
  parking_restrictions: ZeroOrMore(ParkingRestriction),
  images: ZeroOrMore(Image),
  last_updated: DateTime(),
});
export type EVSE = Static<typeof EVSE>;

export const Location = OcpiClass('Location', {
  id: OcpiString(39),
  type: LocationType,
  name: Optional(OcpiString(255)),
  address: OcpiString(45),
  city: OcpiString(45),
  postal_code: OcpiString(10),
  country: OcpiString(3),
  coordinates: GeoLocation,
  related_locations: ZeroOrMore(AdditionalGeoLocation),
  evses: ZeroOrMore(EVSE),
  directions: ZeroOrMore(DisplayText),
  operator: Optional(BusinessDetails),
  suboperator: Optional(BusinessDetails),
  owner: Optional(BusinessDetails),
  facilities: ZeroOrMore(Facility),
  time_zone: Optional(OcpiString(255)),
  opening_times: Optional(Hours),
  charging_when_closed: Optional(OcpiBoolean()),
  images: ZeroOrMore(Image),
  energy_mix: Optional(EnergyMix),
  last_updated: DateTime(),
});
export type Location = Static<typeof Location>;
