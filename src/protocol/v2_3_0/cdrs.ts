/**
 * OCPI 2.3.0, module "CDRs": the CDR object and its data types (several also used by Sessions),
 * with the bookings branch's additions (CDR.booking_id, two CdrDimensionType values).
 */
import type { Static } from '@sinclair/typebox';
import {
  CiString,
  DateTime,
  OcpiBoolean,
  OcpiClass,
  OcpiEnum,
  OcpiNumber,
  OcpiString,
  OneOrMore,
  Optional,
  ZeroOrMore,
} from '../common/primitives.js';
import { AuthMethod, SignedData } from '../v2_2_1/cdrs.js';
import { ConnectorFormat, ConnectorType, GeoLocation, PowerType } from './locations.js';
import { Tariff } from './tariffs.js';
import { TokenType } from './tokens.js';
import { Price } from './types.js';

// Unchanged since 2.2.1 (SignedValue.plain_data is 5000 in core 2.3.0 as in 2.2.1; the bookings
// branch's 512 is older text).
export { AuthMethod, SignedData, SignedValue } from '../v2_2_1/cdrs.js';

// bookings branch: adds RESERVATION_EXPIRES and RESERVATION_OVERTIME.
export const CdrDimensionType = OcpiEnum('CdrDimensionType', [
  'CURRENT',
  'ENERGY',
  'ENERGY_EXPORT',
  'ENERGY_IMPORT',
  'MAX_CURRENT',
  'MIN_CURRENT',
  'MAX_POWER',
  'MIN_POWER',
  'PARKING_TIME',
  'POWER',
  'RESERVATION_TIME',
  'RESERVATION_EXPIRES',
  'RESERVATION_OVERTIME',
  'STATE_OF_CHARGE',
  'TIME',
]);
export type CdrDimensionType = Static<typeof CdrDimensionType>;

// 2.3.0: redefined because CdrDimensionType changed (bookings branch).
export const CdrDimension = OcpiClass('CdrDimension', {
  type: CdrDimensionType,
  volume: OcpiNumber(),
});
export type CdrDimension = Static<typeof CdrDimension>;

// 2.3.0: same fields as 2.2.1, redefined because ConnectorType became an OpenEnum.
export const CdrLocation = OcpiClass('CdrLocation', {
  id: CiString(36),
  name: Optional(OcpiString(255)),
  address: OcpiString(45),
  city: OcpiString(45),
  postal_code: Optional(OcpiString(10)),
  state: Optional(OcpiString(20)),
  country: OcpiString(3),
  coordinates: GeoLocation,
  evse_uid: CiString(36),
  evse_id: CiString(48),
  connector_id: CiString(36),
  connector_standard: ConnectorType,
  connector_format: ConnectorFormat,
  connector_power_type: PowerType,
});
export type CdrLocation = Static<typeof CdrLocation>;

// 2.3.0: same fields as 2.2.1, redefined because TokenType became an OpenEnum.
export const CdrToken = OcpiClass('CdrToken', {
  country_code: CiString(2),
  party_id: CiString(3),
  uid: CiString(36),
  type: TokenType,
  contract_id: CiString(36),
});
export type CdrToken = Static<typeof CdrToken>;

// 2.3.0: redefined because CdrDimension changed (bookings branch).
export const ChargingPeriod = OcpiClass('ChargingPeriod', {
  start_date_time: DateTime(),
  dimensions: OneOrMore(CdrDimension),
  tariff_id: Optional(CiString(36)),
});
export type ChargingPeriod = Static<typeof ChargingPeriod>;

// 2.3.0: Price is now before_taxes + taxes, Tariff/CdrToken/CdrLocation/ChargingPeriod changed;
// bookings branch: adds `booking_id`.
export const CDR = OcpiClass('CDR', {
  country_code: CiString(2),
  party_id: CiString(3),
  id: CiString(39),
  start_date_time: DateTime(),
  end_date_time: DateTime(),
  booking_id: Optional(CiString(36)),
  session_id: Optional(CiString(36)),
  cdr_token: CdrToken,
  auth_method: AuthMethod,
  authorization_reference: Optional(CiString(36)),
  cdr_location: CdrLocation,
  meter_id: Optional(OcpiString(255)),
  currency: OcpiString(3),
  tariffs: ZeroOrMore(Tariff),
  charging_periods: OneOrMore(ChargingPeriod),
  signed_data: Optional(SignedData),
  total_cost: Price,
  total_fixed_cost: Optional(Price),
  total_energy: OcpiNumber(),
  total_energy_cost: Optional(Price),
  total_time: OcpiNumber(),
  total_time_cost: Optional(Price),
  total_parking_time: Optional(OcpiNumber()),
  total_parking_cost: Optional(Price),
  total_reservation_cost: Optional(Price),
  remark: Optional(OcpiString(255)),
  invoice_reference_id: Optional(CiString(39)),
  credit: Optional(OcpiBoolean()),
  credit_reference_id: Optional(CiString(39)),
  home_charging_compensation: Optional(OcpiBoolean()),
  last_updated: DateTime(),
});
export type CDR = Static<typeof CDR>;
