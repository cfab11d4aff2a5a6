/**
 * OCPI 2.3.0, chapter "Locations": Location, EVSE, Connector, Parking and their data types.
 * The bookings branch adds nothing to this chapter; its older Location lengths (address 45,
 * state 20) are superseded by core 2.3.0 (255, 45).
 */
import type { Static } from '@sinclair/typebox';
import {
  CiString,
  DerivedClass,
  enumValues,
  OcpiBoolean,
  OcpiClass,
  OcpiEnum,
  OcpiNumber,
  OcpiOpenEnum,
  OcpiString,
  OneOrMore,
  Optional,
  ZeroOrMore,
} from '../common/primitives.js';
import * as v2_2_1 from '../v2_2_1/locations.js';
import { TokenType } from './tokens.js';

// Unchanged since 2.2.1.
export {
  AdditionalGeoLocation,
  ConnectorFormat,
  EnergySource,
  EnergySourceCategory,
  ExceptionalPeriod,
  GeoLocation,
  Hours,
  PowerType,
  RegularHours,
  Status,
  StatusSchedule,
} from '../v2_2_1/locations.js';

// ---- enums ----

// 2.3.0: an OpenEnum (2.2.1: closed enum); same known values.
export const Capability = OcpiOpenEnum('Capability', enumValues(v2_2_1.Capability));
export type Capability = Static<typeof Capability>;

// 2.3.0: new.
export const ConnectorCapability = OcpiOpenEnum('ConnectorCapability', [
  'ISO_15118_2_PLUG_AND_CHARGE',
  'ISO_15118_20_PLUG_AND_CHARGE',
]);
export type ConnectorCapability = Static<typeof ConnectorCapability>;

// 2.3.0: an OpenEnum; adds MCS and SAE_J3400.
export const ConnectorType = OcpiOpenEnum('ConnectorType', [
  ...enumValues(v2_2_1.ConnectorType),
  'MCS',
  'SAE_J3400',
]);
export type ConnectorType = Static<typeof ConnectorType>;

// 2.3.0: an OpenEnum (2.2.1: closed enum); same known values.
export const EnvironmentalImpactCategory = OcpiOpenEnum(
  'EnvironmentalImpactCategory',
  enumValues(v2_2_1.EnvironmentalImpactCategory),
);
export type EnvironmentalImpactCategory = Static<typeof EnvironmentalImpactCategory>;

// 2.3.0: new.
export const EVSEPosition = OcpiEnum('EVSEPosition', ['LEFT', 'RIGHT', 'CENTER']);
export type EVSEPosition = Static<typeof EVSEPosition>;

// 2.3.0: an OpenEnum (2.2.1: closed enum); same known values.
export const Facility = OcpiOpenEnum('Facility', enumValues(v2_2_1.Facility));
export type Facility = Static<typeof Facility>;

// 2.3.0: an OpenEnum (2.2.1: closed enum); same known values.
export const ImageCategory = OcpiOpenEnum('ImageCategory', enumValues(v2_2_1.ImageCategory));
export type ImageCategory = Static<typeof ImageCategory>;

// 2.3.0: new.
export const ParkingDirection = OcpiEnum('ParkingDirection', ['PARALLEL', 'PERPENDICULAR', 'ANGLE']);
export type ParkingDirection = Static<typeof ParkingDirection>;

// 2.3.0: an OpenEnum; adds EMPLOYEES, TAXIS, TENANTS.
export const ParkingRestriction = OcpiOpenEnum('ParkingRestriction', [
  ...enumValues(v2_2_1.ParkingRestriction),
  'EMPLOYEES',
  'TAXIS',
  'TENANTS',
]);
export type ParkingRestriction = Static<typeof ParkingRestriction>;

// 2.3.0: an OpenEnum (2.2.1: closed enum); same known values.
export const ParkingType = OcpiOpenEnum('ParkingType', enumValues(v2_2_1.ParkingType));
export type ParkingType = Static<typeof ParkingType>;

// 2.3.0: new.
export const VehicleType = OcpiOpenEnum('VehicleType', [
  'MOTORCYCLE',
  'PERSONAL_VEHICLE',
  'PERSONAL_VEHICLE_WITH_TRAILER',
  'VAN',
  'SEMI_TRACTOR',
  'RIGID',
  'TRUCK_WITH_TRAILER',
  'BUS',
  'DISABLED',
]);
export type VehicleType = Static<typeof VehicleType>;

// ---- data type classes ----

// 2.3.0: category is the OpenEnum ImageCategory.
export const Image = DerivedClass('Image', v2_2_1.Image, { category: ImageCategory });
export type Image = Static<typeof Image>;

// 2.3.0: logo is the 2.3.0 Image.
export const BusinessDetails = DerivedClass('BusinessDetails', v2_2_1.BusinessDetails, {
  logo: Optional(Image),
});
export type BusinessDetails = Static<typeof BusinessDetails>;

// 2.3.0: category is the OpenEnum EnvironmentalImpactCategory.
export const EnvironmentalImpact = DerivedClass('EnvironmentalImpact', v2_2_1.EnvironmentalImpact, {
  category: EnvironmentalImpactCategory,
});
export type EnvironmentalImpact = Static<typeof EnvironmentalImpact>;

// 2.3.0: environ_impact holds 2.3.0 EnvironmentalImpacts.
export const EnergyMix = DerivedClass('EnergyMix', v2_2_1.EnergyMix, {
  environ_impact: ZeroOrMore(EnvironmentalImpact),
});
export type EnergyMix = Static<typeof EnergyMix>;

// 2.3.0: new. Links an EVSE to one of its Location's `parking_places` by id.
export const EVSEParking = OcpiClass('EVSEParking', {
  parking_id: CiString(36),
  evse_position: Optional(EVSEPosition),
});
export type EVSEParking = Static<typeof EVSEParking>;

/**
 * 2.3.0: type is the OpenEnum TokenType (with EMAID). The 2.2.1 rules are kept (options are not
 * inherited): at least one of `uid`, `visual_number`, `group_id`; `uid` needs `type`,
 * `visual_number` needs `issuer`.
 */
export const PublishTokenType = DerivedClass(
  'PublishTokenType',
  v2_2_1.PublishTokenType,
  { type: Optional(TokenType) },
  { options: v2_2_1.PUBLISH_TOKEN_RULES },
);
export type PublishTokenType = Static<typeof PublishTokenType>;

// ---- objects ----

/** 2.3.0: new. A parking space usable while charging (for AFIR reporting to NAPs). */
export const Parking = OcpiClass('Parking', {
  id: CiString(36),
  physical_reference: Optional(OcpiString(12)),
  vehicle_types: OneOrMore(VehicleType),
  max_vehicle_weight: Optional(OcpiNumber()),
  max_vehicle_height: Optional(OcpiNumber()),
  max_vehicle_length: Optional(OcpiNumber()),
  max_vehicle_width: Optional(OcpiNumber()),
  parking_space_length: Optional(OcpiNumber()),
  parking_space_width: Optional(OcpiNumber()),
  dangerous_goods_allowed: Optional(OcpiBoolean()),
  direction: Optional(ParkingDirection),
  drive_through: Optional(OcpiBoolean()),
  restricted_to_type: OcpiBoolean(),
  reservation_required: OcpiBoolean(),
  time_limit: Optional(OcpiNumber()),
  roofed: Optional(OcpiBoolean()),
  images: ZeroOrMore(Image),
  lighting: Optional(OcpiBoolean()),
  refrigeration_outlet: Optional(OcpiBoolean()),
  standards: ZeroOrMore(CiString(36)),
  apds_reference: Optional(CiString()),
});
export type Parking = Static<typeof Parking>;

// 2.3.0: standard is the OpenEnum ConnectorType; adds `capabilities`.
export const Connector = DerivedClass(
  'Connector',
  v2_2_1.Connector,
  { standard: ConnectorType, capabilities: ZeroOrMore(ConnectorCapability) },
  { after: { capabilities: 'terms_and_conditions' } },
);
export type Connector = Static<typeof Connector>;

// 2.3.0: Capability, ParkingRestriction and ImageCategory are OpenEnums, connectors hold 2.3.0
// Connectors; adds `parking` and `accepted_service_providers`.
export const EVSE = DerivedClass(
  'EVSE',
  v2_2_1.EVSE,
  {
    capabilities: ZeroOrMore(Capability),
    connectors: OneOrMore(Connector),
    parking_restrictions: ZeroOrMore(ParkingRestriction),
    parking: ZeroOrMore(EVSEParking),
    images: ZeroOrMore(Image),
    accepted_service_providers: ZeroOrMore(OcpiString(50)),
  },
  { after: { parking: 'parking_restrictions', accepted_service_providers: 'images' } },
);
export type EVSE = Static<typeof EVSE>;

// 2.3.0: evses hold 2.3.0 EVSEs, and the nested PublishTokenType, BusinessDetails, Image,
// EnergyMix and the enums ParkingType and Facility changed; adds `parking_places`, `help_phone`.
export const Location = DerivedClass(
  'Location',
  v2_2_1.Location,
  {
    publish_allowed_to: ZeroOrMore(PublishTokenType),
    parking_type: Optional(ParkingType),
    evses: ZeroOrMore(EVSE),
    parking_places: ZeroOrMore(Parking),
    operator: Optional(BusinessDetails),
    suboperator: Optional(BusinessDetails),
    owner: Optional(BusinessDetails),
    facilities: ZeroOrMore(Facility),
    images: ZeroOrMore(Image),
    energy_mix: Optional(EnergyMix),
    help_phone: Optional(CiString(25)),
  },
  { after: { parking_places: 'evses', help_phone: 'energy_mix' } },
);
export type Location = Static<typeof Location>;
