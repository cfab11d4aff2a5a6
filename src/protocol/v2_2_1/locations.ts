/** OCPI 2.2.1, chapter "Locations": Location, EVSE, Connector and their data types. */
import type { Static } from '@sinclair/typebox';
import {
  CiString,
  DateTime,
  DerivedClass,
  enumValues,
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
import * as v2_1_1 from '../v2_1_1/locations.js';
import {
  ConnectorFormat,
  EnergySource,
  EnvironmentalImpactCategory,
  ExceptionalPeriod,
  ImageCategory,
  ParkingRestriction,
  RegularHours,
  Status,
  StatusSchedule,
} from '../v2_1_1/locations.js';
import { TokenType } from './tokens.js';
import { DisplayText } from './types.js';

export { EnergySourceCategory } from '../v2_1_1/locations.js';
export {
  ConnectorFormat,
  EnergySource,
  EnvironmentalImpactCategory,
  ExceptionalPeriod,
  ImageCategory,
  ParkingRestriction,
  RegularHours,
  Status,
  StatusSchedule,
};

/**
 * 2.2+ coordinates: five to seven decimals. Note string(10)/string(11) still caps the length, so a
 * negative two-digit latitude (or three-digit longitude) can carry at most six decimals.
 */
const LATITUDE_PATTERN = '^-?[0-9]{1,2}\\.[0-9]{5,7}$';
const LONGITUDE_PATTERN = '^-?[0-9]{1,3}\\.[0-9]{5,7}$';

// ---- enums ----

// 2.2.1: adds CHARGING_PREFERENCES_CAPABLE, CHIP_CARD_SUPPORT, CONTACTLESS_CARD_SUPPORT,
// DEBIT_CARD_PAYABLE, PED_TERMINAL, START_SESSION_CONNECTOR_REQUIRED, TOKEN_GROUP_CAPABLE.
export const Capability = OcpiEnum('Capability', [
  ...enumValues(v2_1_1.Capability),
  'CHARGING_PREFERENCES_CAPABLE',
  'CHIP_CARD_SUPPORT',
  'CONTACTLESS_CARD_SUPPORT',
  'DEBIT_CARD_PAYABLE',
  'PED_TERMINAL',
  'START_SESSION_CONNECTOR_REQUIRED',
  'TOKEN_GROUP_CAPABLE',
]);
export type Capability = Static<typeof Capability>;

// 2.2.1: adds CHAOJI, DOMESTIC_M/N/O, GBT_AC/DC, NEMA_*, PANTOGRAPH_*.
export const ConnectorType = OcpiEnum('ConnectorType', [
  ...enumValues(v2_1_1.ConnectorType),
  'CHAOJI',
  'DOMESTIC_M',
  'DOMESTIC_N',
  'DOMESTIC_O',
  'GBT_AC',
  'GBT_DC',
  'NEMA_5_20',
  'NEMA_6_30',
  'NEMA_6_50',
  'NEMA_10_30',
  'NEMA_10_50',
  'NEMA_14_30',
  'NEMA_14_50',
  'PANTOGRAPH_BOTTOM_UP',
  'PANTOGRAPH_TOP_DOWN',
]);
export type ConnectorType = Static<typeof ConnectorType>;

// 2.2.1: adds BIKE_SHARING, TRAM_STOP, METRO_STATION, PARKING_LOT.
export const Facility = OcpiEnum('Facility', [
  ...enumValues(v2_1_1.Facility),
  'BIKE_SHARING',
  'TRAM_STOP',
  'METRO_STATION',
  'PARKING_LOT',
]);
export type Facility = Static<typeof Facility>;

// 2.2.1: new, replaces 2.1.1's LocationType (different values, and optional on the Location).
export const ParkingType = OcpiEnum('ParkingType', [
  'ALONG_MOTORWAY',
  'PARKING_GARAGE',
  'PARKING_LOT',
  'ON_DRIVEWAY',
  'ON_STREET',
  'UNDERGROUND_GARAGE',
]);
export type ParkingType = Static<typeof ParkingType>;

// 2.2.1: adds AC_2_PHASE, AC_2_PHASE_SPLIT.
export const PowerType = OcpiEnum('PowerType', [
  ...enumValues(v2_1_1.PowerType),
  'AC_2_PHASE',
  'AC_2_PHASE_SPLIT',
]);
export type PowerType = Static<typeof PowerType>;

// ---- data type classes ----

// 2.2.1: coordinates take five to seven decimals.
export const AdditionalGeoLocation = OcpiClass('AdditionalGeoLocation', {
  latitude: OcpiString(10, { pattern: LATITUDE_PATTERN }),
  longitude: OcpiString(11, { pattern: LONGITUDE_PATTERN }),
  name: Optional(DisplayText),
});
export type AdditionalGeoLocation = Static<typeof AdditionalGeoLocation>;

// 2.2.1: `type` is CiString(4) (2.1.1: string(4)).
export const Image = DerivedClass('Image', v2_1_1.Image, { type: CiString(4) });
export type Image = Static<typeof Image>;

// 2.2.1: redefined only because its Image changed.
export const BusinessDetails = DerivedClass('BusinessDetails', v2_1_1.BusinessDetails, {
  logo: Optional(Image),
});
export type BusinessDetails = Static<typeof BusinessDetails>;

// 2.2.1: the category field is named `category` (2.1.1: `source`).
export const EnvironmentalImpact = OcpiClass('EnvironmentalImpact', {
  category: EnvironmentalImpactCategory,
  amount: OcpiNumber(),
});
export type EnvironmentalImpact = Static<typeof EnvironmentalImpact>;

// 2.2.1: redefined only because EnvironmentalImpact changed.
export const EnergyMix = DerivedClass('EnergyMix', v2_1_1.EnergyMix, {
  environ_impact: ZeroOrMore(EnvironmentalImpact),
});
export type EnergyMix = Static<typeof EnergyMix>;

// 2.2.1: coordinates take five to seven decimals.
export const GeoLocation = OcpiClass('GeoLocation', {
  latitude: OcpiString(10, { pattern: LATITUDE_PATTERN }),
  longitude: OcpiString(11, { pattern: LONGITUDE_PATTERN }),
});
export type GeoLocation = Static<typeof GeoLocation>;

/**
 * 2.2.1: `twentyfourseven` is required (2.1.1: a choice with `regular_hours`). When it is false,
 * the text asks for at least one RegularHours entry; that rule is enforced here too.
 */
export const Hours = OcpiClass(
  'Hours',
  {
    twentyfourseven: OcpiBoolean(),
    regular_hours: ZeroOrMore(RegularHours),
    exceptional_openings: ZeroOrMore(ExceptionalPeriod),
    exceptional_closings: ZeroOrMore(ExceptionalPeriod),
  },
  {
    // Either open 24/7, or at least one RegularHours entry (written without if/then, which
    // would make the schema object a "thenable").
    anyOf: [
      { properties: { twentyfourseven: { const: true } } },
      { required: ['regular_hours'], properties: { regular_hours: { minItems: 1 } } },
    ],
  },
);
export type Hours = Static<typeof Hours>;

/**
 * 2.2.1: new. The text's rules are enforced: at least one of `uid`, `visual_number`, `group_id`;
 * `uid` needs `type`, `visual_number` needs `issuer`.
 */
export const PUBLISH_TOKEN_RULES = {
  // Each branch names its property too: Ajv's strict mode wants `required` keys declared.
  anyOf: [
    { required: ['uid'], properties: { uid: {} } },
    { required: ['visual_number'], properties: { visual_number: {} } },
    { required: ['group_id'], properties: { group_id: {} } },
  ],
  dependencies: { uid: ['type'], visual_number: ['issuer'] },
};
export const PublishTokenType = OcpiClass(
  'PublishTokenType',
  {
    uid: Optional(CiString(36)),
    type: Optional(TokenType),
    visual_number: Optional(OcpiString(64)),
    issuer: Optional(OcpiString(64)),
    group_id: Optional(CiString(36)),
  },
  PUBLISH_TOKEN_RULES,
);
export type PublishTokenType = Static<typeof PublishTokenType>;

// ---- objects ----

// 2.2.1: CiString id; max_voltage/max_amperage (2.1.1: voltage/amperage), max_electric_power,
// tariff_ids list (2.1.1: one tariff_id).
export const Connector = OcpiClass('Connector', {
  id: CiString(36),
  standard: ConnectorType,
  format: ConnectorFormat,
  power_type: PowerType,
  max_voltage: OcpiInt(),
  max_amperage: OcpiInt(),
  max_electric_power: Optional(OcpiInt()),
  tariff_ids: ZeroOrMore(CiString(36)),
  terms_and_conditions: Optional(Url()),
  last_updated: DateTime(),
});
export type Connector = Static<typeof Connector>;

// 2.2.1: uid CiString(36) (2.1.1: string(39)), evse_id CiString(48); the 2.2.1 Capability,
// Connector, GeoLocation and Image.
export const EVSE = DerivedClass('EVSE', v2_1_1.EVSE, {
  uid: CiString(36),
  evse_id: Optional(CiString(48)),
  capabilities: ZeroOrMore(Capability),
  connectors: OneOrMore(Connector),
  coordinates: Optional(GeoLocation),
  images: ZeroOrMore(Image),
});
export type EVSE = Static<typeof EVSE>;

// 2.2.1: adds country_code, party_id, publish, publish_allowed_to, state, parking_type (replacing
// `type`); id CiString(36); address 255; postal_code optional; time_zone required.
export const Location = OcpiClass('Location', {
  country_code: CiString(2),
  party_id: CiString(3),
  id: CiString(36),
  publish: OcpiBoolean(),
  publish_allowed_to: ZeroOrMore(PublishTokenType),
  name: Optional(OcpiString(255)),
  address: OcpiString(255),
  city: OcpiString(45),
  postal_code: Optional(OcpiString(10)),
  state: Optional(OcpiString(45)),
  country: OcpiString(3),
  coordinates: GeoLocation,
  related_locations: ZeroOrMore(AdditionalGeoLocation),
  parking_type: Optional(ParkingType),
  evses: ZeroOrMore(EVSE),
  directions: ZeroOrMore(DisplayText),
  operator: Optional(BusinessDetails),
  suboperator: Optional(BusinessDetails),
  owner: Optional(BusinessDetails),
  facilities: ZeroOrMore(Facility),
  time_zone: OcpiString(255),
  opening_times: Optional(Hours),
  charging_when_closed: Optional(OcpiBoolean()),
  images: ZeroOrMore(Image),
  energy_mix: Optional(EnergyMix),
  last_updated: DateTime(),
});
export type Location = Static<typeof Location>;
