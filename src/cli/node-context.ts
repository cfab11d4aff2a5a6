/**
 * What commands acting on a node need:
 * - on its database (`--db`): the store, opened and migrated, and the node's configuration as
 *   `roamkit serve` last recorded it in `node_meta` (its public URL, parties, versions and
 *   settings), so a command run beside the node behaves as the node would;
 * - for the commands that act either on its database or through its admin API (`roamkit peers`,
 *   `roamkit outbox`): the choice of that target (resolveTarget) and running on it (withTarget).
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, type NodeConfig, validateNodeConfig } from '../platform/config.js';
import { openStore, type SqlStore } from '../store/database.js';
import { StoreError } from '../store/errors.js';
import { DEFAULT_SQLITE_PATH, parseStoreUrl, redactStoreUrl, StoreUrlError } from '../store/url.js';
import { NodeAccessError, warnIfPlainHttp } from './admin-client.js';
import { InputError } from './read-documents.js';
import { META_KEYS } from './serve.js';

/** The environment the commands read (ROAMKIT_DB, ROAMKIT_ADMIN_URL, ROAMKIT_ADMIN_TOKEN, …). */
export type Env = Readonly<Record<string, string | undefined>>;

/** The database URL from `--db`, else ROAMKIT_DB, else the default SQLite file. */
export function databaseUrl(db: string | undefined, env: Env): string {
  const given = db?.trim() || env.ROAMKIT_DB?.trim();
  return given === undefined || given === '' ? `sqlite:${DEFAULT_SQLITE_PATH}` : given;
}

/**
 * Refuses a database a command acting on a node must not create: a typo in a path would give an
 * empty node, and an in-memory database belongs to one process.
 */
export function checkNodeDatabase(url: string, command: string): void {
  refuseNewDatabase(url, `roamkit ${command}: --db`, 'give the database of the node');
}

/** checkNodeDatabase for the commands that can also act through the node's admin API instead. */
export function checkTargetDatabase(url: string): void {
  refuseNewDatabase(url, '--db', "use the running node's --url instead");
}

function refuseNewDatabase(url: string, prefix: string, instead: string): void {
  let location: ReturnType<typeof parseStoreUrl>;
  try {
    location = parseStoreUrl(url);
  } catch (error) {
    if (error instanceof StoreUrlError) throw new InputError(`${prefix}: ${error.message}`);
    throw error;
  }
  if (location.dialect === 'sqlite' && (location.memory || !existsSync(location.path))) {
    throw new InputError(
      location.memory
        ? `${prefix}: an in-memory database belongs to one process; ${instead}`
        : `${prefix}: no database at ${location.path} (start \`roamkit serve --db ${url}\` first)`,
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
      ...(recorded[META_KEYS.authorization] === undefined
        ? {}
        : { authorization: recorded[META_KEYS.authorization] }),
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

// ---------------------------------------------------------------------------------------------
// A node's database or its admin API.

/** The flags that say which node a command acts on (see targetOptions). */
export interface TargetOptions {
  db?: string;
  url?: string;
  adminToken?: string;
}

/** Where the commands acting on a database or an admin API write, and what they read (tests). */
export interface TargetIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env?: Env;
  /** The admin API client's fetch (tests). */
  fetch?: typeof fetch;
}

export type Target = { kind: 'admin'; url: string; adminToken: string } | { kind: 'db'; db: string };

/**
 * Where the command acts, from its flags and the environment; a usage error when unclear:
 * `--url` or `--db`; else ROAMKIT_ADMIN_URL or ROAMKIT_DB; else the default SQLite file of
 * `roamkit serve` when it exists (it is never created here).
 */
export function resolveTarget(options: TargetOptions, env: Env): Target {
  const nonEmpty = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
  if (options.url !== undefined && options.db !== undefined) {
    throw new InputError("give either --db (the node's database) or --url (its admin API), not both");
  }
  const url =
    nonEmpty(options.url) ?? (options.db === undefined ? nonEmpty(env.ROAMKIT_ADMIN_URL) : undefined);
  if (url !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InputError(
        `--url: '${url}' is not a URL (use the node's base URL, e.g. http://127.0.0.1:8080)`,
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new InputError('--url: use an http:// or https:// URL');
    }
    const adminToken = nonEmpty(options.adminToken) ?? nonEmpty(env.ROAMKIT_ADMIN_TOKEN);
    if (adminToken === undefined) {
      throw new InputError('--url needs the admin token: --admin-token T or ROAMKIT_ADMIN_TOKEN');
    }
    return { kind: 'admin', url: parsed.href, adminToken };
  }
  const explicit = nonEmpty(options.db) ?? nonEmpty(env.ROAMKIT_DB);
  if (explicit !== undefined) return { kind: 'db', db: explicit };
  if (existsSync(DEFAULT_SQLITE_PATH)) return { kind: 'db', db: `sqlite:${DEFAULT_SQLITE_PATH}` };
  throw new InputError(
    `say which node: --db sqlite:PATH|postgres://… (its database) or --url URL --admin-token T (its admin API); no ${DEFAULT_SQLITE_PATH} here`,
  );
}

/** Adds the flags of TargetOptions to `command`. */
export function targetOptions(command: Command): Command {
  return command
    .option('--db <url>', "act on the node's database: sqlite:PATH or postgres://… (env ROAMKIT_DB)")
    .option(
      '--url <url>',
      "act through a running node's admin API, e.g. http://127.0.0.1:8080 (env ROAMKIT_ADMIN_URL)",
    )
    .option('--admin-token <token>', 'the admin token, with --url (env ROAMKIT_ADMIN_TOKEN)');
}

/** How a command's actions are made on either kind of target. */
export interface TargetActions<A> {
  /** Over the admin API at `url` (the node's URL, without /admin). */
  admin: (url: string, adminToken: string, options: { fetch?: typeof fetch }) => A;
  /** On the node's store, opened and migrated. */
  database: (store: SqlStore) => A | Promise<A>;
}

/**
 * Runs `fn` with the command's actions on `target`: warns before the admin token goes over plain
 * http beyond loopback; opens (never creates) and closes the store for `--db`.
 */
export async function withTarget<A, T>(
  target: Target,
  io: TargetIo,
  actions: TargetActions<A>,
  fn: (actions: A) => Promise<T>,
): Promise<T> {
  if (target.kind === 'admin') {
    warnIfPlainHttp(target.url, io.err);
    return fn(actions.admin(target.url, target.adminToken, io.fetch ? { fetch: io.fetch } : {}));
  }
  checkTargetDatabase(target.db);
  let store: SqlStore;
  try {
    store = await openNodeStore(target.db);
  } catch (error) {
    const reason = error instanceof StoreError ? error.message : (error as Error).message;
    throw new NodeAccessError(`cannot use the database ${redactStoreUrl(target.db)}: ${reason}`);
  }
  try {
    return await fn(await actions.database(store));
  } finally {
    await store.close();
  }
}

/** A command's own error as it reports it: the message, and whether it was bad input (exit 2). */
export interface OwnFailure {
  message: string;
  badInput: boolean;
}

/**
 * A failure of a command acting on a target, on stderr after `prefix` (`roamkit peers list`): its
 * own errors as `own` words them (exit 2 for bad input, else 1), NodeAccessError as it is (exit
 * 1); anything else is rethrown. Returns the exit code.
 */
export function reportFailure(
  error: unknown,
  prefix: string,
  io: TargetIo,
  own: (error: unknown) => OwnFailure | undefined,
): number {
  const failure = own(error);
  if (failure !== undefined) {
    io.err(`${prefix}: ${failure.message}`);
    return failure.badInput ? 2 : 1;
  }
  if (error instanceof NodeAccessError) {
    io.err(`${prefix}: ${error.message}`);
    return 1;
  }
  throw error;
}

/** `field: …` as `--flag: …`: an error about an input field names the flag the user gave instead. */
export function namingFlag(message: string, field: string | undefined, flag: string | undefined): string {
  return field !== undefined && flag !== undefined && message.startsWith(`${field}:`)
    ? `${flag}:${message.slice(field.length + 1)}`
    : message;
}
