/** OCPI 2.3.0, module "Sessions": the Session object, Charging Preferences and their enums. */
import type { Static } from '@sinclair/typebox';
import { DerivedClass, Optional, ZeroOrMore } from '../common/primitives.js';
import * as v2_2_1 from '../v2_2_1/sessions.js';
import { CdrToken, ChargingPeriod } from './cdrs.js';
import { Price } from './types.js';

// Unchanged since 2.2.1.
export {
  ChargingPreferences,
  ChargingPreferencesResponse,
  ProfileType,
  SessionStatus,
} from '../v2_2_1/sessions.js';

// 2.3.0: same fields; cdr_token, charging_periods and total_cost (Price) hold the 2.3.0 classes.
export const Session = DerivedClass('Session', v2_2_1.Session, {
  cdr_token: CdrToken,
  charging_periods: ZeroOrMore(ChargingPeriod),
  total_cost: Optional(Price),
});
export type Session = Static<typeof Session>;
