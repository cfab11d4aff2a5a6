/** OCPI 2.2.1, module "Sessions": the Session object, Charging Preferences and their enums. */
import type { Static } from '@sinclair/typebox';
import {
  CiString,
  DateTime,
  enumValues,
  OcpiBoolean,
  OcpiClass,
  OcpiEnum,
  OcpiNumber,
  OcpiString,
  Optional,
  ZeroOrMore,
} from '../common/primitives.js';
import * as v2_1_1 from '../v2_1_1/sessions.js';
import { AuthMethod, CdrToken, ChargingPeriod } from './cdrs.js';
import { ProfileType } from './tokens.js';
import { Price } from './types.js';

// Defined by this chapter; the schema lives in tokens.ts to keep the chapter files free of import cycles.
export { ProfileType };

// `discharge_allowed` defaults to false when absent; the default is applied by the reader, not here.
export const ChargingPreferences = OcpiClass('ChargingPreferences', {
  profile_type: ProfileType,
  departure_time: Optional(DateTime()),
  energy_need: Optional(OcpiNumber()),
  discharge_allowed: Optional(OcpiBoolean()),
});
export type ChargingPreferences = Static<typeof ChargingPreferences>;

export const ChargingPreferencesResponse = OcpiEnum('ChargingPreferencesResponse', [
  'ACCEPTED',
  'DEPARTURE_REQUIRED',
  'ENERGY_NEED_REQUIRED',
  'NOT_POSSIBLE',
  'PROFILE_TYPE_NOT_SUPPORTED',
]);
export type ChargingPreferencesResponse = Static<typeof ChargingPreferencesResponse>;

// 2.2.1: adds RESERVATION.
export const SessionStatus = OcpiEnum('SessionStatus', [...enumValues(v2_1_1.SessionStatus), 'RESERVATION']);
export type SessionStatus = Static<typeof SessionStatus>;

// 2.2.1: owner fields, `start_date_time`/`end_date_time`, CdrToken instead of auth_id, location by
// ids (evse_uid/connector_id may be `#NA` for a reservation), total_cost as Price.
export const Session = OcpiClass('Session', {
  country_code: CiString(2),
  party_id: CiString(3),
  id: CiString(36),
  start_date_time: DateTime(),
  end_date_time: Optional(DateTime()),
  kwh: OcpiNumber(),
  cdr_token: CdrToken,
  auth_method: AuthMethod,
  authorization_reference: Optional(CiString(36)),
  location_id: CiString(36),
  evse_uid: CiString(36),
  connector_id: CiString(36),
  meter_id: Optional(OcpiString(255)),
  currency: OcpiString(3),
  charging_periods: ZeroOrMore(ChargingPeriod),
  total_cost: Optional(Price),
  status: SessionStatus,
  last_updated: DateTime(),
});
export type Session = Static<typeof Session>;
