/** NodeMetaRepository over Kysely: JSON values by key (see types.ts). */
import type { Kysely } from 'kysely';
import { StoreError } from './errors.js';
import { KyselyRepository, type RepositoryContext } from './repository.js';
import { type Database, toDbTime } from './schema.js';
import type { NodeMetaRepository } from './types.js';

export class KyselyNodeMetaRepository extends KyselyRepository implements NodeMetaRepository {
  constructor(db: Kysely<Database>, context: RepositoryContext) {
    super(db, context, 'node_meta');
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
