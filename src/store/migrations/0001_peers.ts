/**
 * Peers and node facts. Written against `Kysely<unknown>` on purpose: a migration is frozen
 * history and must not follow later changes to the application's table types. Only builder calls
 * both dialects compile (text columns, a CHECK, a partial unique index, which SQLite and
 * PostgreSQL both have), so one migration serves both.
 */
import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

export const m0001_peers: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('peers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('incoming_token_hash', 'text')
      .addColumn('outgoing_token', 'text')
      .addColumn('versions_url', 'text')
      .addColumn('version', 'text')
      .addColumn('endpoints', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('roles', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addCheckConstraint('peers_status_check', sql`status in ('INVITED', 'REGISTERED', 'UNREGISTERED')`)
      .execute();
    // The auth lookup on every request. Unique: one token identifies one peer. Partial, so the
    // many peers without a token (none yet, or cleared) do not crowd the index.
    await db.schema
      .createIndex('peers_incoming_token_hash_unique')
      .on('peers')
      .column('incoming_token_hash')
      .unique()
      .where(sql.ref('incoming_token_hash'), 'is not', null)
      .execute();

    await db.schema
      .createTable('node_meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('node_meta').execute();
    await db.schema.dropTable('peers').execute();
  },
};
