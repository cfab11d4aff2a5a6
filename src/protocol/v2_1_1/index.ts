/**
 * OCPI 2.1.1: every class and enum of the specification, by module, and the registry of all of
 * them by spec name (what `roamkit validate --type` and the endpoint table look names up in).
 */
import { AnyResponseEnvelope } from '../common/envelope.js';
import { collectSchemas } from '../common/registry.js';
import * as cdrs from './cdrs.js';
import * as commands from './commands.js';
import * as credentials from './credentials.js';
import * as locations from './locations.js';
import * as sessions from './sessions.js';
import * as tariffs from './tariffs.js';
import * as tokens from './tokens.js';
import * as types from './types.js';
import * as versions from './versions.js';

export const version = '2.1.1' as const;

export { cdrs, commands, credentials, locations, sessions, tariffs, tokens, types, versions };

/** Every class and enum of OCPI 2.1.1, keyed by its spec name. */
export const schemas = collectSchemas(
  types,
  locations,
  sessions,
  cdrs,
  tariffs,
  tokens,
  commands,
  credentials,
  versions,
  { AnyResponseEnvelope },
);
