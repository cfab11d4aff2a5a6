/**
 * `roamkit peers`, in-process: choosing the target (--db, --url, environment), the database path
 * (never creating a database, needing a node to have served it), the admin API client's errors,
 * and the output formats.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadServeSettings } from '../../src/cli/config-file.js';
import { run } from '../../src/cli/main.js';
import { formatPeerTable, resolveTarget } from '../../src/cli/peers.js';
import { InputError } from '../../src/cli/read-documents.js';
import { type RunningServer, startServer } from '../../src/cli/serve.js';
import { openStore } from '../../src/store/database.js';

const tmp = mkdtempSync(join(tmpdir(), 'roamkit-peers-'));
const ADMIN_TOKEN = 'peers-admin-token-0123';

async function cli(args: string[], extra: { env?: Record<string, string>; fetch?: typeof fetch } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: extra.env ?? {},
    ...(extra.fetch ? { fetch: extra.fetch } : {}),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('resolveTarget', () => {
  test('--url with its token, --db, or the environment; never both', () => {
    assert.deepEqual(resolveTarget({ url: 'http://127.0.0.1:8080', adminToken: 't' }, {}), {
      kind: 'admin',
      url: 'http://127.0.0.1:8080/',
      adminToken: 't',
    });
    assert.deepEqual(resolveTarget({ url: 'http://127.0.0.1:8080' }, { ROAMKIT_ADMIN_TOKEN: 'e' }), {
      kind: 'admin',
      url: 'http://127.0.0.1:8080/',
      adminToken: 'e',
    });
    assert.deepEqual(resolveTarget({ db: 'sqlite:x.db' }, { ROAMKIT_ADMIN_URL: 'http://127.0.0.1:1' }), {
      kind: 'db',
      db: 'sqlite:x.db',
    });
    assert.deepEqual(
      resolveTarget({}, { ROAMKIT_ADMIN_URL: 'http://127.0.0.1:1', ROAMKIT_ADMIN_TOKEN: 'e' }),
      {
        kind: 'admin',
        url: 'http://127.0.0.1:1/',
        adminToken: 'e',
      },
    );
    assert.deepEqual(resolveTarget({}, { ROAMKIT_DB: 'postgres://h/db' }), {
      kind: 'db',
      db: 'postgres://h/db',
    });
    assert.throws(() => resolveTarget({ db: 'sqlite:x', url: 'http://127.0.0.1' }, {}), /not both/);
    assert.throws(
      () => resolveTarget({ url: 'http://127.0.0.1' }, {}),
      /--admin-token T or ROAMKIT_ADMIN_TOKEN/,
    );
    assert.throws(() => resolveTarget({ url: 'not a url', adminToken: 't' }, {}), InputError);
    assert.throws(() => resolveTarget({ url: 'ftp://x', adminToken: 't' }, {}), InputError);
  });

  test('nothing given and no ./data/roamkit.db: a usage error saying what to give', () => {
    const cwd = process.cwd();
    process.chdir(tmp);
    try {
      assert.throws(
        () => resolveTarget({}, {}),
        /--db sqlite:PATH\|postgres:\/\/… .* or --url URL --admin-token T/,
      );
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('roamkit peers --db', () => {
  let server: RunningServer;
  let db: string;
  before(async () => {
    db = `sqlite:${join(tmp, 'served.db')}`;
    server = await startServer(loadServeSettings({ db, port: '0', parties: ['NL:RMK:CPO'] }, {}), {
      logger: false,
    });
  });
  after(() => server.close());

  test('invite --json prints exactly {token, versions_url}; the token works at the serving node', async () => {
    const r = await cli(['peers', 'invite', '--db', db, '--name', 'Partner', '--json']);
    assert.equal(r.code, 0, r.err);
    const printed = JSON.parse(r.out) as { token: string; versions_url: string };
    assert.deepEqual(Object.keys(printed).sort(), ['token', 'versions_url']);
    assert.equal(printed.versions_url, server.versionsUrl);
    const versions = await fetch(server.versionsUrl, {
      headers: { authorization: `Token ${btoa(printed.token)}` },
    });
    assert.equal(((await versions.json()) as { status_code: number }).status_code, 1000);
  });

  test('invite without --json says what to hand over; list shows the peer, never a token', async () => {
    const r = await cli(['peers', 'invite', '--db', db, '--name', 'Human']);
    assert.equal(r.code, 0, r.err);
    const token = /token A:\s+(\S+)/.exec(r.out)?.[1];
    assert.ok(token);
    assert.match(r.out, new RegExp(`versions URL: ${server.versionsUrl}`));

    const table = await cli(['peers', 'list', '--db', db]);
    assert.equal(table.code, 0);
    assert.match(table.out, /^id\s+name\s+status\s+version\s+parties\s+versions url$/m);
    assert.match(table.out, /Human\s+INVITED/);
    assert.ok(!table.out.includes(token));

    const json = await cli(['peers', 'list', '--db', db, '--json', '--status', 'invited']);
    const peers = JSON.parse(json.out) as Record<string, unknown>[];
    assert.ok(peers.some((p) => p.name === 'Human'));
    assert.ok(peers.every((p) => p.status === 'INVITED'));
    assert.ok(!json.out.includes(token));
    assert.ok(!/token/i.test(json.out), 'no token field of any kind');
  });

  test('unregister revokes an invitation; unknown ids and wrong states exit 1 with the reason', async () => {
    const invite = JSON.parse((await cli(['peers', 'invite', '--db', db, '--json'])).out) as {
      token: string;
    };
    const peer = (await server.store.peers.list()).at(-1);
    assert.ok(peer);
    const gone = await cli(['peers', 'unregister', peer.id, '--db', db]);
    assert.equal(gone.code, 0, gone.err);
    assert.match(gone.out, /UNREGISTERED/);
    const versions = await fetch(server.versionsUrl, {
      headers: { authorization: `Token ${btoa(invite.token)}` },
    });
    assert.equal(versions.status, 401, 'the revoked token A is refused');

    const again = await cli(['peers', 'unregister', peer.id, '--db', db]);
    assert.equal(again.code, 1);
    assert.match(again.err, /already UNREGISTERED/);
    const unknown = await cli(['peers', 'update', 'no-such-id', '--db', db]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /roamkit peers update: no peer with id "no-such-id"/);
  });

  test('register: bad input exits 2 naming the flag; an unreachable peer exits 1 with the OCPI status', async () => {
    const bad = await cli(['peers', 'register', '--db', db, '--versions-url', 'nope', '--token', 'x']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--versions-url: is not an absolute URL/);
    const missing = await cli(['peers', 'register', '--db', db, '--versions-url', 'http://127.0.0.1:1/v']);
    assert.equal(missing.code, 2, 'commander: --token is required');
    const unreachable = await cli([
      'peers',
      'register',
      '--db',
      db,
      '--versions-url',
      'http://127.0.0.1:1/ocpi/versions',
      '--token',
      'token-a',
    ]);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.err, /could not fetch the versions .*\(OCPI status 3001\)/);
  });

  test('a database path that does not exist is refused and not created', async () => {
    const path = join(tmp, 'nowhere', 'x.db');
    const r = await cli(['peers', 'invite', '--db', `sqlite:${path}`]);
    assert.equal(r.code, 2);
    assert.match(r.err, /no database at/);
    assert.equal(existsSync(path), false);
    const memory = await cli(['peers', 'list', '--db', 'sqlite::memory:']);
    assert.equal(memory.code, 2);
    const unsupported = await cli(['peers', 'list', '--db', 'mysql://x']);
    assert.equal(unsupported.code, 2);
    assert.match(unsupported.err, /--db: unsupported database URL/);
  });

  test('a database no node has served: list works, the rest say to serve it first', async () => {
    const path = join(tmp, 'never-served.db');
    const store = openStore(`sqlite:${path}`);
    await store.migrate();
    await store.close();
    const list = await cli(['peers', 'list', '--db', `sqlite:${path}`]);
    assert.equal(list.code, 0);
    assert.equal(list.out, 'no peers');
    const invite = await cli(['peers', 'invite', '--db', `sqlite:${path}`]);
    assert.equal(invite.code, 1);
    assert.match(invite.err, /no node has served this database yet/);
  });

  test('node settings in the database that no longer validate: exit 1 saying so, no crash', async () => {
    const path = join(tmp, 'garbled.db');
    const store = openStore(`sqlite:${path}`);
    await store.migrate();
    await store.meta.set('public_url', 'http://127.0.0.1:8080');
    await store.meta.set('parties', [{ country_code: 'N', party_id: 'X', role: 'KING' }]);
    await store.close();
    const invite = await cli(['peers', 'invite', '--db', `sqlite:${path}`]);
    assert.equal(invite.code, 1);
    assert.match(invite.err, /node settings recorded in this database are unusable .*parties\[0\]\.role/);
  });
});

describe('roamkit peers --url', () => {
  test('a wrong admin token, an admin API that is off, a node that is not there: exit 1 with the reason', async () => {
    const on = await startServer(
      loadServeSettings(
        { db: 'sqlite::memory:', port: '0', parties: ['NL:RMK:CPO'], adminToken: ADMIN_TOKEN },
        {},
      ),
      { logger: false },
    );
    const off = await startServer(
      loadServeSettings({ db: 'sqlite::memory:', port: '0', parties: ['NL:RMK:CPO'] }, {}),
      {
        logger: false,
      },
    );
    try {
      const wrong = await cli([
        'peers',
        'list',
        '--url',
        on.publicUrl,
        '--admin-token',
        'not-the-admin-token',
      ]);
      assert.equal(wrong.code, 1);
      assert.match(wrong.err, /refused the admin token \(HTTP 401\)/);
      const right = await cli(['peers', 'list', '--url', on.publicUrl], {
        env: { ROAMKIT_ADMIN_TOKEN: ADMIN_TOKEN },
      });
      assert.equal(right.code, 0, right.err);
      assert.equal(right.out, 'no peers');
      const disabled = await cli(['peers', 'list', '--url', off.publicUrl, '--admin-token', ADMIN_TOKEN]);
      assert.equal(disabled.code, 1);
      assert.match(disabled.err, /admin API is off/);
      const bad = await cli([
        'peers',
        'list',
        '--url',
        on.publicUrl,
        '--admin-token',
        ADMIN_TOKEN,
        '--status',
        'X',
      ]);
      assert.equal(bad.code, 2);
      assert.match(bad.err, /--status: must be one of INVITED, REGISTERED, UNREGISTERED/);
    } finally {
      await on.close();
      await off.close();
    }
    // A port nothing listens at (taken and given back), never used before: no pooled connection.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((resolve) => probe.close(resolve));
    const gone = await cli(['peers', 'list', '--url', closedUrl, '--admin-token', ADMIN_TOKEN]);
    assert.equal(gone.code, 1);
    assert.match(gone.err, new RegExp(`cannot reach the admin API at ${closedUrl}: connect ECONNREFUSED`));
  });

  test('plain http beyond loopback gets a warning; the token goes as a bearer token, no redirects', async () => {
    const seen: { url: string; init: RequestInit | undefined }[] = [];
    const fakeFetch = (async (url: string | URL | Request, init?: RequestInit) => {
      seen.push({ url: String(url), init });
      return new Response(JSON.stringify({ peers: [] }), { status: 200 });
    }) as typeof fetch;
    const r = await cli(
      ['peers', 'list', '--url', 'http://node.example:8080/', '--admin-token', ADMIN_TOKEN],
      {
        fetch: fakeFetch,
      },
    );
    assert.equal(r.code, 0);
    assert.match(r.err, /warning: sending the admin token over plain http to node\.example:8080/);
    assert.equal(seen[0]?.url, 'http://node.example:8080/admin/peers');
    assert.equal(new Headers(seen[0]?.init?.headers).get('authorization'), `Bearer ${ADMIN_TOKEN}`);
    assert.equal(seen[0]?.init?.redirect, 'error');
  });
});

describe('formatPeerTable', () => {
  test('one aligned row per peer; dashes for what is not known yet', () => {
    const lines = formatPeerTable([
      {
        id: 'a',
        name: null,
        status: 'INVITED',
        version: null,
        versionsUrl: null,
        parties: [],
        endpoints: [],
        createdAt: '',
        updatedAt: '',
      },
      {
        id: 'b',
        name: 'Peer',
        status: 'REGISTERED',
        version: '2.2.1',
        versionsUrl: 'https://p.example/versions',
        parties: ['DE:PEE:EMSP', 'DE:PEC:CPO'],
        endpoints: [],
        createdAt: '',
        updatedAt: '',
      },
    ]);
    assert.equal(lines.length, 3);
    assert.match(lines[1] ?? '', /^a\s+-\s+INVITED\s+-\s+-\s+-$/);
    assert.match(
      lines[2] ?? '',
      /^b\s+Peer\s+REGISTERED\s+2\.2\.1\s+DE:PEE:EMSP,DE:PEC:CPO\s+https:\/\/p\.example\/versions$/,
    );
    assert.deepEqual(formatPeerTable([]), ['no peers']);
  });
});
