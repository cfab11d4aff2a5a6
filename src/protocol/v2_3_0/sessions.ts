/** OCPI 2.3.0, module "Sessions": the Session object, Charging Preferences and their enums. */
import type { Static } from '@sinclair/typebox';
import {
  CiString,
  DateTime,
  OcpiClass,
  OcpiNumber,
  OcpiString,
  Optional,
  ZeroOrMore,
} from '../common/primitives.js';
import { SessionStatus } from '../v2_2_1/sessions.js';
import { AuthMethod, CdrToken, ChargingPeriod } from './cdrs.js';
import { Price } from './types.js';

// Unchanged since 2.2.1.
export {
  ChargingPreferences,
  ChargingPreferencesResponse,
  ProfileType,
  SessionStatus,
} from '../v2_2_1/sessions.js';

// 2.3.0: same fields as 2.2.1, redefined because Price (total_cost), CdrToken and ChargingPeriod
// changed.
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
