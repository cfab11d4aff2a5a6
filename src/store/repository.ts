/**
 * What every repository shares: the Kysely handle it runs on (the root, or a transaction), the
 * store's clock and usability check, and one way to run a query.
 */
import type { Kysely } from 'kysely';
import { translateDriverError } from './errors.js';
import type { Database } from './schema.js';

/** What a repository needs besides the database: the clock, and a check run before each call. */
export interface RepositoryContext {
  now: () => Date;
  /** Throws when this handle must not be used right now (see `Store.transaction`). */
  assertUsable: () => void;
}

export abstract class KyselyRepository {
  constructor(
    protected readonly db: Kysely<Database>,
    protected readonly context: RepositoryContext,
    /** The table named in rewrapped driver errors. */
    private readonly table: string,
  ) {}

  /** Runs one query: the handle is checked first, driver errors rewrapped without row values. */
  protected async run<T>(query: () => Promise<T>): Promise<T> {
    this.context.assertUsable();
    try {
      return await query();
    } catch (err) {
      throw translateDriverError(err, this.table);
    }
  }
}
