/**
 * OCPI 2.3.0, module "CDRs": the CDR object and its data types (several also used by Sessions),
 * with the bookings branch's additions (CDR.booking_id, two CdrDimensionType values).
 */
import type { Static } from '@sinclair/typebox';
import {
  CiString,
  DerivedClass,
  enumValues,
  OcpiEnum,
  OneOrMore,
  Optional,
  ZeroOrMore,
} from '../common/primitives.js';
import * as v2_2_1 from '../v2_2_1/cdrs.js';
import { ConnectorType } from './locations.js';
import { Tariff } from './tariffs.js';
import { TokenType } from './tokens.js';
import { Price } from './types.js';

// Unchanged since 2.2.1 (SignedValue.plain_data is 5000 in core 2.3.0 as in 2.2.1; the bookings
// branch's 512 is older text).
export { AuthMethod, SignedData, SignedValue } from '../v2_2_1/cdrs.js';

// bookings branch: adds RESERVATION_EXPIRES and RESERVATION_OVERTIME.
export const CdrDimensionType = OcpiEnum('CdrDimensionType', [
  ...enumValues(v2_2_1.CdrDimensionType),
  'RESERVATION_EXPIRES',
  'RESERVATION_OVERTIME',
]);
export type CdrDimensionType = Static<typeof CdrDimensionType>;

// 2.3.0: type is the 2.3.0 CdrDimensionType (bookings branch).
export const CdrDimension = DerivedClass('CdrDimension', v2_2_1.CdrDimension, { type: CdrDimensionType });
export type CdrDimension = Static<typeof CdrDimension>;

// 2.3.0: connector_standard is the OpenEnum ConnectorType.
export const CdrLocation = DerivedClass('CdrLocation', v2_2_1.CdrLocation, {
  connector_standard: ConnectorType,
});
export type CdrLocation = Static<typeof CdrLocation>;

// 2.3.0: type is the OpenEnum TokenType.
export const CdrToken = DerivedClass('CdrToken', v2_2_1.CdrToken, { type: TokenType });
export type CdrToken = Static<typeof CdrToken>;

// 2.3.0: dimensions are 2.3.0 CdrDimensions (bookings branch).
export const ChargingPeriod = DerivedClass('ChargingPeriod', v2_2_1.ChargingPeriod, {
  dimensions: OneOrMore(CdrDimension),
});
export type ChargingPeriod = Static<typeof ChargingPeriod>;

// 2.3.0: the costs are the new Price (before_taxes + taxes); cdr_token, cdr_location, tariffs and
// charging_periods hold the 2.3.0 classes. bookings branch: adds `booking_id`.
export const CDR = DerivedClass(
  'CDR',
  v2_2_1.CDR,
  {
    booking_id: Optional(CiString(36)),
    cdr_token: CdrToken,
    cdr_location: CdrLocation,
    tariffs: ZeroOrMore(Tariff),
    charging_periods: OneOrMore(ChargingPeriod),
    total_cost: Price,
    total_fixed_cost: Optional(Price),
    total_energy_cost: Optional(Price),
    total_time_cost: Optional(Price),
    total_parking_cost: Optional(Price),
    total_reservation_cost: Optional(Price),
  },
  { after: { booking_id: 'end_date_time' } },
);
export type CDR = Static<typeof CDR>;
