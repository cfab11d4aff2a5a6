/**
 * Tokens, Sessions and CDRs join Locations and Tariffs in `ocpi_objects` and `deliveries`, and an
 * object may be addressed to one party only (`audience`).
 *
 * - The module CHECK constraints go: which modules exist is the code's business (the repositories
 *   refuse unknown ones), and a list in a CHECK would cost a table rebuild on SQLite for every
 *   module added. SQLite cannot drop a constraint, so it gets its tables rebuilt once, from the
 *   stored CREATE statement less that constraint (the rebuild SQLite's ALTER TABLE page describes:
 *   create the new table, copy, drop, rename, recreate the indexes).
 * - `audience`: the party an object is for, as `CC/PID` in upper case (null: everyone the module
 *   goes to). A Session or CDR belongs to the eMSP of the token used and no other party may see it.
 */
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

const TABLES = [
  { table: 'ocpi_objects', check: 'ocpi_objects_module_check' },
  { table: 'deliveries', check: 'deliveries_module_check' },
] as const;

/** The CREATE statement of `table` without the named CHECK constraint (SQLite keeps it verbatim). */
async function createWithout(db: Kysely<unknown>, table: string, check: string): Promise<string> {
  const found = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'table' and name = ${table}`.execute(db);
  const create = found.rows[0]?.sql;
  if (create === undefined) throw new Error(`no table ${table}`);
  const pattern = new RegExp(`,\\s*constraint\\s+"${check}"\\s+check\\s*\\(module in \\([^)]*\\)\\)`, 'i');
  if (!pattern.test(create)) throw new Error(`${table}: constraint ${check} not found in ${create}`);
  return create.replace(pattern, '');
}

async function rebuildSqlite(db: Kysely<unknown>, table: string, check: string): Promise<void> {
  const indexes = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null`.execute(
    db,
  );
  const create = (await createWithout(db, table, check)).replace(
    new RegExp(`^create table\\s+"?${table}"?`, 'i'),
    `create table "${table}_rebuilt"`,
  );
  await sql.raw(create).execute(db);
  await sql.raw(`insert into "${table}_rebuilt" select * from "${table}"`).execute(db);
  await sql.raw(`drop table "${table}"`).execute(db);
  await sql.raw(`alter table "${table}_rebuilt" rename to "${table}"`).execute(db);
  for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
}

export const m0003_more_object_modules: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    for (const { table, check } of TABLES) {
      if (postgres) await sql.raw(`alter table "${table}" drop constraint "${check}"`).execute(db);
      else await rebuildSqlite(db, table, check);
    }
    await db.schema.alterTable('ocpi_objects').addColumn('audience', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('ocpi_objects').dropColumn('audience').execute();
  },
};
