/**
 * `roamkit outbox list|retry`, in-process: on a node's SQLite database (--db) and through a
 * running node's admin API (--url), the table and JSON outputs, and the exit codes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { formatOutboxCounts, type OutboxIo } from '../../src/cli/outbox.js';
import { buildApp } from '../../src/http/app.js';
import { createPublisher } from '../../src/platform/delivery/publisher.js';
import { openStore, type SqlStore } from '../../src/store/database.js';
import type { PeerRecord } from '../../src/store/types.js';
import { testConfig } from '../http/helpers.js';
import { addPeer, ourLocation } from '../platform/delivery/helpers.js';
import { runCli } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'roamkit-outbox-cli-'));
const ADMIN_TOKEN = 'outbox-admin-token-0123';

/** `roamkit outbox ARGS…`. */
const cli = (args: string[], extra: Partial<OutboxIo> = {}) => runCli(['outbox', ...args], extra);

/** A node database with one peer owed two locations, parked (unreachable). */
async function parkedDatabase(name: string): Promise<{ db: string; store: SqlStore; peer: PeerRecord }> {
  const db = `sqlite:${join(tmp, `${name}.db`)}`;
  const store = openStore(db);
  await store.migrate();
  const peer = await addPeer(store, { name: 'emsp' });
  const publisher = createPublisher({ config: testConfig(), store });
  await publisher.put('locations', ourLocation('A'));
  await publisher.put('locations', ourLocation('B'));
  await store.deliveries.parkPeer(peer.id, {
    nextProbeAt: new Date(Date.now() + 3_600_000),
    error: 'HTTP 503',
  });
  return { db, store, peer };
}

after(() => rmSync(tmp, { recursive: true, force: true }));

describe('roamkit outbox --db', () => {
  let db: string;
  let store: SqlStore;
  let peer: PeerRecord;
  before(async () => {
    ({ db, store, peer } = await parkedDatabase('node'));
    await store.close();
  });

  test('list: a table of the rows and the counts per peer', async () => {
    const { code, out } = await cli(['list', '--db', db]);
    assert.equal(code, 0);
    const lines = out.split('\n');
    assert.match(
      lines[0] ?? '',
      /^peer\s+state\s+object\s+acked\/owed\s+attempts\s+next attempt\s+last error$/,
    );
    assert.match(
      out,
      new RegExp(`${peer.id}\\s+PARKED\\s+locations NL/RMK/A\\s+-/1\\s+0\\s+\\S+\\s+HTTP 503`),
    );
    assert.match(out, /locations NL\/RMK\/B/);
    assert.match(out, new RegExp(`peer ${peer.id}: 2 PARKED`));
  });

  test('list --json with filters; bad filters are usage errors', async () => {
    const json = await cli(['list', '--db', db, '--state', 'parked', '--peer', peer.id, '--json']);
    assert.equal(json.code, 0);
    const listing = JSON.parse(json.out) as {
      deliveries: { id: string; state: string }[];
      counts: unknown[];
    };
    assert.deepEqual(
      listing.deliveries.map((d) => `${d.id} ${d.state}`),
      ['A PARKED', 'B PARKED'],
    );
    assert.deepEqual(
      JSON.parse((await cli(['list', '--db', db, '--state', 'DONE', '--json'])).out).deliveries,
      [],
    );
    const bad = await cli(['list', '--db', db, '--state', 'LOST']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--state: use PENDING, PARKED, REFUSED, DONE/);
    const unknown = await cli(['list', '--db', db, '--peer', 'nobody']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /no peer with id "nobody"/);
  });

  test('retry: parked rows are due again as PUTs', async () => {
    const { db: other, store: s, peer: p } = await parkedDatabase('retry');
    await s.close();
    const { code, out } = await cli(['retry', '--db', other, '--peer', p.id]);
    assert.equal(code, 0);
    assert.equal(out, '2 parked or refused deliveries due again; the node sends them now');
    const check = openStore(other);
    try {
      const rows = await check.deliveries.list({ peerId: p.id });
      assert.deepEqual(
        rows.map((r) => [r.state, r.forcePut]),
        [
          ['PENDING', true],
          ['PENDING', true],
        ],
      );
    } finally {
      await check.close();
    }
    assert.deepEqual(JSON.parse((await cli(['retry', '--db', other, '--json'])).out), { retried: 0 });
  });

  test('a database that does not exist is never created: usage error', async () => {
    const missing = join(tmp, 'missing', 'x.db');
    const { code, err } = await cli(['list', '--db', `sqlite:${missing}`]);
    assert.equal(code, 2);
    assert.match(err, /no database at/);
  });

  test('formatOutboxCounts groups the states of each peer', () => {
    assert.deepEqual(
      formatOutboxCounts([
        { peerId: 'p1', state: 'DONE', count: 3 },
        { peerId: 'p1', state: 'PARKED', count: 1 },
        { peerId: 'p2', state: 'PENDING', count: 2 },
      ]),
      ['peer p1: 3 DONE, 1 PARKED', 'peer p2: 2 PENDING'],
    );
  });
});

describe('roamkit outbox --url', () => {
  let store: SqlStore;
  let peer: PeerRecord;
  let url: string;
  let close: () => Promise<void>;
  before(async () => {
    ({ store, peer } = await parkedDatabase('served'));
    const app = buildApp({ config: testConfig({ adminToken: ADMIN_TOKEN }), store, logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    close = async () => {
      await app.close();
      await store.close();
    };
  });
  after(() => close());

  test('list and retry through the admin API', async () => {
    const listed = await cli(['list', '--url', url, '--admin-token', ADMIN_TOKEN, '--state', 'PARKED']);
    assert.equal(listed.code, 0, listed.err);
    assert.match(listed.out, /PARKED\s+locations NL\/RMK\/A/);
    const json = await cli(['list', '--json'], {
      env: { ROAMKIT_ADMIN_URL: url, ROAMKIT_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    assert.equal(JSON.parse(json.out).deliveries.length, 2);

    const bad = await cli(['list', '--url', url, '--admin-token', ADMIN_TOKEN, '--state', 'nope']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--state/);
    const unknown = await cli(['retry', '--url', url, '--admin-token', ADMIN_TOKEN, '--peer', 'nobody']);
    assert.equal(unknown.code, 1);

    const retried = await cli([
      'retry',
      '--url',
      url,
      '--admin-token',
      ADMIN_TOKEN,
      '--peer',
      peer.id,
      '--json',
    ]);
    assert.equal(retried.code, 0, retried.err);
    assert.deepEqual(JSON.parse(retried.out), { retried: 2 });
    assert.equal((await store.deliveries.list({ state: 'PARKED' })).length, 0);
  });

  test('a wrong admin token or no node: exit 1 with the reason', async () => {
    const wrong = await cli(['list', '--url', url, '--admin-token', 'wrong-token']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /refused the admin token/);
    const nobody = await cli(['list', '--url', 'http://127.0.0.1:1', '--admin-token', ADMIN_TOKEN]);
    assert.equal(nobody.code, 1);
    assert.match(nobody.err, /cannot reach the admin API/);
  });
});
