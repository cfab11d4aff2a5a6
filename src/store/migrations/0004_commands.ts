/**
 * Commands (the Commands module): one row per command, the ones we send (eMSP side, `SENT`) and
 * the ones peers send us (CPO side, `RECEIVED`), with the synchronous answer, the asynchronous
 * result and the final outcome. A received command's result is posted to the sender's
 * `response_url` from the same row (the `delivery_*`, `attempts`, `next_attempt_at` and lease
 * columns: an outbox with retries that survives a restart).
 *
 * Frozen history like 0001: `Kysely<unknown>`, builder calls both dialects compile; ordered text
 * columns in the "C" collation on PostgreSQL, as in 0002.
 */
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

export const m0004_commands: Migration = {
  async up(db: Kysely<unknown>) {
    const ordered = db.getExecutor().adapter instanceof PostgresAdapter ? sql`text collate "C"` : 'text';
    await db.schema
      .createTable('commands')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('side', 'text', (c) => c.notNull())
      // No foreign key: a command's record outlives the connection it went over.
      .addColumn('peer_id', ordered, (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('command', ordered, (c) => c.notNull())
      /** What the command is about, to find it again: a reservation_id, a session_id. */
      .addColumn('reference', ordered)
      .addColumn('request', 'text', (c) => c.notNull())
      .addColumn('state', ordered, (c) => c.notNull())
      .addColumn('response', 'text')
      .addColumn('result', 'text')
      .addColumn('outcome', 'text')
      .addColumn('error', 'text')
      .addColumn('deadline', ordered)
      .addColumn('delivery_state', ordered)
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', ordered)
      .addColumn('first_failure_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('locked_by', 'text')
      .addColumn('locked_until', ordered)
      .addColumn('created_at', ordered, (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('completed_at', 'text')
      .addCheckConstraint('commands_side_check', sql`side in ('SENT', 'RECEIVED')`)
      .addCheckConstraint('commands_state_check', sql`state in ('SENDING', 'WAITING', 'DONE')`)
      .addCheckConstraint(
        'commands_delivery_state_check',
        sql`delivery_state is null or delivery_state in ('PENDING', 'DELIVERED', 'FAILED')`,
      )
      .execute();
    // Commands whose result is overdue (the timeout sweep).
    await db.schema.createIndex('commands_deadline').on('commands').columns(['state', 'deadline']).execute();
    // The result outbox: due posts.
    await db.schema
      .createIndex('commands_due')
      .on('commands')
      .columns(['delivery_state', 'next_attempt_at'])
      .execute();
    // A peer's commands by what they are about (CANCEL_RESERVATION finds its RESERVE_NOW).
    await db.schema
      .createIndex('commands_reference')
      .on('commands')
      .columns(['peer_id', 'command', 'reference'])
      .execute();
    // Lists, newest first.
    await db.schema.createIndex('commands_list').on('commands').columns(['side', 'created_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('commands').execute();
  },
};
