/** OCPI 2.2.1, module "CDRs": the CDR object and its data types (several also used by Sessions). */
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
  ZeroOrMore,
} from '../common/primitives.js';
import * as v2_1_1 from '../v2_1_1/cdrs.js';
import { ConnectorFormat, ConnectorType, GeoLocation, PowerType } from './locations.js';
import { Tariff } from './tariffs.js';
import { TokenType } from './tokens.js';
import { Price } from './types.js';

// 2.2.1: adds COMMAND (session started by StartSession/ReserveNow).
export const AuthMethod = OcpiEnum('AuthMethod', [...enumValues(v2_1_1.AuthMethod), 'COMMAND']);
export type AuthMethod = Static<typeof AuthMethod>;

// 2.2.1: adds the session-only measurements (CURRENT, ENERGY_EXPORT/IMPORT, POWER, STATE_OF_CHARGE),
// MAX/MIN_POWER and RESERVATION_TIME. Which values are session-only is a usage rule, not a schema one.
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
  'STATE_OF_CHARGE',
  'TIME',
]);
export type CdrDimensionType = Static<typeof CdrDimensionType>;

// 2.2.1: redefined because CdrDimensionType changed.
export const CdrDimension = DerivedClass('CdrDimension', v2_1_1.CdrDimension, { type: CdrDimensionType });
export type CdrDimension = Static<typeof CdrDimension>;

// The Location as it was at the start of the session, reduced to the one EVSE and connector used.
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

// Replaces 2.1.1's bare `auth_id`: enough of the Token to identify it uniquely.
export const CdrToken = OcpiClass('CdrToken', {
  country_code: CiString(2),
  party_id: CiString(3),
  uid: CiString(36),
  type: TokenType,
  contract_id: CiString(36),
});
export type CdrToken = Static<typeof CdrToken>;

// 2.2.1: adds `tariff_id`.
export const ChargingPeriod = OcpiClass('ChargingPeriod', {
  start_date_time: DateTime(),
  dimensions: OneOrMore(CdrDimension),
  tariff_id: Optional(CiString(36)),
});
export type ChargingPeriod = Static<typeof ChargingPeriod>;

// plain_data is string(5000): early 2.2.1 text said 512, corrected later in the chapter itself.
export const SignedValue = OcpiClass('SignedValue', {
  nature: CiString(32),
  plain_data: OcpiString(5000),
  signed_data: OcpiString(5000),
});
export type SignedValue = Static<typeof SignedValue>;

// `url` is string(512), not the URL type (255): the table says so despite its CiString link.
export const SignedData = OcpiClass('SignedData', {
  encoding_method: CiString(36),
  encoding_method_version: Optional(OcpiInt()),
  public_key: Optional(OcpiString(512)),
  signed_values: OneOrMore(SignedValue),
  url: Optional(OcpiString(512)),
});
export type SignedData = Static<typeof SignedData>;

// 2.2.1: owner fields, CdrToken/CdrLocation instead of auth_id/Location, `end_date_time` instead of
// `stop_date_time`, costs as Price with per-dimension breakdown, credit CDRs. `id` is 39 long so
// a credit CDR can append a suffix to the original id.
export const CDR = OcpiClass('CDR', {
  country_code: CiString(2),
  party_id: CiString(3),
  id: CiString(39),
  start_date_time: DateTime(),
  end_date_time: DateTime(),
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
