/** OCPI 2.1.1, module "Sessions": the Session object and SessionStatus. */
import type { Static } from '@sinclair/typebox';
import {
  DateTime,
  OcpiClass,
  OcpiEnum,
  OcpiNumber,
  OcpiString,
  Optional,
  ZeroOrMore,
} from '../common/primitives.js';
import { AuthMethod, ChargingPeriod } from './cdrs.js';
import { Location } from './locations.js';

export const SessionStatus = OcpiEnum('SessionStatus', ['ACTIVE', 'COMPLETED', 'INVALID', 'PENDING']);
export type SessionStatus = Static<typeof SessionStatus>;

// 2.1.1 spells the timestamps `start_datetime`/`end_datetime` (2.2: `start_date_time`), refers to
// the token by `auth_id` and embeds the Location; total_cost is a number excluding VAT.
export const Session = OcpiClass('Session', {
  id: OcpiString(36),
  start_datetime: DateTime(),
  end_datetime: Optional(DateTime()),
  kwh: OcpiNumber(),
  auth_id: OcpiString(36),
  auth_method: AuthMethod,
  location: Location,
  meter_id: Optional(OcpiString(255)),
  currency: OcpiString(3),
  charging_periods: ZeroOrMore(ChargingPeriod),
  total_cost: Optional(OcpiNumber()),
  status: SessionStatus,
  last_updated: DateTime(),
});
export type Session = Static<typeof Session>;
