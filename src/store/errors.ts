/**
 * Errors the store throws, the same on both dialects. Driver errors are translated here because
 * they differ per dialect and because PostgreSQL's carry the failing row in `detail` (with the
 * token we present to a peer, in clear): the translated error keeps neither the driver error nor
 * any value, so logging it cannot leak a token.
 */

export class StoreError extends Error {
  override name = 'StoreError';
  /** The driver's error code (SQLite `SQLITE_…`, PostgreSQL SQLSTATE), when there was one. */
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

/** A write would give a unique column (e.g. `peers.incoming_token_hash`) a value another row holds. */
export class UniqueViolationError extends StoreError {
  override name = 'UniqueViolationError';
  constructor(
    readonly table: string,
    /** The column, when the driver says which; undefined otherwise. */
    readonly column: string | undefined,
    code: string,
  ) {
    super(`${table}: ${column ?? 'a unique column'} already holds this value in another row`, code);
  }
}

export class PeerNotFoundError extends StoreError {
  override name = 'PeerNotFoundError';
  constructor(readonly id: string) {
    super(`no peer with id ${JSON.stringify(id)}`);
  }
}

/** PostgreSQL constraint names → column (SQLite names the column in its message instead). */
const PG_UNIQUE_CONSTRAINTS: Record<string, string> = {
  peers_pkey: 'id',
  peers_incoming_token_hash_unique: 'incoming_token_hash',
  node_meta_pkey: 'key',
};

function field(err: object, key: string): string | undefined {
  const value = (err as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/** A driver error (better-sqlite3 or pg) as a StoreError with no row values; anything else unchanged. */
export function translateDriverError(err: unknown, table: string): unknown {
  if (!(err instanceof Error) || err instanceof StoreError) return err;
  const code = field(err, 'code');
  if (code === undefined) return err;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    // "UNIQUE constraint failed: peers.incoming_token_hash"
    const column = /failed: \w+\.(\w+)/.exec(err.message)?.[1];
    return new UniqueViolationError(table, column, code);
  }
  if (code === '23505') {
    const constraint = field(err, 'constraint');
    return new UniqueViolationError(table, constraint && PG_UNIQUE_CONSTRAINTS[constraint], code);
  }
  if (code.startsWith('SQLITE_') || /^[0-9A-Z]{5}$/.test(code)) {
    // The message names the constraint or problem, never the row (PostgreSQL puts that in `detail`).
    return new StoreError(`${table}: ${err.message}`, code);
  }
  return err;
}
