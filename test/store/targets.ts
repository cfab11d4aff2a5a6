/**
 * Where store tests (and any other suite needing a database) get a fresh, isolated database:
 * SQLite in memory or in a temp file, PostgreSQL in a schema of its own that `cleanup()` drops.
 * PostgreSQL: `ROAMKIT_TEST_PG_URL` or postgres://postgres@127.0.0.1:5432/postgres.
 */

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import pg from 'pg';
import { type OpenStoreOptions, openStore, type SqlStore } from '../../src/store/database.js';
import { redactStoreUrl } from '../../src/store/url.js';

export const pgTestUrl = process.env.ROAMKIT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** With CI=true PostgreSQL must be there: tests fail instead of skipping. */
export const pgRequired = process.env.CI === 'true';

/** Undefined when PostgreSQL answers at pgTestUrl; otherwise why not (one line, no password). */
export async function pgUnreachableReason(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: pgTestUrl, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return `PostgreSQL not reachable at ${redactStoreUrl(pgTestUrl)} (${(err as Error).message || (err as { code?: string }).code})`;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Probes PostgreSQL once for a suite. `unreachable`: why it does not answer (undefined when it does).
 * `skip`: the tests' skip option, `${unreachable}: ${what}` when it does not answer and CI=true does
 * not require it, else false (then a test fails on `unreachable` instead of skipping).
 */
export async function pgAvailability(
  what = 'skipped',
): Promise<{ unreachable: string | undefined; skip: string | false }> {
  const unreachable = await pgUnreachableReason();
  return { unreachable, skip: unreachable !== undefined && !pgRequired ? `${unreachable}: ${what}` : false };
}

/**
 * Declares `suite` (the PostgreSQL tests) when PostgreSQL answers; otherwise one test in its place:
 * `name`, skipped with `${reason}: ${what}`, or, when CI=true requires PostgreSQL, one that fails.
 */
export async function whenPostgres(name: string, what: string, suite: () => void): Promise<void> {
  const { unreachable, skip } = await pgAvailability(what);
  if (skip) it(name, { skip }, () => {});
  else if (unreachable) it('PostgreSQL is reachable (required with CI=true)', () => assert.fail(unreachable));
  else suite();
}

/** A schema name no other run uses (lowercase identifier, under 63 characters). */
export function newTestSchema(label = 'store'): string {
  return `roamkit_test_${label}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function dropTestSchemas(schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: pgTestUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

export type StoreOpener = (options?: Omit<OpenStoreOptions, 'schema'>) => SqlStore;

/** One kind of database the contract suite runs on. */
export interface StoreTarget {
  label: string;
  /** Whether a second store opened on the same location sees the first one's data. */
  persistent: boolean;
  /** A new, empty location; the returned function opens (again) a store on it. Not migrated. */
  fresh(): StoreOpener;
  /** Removes every location `fresh` made. */
  cleanup(): Promise<void>;
}

export function sqliteMemoryTarget(): StoreTarget {
  return {
    label: 'SQLite :memory:',
    persistent: false,
    fresh: () => (options) => openStore('sqlite::memory:', options),
    cleanup: async () => {},
  };
}

export function sqliteFileTarget(): StoreTarget {
  const dir = mkdtempSync(join(tmpdir(), 'roamkit-store-'));
  let n = 0;
  return {
    label: 'SQLite file',
    persistent: true,
    fresh: () => {
      const url = `sqlite:${join(dir, `db-${++n}`, 'roamkit.db')}`;
      return (options) => openStore(url, options);
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function postgresTarget(): StoreTarget {
  const schemas: string[] = [];
  return {
    label: 'PostgreSQL',
    persistent: true,
    fresh: () => {
      const schema = newTestSchema();
      schemas.push(schema);
      return (options) => openStore(pgTestUrl, { ...options, schema });
    },
    cleanup: () => dropTestSchemas(schemas.splice(0)),
  };
}

/** A clock the test moves by hand, from `start`. */
export function manualClock(start: string) {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/**
 * Call inside a suite on `target`: a function that opens a fresh, migrated store with the given
 * clock, and its opener (to reopen that location). Every store either opens is closed, and the
 * target cleaned up, after the suite.
 */
export function freshStores(
  target: StoreTarget,
): (now: () => Date) => Promise<{ store: SqlStore; open: StoreOpener }> {
  const opened: SqlStore[] = [];
  after(async () => {
    for (const store of opened) await store.close();
    await target.cleanup();
  });
  return async (now) => {
    const location = target.fresh();
    const open: StoreOpener = (options) => {
      const store = location(options);
      opened.push(store);
      return store;
    };
    const store = open({ now });
    await store.migrate();
    return { store, open };
  };
}
