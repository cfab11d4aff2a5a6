/**
 * Every migration, by name, in order. A static list rather than Kysely's FileMigrationProvider:
 * the compiled code runs from dist/ (and may be bundled), where scanning a folder is fragile.
 * Names sort in application order; never rename or edit one that has shipped, add a new one.
 */
import type { Migration, MigrationProvider } from 'kysely/migration';
import { m0001_peers } from './0001_peers.js';
import { m0002_objects_deliveries } from './0002_objects_deliveries.js';
import { m0003_more_object_modules } from './0003_more_object_modules.js';
import { m0004_commands } from './0004_commands.js';
import { m0005_command_kinds } from './0005_command_kinds.js';

export const migrations: Readonly<Record<string, Migration>> = {
  '0001_peers': m0001_peers,
  '0002_objects_deliveries': m0002_objects_deliveries,
  '0003_more_object_modules': m0003_more_object_modules,
  '0004_commands': m0004_commands,
  '0005_command_kinds': m0005_command_kinds,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...migrations }),
};

/** Where Kysely records applied migrations (own names, so a database shared with another Kysely app does not mix). */
export const MIGRATION_TABLE = 'roamkit_migration';
export const MIGRATION_LOCK_TABLE = 'roamkit_migration_lock';
