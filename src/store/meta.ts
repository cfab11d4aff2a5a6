/** NodeMetaRepository over Kysely: JSON values by key (see types.ts). */
import type { Kysely } from 'kysely';
import { StoreError, translateDriverError } from './errors.js';
import type { RepositoryContext } from './peers.js';
import { type Database, toDbTime } from './schema.js';
import type { NodeMetaRepository } from './types.js';

export class KyselyNodeMetaRepository implements NodeMetaRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly context: RepositoryContext,
  ) {}

  private async run<T>(query: () => Promise<T>): Promise<T> {
    this.context.assertUsable();
    try {
      return await query();
    } catch (err) {
      throw translateDriverError(err, 'node_meta');
    }
  }

  async get(key: string): Promise<unknown> {
    const row = await this.run(() =>
      this.db.selectFrom('node_meta').select('value').where('key', '=', key).executeTakeFirst(),
    );
    if (!row) return undefined;
    try {
      return JSON.parse(row.value);
    } catch {
      throw new StoreError(`node_meta ${JSON.stringify(key)} holds invalid JSON`);
    }
  }

  async set(key: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`node_meta ${JSON.stringify(key)}: value is not JSON`);
    const updatedAt = toDbTime(this.context.now());
    // ON CONFLICT … DO UPDATE: the same upsert syntax in SQLite (3.24+) and PostgreSQL (9.5+).
    await this.run(() =>
      this.db
        .insertInto('node_meta')
        .values({ key, value: text, updated_at: updatedAt })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: text, updated_at: updatedAt }))
        .execute(),
    );
  }

  async delete(key: string): Promise<boolean> {
    const result = await this.run(() =>
      this.db.deleteFrom('node_meta').where('key', '=', key).executeTakeFirst(),
    );
    return result.numDeletedRows > 0n;
  }
}
