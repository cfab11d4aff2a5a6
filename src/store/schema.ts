/**
 * The tables as Kysely sees them: one interface for both dialects. Every column is a type both
 * databases store and return the same way through their drivers:
 * - timestamps are ISO 8601 text in UTC with milliseconds (`Date#toISOString`, fixed width), so
 *   both drivers return the same string, text order is time order, and no driver-specific date
 *   parsing (pg's timestamptz → Date vs SQLite's text) or time zone setting can shift a value;
 * - JSON is text (`JSON.stringify`), because SQLite has no JSON type and pg would return jsonb
 *   already parsed: one encode/decode path instead of two. Nothing queries inside these values.
 */
import type { CommandsTable } from './commands.js';
import type { DeliveryState, ObjectModule, PeerStatus } from './types.js';

export interface PeersTable {
  id: string;
  name: string | null;
  status: PeerStatus;
  incoming_token_hash: string | null;
  outgoing_token: string | null;
  versions_url: string | null;
  version: string | null;
  /** JSON array of canonical endpoints. */
  endpoints: string;
  /** JSON array of canonical CredentialsRole objects. */
  roles: string;
  created_at: string;
  updated_at: string;
}

export interface NodeMetaTable {
  key: string;
  /** JSON value. */
  value: string;
  updated_at: string;
}

/** Locations and tariffs, ours (peer_id null) and peers'. Booleans are integers 0/1 in both dialects. */
export interface OcpiObjectsTable {
  module: ObjectModule;
  country_code: string;
  party_id: string;
  id: string;
  peer_id: string | null;
  revision: number;
  /** JSON object: the canonical document. */
  data: string;
  previous_revision: number | null;
  /** JSON object: the live document at previous_revision. */
  previous_data: string | null;
  last_updated: string;
  /** When the row was first inserted; never changed afterwards. The Sender list's order. */
  created_at: string;
  deleted: number;
  published: number;
  updated_at: string;
  /** `CC/PID` (upper case) of the one party the object is for; null: every peer of the module. */
  audience: string | null;
}

/** One row per peer × our object: what is owed, what was acknowledged, and the worker's lease. */
export interface DeliveriesTable {
  peer_id: string;
  module: ObjectModule;
  country_code: string;
  party_id: string;
  object_id: string;
  pending_revision: number;
  acked_revision: number | null;
  state: DeliveryState;
  force_put: number;
  attempts: number;
  next_attempt_at: string;
  first_failure_at: string | null;
  last_error: string | null;
  locked_by: string | null;
  locked_until: string | null;
  updated_at: string;
}

export interface Database {
  peers: PeersTable;
  node_meta: NodeMetaTable;
  ocpi_objects: OcpiObjectsTable;
  deliveries: DeliveriesTable;
  commands: CommandsTable;
}

/** A Date as stored: ISO 8601 UTC with milliseconds, always 24 characters for years 0000–9999. */
export function toDbTime(date: Date): string {
  return date.toISOString();
}

export function fromDbTime(value: string, column: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new TypeError(`${column} holds no valid timestamp`);
  return date;
}
