/**
 * End to end through the command line: two served nodes (SQLite files, loopback ports). Node A
 * invites (`peers invite --json`), node B registers (`peers register`) through its admin API, then
 * updates and unregisters; the same over `--db` while both nodes serve their databases; and
 * `register --db` on a database no node serves fails cleanly, as documented (the peer must be able
 * to call that node back).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadServeSettings } from '../../src/cli/config-file.js';
import { startServer } from '../../src/cli/serve.js';
import { encodeAuthorization } from '../../src/protocol/index.js';
import { runCli as cli, type Invitation, inviteThenRegisterWithDb, registerWithDb } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'roamkit-peers-e2e-'));
const TOKEN_A_ADMIN = 'node-a-admin-token-0123';
const TOKEN_B_ADMIN = 'node-b-admin-token-0123';

async function serve(name: string, parties: string[], versions: string, adminToken: string) {
  const db = `sqlite:${join(tmp, `${name}.db`)}`;
  const server = await startServer(loadServeSettings({ db, port: '0', parties, versions, adminToken }, {}), {
    logger: false,
  });
  return { server, db, admin: ['--url', server.publicUrl, '--admin-token', adminToken] };
}

type Node = Awaited<ReturnType<typeof serve>>;
type PeerJson = {
  id: string;
  name: string | null;
  status: string;
  version: string | null;
  parties: string[];
};

async function listPeers(node: Node): Promise<PeerJson[]> {
  const r = await cli(['peers', 'list', '--json', ...node.admin]);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as PeerJson[];
}

describe('roamkit peers between two served nodes', () => {
  let a: Node;
  let b: Node;
  before(async () => {
    a = await serve('a', ['NL:CPA:CPO'], '2.1.1,2.2.1,2.3.0', TOKEN_A_ADMIN);
    b = await serve('b', ['DE:EMB:EMSP'], '2.2.1', TOKEN_B_ADMIN);
  });
  after(async () => {
    await a.server.close();
    await b.server.close();
  });

  test('through the admin APIs: invite --json at A, register at B, update, unregister', async () => {
    const invite = await cli(['peers', 'invite', '--name', 'B', '--json', ...a.admin]);
    assert.equal(invite.code, 0, invite.err);
    const { token, versions_url } = JSON.parse(invite.out) as Invitation;
    assert.equal(versions_url, a.server.versionsUrl);

    const register = await cli([
      'peers',
      'register',
      '--versions-url',
      versions_url,
      '--token',
      token,
      '--name',
      'A',
      '--json',
      ...b.admin,
    ]);
    assert.equal(register.code, 0, register.err);
    const atB = JSON.parse(register.out) as PeerJson;
    assert.equal(atB.status, 'REGISTERED');
    assert.equal(atB.version, '2.2.1', 'the only version B offers');
    assert.deepEqual(atB.parties, ['NL:CPA:CPO']);

    const atA = (await listPeers(a)).find((p) => p.name === 'B');
    assert.equal(atA?.status, 'REGISTERED');
    assert.equal(atA?.version, '2.2.1');
    assert.deepEqual(atA?.parties, ['DE:EMB:EMSP']);
    // Token A is spent.
    const spent = await fetch(a.server.versionsUrl, {
      headers: { authorization: encodeAuthorization(token, '2.2.1') },
    });
    assert.equal(spent.status, 401);

    const update = await cli(['peers', 'update', atB.id, ...b.admin]);
    assert.equal(update.code, 0, update.err);
    assert.match(update.out, /^Updated, OCPI 2\.2\.1, tokens rotated: /);

    const unregister = await cli(['peers', 'unregister', atB.id, ...b.admin]);
    assert.equal(unregister.code, 0, unregister.err);
    assert.match(unregister.out, /UNREGISTERED/);
    assert.equal(unregister.err, '', 'A confirmed the DELETE');
    assert.equal((await listPeers(a)).find((p) => p.name === 'B')?.status, 'UNREGISTERED');
  });

  test('on the databases while the nodes serve them: invite --db at A, register --db at B', async () => {
    // This process runs the handshake; A calls back B's public URL, where node B answers from b.db.
    const { register } = await inviteThenRegisterWithDb(['--name', 'B (db)', '--db', a.db], b.db);
    assert.equal(register.code, 0, register.err);
    assert.match(register.out, /^Registered in OCPI 2\.2\.1: .*REGISTERED; OCPI 2\.2\.1; parties NL:CPA:CPO/);
    assert.equal((await listPeers(a)).find((p) => p.name === 'B (db)')?.status, 'REGISTERED');
  });

  test('register --db on a database no node serves: exit 1, the peer could not call back, nothing kept', async () => {
    const c = await serve('c', ['BE:CPC:CPO'], '2.2.1', 'node-c-admin-token-0123');
    await c.server.close(); // its database keeps the recorded public URL, but nothing answers there now
    const invitation = JSON.parse((await cli(['peers', 'invite', '--json', '--db', a.db])).out) as Invitation;
    const register = await registerWithDb(invitation, c.db);
    assert.equal(register.code, 1);
    assert.match(register.err, /roamkit peers register: the peer refused the registration/);
    const left = await cli(['peers', 'list', '--json', '--db', c.db]);
    assert.deepEqual(JSON.parse(left.out), [], 'the half-made peer row was removed');
    // Token A still works at A: the invitation can be used again.
    const again = await fetch(a.server.versionsUrl, {
      headers: { authorization: encodeAuthorization(invitation.token, '2.2.1') },
    });
    assert.equal(again.status, 200);
  });
});
