/**
 * The store contract on PostgreSQL, each store in a schema of its own (dropped afterwards), and
 * schema isolation. Skipped with one line when no PostgreSQL answers, unless CI=true.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openStore, type SqlStore } from '../../src/store/database.js';
import { storeContractSuite } from './contract-suite.js';
import { objectsContractSuite } from './objects-suite.js';
import { dropTestSchemas, newTestSchema, pgTestUrl, postgresTarget, whenPostgres } from './targets.js';

await whenPostgres('store on PostgreSQL', 'PostgreSQL store tests skipped', () => {
  storeContractSuite(postgresTarget());
  objectsContractSuite(postgresTarget());

  describe('PostgreSQL schemas', () => {
    const schemas: string[] = [];
    const stores: SqlStore[] = [];
    after(async () => {
      for (const store of stores) await store.close();
      await dropTestSchemas(schemas);
    });
    function open(schema: string, url = pgTestUrl): SqlStore {
      const store = url === pgTestUrl ? openStore(url, { schema }) : openStore(url);
      stores.push(store);
      return store;
    }

    it('migrate creates the schema and puts every table in it, and only there', async () => {
      const schema = newTestSchema('iso');
      schemas.push(schema);
      const store = open(schema);
      await store.migrate();
      const tables = await sql<{ table_schema: string; table_name: string }>`
        select table_schema, table_name from information_schema.tables
        where table_name in ('peers', 'node_meta', 'roamkit_migration', 'roamkit_migration_lock')
          and table_schema in (${schema}, 'public')
        order by table_name`.execute(store.db);
      assert.deepEqual(tables.rows, [
        { table_schema: schema, table_name: 'node_meta' },
        { table_schema: schema, table_name: 'peers' },
        { table_schema: schema, table_name: 'roamkit_migration' },
        { table_schema: schema, table_name: 'roamkit_migration_lock' },
      ]);
    });

    it('stores in different schemas do not see each other; ?schema= in the URL is the same as the option', async () => {
      const one = newTestSchema('one');
      const two = newTestSchema('two');
      schemas.push(one, two);
      const a = open(one);
      const b = open(two);
      await a.migrate();
      await b.migrate();
      await a.peers.create({ name: 'only in one', status: 'INVITED' });
      assert.deepEqual(await b.peers.list(), []);
      const url = new URL(pgTestUrl);
      url.searchParams.set('schema', one);
      const viaUrl = open(one, url.toString());
      await viaUrl.migrate();
      assert.deepEqual(
        (await viaUrl.peers.list()).map((p) => p.name),
        ['only in one'],
      );
    });
  });
});
