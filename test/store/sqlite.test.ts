/** The store contract on SQLite (in memory and in a file), and what only SQLite has: the file, WAL, locking. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { openStore } from '../../src/store/database.js';
import { StoreError } from '../../src/store/errors.js';
import { hashToken } from '../../src/store/tokens.js';
import { storeContractSuite } from './contract-suite.js';
import { objectsContractSuite } from './objects-suite.js';
import { sqliteFileTarget, sqliteMemoryTarget } from './targets.js';

storeContractSuite(sqliteMemoryTarget());
storeContractSuite(sqliteFileTarget());
objectsContractSuite(sqliteMemoryTarget());
objectsContractSuite(sqliteFileTarget());

describe('SQLite file store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roamkit-sqlite-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates missing folders, and the file is in WAL journal mode with foreign keys on', async () => {
    const path = join(dir, 'nested', 'deeper', 'roamkit.db');
    const store = openStore(`sqlite:${path}`);
    try {
      await store.migrate();
      assert.ok(existsSync(path));
      // A separate connection reads the mode stored in the file itself.
      const other = new BetterSqlite3(path, { readonly: true });
      try {
        assert.equal(other.pragma('journal_mode', { simple: true }), 'wal');
      } finally {
        other.close();
      }
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(store.db);
      assert.equal(fk.rows[0]?.foreign_keys, 1);
    } finally {
      await store.close();
    }
  });

  it('accepts sqlite://PATH as well as sqlite:PATH', async () => {
    const path = join(dir, 'slashes.db');
    const first = openStore(`sqlite://${path}`);
    await first.migrate();
    await first.peers.create({ name: 'n', status: 'INVITED' });
    await first.close();
    const second = openStore(`sqlite:${path}`);
    try {
      assert.equal((await second.peers.list()).length, 1);
    } finally {
      await second.close();
    }
  });

  it('a transaction takes the write lock up front: another connection cannot write meanwhile', async () => {
    const path = join(dir, 'locking.db');
    const a = openStore(`sqlite:${path}`);
    const b = openStore(`sqlite:${path}`, { busyTimeoutMs: 50 });
    try {
      await a.migrate();
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      let started!: () => void;
      const inside = new Promise<void>((r) => {
        started = r;
      });
      // A transaction that has only read so far: with a deferred BEGIN it would hold no write lock.
      const tx = a.transaction(async (t) => {
        await t.peers.list();
        started();
        await held;
        return t.peers.create({ name: 'from a', status: 'INVITED' });
      });
      await inside;
      await assert.rejects(
        b.peers.create({ name: 'from b', status: 'INVITED', incomingTokenHash: hashToken('b') }),
        (err) => err instanceof StoreError && err.code === 'SQLITE_BUSY',
      );
      release();
      await tx;
      // Once the lock is free, b writes (and sees a's commit).
      await b.peers.create({ name: 'from b', status: 'INVITED' });
      // Sorted: both rows are often created in the same millisecond, and list() then orders by id (random).
      assert.deepEqual((await b.peers.list()).map((p) => p.name).sort(), ['from a', 'from b']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a path that cannot be opened gives a StoreError naming it', () => {
    const blocker = join(dir, 'a-file');
    const store = openStore(`sqlite:${blocker}`);
    return store.close().then(() => {
      // blocker is now a file; a database "inside" it cannot exist.
      assert.throws(
        () => openStore(`sqlite:${join(blocker, 'x', 'y.db')}`),
        (err: unknown) => err instanceof Error && err.message.includes(blocker),
      );
    });
  });
});
