/**
 * The commands table also holds the requests of the Charging Profiles module (set, get and clear
 * a session's profile, and our pushes of a session's ActiveChargingProfile): the same life (a
 * request, a synchronous answer, an asynchronous result, an outcome) and the same outbox (a
 * result posted to a `response_url`, retried). `kind` says which module a row belongs to, so each
 * module's worker claims and times out only its own rows (a result body is module-specific).
 *
 * Existing rows are commands. Frozen history like 0001: `Kysely<unknown>`, builder calls both
 * dialects compile; an ordered text column in the "C" collation on PostgreSQL, as in 0004.
 */
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

export const m0005_command_kinds: Migration = {
  async up(db: Kysely<unknown>) {
    const ordered = db.getExecutor().adapter instanceof PostgresAdapter ? sql`text collate "C"` : 'text';
    await db.schema
      .alterTable('commands')
      .addColumn('kind', ordered, (c) => c.notNull().defaultTo('commands'))
      .execute();
    // The outbox of each kind: its due posts (replaces the index over every kind).
    await db.schema.dropIndex('commands_due').execute();
    await db.schema
      .createIndex('commands_kind_due')
      .on('commands')
      .columns(['kind', 'delivery_state', 'next_attempt_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('commands_kind_due').execute();
    await db.schema
      .createIndex('commands_due')
      .on('commands')
      .columns(['delivery_state', 'next_attempt_at'])
      .execute();
    await db.schema.alterTable('commands').dropColumn('kind').execute();
  },
};
