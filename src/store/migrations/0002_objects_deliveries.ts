/**
 * OCPI objects (ours and peers' Locations/Tariffs) and the delivery state of ours per peer.
 * Frozen history like 0001: `Kysely<unknown>`, builder calls both dialects compile.
 *
 * One dialect difference on purpose: on PostgreSQL the text columns that are ordered or compared
 * with `<`/`>` (object keys, timestamps) use the "C" collation. SQLite compares text bytewise
 * (BINARY); PostgreSQL would use the database's locale, where e.g. 'b' < 'B' < 'c' and
 * punctuation may be ignored. With "C" both order the same way (UTF-8 bytes = code points), so
 * list order, keyset pages and time comparisons agree across dialects, and the indexes are cheaper.
 */
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

export const m0002_objects_deliveries: Migration = {
  async up(db: Kysely<unknown>) {
    const ordered = db.getExecutor().adapter instanceof PostgresAdapter ? sql`text collate "C"` : 'text';

    await db.schema
      .createTable('ocpi_objects')
      .addColumn('module', ordered, (c) => c.notNull())
      .addColumn('country_code', ordered, (c) => c.notNull())
      .addColumn('party_id', ordered, (c) => c.notNull())
      .addColumn('id', ordered, (c) => c.notNull())
      // Null: ours. No foreign key: objects a peer sent stay ours to serve after it leaves.
      .addColumn('peer_id', ordered)
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('previous_revision', 'integer')
      .addColumn('previous_data', 'text')
      .addColumn('last_updated', ordered, (c) => c.notNull())
      // When the row was first inserted (store clock); later puts and deletes leave it alone.
      .addColumn('created_at', ordered, (c) => c.notNull())
      .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('published', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ocpi_objects_pkey', ['module', 'country_code', 'party_id', 'id'])
      .addCheckConstraint('ocpi_objects_module_check', sql`module in ('locations', 'tariffs')`)
      .addCheckConstraint('ocpi_objects_deleted_check', sql`deleted in (0, 1)`)
      .addCheckConstraint('ocpi_objects_published_check', sql`published in (0, 1)`)
      .execute();
    // The sender list (module, ours, in creation order then key). Creation order, not
    // last_updated: an object updated while a client crawls the pages keeps its place, so no other
    // object shifts onto a page already read. Peers' date ranges (last_updated) are tested on the
    // index entries. Covering for the list page's heads and its count: the filter columns
    // (deleted, published, last_updated) and the head's (revision, updated_at) follow the order
    // columns, so neither query reads a table row; the documents are read by key for the objects
    // not in the conversion cache only.
    await db.schema
      .createIndex('ocpi_objects_list')
      .on('ocpi_objects')
      .columns([
        'module',
        'peer_id',
        'created_at',
        'country_code',
        'party_id',
        'id',
        'deleted',
        'published',
        'last_updated',
        'revision',
        'updated_at',
      ])
      .execute();
    // The count of that list (X-Total-Count): every column it filters on by equality first, so
    // counting is a range of index entries with nothing to test per entry. The list itself stays
    // on the index above (its order), and a count with a date range too.
    await db.schema
      .createIndex('ocpi_objects_count')
      .on('ocpi_objects')
      .columns(['module', 'peer_id', 'deleted', 'country_code', 'party_id', 'published'])
      .execute();

    await db.schema
      .createTable('deliveries')
      .addColumn('peer_id', 'text', (c) => c.notNull().references('peers.id').onDelete('cascade'))
      .addColumn('module', ordered, (c) => c.notNull())
      .addColumn('country_code', ordered, (c) => c.notNull())
      .addColumn('party_id', ordered, (c) => c.notNull())
      .addColumn('object_id', ordered, (c) => c.notNull())
      .addColumn('pending_revision', 'integer', (c) => c.notNull())
      .addColumn('acked_revision', 'integer')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('force_put', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', ordered, (c) => c.notNull())
      .addColumn('first_failure_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('locked_by', 'text')
      .addColumn('locked_until', ordered)
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('deliveries_pkey', [
        'peer_id',
        'module',
        'country_code',
        'party_id',
        'object_id',
      ])
      .addCheckConstraint('deliveries_state_check', sql`state in ('PENDING', 'PARKED', 'REFUSED', 'DONE')`)
      .addCheckConstraint('deliveries_module_check', sql`module in ('locations', 'tariffs')`)
      .addCheckConstraint('deliveries_force_put_check', sql`force_put in (0, 1)`)
      .execute();
    // The worker's poll: due rows of one state, oldest first.
    await db.schema
      .createIndex('deliveries_due')
      .on('deliveries')
      .columns(['state', 'next_attempt_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('deliveries').execute();
    await db.schema.dropTable('ocpi_objects').execute();
  },
};
