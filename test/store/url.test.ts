/** Database URLs (pure) and what openStore does with bad ones or an unreachable server. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStore } from '../../src/store/database.js';
import { DEFAULT_SQLITE_PATH, parseStoreUrl, redactStoreUrl, StoreUrlError } from '../../src/store/url.js';

describe('parseStoreUrl', () => {
  it('reads sqlite: URLs, the default file and :memory:', () => {
    assert.deepEqual(parseStoreUrl('sqlite:./x/y.db'), {
      dialect: 'sqlite',
      path: './x/y.db',
      memory: false,
    });
    assert.deepEqual(parseStoreUrl('sqlite:///abs/y.db'), {
      dialect: 'sqlite',
      path: '/abs/y.db',
      memory: false,
    });
    assert.deepEqual(parseStoreUrl('sqlite:'), {
      dialect: 'sqlite',
      path: DEFAULT_SQLITE_PATH,
      memory: false,
    });
    assert.equal(DEFAULT_SQLITE_PATH, './data/roamkit.db');
    assert.deepEqual(parseStoreUrl('sqlite::memory:'), { dialect: 'sqlite', path: ':memory:', memory: true });
  });

  it('reads postgres URLs, taking the schema from ?schema= or the option', () => {
    assert.deepEqual(parseStoreUrl('postgres://u:p@db.example:5433/roam'), {
      dialect: 'postgres',
      connectionString: 'postgres://u:p@db.example:5433/roam',
      schema: undefined,
    });
    assert.deepEqual(parseStoreUrl('postgresql://u@h/d?schema=node_a&sslmode=require'), {
      dialect: 'postgres',
      connectionString: 'postgresql://u@h/d?sslmode=require',
      schema: 'node_a',
    });
    assert.equal(parseStoreUrl('postgres://u@h/d', { schema: 'x1' }).dialect, 'postgres');
    assert.deepEqual(parseStoreUrl('postgres://u@h/d?schema=x1', { schema: 'x1' }), {
      dialect: 'postgres',
      connectionString: 'postgres://u@h/d',
      schema: 'x1',
    });
  });

  it('refuses what it cannot use, naming the problem and never the password', () => {
    assert.throws(() => parseStoreUrl('./data/roamkit.db'), /unsupported database URL.*sqlite:PATH/);
    assert.throws(
      () => parseStoreUrl('mysql://u:hunter2@h/d'),
      (err: unknown) => {
        assert.ok(err instanceof StoreUrlError);
        assert.ok(!err.message.includes('hunter2'));
        return true;
      },
    );
    assert.throws(() => parseStoreUrl('postgres://u@h/d?schema=Bad-Name'), /lowercase SQL identifier/);
    assert.throws(
      () => parseStoreUrl('postgres://u@h/d', { schema: 'x"; drop table peers; --' }),
      StoreUrlError,
    );
    assert.throws(() => parseStoreUrl('postgres://u@h/d?schema=a', { schema: 'b' }), /two different schemas/);
    assert.throws(() => parseStoreUrl('sqlite::memory:', { schema: 'a' }), /PostgreSQL only/);
  });

  it('redacts passwords', () => {
    assert.equal(redactStoreUrl('postgres://u:s3cret@h:5432/d'), 'postgres://u:***@h:5432/d');
    assert.equal(redactStoreUrl('postgres://u@h/d'), 'postgres://u@h/d');
    assert.equal(redactStoreUrl('sqlite:./x.db'), 'sqlite:./x.db');
  });
});

describe('openStore with an unreachable PostgreSQL', () => {
  it('ping says false (does not throw or hang) and migrate rejects', async () => {
    // Port 1 on loopback: connection refused at once, no network beyond this machine.
    const store = openStore('postgres://postgres@127.0.0.1:1/postgres', { connectTimeoutMs: 2000 });
    try {
      assert.equal(await store.ping(), false);
      await assert.rejects(store.migrate());
    } finally {
      await store.close();
    }
  });
});
