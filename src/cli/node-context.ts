/**
 * What commands acting on a node's database (`--db`) need: the store, opened and migrated, and the
 * node's configuration as `roamkit serve` last recorded it in `node_meta` (its public URL,
 * parties, versions and settings), so a command run beside the node behaves as the node would.
 */
import { existsSync } from 'node:fs';
import { ConfigError, type NodeConfig, validateNodeConfig } from '../platform/config.js';
import { openStore, type SqlStore } from '../store/database.js';
import { DEFAULT_SQLITE_PATH, parseStoreUrl, StoreUrlError } from '../store/url.js';
import { InputError } from './read-documents.js';
import { META_KEYS } from './serve.js';

/** The database URL from `--db`, else ROAMKIT_DB, else the default SQLite file. */
export function databaseUrl(
  db: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const given = db?.trim() || env.ROAMKIT_DB?.trim();
  return given === undefined || given === '' ? `sqlite:${DEFAULT_SQLITE_PATH}` : given;
}

/**
 * Refuses a database a command acting on a node must not create: a typo in a path would give an
 * empty node, and an in-memory database belongs to one process.
 */
export function checkNodeDatabase(url: string, command: string): void {
  let location: ReturnType<typeof parseStoreUrl>;
  try {
    location = parseStoreUrl(url);
  } catch (error) {
    if (error instanceof StoreUrlError) throw new InputError(`roamkit ${command}: --db: ${error.message}`);
    throw error;
  }
  if (location.dialect === 'sqlite' && (location.memory || !existsSync(location.path))) {
    throw new InputError(
      location.memory
        ? `roamkit ${command}: --db: an in-memory database belongs to one process; give the database of the node`
        : `roamkit ${command}: --db: no database at ${location.path} (start \`roamkit serve --db ${url}\` first)`,
    );
  }
}

/** Opens and migrates the store at `url`. */
export async function openNodeStore(url: string): Promise<SqlStore> {
  const store = openStore(url);
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/**
 * The node's configuration recorded in the store; an InputError (usage, exit 2) when no node has
 * served this database yet or what it recorded is unusable.
 */
export async function recordedNodeConfig(store: SqlStore): Promise<NodeConfig> {
  const keys = Object.values(META_KEYS);
  const values = await Promise.all(keys.map((key) => store.meta.get(key)));
  const recorded = Object.fromEntries(keys.map((key, i) => [key, values[i]]));
  if (recorded[META_KEYS.publicUrl] === undefined) {
    throw new InputError(
      'no node has served this database yet (no public URL recorded): run `roamkit serve` with this --db first',
    );
  }
  try {
    return validateNodeConfig({
      publicUrl: recorded[META_KEYS.publicUrl],
      parties: recorded[META_KEYS.parties],
      versions: recorded[META_KEYS.versions],
      dev: recorded[META_KEYS.dev],
      ...(recorded[META_KEYS.pagination] === undefined ? {} : { pagination: recorded[META_KEYS.pagination] }),
      ...(recorded[META_KEYS.delivery] === undefined ? {} : { delivery: recorded[META_KEYS.delivery] }),
      ...(recorded[META_KEYS.sync] === undefined ? {} : { sync: recorded[META_KEYS.sync] }),
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new InputError(`the node settings recorded in this database are unusable (${error.message})`);
  }
}

/** Runs `fn` with the node's store and recorded configuration; closes the store after. */
export async function withNodeStore<T>(
  url: string,
  fn: (store: SqlStore, config: NodeConfig) => Promise<T>,
): Promise<T> {
  const store = await openNodeStore(url);
  try {
    return await fn(store, await recordedNodeConfig(store));
  } finally {
    await store.close();
  }
}
