/**
 * OCPI 2.3.0: every class and enum of the specification, by module, and the registry of all of
 * them by spec name (what `roamkit validate --type` and the endpoint table look names up in).
 */
import { AnyResponseEnvelope } from '../common/envelope.js';
import { collectSchemas } from '../common/registry.js';
import * as bookings from './bookings.js';
import * as cdrs from './cdrs.js';
import * as chargingProfiles from './charging_profiles.js';
import * as commands from './commands.js';
import * as credentials from './credentials.js';
import * as hubClientInfo from './hub_client_info.js';
import * as locations from './locations.js';
import * as payments from './payments.js';
import * as sessions from './sessions.js';
import * as tariffs from './tariffs.js';
import * as tokens from './tokens.js';
import * as types from './types.js';
import * as versions from './versions.js';

export const version = '2.3.0' as const;

export {
  bookings,
  cdrs,
  chargingProfiles,
  commands,
  credentials,
  hubClientInfo,
  locations,
  payments,
  sessions,
  tariffs,
  tokens,
  types,
  versions,
};

/** Every class and enum of OCPI 2.3.0, keyed by its spec name. */
export const schemas = collectSchemas(
  types,
  locations,
  sessions,
  cdrs,
  tariffs,
  tokens,
  commands,
  chargingProfiles,
  hubClientInfo,
  credentials,
  versions,
  payments,
  bookings,
  { AnyResponseEnvelope },
);
