/**
 * Opening a store: `openStore('sqlite:./data/roamkit.db')`, `openStore('sqlite::memory:')` or
 * `openStore('postgres://…', { schema })`. One Kysely `Database` and one set of repositories over
 * either dialect; only the connection set-up differs. Nothing is created until `migrate()`
 * (except the SQLite file and its folder).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresDialect,
  type SqliteDatabase,
  SqliteDialect,
  SqliteDriver,
  sql,
} from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { type CommandsTables, KyselyCommandRepository } from './commands.js';
import { KyselyDeliveryRepository } from './deliveries.js';
import { StoreError } from './errors.js';
import { KyselyNodeMetaRepository } from './meta.js';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, migrationProvider } from './migrations/index.js';
import { KyselyObjectRepository } from './objects.js';
import { KyselyPeerRepository } from './peers.js';
import type { RepositoryContext } from './repository.js';
import type { Database } from './schema.js';
import type { Store, StoreScope } from './types.js';
import { parseStoreUrl, type StoreLocation } from './url.js';

export interface OpenStoreOptions {
  /** PostgreSQL: keep the tables in this schema (created by `migrate()`); same as `?schema=` in the URL. */
  schema?: string;
  /** The clock for created_at/updated_at (tests pin it). */
  now?: () => Date;
  /** PostgreSQL: connections in the pool (default 10). */
  poolSize?: number;
  /** PostgreSQL: give up connecting after this long (default 5000 ms), so /health answers. */
  connectTimeoutMs?: number;
  /** SQLite: wait this long for another process's write lock before failing (default 5000 ms). */
  busyTimeoutMs?: number;
}

/**
 * `begin immediate` instead of Kysely's plain `begin`: the write lock is taken up front, under the
 * busy timeout. With a deferred `begin`, a transaction that reads and then writes while another
 * process (say `roamkit peers invite --db` beside a running node) writes fails at once with
 * SQLITE_BUSY instead of waiting. Within one process Kysely already runs one query at a time.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly database: SqliteDatabase) {
    super({ database });
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.database });
  }
}

/** Compiled statements kept per connection, by SQL text. */
const STATEMENT_CACHE_SIZE = 200;

/**
 * The connection as Kysely sees it, keeping compiled statements: Kysely prepares every query
 * anew, and compiling costs about as much as running most of ours (a list page's query: ~70 µs
 * to compile, ~200 µs to run). Kept by SQL text, least recently used out beyond the bound (the
 * texts of multi-row statements vary with their row count). Kysely runs one query at a time on
 * the connection, so no statement is used by two queries at once; SQLite recompiles a kept
 * statement itself after a schema change.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (statement !== undefined) {
        statements.delete(text);
      } else {
        statement = database.prepare(text);
        if (statements.size >= STATEMENT_CACHE_SIZE) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      }
      statements.set(text, statement);
      return statement;
    },
  };
}

function openSqlite(location: Extract<StoreLocation, { dialect: 'sqlite' }>, options: OpenStoreOptions) {
  if (!location.memory) mkdirSync(dirname(resolve(location.path)), { recursive: true });
  let database: BetterSqlite3.Database;
  try {
    database = new BetterSqlite3(location.path, { timeout: options.busyTimeoutMs ?? 5000 });
  } catch (err) {
    throw new StoreError(`cannot open SQLite database ${location.path}: ${(err as Error).message}`);
  }
  // WAL: readers never block the writer and vice versa (the node serving while the CLI reads);
  // it persists in the file. NORMAL sync is durable in WAL mode except for the last commits on
  // power loss, the usual trade. Foreign keys are off by default in SQLite, per connection.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(withStatementCache(database)) });
  // Kysely only closes a database it has used; close it ourselves in any case.
  return { db, release: () => database.open && database.close(), changeStamp: sqliteChangeStamp(database) };
}

/**
 * The change stamp of a SQLite connection: total_changes() counts the rows written through this
 * connection (never decreases: a rolled-back write still counts, which only costs a reuse) and
 * data_version changes when another connection (another process) commits. Read synchronously on
 * the connection itself, a microsecond, not queued behind Kysely: a stamp taken while a
 * transaction of this process is open counts its writes so far, and what is read after it waits
 * for that transaction's end, so it is never older than the stamp. A statement still stepping
 * (a streamed read) makes the connection refuse others: no stamp then.
 */
function sqliteChangeStamp(database: BetterSqlite3.Database): () => string | undefined {
  let statement: BetterSqlite3.Statement<[], { stamp: string }> | undefined;
  return () => {
    if (!database.open) return undefined;
    try {
      statement ??= database.prepare<[], { stamp: string }>(
        "select total_changes() || ':' || data_version as stamp from pragma_data_version",
      );
      return statement.get()?.stamp;
    } catch {
      return undefined;
    }
  };
}

function openPostgres(location: Extract<StoreLocation, { dialect: 'postgres' }>, options: OpenStoreOptions) {
  const pool = new pg.Pool({
    connectionString: location.connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    // Set at connection start-up, so every pooled connection sees only our schema (plain
    // identifier: parseStoreUrl admits [a-z_][a-z0-9_]* only).
    ...(location.schema ? { options: `-c search_path=${location.schema}` } : {}),
  });
  // An idle connection that dies (server restart) emits 'error' on the pool; unhandled, that
  // would crash the process. The pool drops the connection and the next query reconnects.
  pool.on('error', () => {});
  // No change stamp: PostgreSQL has no cheap exact one (a counter bumped by triggers would be
  // visible before the writing transaction's rows are, and serialise writers).
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    release: () => {},
    changeStamp: () => undefined,
  };
}

async function roundTrip(db: Kysely<Database>): Promise<boolean> {
  try {
    const result = await sql<{ ok: number }>`select 1 as ok`.execute(db);
    return Number(result.rows[0]?.ok) === 1;
  } catch {
    return false;
  }
}

/** A transaction in progress on this store's async path (see `SqlStore.transaction`). */
interface ActiveTransaction {
  finished: boolean;
}

export class SqlStore implements Store {
  readonly peers: KyselyPeerRepository;
  readonly meta: KyselyNodeMetaRepository;
  readonly objects: KyselyObjectRepository;
  readonly deliveries: KyselyDeliveryRepository;
  readonly commands: KyselyCommandRepository;
  #closed = false;
  readonly #now: () => Date;
  readonly #transactions = new AsyncLocalStorage<ActiveTransaction>();

  constructor(
    readonly dialect: 'sqlite' | 'postgres',
    /** The Kysely instance, for the store's own code and its tests; the platform uses repositories. */
    readonly db: Kysely<Database>,
    private readonly location: StoreLocation,
    private readonly release: () => void,
    now: () => Date = () => new Date(),
    private readonly stamp: () => string | undefined = () => undefined,
  ) {
    this.#now = now;
    const context: RepositoryContext = { now, assertUsable: () => this.#assertUsable() };
    this.peers = new KyselyPeerRepository(db, context);
    this.meta = new KyselyNodeMetaRepository(db, context);
    this.objects = new KyselyObjectRepository(db, context);
    this.deliveries = new KyselyDeliveryRepository(db, context, dialect);
    this.commands = new KyselyCommandRepository(db as unknown as Kysely<CommandsTables>, context, dialect);
  }

  #assertUsable(): void {
    if (this.#closed) throw new StoreError('store is closed');
    const active = this.#transactions.getStore();
    if (active && !active.finished) {
      throw new StoreError(
        'store used directly inside store.transaction(): use the tx argument (on SQLite this would wait forever)',
      );
    }
  }

  async transaction<T>(fn: (tx: StoreScope) => Promise<T>): Promise<T> {
    this.#assertUsable();
    // better-sqlite3 answers synchronously: queued transactions would run back to back without
    // the event loop ever reaching timers or sockets (a burst of writes stalls every HTTP request
    // and fires every timeout at once). One macrotask turn before each transaction lets it breathe.
    if (this.dialect === 'sqlite') await new Promise<void>((resolve) => setImmediate(resolve));
    return this.db.transaction().execute(async (trx) => {
      const active: ActiveTransaction = { finished: false };
      const context: RepositoryContext = {
        now: this.#now,
        assertUsable: () => {
          if (active.finished)
            throw new StoreError('transaction already finished: its tx can no longer be used');
        },
      };
      const scope: StoreScope = {
        dialect: this.dialect,
        peers: new KyselyPeerRepository(trx, context),
        meta: new KyselyNodeMetaRepository(trx, context),
        objects: new KyselyObjectRepository(trx, context),
        deliveries: new KyselyDeliveryRepository(trx, context, this.dialect),
        commands: new KyselyCommandRepository(
          trx as unknown as Kysely<CommandsTables>,
          context,
          this.dialect,
        ),
        ping: async () => {
          context.assertUsable();
          return roundTrip(trx);
        },
        changeStamp: () => (active.finished ? undefined : this.stamp()),
      };
      try {
        return await this.#transactions.run(active, () => fn(scope));
      } finally {
        active.finished = true;
      }
    });
  }

  async migrate(): Promise<void> {
    this.#assertUsable();
    let migrationTableSchema: string | undefined;
    if (this.location.dialect === 'postgres') {
      if (this.location.schema) await this.#createSchema(this.location.schema);
      // Kysely looks for its migration table in every schema unless told which one; name ours,
      // or a roamkit_migration in another schema (another node, another test run) would fool it.
      const current = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
        this.db,
      );
      migrationTableSchema = current.rows[0]?.schema ?? undefined;
      if (!migrationTableSchema) throw new StoreError('PostgreSQL: no current schema (check search_path)');
    }
    const migrator = new Migrator({
      db: this.db,
      provider: migrationProvider,
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: MIGRATION_LOCK_TABLE,
      ...(migrationTableSchema ? { migrationTableSchema } : {}),
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error !== undefined) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      const message = error instanceof Error ? error.message : String(error);
      throw new StoreError(`${failed ? `migration ${failed}` : 'migrating'} failed: ${message}`);
    }
  }

  async #createSchema(schema: string): Promise<void> {
    try {
      await sql`create schema if not exists ${sql.id(schema)}`.execute(this.db);
    } catch (err) {
      // Two processes creating the same schema at once: PostgreSQL's IF NOT EXISTS can still
      // fail with a duplicate; the schema exists then, which is all we wanted.
      const code = (err as { code?: unknown }).code;
      if (code !== '23505' && code !== '42P06') throw err;
    }
  }

  async ping(): Promise<boolean> {
    if (this.#closed) return false;
    return roundTrip(this.db);
  }

  changeStamp(): string | undefined {
    return this.#closed ? undefined : this.stamp();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.db.destroy();
    } finally {
      this.release();
    }
  }
}

/** Opens (does not migrate) the store at `url`: `sqlite:PATH`, `sqlite::memory:` or `postgres://…`. */
export function openStore(url: string, options: OpenStoreOptions = {}): SqlStore {
  const location = parseStoreUrl(url, options.schema === undefined ? {} : { schema: options.schema });
  const { db, release, changeStamp } =
    location.dialect === 'sqlite' ? openSqlite(location, options) : openPostgres(location, options);
  return new SqlStore(location.dialect, db, location, release, options.now, changeStamp);
}
