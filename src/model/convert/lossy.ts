/**
 * THE table of lossy mappings: every place where converting between versions loses or invents
 * information. Each module file lists its rows; this is their union, checked for unique ids, and
 * the source of the table in docs/versions.md (a test keeps the two in step).
 */

import * as cdrs from './cdrs.js';
import * as chargingProfiles from './charging_profiles.js';
import * as commands from './commands.js';
import { commonLossyMappings } from './common.js';
import * as credentials from './credentials.js';
import * as hubClientInfo from './hub_client_info.js';
import * as locations from './locations.js';
import * as sessions from './sessions.js';
import * as tariffs from './tariffs.js';
import * as tokens from './tokens.js';
import type { LossyMapping } from './types.js';
import * as versions from './versions.js';

export const LOSSY_MAPPINGS: readonly LossyMapping[] = [
  ...commonLossyMappings,
  ...locations.lossyMappings,
  ...tariffs.lossyMappings,
  ...sessions.lossyMappings,
  ...cdrs.lossyMappings,
  ...tokens.lossyMappings,
  ...commands.lossyMappings,
  ...chargingProfiles.lossyMappings,
  ...hubClientInfo.lossyMappings,
  ...credentials.lossyMappings,
  ...versions.lossyMappings,
];

const seen = new Set<string>();
for (const row of LOSSY_MAPPINGS) {
  if (seen.has(row.id)) throw new Error(`lossy mapping id ${row.id} is listed twice`);
  seen.add(row.id);
}
