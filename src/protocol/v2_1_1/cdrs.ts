/** OCPI 2.1.1, module "CDRs": the CDR object and its data types (also used by Sessions). */
import type { Static } from '@sinclair/typebox';
import {
  CiString,
  DateTime,
  OcpiClass,
  OcpiEnum,
  OcpiNumber,
  OcpiString,
  OneOrMore,
  Optional,
  ZeroOrMore,
} from '../common/primitives.js';
import { Location } from './locations.js';
import { Tariff } from './tariffs.js';

export const AuthMethod = OcpiEnum('AuthMethod', ['AUTH_REQUEST', 'WHITELIST']);
export type AuthMethod = Static<typeof AuthMethod>;

export const CdrDimensionType = OcpiEnum('CdrDimensionType', [
  'ENERGY',
  'FLAT',
  'MAX_CURRENT',
  'MIN_CURRENT',
  'PARKING_TIME',
  'TIME',
]);
export type CdrDimensionType = Static<typeof CdrDimensionType>;

export const CdrDimension = OcpiClass('CdrDimension', {
  type: CdrDimensionType,
  volume: OcpiNumber(),
});
export type CdrDimension = Static<typeof CdrDimension>;

export const ChargingPeriod = OcpiClass('ChargingPeriod', {
  start_date_time: DateTime(),
  dimensions: OneOrMore(CdrDimension),
});
export type ChargingPeriod = Static<typeof ChargingPeriod>;

// 2.1.1 embeds the whole Location (2.2 replaced it with CdrLocation) and gives costs as plain
// numbers excluding VAT. `id` is the only CiString in this version's module tables.
export const CDR = OcpiClass('CDR', {
  id: CiString(36),
  start_date_time: DateTime(),
  stop_date_time: DateTime(),
  auth_id: OcpiString(36),
  auth_method: AuthMethod,
  location: Location,
  meter_id: Optional(OcpiString(255)),
  currency: OcpiString(3),
  tariffs: ZeroOrMore(Tariff),
  charging_periods: OneOrMore(ChargingPeriod),
  total_cost: OcpiNumber(),
  total_energy: OcpiNumber(),
  total_time: OcpiNumber(),
  total_parking_time: Optional(OcpiNumber()),
  remark: Optional(OcpiString(255)),
  last_updated: DateTime(),
});
export type CDR = Static<typeof CDR>;
