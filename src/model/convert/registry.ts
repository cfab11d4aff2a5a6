/** Every module's converters, by spec object name (one table for all modules). */

import * as cdrs from './cdrs.js';
import * as chargingProfiles from './charging_profiles.js';
import * as commands from './commands.js';
import * as credentials from './credentials.js';
import * as hubClientInfo from './hub_client_info.js';
import * as locations from './locations.js';
import * as sessions from './sessions.js';
import * as tariffs from './tariffs.js';
import * as tokens from './tokens.js';
import type { ObjectConverters } from './types.js';
import * as versions from './versions.js';

const modules = [
  locations,
  tariffs,
  sessions,
  cdrs,
  tokens,
  commands,
  chargingProfiles,
  hubClientInfo,
  credentials,
  versions,
];

export const converterRegistry: Record<string, ObjectConverters> = Object.assign(
  {},
  ...modules.map((m) => m.converters),
);
