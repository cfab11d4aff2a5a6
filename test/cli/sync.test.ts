/**
 * `roamkit sync`, in-process against a scripted Sender and a node's SQLite database: the plain
 * progress lines and the summary, the progress bar on a terminal, and the exit codes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, afterEach, before, describe, test } from 'node:test';
import { recordNodeMeta } from '../../src/cli/serve.js';
import type { SyncIo } from '../../src/cli/sync.js';
import { openStore } from '../../src/store/database.js';
import type { PeerRecord } from '../../src/store/types.js';
import { testConfig } from '../http/helpers.js';
import { makeObject, PEER_PARTY, type ScriptedSender, startSender } from '../platform/sync-sender.js';
import { runCli } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'roamkit-sync-cli-'));
let dbCount = 0;

/** `roamkit sync ARGS…`, not on a terminal unless told. */
const cli = (args: string[], extra: Partial<SyncIo> = {}) =>
  runCli(['sync', ...args], { isTTY: false, ...extra });

/** A database a node has served (its settings recorded) with one REGISTERED CPO peer. */
async function nodeDatabase(senderUrl: string): Promise<{ db: string; peer: PeerRecord }> {
  const db = `sqlite:${join(tmp, `node-${++dbCount}.db`)}`;
  const store = openStore(db);
  try {
    await store.migrate();
    await recordNodeMeta(store, testConfig());
    const peer = await store.peers.create({
      name: 'BeCharged',
      status: 'REGISTERED',
      outgoingToken: 'cli-sync-token',
      version: '2.2.1',
      endpoints: [{ identifier: 'locations', role: 'SENDER', url: senderUrl }],
      roles: [{ role: 'CPO', ...PEER_PARTY, business_details: { name: 'BeCharged' } }],
    });
    return { db, peer };
  } finally {
    await store.close();
  }
}

async function storedCount(db: string): Promise<number> {
  const store = openStore(db);
  try {
    return await store.objects.count({ module: 'locations' });
  } finally {
    await store.close();
  }
}

describe('roamkit sync', () => {
  let cpo: ScriptedSender;
  before(async () => {
    cpo = await startSender({
      version: '2.2.1',
      module: 'locations',
      objects: Array.from({ length: 25 }, (_, i) => makeObject('2.2.1', 'locations', i)),
    });
  });
  afterEach(() => {
    cpo.options.failRequest = undefined;
  });
  after(async () => {
    await cpo.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('plain progress lines, one per page, and a summary; the next run is incremental', async () => {
    const { db, peer } = await nodeDatabase(cpo.url);
    const first = await cli(['locations', '--peer', peer.id, '--db', db, '--page-limit', '10']);
    assert.equal(first.code, 0, first.err);
    assert.equal(first.errLines.length, 3);
    assert.match(first.errLines[0] ?? '', /^page 1: 10\/25 objects, \d+\/s$/);
    assert.match(first.errLines[1] ?? '', /^page 2: 20\/25 objects, \d+\/s$/);
    assert.match(first.errLines[2] ?? '', /^page 3: 25\/25 objects, \d+\/s$/);
    assert.equal(first.lines.length, 1);
    assert.match(
      first.lines[0] ?? '',
      new RegExp(
        `^synced locations from peer ${peer.id} \\(BeCharged\\) \\(full\\): 25 received, 25 written, 0 rejected, 3 pages in \\d+\\.\\d s$`,
      ),
    );
    assert.equal(await storedCount(db), 25);

    const second = await cli(['locations', '--peer', peer.id, '--db', db]);
    assert.equal(second.code, 0);
    assert.match(second.lines[0] ?? '', /\(changes since \d{4}-\d\d-\d\dT[\d:.]+Z\): 0 received, 0 written/);
    const third = await cli(['locations', '--peer', peer.id, '--db', db, '--full']);
    assert.match(third.lines[0] ?? '', /\(full\): 25 received/);
  });

  test('on a terminal: a progress bar on the stream, no page lines', async () => {
    const { db, peer } = await nodeDatabase(cpo.url);
    let drawn = '';
    const stream = Object.assign(
      new Writable({
        write(chunk, _encoding, callback) {
          drawn += String(chunk);
          callback();
        },
      }),
      { isTTY: true, columns: 120 },
    );
    const run = await cli(['locations', '--peer', peer.id, '--db', db, '--page-limit', '5'], {
      isTTY: true,
      progressStream: stream,
    });
    assert.equal(run.code, 0, run.err);
    assert.deepEqual(run.errLines, []);
    assert.match(drawn, /locations \[.*\] 25\/25 objects/);
    assert.match(run.lines[0] ?? '', /25 received, 25 written/);
  });

  test('a failing sync: exit 1 with one line saying why', async () => {
    const { db, peer } = await nodeDatabase(cpo.url);
    cpo.options.failRequest = () => true;
    const run = await cli(['locations', '--peer', peer.id, '--db', db]);
    assert.equal(run.code, 1);
    assert.equal(run.errLines.length, 1);
    assert.match(run.errLines[0] ?? '', /^roamkit sync: GET http:\/\/127\.0\.0\.1:\d+\/.*HTTP 500/);
    assert.deepEqual(run.lines, []);
  });

  test('usage errors exit 2: unknown peer, bad module, bad page limit, missing --peer, no database', async () => {
    const { db, peer } = await nodeDatabase(cpo.url);
    const unknown = await cli(['locations', '--peer', 'no-such-peer', '--db', db]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /no peer with id no-such-peer/);

    const module = await cli(['commands', '--peer', peer.id, '--db', db]);
    assert.equal(module.code, 2);
    assert.match(
      module.err,
      /'commands' is not a module to sync \(use locations or tariffs or tokens or sessions or cdrs\)/,
    );

    const limit = await cli(['tariffs', '--peer', peer.id, '--db', db, '--page-limit', '0']);
    assert.equal(limit.code, 2);
    assert.match(limit.err, /positive integer/);

    assert.equal((await cli(['tariffs', '--db', db])).code, 2);

    const missing = await cli(['locations', '--peer', peer.id, '--db', `sqlite:${join(tmp, 'nothing.db')}`]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no database at/);

    // A peer without a tariffs Sender endpoint is a failed action, not usage.
    const noEndpoint = await cli(['tariffs', '--peer', peer.id, '--db', db]);
    assert.equal(noEndpoint.code, 1);
    assert.match(noEndpoint.err, /offers no tariffs Sender endpoint/);
  });
});
